"""Decisions that need a second approver: referring a household for resettlement and
supporting its voluntary return. One staff member asks; a settlement manager other than the
one who asked decides."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from mehman.core import dates
from mehman.residence.models import Pathway
from mehman.solutions import events
from mehman.solutions.models import Approval, ApprovalKind, ApprovalStatus, SolutionsCase
from mehman.solutions.services._common import (
    by_user,
    household_event,
    lock_case,
    refuse,
    require_open,
    require_text,
    save_recorded,
)

# The pathway each decision belongs to.
KIND_PATHWAY = {
    ApprovalKind.RESETTLEMENT: Pathway.RESETTLEMENT,
    ApprovalKind.RETURN: Pathway.REPATRIATION,
}
# Who decides: settlement managers, in their settlements.
APPROVE = "solutions.approve"


def is_approved(case: SolutionsCase, kind: str) -> bool:
    """Whether a second approver has approved this decision on the case."""
    return Approval.objects.approved().filter(case=case, kind=kind).exists()


def may_approve(user: Any, case: SolutionsCase) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
        and user.has_capability(APPROVE)
        and (user.has_national_scope or case.settlement_id in user.settlement_ids())
    )


@transaction.atomic
def request_approval(*, case: SolutionsCase, by: Any, kind: str, justification: str) -> Approval:
    """A decision of the case's pathway is asked for with its justification, once at a time."""
    case = lock_case(case)
    require_open(case)
    if kind not in ApprovalKind.values:
        refuse("kind", _("Choose the decision to ask for."), "kind")
    if case.pathway != KIND_PATHWAY[ApprovalKind(kind)]:
        raise ValidationError(
            _("“%(kind)s” belongs to another pathway than this case's."),
            code="pathway",
            params={"kind": ApprovalKind(kind).label},
        )
    justification = require_text(justification, "justification", _("Say why."))
    if by_user(by) is None:
        raise ValidationError(_("A staff member asks for the decision."), code="permission")
    if is_approved(case, kind):
        raise ValidationError(_("This decision is already approved."), code="approved")
    approval = Approval(case=case, kind=kind, justification=justification, requested_by=by)
    try:
        with transaction.atomic():
            save_recorded(approval, by, "Approval asked")
    except IntegrityError as exc:
        raise ValidationError(
            _("This decision is already awaiting approval."), code="pending"
        ) from exc
    household_event(
        case.household, events.APPROVAL_REQUESTED, by, reference=case.reference, decision=kind
    )
    return approval


@transaction.atomic
def decide_approval(*, approval: Approval, by: Any, approve: bool, note: str = "") -> Approval:
    """A settlement manager other than the one who asked approves, or rejects with a reason."""
    approval = (
        Approval.objects.select_for_update().select_related("case__household").get(pk=approval.pk)
    )
    if approval.status != ApprovalStatus.PENDING:
        raise ValidationError(
            _("This request is already “%(status)s”."),
            code="decided",
            params={"status": approval.get_status_display()},
        )
    case = approval.case
    require_open(case)
    if by_user(by) is not None and by.pk == approval.requested_by_id:
        raise ValidationError(
            _("A second person decides: you asked for this decision."), code="same_person"
        )
    if not may_approve(by, case):
        raise ValidationError(
            _("Only a settlement manager of this settlement decides this."), code="not_manager"
        )
    note = (note or "").strip()
    if not approve:
        note = require_text(note, "note", _("Give the reason for rejecting."))
    approval.status = ApprovalStatus.APPROVED if approve else ApprovalStatus.REJECTED
    approval.decided_by = by
    approval.decided_on = dates.today()
    approval.decision_note = note[:300]
    save_recorded(approval, by, note or approval.status)
    household_event(
        case.household,
        events.APPROVAL_DECIDED,
        by,
        reference=case.reference,
        decision=approval.kind,
        status=approval.status,
    )
    return approval
