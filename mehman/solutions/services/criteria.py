"""The readiness checklist of each pathway, maintained as data: adding a criterion, rewording
or reweighting it, retiring it and putting it back in use.

A retired criterion stops counting in every case's readiness (``readiness.checklist`` reads
only criteria in use); the assessments made against it are kept. The list belongs to no
settlement and no household, so each change is told by the criterion's history row only.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from mehman.core.services import require_code
from mehman.residence.models import Pathway
from mehman.solutions.models import ReadinessCriterion
from mehman.solutions.services._common import check_version, refuse, require_text, save_recorded

__all__ = ["add_criterion", "restore_criterion", "retire_criterion", "update_criterion"]

EDITABLE = ("text_fa", "text_en", "weight", "position")
POSITION_MAX = 32767
WEIGHT_MAX = 100


def _code(code: str) -> str:
    return require_code(code, _("Give the criterion a short code."))


def _pathway(pathway: str) -> str:
    if pathway == Pathway.UNDECIDED or pathway not in Pathway.values:
        refuse("pathway", _("Choose the pathway the criterion belongs to."), "pathway")
    return str(pathway)


def _number(value: Any, field: str, low: int, high: int, message: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = low - 1
    if not low <= number <= high:
        refuse(field, message, field)
    return number


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    return {
        "text_fa": require_text(values["text_fa"], "text_fa", _("Write the criterion in Persian.")),
        "text_en": require_text(values["text_en"], "text_en", _("Write the criterion in English.")),
        "weight": _number(
            values["weight"], "weight", 1, WEIGHT_MAX, _("The weight is a number from 1 to 100.")
        ),
        "position": _number(
            values["position"], "position", 0, POSITION_MAX, _("The position is a number from 0.")
        ),
    }


@transaction.atomic
def add_criterion(
    *,
    by: Any,
    pathway: str,
    code: str,
    text_fa: str,
    text_en: str,
    weight: int = 1,
    position: int = 100,
) -> ReadinessCriterion:
    """A new criterion joins a pathway's checklist under a code of its own, worded in both
    languages, with a weight of at least 1; it counts in readiness from now on."""
    code = _code(code)
    pathway = _pathway(pathway)
    values = _clean(
        {"text_fa": text_fa, "text_en": text_en, "weight": weight, "position": position}
    )
    if ReadinessCriterion.objects.select_for_update().filter(code=code).exists():
        raise ValidationError(
            {
                "code": ValidationError(
                    _("A criterion with the code %(code)s exists already."),
                    code="unique",
                    params={"code": code},
                )
            }
        )
    criterion = ReadinessCriterion(pathway=pathway, code=code, **values)
    save_recorded(criterion, by, "Readiness criterion added")
    return criterion


@transaction.atomic
def update_criterion(
    *,
    criterion: ReadinessCriterion,
    by: Any,
    expected_version: int | None,
    **changes: Any,
) -> ReadinessCriterion:
    """A criterion is reworded, reweighted or reordered from the version seen; every case's
    readiness is scored with the new weight from then on."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    locked: ReadinessCriterion = ReadinessCriterion.objects.select_for_update().get(pk=criterion.pk)
    check_version(locked, expected_version)
    wanted = {name: getattr(locked, name) for name in EDITABLE}
    wanted.update(changes)
    wanted = _clean(wanted)
    changed = [name for name in EDITABLE if getattr(locked, name) != wanted[name]]
    if not changed:
        return locked
    for name in changed:
        setattr(locked, name, wanted[name])
    save_recorded(locked, by, "Readiness criterion changed: " + ", ".join(changed))
    return locked


@transaction.atomic
def retire_criterion(*, criterion: ReadinessCriterion, by: Any) -> ReadinessCriterion:
    """A retired criterion no longer counts in any case's readiness; a pathway keeps at least
    one criterion in use, so its readiness still means something."""
    locked: ReadinessCriterion = ReadinessCriterion.objects.select_for_update().get(pk=criterion.pk)
    if not locked.is_active:
        return locked
    in_use = (
        ReadinessCriterion.objects.select_for_update()
        .active()
        .filter(pathway=locked.pathway)
        .exclude(pk=locked.pk)
    )
    if not in_use.exists():
        raise ValidationError(
            _("%(code)s is the last criterion in use for its pathway: add another first."),
            code="last",
            params={"code": locked.code},
        )
    locked.is_active = False
    save_recorded(locked, by, "Readiness criterion retired")
    return locked


@transaction.atomic
def restore_criterion(*, criterion: ReadinessCriterion, by: Any) -> ReadinessCriterion:
    """A retired criterion counts in readiness again, with the assessments already made."""
    locked: ReadinessCriterion = ReadinessCriterion.objects.select_for_update().get(pk=criterion.pk)
    if locked.is_active:
        return locked
    locked.is_active = True
    save_recorded(locked, by, "Readiness criterion restored")
    return locked
