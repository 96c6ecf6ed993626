"""Timeline events of durable solutions, on the household's timeline.

Parameters name the case, codes and dates, never what a protected case note says.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from mehman.core import dates
from mehman.core.events import register
from mehman.residence.models import ExitReason, Pathway
from mehman.solutions.models import ApprovalKind, ApprovalStatus, CaseStage, FollowUpStatus


def _render(**fields: Any) -> Callable[[dict[str, Any]], dict[str, str]]:
    """Dates shown in the reader's calendar, codes as their labels."""

    def render(params: dict[str, Any]) -> dict[str, str]:
        out: dict[str, str] = {}
        for name, kind in fields.items():
            value = params.get(name)
            if kind == "date":
                try:
                    out[name] = dates.format_date(date.fromisoformat(str(value)))
                except ValueError:
                    out[name] = ""
            else:
                code = str(value or "")
                out[name] = str(dict(kind.choices).get(code, code))
        return out

    return render


CASE_OPENED = register(
    "solutions.case_opened",
    _("Solutions case opened"),
    _("{reference}: {pathway}"),
    ("reference",),
    render=_render(pathway=Pathway),
)
STAGE_CHANGED = register(
    "solutions.stage_changed",
    _("Solutions case stage changed"),
    _("{reference}: {stage}"),
    ("reference",),
    render=_render(stage=CaseStage),
)
PATHWAY_CHANGED = register(
    "solutions.pathway_changed",
    _("Pathway changed"),
    _("{reference}: {pathway} ({reason})"),
    ("reference", "reason"),
    render=_render(pathway=Pathway),
)
OWNER_CHANGED = register(
    "solutions.owner_changed",
    _("Caseworker assigned"),
    _("{reference}: {owner}"),
    ("reference", "owner"),
)
CASE_CLOSED = register(
    "solutions.case_closed",
    _("Solutions case closed"),
    _("{reference}: {reason}"),
    ("reference", "reason"),
)
SURVEY_RECORDED = register(
    "solutions.survey_recorded",
    _("Intentions asked"),
    _("{reference}: {preferred}"),
    ("reference",),
    render=_render(preferred=Pathway),
)
MILESTONE_ADDED = register(
    "solutions.milestone_added",
    _("Step added to the plan"),
    _("{title}, due {due_on}"),
    ("title",),
    render=_render(due_on="date"),
)
MILESTONE_DONE = register(
    "solutions.milestone_done",
    _("Step of the plan done"),
    _("{title}"),
    ("title",),
)
MILESTONE_DROPPED = register(
    "solutions.milestone_dropped",
    _("Step of the plan dropped"),
    _("{title}: {reason}"),
    ("title", "reason"),
)
READINESS_ASSESSED = register(
    "solutions.readiness_assessed",
    _("Readiness assessed"),
    _("{reference}: {score}%"),
    ("reference", "score"),
)
DETAILS_SAVED = register(
    "solutions.details_saved",
    _("Pathway details recorded"),
    _("{reference}: {what}"),
    ("reference", "what"),
)
APPROVAL_REQUESTED = register(
    "solutions.approval_requested",
    _("Approval asked"),
    _("{reference}: {decision}"),
    ("reference",),
    render=_render(decision=ApprovalKind),
)
APPROVAL_DECIDED = register(
    "solutions.approval_decided",
    _("Approval decided"),
    _("{reference}: {decision}, {status}"),
    ("reference",),
    render=_render(decision=ApprovalKind, status=ApprovalStatus),
)
EXIT_RECORDED = register(
    "solutions.exit_recorded",
    _("Exit recorded"),
    _("{reference}: {exit_type}, {exit_on}, members leaving: {members}"),
    ("reference", "members"),
    render=_render(exit_type=ExitReason, exit_on="date"),
)
FOLLOWED_UP = register(
    "solutions.followed_up",
    _("Followed up after the exit"),
    _("{reference}: follow-up at month {months}, {status}"),
    ("reference", "months"),
    render=_render(status=FollowUpStatus),
)
