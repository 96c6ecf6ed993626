"""Every state change of durable solutions. Each topic lives in its own module (``cases``,
``criteria``, ``approvals``, ``readiness``, ``pathways``, ``referrals``, ``exits``); all are
named here."""

from mehman.solutions.services.approvals import decide_approval, is_approved, request_approval
from mehman.solutions.services.cases import (
    add_milestone,
    assign_owner,
    change_pathway,
    change_stage,
    close_case,
    complete_milestone,
    drop_milestone,
    open_case,
    open_case_of,
    record_survey,
)
from mehman.solutions.services.criteria import (
    add_criterion,
    restore_criterion,
    retire_criterion,
    update_criterion,
)
from mehman.solutions.services.exits import record_exit, record_follow_up
from mehman.solutions.services.pathways import (
    prepare_resettlement,
    record_counselling,
    record_resettlement_outcome,
    refer_to_unhcr,
    save_integration,
    save_repatriation,
)
from mehman.solutions.services.readiness import assess_readiness, readiness, trend
from mehman.solutions.services.referrals import refer_to_partner

__all__ = [
    "add_criterion",
    "add_milestone",
    "assess_readiness",
    "assign_owner",
    "change_pathway",
    "change_stage",
    "close_case",
    "complete_milestone",
    "decide_approval",
    "drop_milestone",
    "is_approved",
    "open_case",
    "open_case_of",
    "prepare_resettlement",
    "readiness",
    "record_counselling",
    "record_exit",
    "record_follow_up",
    "record_resettlement_outcome",
    "record_survey",
    "refer_to_partner",
    "refer_to_unhcr",
    "request_approval",
    "restore_criterion",
    "retire_criterion",
    "save_integration",
    "save_repatriation",
    "trend",
    "update_criterion",
]
