"""The duplicate check at registration, answered by the app that does duplicate detection.

The registry may not import ``matching`` (it sits beside the registry and reads it). Matching
registers, in its ``AppConfig.ready``:

- a **finder**: called with the people the clerk may see and one member as the wizard
  cleaned it (``RegistrationMemberForm.member_data()``, plus ``documents``: a list of
  ``(doc_type, number)``); it returns the likely matches, most likely first;
- a **recorder**: called inside the registration's transaction, after the household was
  registered, with each match the clerk judged (``REVIEW``: flag for a reviewer;
  ``DIFFERENT``: the clerk compared them and they are different people).

Without a finder, the registry's own simple check (``queries.likely_duplicates``) answers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from mehman.registry.models import Individual

# What the clerk decided about one likely match.
SAME = "same"  # the person is on file: nothing is registered, the clerk opens the record
REVIEW = "review"  # register, and ask a reviewer
DIFFERENT = "different"  # register: the clerk compared them, they are different people


@dataclass(frozen=True)
class FieldEvidence:
    """One field side by side: what was typed, what is on file, and how they compare."""

    label: str  # the field's name, translated
    typed: str
    on_file: str
    verdict: str  # "same", "similar", "different", "missing"
    verdict_label: str  # translated, e.g. "spelled differently"


@dataclass(frozen=True)
class PossibleMatch:
    individual: Individual
    probability: float | None  # None from the simple check
    evidence: tuple[FieldEvidence, ...] = field(default=())


Finder = Callable[["QuerySet[Individual]", dict[str, Any]], list[PossibleMatch]]
# (registered person, person on file, decision, probability, by)
Recorder = Callable[["Individual", "Individual", str, "float | None", Any], None]

_FINDERS: dict[str, Finder] = {}
_RECORDERS: dict[str, Recorder] = {}


def register_finder(name: str, finder: Finder) -> None:
    _FINDERS[name] = finder


def register_recorder(name: str, recorder: Recorder) -> None:
    _RECORDERS[name] = recorder


def find(people: QuerySet[Individual], member: dict[str, Any]) -> list[PossibleMatch]:
    """Likely matches of one member about to be registered, among ``people`` (scoped)."""
    for finder in _FINDERS.values():
        return finder(people, member)
    from mehman.registry import queries

    birth = member.get("birth_date")
    found = queries.likely_duplicates(
        people,
        member.get("given_name", ""),
        member.get("father_name", ""),
        birth.year if birth else None,
    )
    return [PossibleMatch(individual=person, probability=None) for person in found]


def record(
    registered: Individual, on_file: Individual, decision: str, probability: float | None, by: Any
) -> None:
    """Keep what the clerk decided (inside the registration's transaction)."""
    for recorder in _RECORDERS.values():
        recorder(registered, on_file, decision, probability, by)
