"""Timeline events of applications (and of settlements, for rules and weights).

Parameters never name a protected need; screening reasons are rule kinds.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mehman.core import dates
from mehman.core.events import choice_label, register
from mehman.intake.models import AppealSubject, ApplicationStatus, RuleKind


def _rule_labels(params: dict[str, Any]) -> dict[str, str]:
    labels = dict(RuleKind.choices)
    failed = [str(labels.get(kind, kind)) for kind in params.get("failed", [])]
    return {"failed": gettext("; ").join(failed)}


CREATED = register("intake.created", _("Application started"), _("{reference}"), ("reference",))
UPDATED = register("intake.updated", _("Application details changed"), _("{reason}"), ("reason",))
SUBMITTED = register(
    "intake.submitted", _("Application submitted"), _("{reference}"), ("reference",)
)
PIN_ISSUED = register("intake.pin_issued", _("New PIN issued for the status page"))
SCREENED_ELIGIBLE = register("intake.eligible", _("Screened: eligible"))
SCREENED_INELIGIBLE = register(
    "intake.ineligible",
    _("Screened: not eligible"),
    _("Rules not met: {failed}"),
    ("failed",),
    render=_rule_labels,
)
WAITLISTED = register(
    "intake.waitlisted",
    _("Placed on the waitlist"),
    _("Rank {rank}, score {score}"),
    ("rank", "score"),
)


def _due(params: dict[str, Any]) -> dict[str, str]:
    try:
        return {"respond_by": dates.format_date(date.fromisoformat(str(params.get("respond_by"))))}
    except ValueError:
        return {}


OFFERED = register(
    "intake.offered",
    _("Home offered"),
    _("{place}, answer by {respond_by}"),
    ("place", "respond_by"),
    render=_due,
)
ACCEPTED = register("intake.accepted", _("Offer accepted"))
DECLINED = register("intake.declined", _("Offer declined"), _("{reason}"), ("reason",))
RETURNED = register(
    "intake.returned", _("Back on the waitlist after declining"), _("{reason}"), ("reason",)
)
ADMITTED = register("intake.admitted", _("Admitted to the settlement"))
WITHDRAWN = register("intake.withdrawn", _("Application withdrawn"), _("{reason}"), ("reason",))
EXPIRED = register("intake.expired", _("Application expired"), _("{reason}"), ("reason",))
APPEALED = register(
    "intake.appealed",
    _("Appeal lodged"),
    _("Against: {subject}"),
    ("subject",),
    render=choice_label("subject", AppealSubject),
)
APPEAL_DECIDED = register(
    "intake.appeal_decided",
    _("Appeal decided"),
    _("{outcome}: {decision}"),
    ("outcome", "decision"),
    render=choice_label("outcome", ApplicationStatus),
)


def _criteria_labels(params: dict[str, Any]) -> dict[str, str]:
    from mehman.intake.scoring import CRITERIA

    labels = {c.field: str(c.label) for c in CRITERIA if c.field}
    labels["household_size"] = gettext("Household size")
    labels["need_categories"] = gettext("Specific needs")
    return {"fields": gettext(", ").join(labels.get(f, f) for f in params.get("fields", []))}


FEATURES_READ = register(
    "intake.features_read",
    _("Household information re-read for the score"),
    _("Changed: {fields}"),
    ("fields",),
    render=_criteria_labels,
)

# On the settlement's timeline.
RULE_CHANGED = register(
    "intake.rule_changed",
    _("Eligibility rule changed"),
    _("{rule}"),
    ("rule",),
    render=choice_label("rule", RuleKind),
)
WEIGHTS_PUBLISHED = register(
    "intake.weights_published",
    _("Priority weights published"),
    _("Version {number}: {note}"),
    ("number", "note"),
)
