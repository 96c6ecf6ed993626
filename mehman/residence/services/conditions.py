"""The maintained list of agreement conditions: adding, rewording, reordering, retiring.

A term keeps its own copy of the words agreed (``AgreementCondition.snapshot``), so nothing
done to the list changes an agreement already made; it changes what new agreements offer.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from mehman.core.services import require_code
from mehman.residence.models import AgreementCondition
from mehman.residence.services._common import check_version, require_text, save_recorded

EDITABLE = ("text_fa", "text_en", "position", "standard")
POSITION_MAX = 32767


def _code(code: str) -> str:
    return require_code(code, _("Give the condition a short code."))


def _position(position: Any) -> int:
    try:
        value = int(position)
    except (TypeError, ValueError):
        value = -1
    if not 0 <= value <= POSITION_MAX:
        raise ValidationError(
            {"position": ValidationError(_("The position is a number from 0."), code="position")}
        )
    return value


def _texts(text_fa: str, text_en: str) -> tuple[str, str]:
    return (
        require_text(text_fa, "text_fa", _("Write the condition in Persian.")),
        require_text(text_en, "text_en", _("Write the condition in English.")),
    )


@transaction.atomic
def add_condition(
    *,
    by: Any,
    code: str,
    text_fa: str,
    text_en: str,
    position: int = 100,
    standard: bool = True,
) -> AgreementCondition:
    """A new condition joins the list under a code of its own, worded in both languages."""
    code = _code(code)
    fa, en = _texts(text_fa, text_en)
    if AgreementCondition.objects.select_for_update().filter(code=code).exists():
        raise ValidationError(
            {
                "code": ValidationError(
                    _("A condition with the code %(code)s exists already."),
                    code="unique",
                    params={"code": code},
                )
            }
        )
    condition = AgreementCondition(
        code=code,
        text_fa=fa,
        text_en=en,
        position=_position(position),
        standard=bool(standard),
    )
    save_recorded(condition, by, "Condition added")
    return condition


@transaction.atomic
def update_condition(
    *,
    condition: AgreementCondition,
    by: Any,
    expected_version: int | None,
    **changes: Any,
) -> AgreementCondition:
    """A condition is reworded, reordered or made standard from the version seen; agreements
    already made keep the words they were made with."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    locked: AgreementCondition = AgreementCondition.objects.select_for_update().get(pk=condition.pk)
    check_version(locked, expected_version)
    wanted = {name: getattr(locked, name) for name in EDITABLE}
    wanted.update(changes)
    wanted["text_fa"], wanted["text_en"] = _texts(wanted["text_fa"], wanted["text_en"])
    wanted["position"] = _position(wanted["position"])
    wanted["standard"] = bool(wanted["standard"])
    changed = [name for name in EDITABLE if getattr(locked, name) != wanted[name]]
    if not changed:
        return locked
    for name in changed:
        setattr(locked, name, wanted[name])
    save_recorded(locked, by, "Condition changed: " + ", ".join(changed))
    return locked


def _set_active(condition: AgreementCondition, by: Any, active: bool) -> AgreementCondition:
    locked: AgreementCondition = AgreementCondition.objects.select_for_update().get(pk=condition.pk)
    if locked.is_active == active:
        return locked
    locked.is_active = active
    save_recorded(locked, by, "Condition restored" if active else "Condition retired")
    return locked


@transaction.atomic
def retire_condition(*, condition: AgreementCondition, by: Any) -> AgreementCondition:
    """A retired condition is offered to no new agreement; those made with it keep it."""
    return _set_active(condition, by, False)


@transaction.atomic
def restore_condition(*, condition: AgreementCondition, by: Any) -> AgreementCondition:
    """A retired condition is offered to new agreements again."""
    return _set_active(condition, by, True)
