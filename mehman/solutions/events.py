"""Timeline events of durable solutions, on the household's timeline.

Parameters name the case, codes and dates, never what a protected case note says.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mehman.core.events import labels_and_dates, register
from mehman.residence.models import ExitReason, Pathway
from mehman.solutions.models import ApprovalKind, ApprovalStatus, CaseStage, FollowUpStatus

CASE_OPENED = register(
    "solutions.case_opened",
    _("Solutions case opened"),
    _("{reference}: {pathway}"),
    ("reference",),
    render=labels_and_dates(pathway=Pathway),
)
STAGE_CHANGED = register(
    "solutions.stage_changed",
    _("Solutions case stage changed"),
    _("{reference}: {stage}"),
    ("reference",),
    render=labels_and_dates(stage=CaseStage),
)
PATHWAY_CHANGED = register(
    "solutions.pathway_changed",
    _("Pathway changed"),
    _("{reference}: {pathway} ({reason})"),
    ("reference", "reason"),
    render=labels_and_dates(pathway=Pathway),
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
    render=labels_and_dates(preferred=Pathway),
)
MILESTONE_ADDED = register(
    "solutions.milestone_added",
    _("Step added to the plan"),
    _("{title}, due {due_on}"),
    ("title",),
    render=labels_and_dates(due_on="date"),
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
    render=labels_and_dates(decision=ApprovalKind),
)
APPROVAL_DECIDED = register(
    "solutions.approval_decided",
    _("Approval decided"),
    _("{reference}: {decision}, {status}"),
    ("reference",),
    render=labels_and_dates(decision=ApprovalKind, status=ApprovalStatus),
)
EXIT_RECORDED = register(
    "solutions.exit_recorded",
    _("Exit recorded"),
    _("{reference}: {exit_type}, {exit_on}, members leaving: {members}"),
    ("reference", "members"),
    render=labels_and_dates(exit_type=ExitReason, exit_on="date"),
)
FOLLOWED_UP = register(
    "solutions.followed_up",
    _("Followed up after the exit"),
    _("{reference}: follow-up at month {months}, {status}"),
    ("reference", "months"),
    render=labels_and_dates(status=FollowUpStatus),
)
