"""Specific needs and case notes (protected records)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from mehman.core import dates
from mehman.registry import events as registry_events
from mehman.registry.models import (
    CaseNote,
    Household,
    Individual,
    SpecificNeed,
    SpecificNeedCode,
)
from mehman.registry.services._common import (
    _by,
    _event,
    _lock_person,
    _member_label,
    _save,
)


@transaction.atomic
def record_need(
    *,
    person: Individual,
    code: SpecificNeedCode | str,
    by: Any,
    recorded_on: date | None = None,
    note: str = "",
) -> SpecificNeed:
    """A specific need is recorded once per person until it is resolved."""
    person = _lock_person(person)
    if not person.is_active:
        raise ValidationError(_("This person is no longer a member."), code="inactive")
    if isinstance(code, str):
        found = SpecificNeedCode.objects.filter(code=code.strip().upper(), is_active=True).first()
        if found is None:
            raise ValidationError(
                {"code": ValidationError(_("Unknown specific-need code."), code="code")}
            )
        code = found
    if not code.is_active:
        raise ValidationError(
            {"code": ValidationError(_("This code is no longer in use."), code="code")}
        )
    _ensure_protection_access(code, by)
    recorded_on = recorded_on or dates.today()
    if recorded_on > dates.today():
        raise ValidationError(
            {"recorded_on": ValidationError(_("The date cannot be in the future."), code="date")}
        )
    if person.needs.filter(code=code, resolved_on__isnull=True).exists():
        raise ValidationError(_("This need is already recorded and open."), code="duplicate")
    need = SpecificNeed(individual=person, code=code, recorded_on=recorded_on, note=note)
    need.full_clean(exclude=["individual", "code"])
    _save(need, by, bump=False)
    _event(
        person.household,
        registry_events.NEED_RECORDED,
        by,
        member=_member_label(person),
        **_need_params(code),
    )
    return need


def _has_protection_access(by: Any) -> bool:
    return _by(by) is not None and bool(by.has_capability("protection.view"))


def _ensure_protection_access(code: SpecificNeedCode, by: Any) -> None:
    # Only protection staff learn that a person has a protected need, so only
    # they record or resolve one (even a refusal would tell others too much).
    if code.sensitive and not _has_protection_access(by):
        raise ValidationError(
            _("Only staff with protection access record or resolve this need."),
            code="permission",
        )


def _need_params(code: SpecificNeedCode) -> dict[str, Any]:
    # The timeline is read by every role in scope: a protected need stays unnamed.
    return {"protected": True} if code.sensitive else {"code": code.code}


@transaction.atomic
def resolve_need(
    *, need: SpecificNeed, by: Any, resolved_on: date | None = None, note: str = ""
) -> SpecificNeed:
    """A need is resolved on a date no earlier than it was recorded, and stays on record."""
    need = (
        SpecificNeed.objects.select_for_update()
        .select_related("individual__household", "code")
        .get(pk=need.pk)
    )
    _ensure_protection_access(need.code, by)
    if need.resolved_on is not None:
        raise ValidationError(_("This need is already resolved."), code="resolved")
    resolved_on = resolved_on or dates.today()
    if resolved_on < need.recorded_on or resolved_on > dates.today():
        raise ValidationError(
            {
                "resolved_on": ValidationError(
                    _("The date must lie between when it was recorded and today."), code="date"
                )
            }
        )
    need.resolved_on = resolved_on
    if note:
        need.note = note
    _save(need, by, _("Resolved"))
    _event(
        need.individual.household,
        registry_events.NEED_RESOLVED,
        by,
        member=_member_label(need.individual),
        **_need_params(need.code),
    )
    return need


# --- Case notes -------------------------------------------------------------------------------


@transaction.atomic
def add_case_note(*, household: Household, body: str, by: Any) -> CaseNote:
    """Only protection staff write case notes; the timeline says one was written, not what."""
    if not _has_protection_access(by):
        raise ValidationError(_("Only protection staff write case notes."), code="permission")
    if not body.strip():
        raise ValidationError({"body": ValidationError(_("The note is empty."), code="empty")})
    note = CaseNote(household=household, body=body.strip(), written_by=by)
    _save(note, by, bump=False)
    _event(household, registry_events.NOTE_ADDED, by)
    return note
