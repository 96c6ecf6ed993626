"""A person registered twice: the duplicate record merged into the one kept, and undone.

Nothing is deleted or moved. The duplicate stays on file, with its documents, needs and
history, marked ``MERGED`` and pointing at the record kept, so the merge can be undone
exactly. Matching's reviewers call these (``mehman.matching.services``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from mehman.core import dates
from mehman.registry import departures
from mehman.registry import events as registry_events
from mehman.registry.models import (
    ALLOWED_TRANSITIONS,
    Household,
    HouseholdEvent,
    HouseholdStatus,
    Individual,
    IndividualStatus,
)
from mehman.registry.services._common import (
    _event,
    _lock,
    _member_label,
    _refresh_size,
    _save,
)


def _lock_people(*ids: int) -> dict[int, Individual]:
    """Lock the people, then their households, each in id order (so two merges of the same
    pair taken the other way round wait for each other instead of deadlocking)."""
    locked = {pk: Individual.objects.select_for_update().get(pk=pk) for pk in sorted(ids)}
    homes = {
        household_id: _lock(Household(pk=household_id))
        for household_id in sorted({person.household_id for person in locked.values()})
    }
    for person in locked.values():
        person.household = homes[person.household_id]
    return locked


@transaction.atomic
def merge_individuals(
    *, keep: Individual, duplicate: Individual, by: Any, reason: str = ""
) -> Individual:
    """Two current records of one person become one: the duplicate stays on file, merged into
    the record kept, and a household left without members closes.

    Returns the record kept. A duplicate who heads a household with other members is refused:
    the household needs another head first.
    """
    if keep.pk == duplicate.pk:
        raise ValidationError(_("A record cannot be merged with itself."), code="same")
    locked = _lock_people(keep.pk, duplicate.pk)
    keep, duplicate = locked[keep.pk], locked[duplicate.pk]
    if duplicate.is_merged:
        raise ValidationError(_("This record is already merged into another one."), code="merged")
    if not keep.is_active or not duplicate.is_active:
        raise ValidationError(
            _("Only current members can be merged: this person has died, left or was merged."),
            code="inactive",
        )
    home, kept_home = duplicate.household, keep.household
    if home.head_id == duplicate.pk and home.active_members().exclude(pk=duplicate.pk).exists():
        raise ValidationError(
            _(
                "The duplicate record heads household %(household)s, which has other members: "
                "change its head first."
            )
            % {"household": home.reference},
            code="head",
        )
    note = reason or _("Merged as a duplicate record")
    duplicate.status = IndividualStatus.MERGED
    duplicate.merged_into = keep
    _save(duplicate, by, note)
    _save(keep, by, note, bump=False)  # a history row; nothing of the kept record changes
    previous_status = home.status
    _refresh_size(home)
    closes = home.size == 0 and HouseholdStatus.CLOSED in ALLOWED_TRANSITIONS[home.status]
    if closes:
        home.status = HouseholdStatus.CLOSED
        home.merged_into = kept_home
    _save(home, by, note)
    if closes:
        departures.leaving(home, HouseholdStatus.CLOSED, departures.MERGE, by, dates.today())
    _event(
        home,
        registry_events.PERSON_MERGED_AWAY,
        by,
        member=_member_label(duplicate),
        other=kept_home.reference,
        individual=str(duplicate.uuid),
        into=str(keep.uuid),
        reason=reason,
        previous={"status": previous_status, "closed": closes},
    )
    _event(
        kept_home,
        registry_events.PERSON_MERGED_IN,
        by,
        member=_member_label(keep),
        other=home.reference,
        individual=str(keep.uuid),
        duplicate=str(duplicate.uuid),
        reason=reason,
    )
    return keep


@transaction.atomic
def unmerge_individual(*, duplicate: Individual, by: Any) -> Individual:
    """A merge of two records is undone: the duplicate is a member of its household again, and
    a household the merge closed reopens with the status it had."""
    current = Individual.objects.only("status", "merged_into").get(pk=duplicate.pk)
    if current.status != IndividualStatus.MERGED or current.merged_into_id is None:
        raise ValidationError(_("This record was not merged."), code="not_merged")
    locked = _lock_people(duplicate.pk, current.merged_into_id)
    duplicate, keep = locked[duplicate.pk], locked[current.merged_into_id]
    if not duplicate.is_merged or duplicate.merged_into_id != keep.pk:
        raise ValidationError(_("This record was not merged."), code="not_merged")
    home, kept_home = duplicate.household, keep.household
    merge = _merge_event(home, duplicate)
    previous = merge.params.get("previous", {}) if merge is not None else {}
    note = _("Merge of duplicate records undone")
    duplicate.status = IndividualStatus.ACTIVE
    duplicate.merged_into = None
    _save(duplicate, by, note)
    _save(keep, by, note, bump=False)
    if previous.get("closed") and home.status == HouseholdStatus.CLOSED:
        home.status = previous.get("status", HouseholdStatus.APPLICANT)
        home.merged_into = None
    _refresh_size(home)
    _save(home, by, note)
    _event(
        home,
        registry_events.PERSON_UNMERGED,
        by,
        member=_member_label(duplicate),
        other=kept_home.reference,
        individual=str(duplicate.uuid),
        into=str(keep.uuid),
    )
    _event(
        kept_home,
        registry_events.PERSON_UNMERGED,
        by,
        member=_member_label(keep),
        other=home.reference,
        individual=str(keep.uuid),
        duplicate=str(duplicate.uuid),
    )
    return duplicate


def _merge_event(household: Household, duplicate: Individual) -> HouseholdEvent | None:
    """The latest merge of this person recorded on the household's timeline."""
    return (
        household.events.filter(
            kind=registry_events.PERSON_MERGED_AWAY.code, params__individual=str(duplicate.uuid)
        )
        .order_by("-pk")
        .first()
    )
