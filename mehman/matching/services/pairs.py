"""A reviewer's decisions on a pair of people who may be one: confirm (the registry merges the
later record into the earlier one), reject (remembered: never proposed again), undo a merge;
and what a clerk decided about a likely match at registration."""

from __future__ import annotations

from typing import Any, Final

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mehman.core import events
from mehman.core.services import save_recorded
from mehman.matching import events as matching_events
from mehman.matching.engine import prepare
from mehman.matching.models import PAIR_TRANSITIONS, MatchPair, PairSource, PairStatus
from mehman.matching.services._common import (
    comparable,
    engine_row,
    person_values,
    personal_documents,
    registry_model,
)
from mehman.registry import duplicates
from mehman.registry import services as registry_services
from mehman.registry.models import HouseholdEvent, Individual, IndividualStatus

# A chain of merges is followed this far at most (it is one or two steps in practice).
MAX_CHAIN: Final = 50


def _user(by: Any) -> Any:
    return by if getattr(by, "is_authenticated", False) else None


def _lock(pair: MatchPair) -> MatchPair:
    locked: MatchPair = (
        MatchPair.objects.select_for_update(of=("self",))
        .select_related("first__household", "second__household")
        .get(pk=pair.pk)
    )
    return locked


def _check_transition(pair: MatchPair, status: str) -> None:
    if status not in PAIR_TRANSITIONS.get(pair.status, set()):
        raise ValidationError(
            _("This pair is “%(status)s”: that decision cannot be taken on it now."),
            code="transition",
            params={"status": pair.get_status_display()},
        )


def _decide(pair: MatchPair, status: str, by: Any, note: str, reason: str) -> None:
    pair.status = status
    pair.decided_by = _user(by)
    pair.decided_at = timezone.now()
    pair.note = (note or "").strip()[:300]
    save_recorded(pair, by, reason)


def _events(pair: MatchPair, kind: events.EventKind, by: Any, **params: Any) -> None:
    """The event on the timeline of each person's household (once if they share one)."""
    first, second = pair.first, pair.second
    for person, other in ((first, second), (second, first)):
        if person is second and first.household_id == second.household_id:
            break
        events.record(
            HouseholdEvent,
            aggregate=person.household,
            kind=kind,
            by=by,
            member=person.given_name,
            other=other.given_name,
            household=other.household.reference,
            pair=str(pair.uuid),
            **params,
        )


def _root(person: Individual) -> Individual:
    """The record a person's record was merged into, following a chain of merges."""
    for _step in range(MAX_CHAIN):
        if person.status != IndividualStatus.MERGED or person.merged_into_id is None:
            return person
        person = Individual.objects.select_related("household").get(pk=person.merged_into_id)
    return person


def _refuse_inactive(person: Individual) -> None:
    if not person.is_active:
        raise ValidationError(
            _("%(name)s of %(household)s is no longer a current member (%(status)s)."),
            code="inactive",
            params={
                "name": person.full_name,
                "household": person.household.reference,
                "status": person.get_status_display(),
            },
        )


@transaction.atomic
def confirm_pair(*, pair: MatchPair, by: Any, note: str = "") -> MatchPair:
    """Two records of one person are merged by the registry, the later into the one registered
    first; two records already one through other confirmations are only marked so."""
    pair = _lock(pair)
    _check_transition(pair, PairStatus.MERGED)
    keep, duplicate = _root(pair.first), _root(pair.second)
    merged = ""
    if keep.pk != duplicate.pk:
        if duplicate.pk < keep.pk:
            keep, duplicate = duplicate, keep
        _refuse_inactive(keep)
        _refuse_inactive(duplicate)
        registry_services.merge_individuals(
            keep=keep,
            duplicate=duplicate,
            by=by,
            reason=gettext("Confirmed duplicate (%(probability)s%%)")
            % {"probability": int(pair.probability * 100)},
        )
        merged = str(duplicate.uuid)
    _decide(pair, PairStatus.MERGED, by, note, "Confirmed")
    _events(pair, matching_events.PAIR_CONFIRMED, by, keep=str(keep.uuid), duplicate=merged)
    return pair


@transaction.atomic
def reject_pair(*, pair: MatchPair, by: Any, note: str = "") -> MatchPair:
    """Two people judged different stay apart: the pair is never proposed again."""
    pair = _lock(pair)
    _check_transition(pair, PairStatus.REJECTED)
    _decide(pair, PairStatus.REJECTED, by, note, "Rejected")
    _events(pair, matching_events.PAIR_REJECTED, by)
    return pair


def _confirmation(pair: MatchPair) -> HouseholdEvent | None:
    """The latest confirmation of the pair on the timeline (it names the record it merged)."""
    found: HouseholdEvent | None = (
        HouseholdEvent.objects.filter(
            kind=matching_events.PAIR_CONFIRMED.code, params__pair=str(pair.uuid)
        )
        .order_by("-pk")
        .first()
    )
    return found


@transaction.atomic
def undo_merge(*, pair: MatchPair, by: Any, note: str = "") -> MatchPair:
    """The merge a confirmation made is undone: both records are current again, and pairs
    confirmed only because of that merge are open to a decision again."""
    pair = _lock(pair)
    _check_transition(pair, PairStatus.UNDONE)
    confirmation = _confirmation(pair)
    merged = str(confirmation.params.get("duplicate", "")) if confirmation else ""
    if not merged:
        raise ValidationError(
            _(
                "These two records became one through another confirmed pair: undo that pair "
                "instead."
            ),
            code="merged_elsewhere",
        )
    duplicate = Individual.objects.get(uuid=merged)
    registry_services.unmerge_individual(duplicate=duplicate, by=by)
    _decide(pair, PairStatus.UNDONE, by, note, "Merge undone")
    _events(pair, matching_events.MERGE_UNDONE, by)
    _undo_dependants(pair, duplicate, by)
    return pair


def _undo_dependants(pair: MatchPair, duplicate: Individual, by: Any) -> None:
    """Pairs with the person unmerged that were confirmed without a merge of their own (they
    were one through this merge) are undone with it."""
    dependants = (
        MatchPair.objects.select_for_update(of=("self",))
        .select_related("first__household", "second__household")
        .filter(Q(first=duplicate) | Q(second=duplicate), status=PairStatus.MERGED)
        .exclude(pk=pair.pk)
    )
    reason = gettext("Undone: it relied on a merge that was undone.")
    for other in dependants:
        confirmation = _confirmation(other)
        if confirmation is not None and confirmation.params.get("duplicate"):
            continue  # it merged someone itself: that merge stands
        _decide(other, PairStatus.UNDONE, by, reason, "Merge undone")
        _events(other, matching_events.MERGE_UNDONE, by)


# --- At registration ---------------------------------------------------------------------------


def _ordered(a: Individual, b: Individual) -> tuple[Individual, Individual]:
    return (a, b) if a.pk < b.pk else (b, a)


def _scored(first: Individual, second: Individual) -> tuple[float, float, list[dict[str, Any]]]:
    """The model's probability, weight and evidence for two people on file."""
    people = Individual.objects.filter(household__settlement=first.household.settlement_id)
    model = registry_model(people)
    documents = personal_documents([first.pk, second.pk])
    mine, theirs = comparable(documents.get(first.pk, []), documents.get(second.pk, []))
    a = prepare(0, engine_row(person_values(first), mine.number if mine else ""), model.table)
    b = prepare(1, engine_row(person_values(second), theirs.number if theirs else ""), model.table)
    match = model.scorer().compare(a, b, model.with_alike(people.active(), [a]))
    evidence = [
        {"field": e.field, "level": e.level, "weight": round(e.weight, 3)} for e in match.evidence
    ]
    return match.probability, match.weight, evidence


def record_registration_decision(
    registered: Individual,
    on_file: Individual,
    decision: str,
    probability: float | None,
    by: Any,
) -> None:
    """What the clerk decided about a likely match while registering (inside the
    registration's transaction): flagged for review, the pair is queued; judged different
    people, it is remembered as rejected and never proposed."""
    if decision not in (duplicates.REVIEW, duplicates.DIFFERENT) or registered.pk == on_file.pk:
        return
    first, second = _ordered(registered, on_file)
    pair = (
        MatchPair.objects.select_for_update(of=("self",))
        .select_related("first__household", "second__household")
        .filter(first=first, second=second)
        .first()
    )
    if pair is None:
        scored, weight, evidence = _scored(first, second)
        pair = MatchPair(
            first=first,
            second=second,
            source=PairSource.REGISTRATION,
            probability=scored if probability is None else probability,
            weight=weight,
            evidence=evidence,
        )
        save_recorded(pair, by, "Flagged at registration", bump=False)
    if decision == duplicates.REVIEW:
        if pair.status == PairStatus.OPEN:
            _events(pair, matching_events.PAIR_PROPOSED, by)
        return
    if PairStatus.REJECTED in PAIR_TRANSITIONS.get(pair.status, set()):
        note = gettext("Judged different people at registration.")
        _decide(pair, PairStatus.REJECTED, by, note, "Rejected at registration")
        _events(pair, matching_events.PAIR_REJECTED, by)
