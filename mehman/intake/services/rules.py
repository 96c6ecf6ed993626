"""Eligibility rules: the settlement's written rules, edited by its managers."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from mehman.core import digits, events
from mehman.core.models import Settlement, SettlementEvent
from mehman.core.services import save_recorded
from mehman.intake import eligibility
from mehman.intake import events as intake_events
from mehman.intake.models import EligibilityRule, RuleKind


def active_rules(settlement: Settlement) -> list[EligibilityRule]:
    """The settlement's rules in order (active or not); a settlement starts with the defaults."""
    ensure_rules(settlement)
    return list(EligibilityRule.objects.filter(settlement=settlement).order_by("position", "id"))


def ensure_rules(settlement: Settlement) -> None:
    if EligibilityRule.objects.filter(settlement=settlement).exists():
        return
    with transaction.atomic():
        Settlement.objects.select_for_update().filter(pk=settlement.pk).first()
        if EligibilityRule.objects.filter(settlement=settlement).exists():
            return
        for position, (kind, params, message_fa, message_en) in enumerate(
            eligibility.DEFAULT_RULES, start=1
        ):
            rule = EligibilityRule(
                settlement=settlement,
                kind=kind,
                params=dict(params),
                message_fa=message_fa,
                message_en=message_en,
                position=position,
            )
            save_recorded(rule, None, "Published defaults")


def _clean_params(kind: str, params: dict[str, Any]) -> dict[str, Any]:
    allowed = dict(eligibility.PARAMETERS.get(kind, ()))
    cleaned: dict[str, Any] = {}
    errors: dict[str, ValidationError] = {}
    for name in allowed:
        if name not in params:
            continue
        try:
            value = digits.parse_int(str(params[name]))
        except ValueError:
            errors[name] = ValidationError(_("Enter a whole number."), code="number")
            continue
        if value < 0 or value > 99:
            errors[name] = ValidationError(_("Enter a number from 0 to 99."), code="range")
        cleaned[name] = value
    if (
        kind == RuleKind.HOUSEHOLD_SIZE
        and not errors
        and cleaned.get("min", 1) > cleaned.get("max", 99)
    ):
        errors["max"] = ValidationError(_("The largest size is below the smallest."), code="range")
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def save_rule(
    *,
    settlement: Settlement,
    kind: str,
    by: Any,
    message_fa: str,
    message_en: str,
    is_active: bool = True,
    position: int | None = None,
    params: dict[str, Any] | None = None,
    expected_version: int | None = None,
) -> EligibilityRule:
    """A rule says, in Persian and English, what an applicant who does not meet it is told.

    Changing rules affects screenings from now on; past results keep what they found.
    """
    if kind not in RuleKind.values:
        raise ValidationError({"kind": ValidationError(_("Unknown rule."), code="kind")})
    errors = {}
    for field, text in (("message_fa", message_fa), ("message_en", message_en)):
        if not (text or "").strip():
            errors[field] = ValidationError(
                _("Write the message in both languages."), code="required"
            )
    if errors:
        raise ValidationError(errors)
    ensure_rules(settlement)
    rule = (
        EligibilityRule.objects.select_for_update().filter(settlement=settlement, kind=kind).first()
    )
    if rule is None:
        last = EligibilityRule.objects.filter(settlement=settlement).order_by("-position").first()
        rule = EligibilityRule(
            settlement=settlement, kind=kind, position=(last.position + 1) if last else 1
        )
    elif expected_version is not None and rule.version != int(expected_version):
        raise ValidationError(
            _("Someone else changed this rule meanwhile. Reload and try again."), code="stale"
        )
    rule.message_fa = message_fa.strip()
    rule.message_en = message_en.strip()
    rule.is_active = bool(is_active)
    if position is not None:
        rule.position = int(position)
    rule.params = _clean_params(kind, {**rule.params, **(params or {})})
    save_recorded(rule, by, "Rule changed")
    events.record(
        SettlementEvent, aggregate=settlement, kind=intake_events.RULE_CHANGED, by=by, rule=kind
    )
    return rule
