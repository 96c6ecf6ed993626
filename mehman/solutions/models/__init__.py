"""Durable solutions: a case per household toward self-reliance, return, resettlement or
integration in the city; its readiness, pathway specifics, referrals, approvals and exit.

Nothing here is changed except by ``mehman.solutions.services``, which writes the household's
timeline and a history row for every change.
"""

from mehman.solutions.models.cases import (
    ALLOWED_TRANSITIONS,
    OPEN_STAGES,
    Approval,
    ApprovalKind,
    ApprovalStatus,
    CaseStage,
    ComplementaryPathway,
    IntentionSurvey,
    Milestone,
    MilestoneStatus,
    Pathway,
    PathwayChange,
    SolutionsCase,
    SolutionsSerial,
)
from mehman.solutions.models.exits import (
    EXIT_TYPES,
    FOLLOW_UP_MONTHS,
    CaseExit,
    ExitFollowUp,
    FollowUpStatus,
)
from mehman.solutions.models.readiness import ReadinessAssessment, ReadinessCriterion
from mehman.solutions.models.specifics import (
    DEFAULT_CROSSING,
    CaseReferral,
    LocalIntegration,
    RepatriationDetails,
    ResettlementCategory,
    ResettlementOutcome,
    ResettlementPriority,
    ResettlementReferral,
    ServiceType,
)

__all__ = [
    "ALLOWED_TRANSITIONS",
    "DEFAULT_CROSSING",
    "EXIT_TYPES",
    "FOLLOW_UP_MONTHS",
    "OPEN_STAGES",
    "Approval",
    "ApprovalKind",
    "ApprovalStatus",
    "CaseExit",
    "CaseReferral",
    "CaseStage",
    "ComplementaryPathway",
    "ExitFollowUp",
    "FollowUpStatus",
    "IntentionSurvey",
    "LocalIntegration",
    "Milestone",
    "MilestoneStatus",
    "Pathway",
    "PathwayChange",
    "ReadinessAssessment",
    "ReadinessCriterion",
    "RepatriationDetails",
    "ResettlementCategory",
    "ResettlementOutcome",
    "ResettlementPriority",
    "ResettlementReferral",
    "ServiceType",
    "SolutionsCase",
    "SolutionsSerial",
]
