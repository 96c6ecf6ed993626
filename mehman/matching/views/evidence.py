"""The model's evidence as a reviewer reads it: for each field, how the two records compare in
words, and how much that weighs for or against their being one person.

A pair keeps the engine's evidence as ``[{"field", "level", "weight"}]``; ``weight`` is the
field's match weight (log2 of its Bayes factor): positive speaks for one person, negative for
two. The pages and the API both show these words.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from mehman.matching.labels import FIELD_LEVEL_LABELS, LEVEL_LABELS

# The fields the engine compares, in the order a reviewer reads them.
FIELD_LABELS: dict[str, StrOrPromise] = {
    "given": _("Given name"),
    "father": _("Father's name"),
    "family": _("Family name"),
    "birth_date": _("Date of birth"),
    "sex": _("Sex"),
    "document": _("Documents"),
    "phone": _("Phone"),
    "alike": _("Records with this name, father's name and birth year"),
}

# A weight of this much or more fills the bar.
FULL_BAR = 10.0


@dataclass(frozen=True)
class Verdict:
    """One field of the evidence, ready to show."""

    field: str
    level: str
    weight: float

    @property
    def field_label(self) -> StrOrPromise:
        return FIELD_LABELS.get(self.field, self.field)

    @property
    def label(self) -> StrOrPromise:
        return level_label(self.field, self.level)

    @property
    def tone(self) -> str:
        """``for`` one person, ``against``, or ``neutral`` (no evidence either way)."""
        if self.weight > 0:
            return "for"
        if self.weight < 0:
            return "against"
        return "neutral"

    @property
    def magnitude(self) -> float:
        """How much it weighs, either way, to one decimal."""
        return round(abs(self.weight), 1)

    @property
    def bar(self) -> int:
        """The bar's length in percent of its track."""
        return min(100, round(abs(self.weight) / FULL_BAR * 100))


def level_label(field: str, level: str) -> StrOrPromise:
    """The level in the reader's words (the code itself for a level this page does not know)."""
    return FIELD_LEVEL_LABELS.get((field, level)) or LEVEL_LABELS.get(level, level)


def verdicts(evidence: Iterable[Mapping[str, Any]]) -> list[Verdict]:
    """The evidence in reading order (unknown fields last)."""
    order = list(FIELD_LABELS)
    found = [
        Verdict(str(item.get("field", "")), str(item.get("level", "")), _weight(item))
        for item in evidence or ()
        if isinstance(item, Mapping)
    ]
    return sorted(found, key=lambda v: order.index(v.field) if v.field in order else len(order))


def by_field(evidence: Iterable[Mapping[str, Any]]) -> dict[str, Verdict]:
    return {verdict.field: verdict for verdict in verdicts(evidence)}


def strongest(evidence: Iterable[Mapping[str, Any]]) -> tuple[Verdict | None, Verdict | None]:
    """The field that speaks most for one person, and the one most against (if any is)."""
    found = verdicts(evidence)
    best = max(found, key=lambda v: v.weight, default=None)
    worst = min(found, key=lambda v: v.weight, default=None)
    return (
        best if best is not None and best.weight > 0 else None,
        worst if worst is not None and worst.weight < 0 else None,
    )


def percent(probability: float) -> int:
    """The probability as a whole percent, never rounded up to a certainty it is not."""
    return max(0, min(100, int(probability * 100)))


def _weight(item: Mapping[str, Any]) -> float:
    try:
        return float(item.get("weight") or 0.0)
    except (TypeError, ValueError):
        return 0.0
