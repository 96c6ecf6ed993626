"""The solutions case of a household: its pathway and the history of it, the household's
stated intentions, the plan of milestones, and second-approver decisions. Its protected notes
are the household's case notes (``registry.CaseNote``), one place for all of them.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mehman.core import dates
from mehman.core.models import BaseModel, Settlement
from mehman.core.permissions import ScopedQuerySet
from mehman.registry.models import Household, Individual
from mehman.residence.models import Pathway

__all__ = [
    "ALLOWED_TRANSITIONS",
    "OPEN_STAGES",
    "Approval",
    "ApprovalKind",
    "ApprovalStatus",
    "CaseStage",
    "ComplementaryPathway",
    "IntentionSurvey",
    "Milestone",
    "MilestoneStatus",
    "Pathway",
    "PathwayChange",
    "SolutionsCase",
    "SolutionsSerial",
]


class CaseStage(models.TextChoices):
    ASSESSING = "assessing", _("Assessing")
    PLANNING = "planning", _("Planning")
    IN_PROGRESS = "in_progress", _("In progress")
    READY = "ready", _("Ready to leave")
    EXITED = "exited", _("Exited")
    CLOSED = "closed", _("Closed without exit")


# The stages a case moves through; ``exited`` is reached only by recording the exit and
# ``closed`` only by closing the case with a reason.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    CaseStage.ASSESSING: frozenset({CaseStage.PLANNING, CaseStage.EXITED, CaseStage.CLOSED}),
    CaseStage.PLANNING: frozenset(
        {CaseStage.ASSESSING, CaseStage.IN_PROGRESS, CaseStage.EXITED, CaseStage.CLOSED}
    ),
    CaseStage.IN_PROGRESS: frozenset(
        {CaseStage.PLANNING, CaseStage.READY, CaseStage.EXITED, CaseStage.CLOSED}
    ),
    CaseStage.READY: frozenset({CaseStage.IN_PROGRESS, CaseStage.EXITED, CaseStage.CLOSED}),
    CaseStage.EXITED: frozenset(),
    CaseStage.CLOSED: frozenset(),
}
OPEN_STAGES = (CaseStage.ASSESSING, CaseStage.PLANNING, CaseStage.IN_PROGRESS, CaseStage.READY)


class ComplementaryPathway(models.TextChoices):
    """Complementary pathways are recorded as resettlement (DOMAIN.md)."""

    NONE = "", _("Resettlement through UNHCR")
    FAMILY_REUNIFICATION = "family_reunification", _("Family reunification")
    LABOUR = "labour", _("Labour mobility")
    EDUCATION = "education", _("Study abroad")


class CaseQuerySet(ScopedQuerySet["SolutionsCase"]):
    settlement_path = "settlement"

    def open(self) -> CaseQuerySet:
        return self.filter(stage__in=OPEN_STAGES)


class SolutionsCase(BaseModel):
    """A household's way toward a durable solution: one open case at a time."""

    reference = models.CharField(_("case"), max_length=32, unique=True, editable=False)
    settlement = models.ForeignKey(
        Settlement, on_delete=models.PROTECT, related_name="+", verbose_name=_("settlement")
    )
    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        related_name="solutions_cases",
        verbose_name=_("household"),
    )
    pathway = models.CharField(
        _("pathway"), max_length=20, choices=Pathway.choices, default=Pathway.UNDECIDED
    )
    complementary = models.CharField(
        _("complementary pathway"),
        max_length=24,
        choices=ComplementaryPathway.choices,
        blank=True,
        default="",
    )
    stage = models.CharField(
        _("stage"),
        max_length=12,
        choices=CaseStage.choices,
        default=CaseStage.ASSESSING,
        db_index=True,
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("caseworker"),
    )
    opened_on = models.DateField(_("opened on"), default=dates.today)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    close_reason = models.CharField(_("reason for closing"), max_length=300, blank=True)

    history = HistoricalRecords()
    objects: ClassVar[CaseQuerySet] = CaseQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-opened_on", "-id"]
        verbose_name = _("solutions case")
        verbose_name_plural = _("solutions cases")
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(stage__in=OPEN_STAGES),
                name="one_open_solutions_case_per_household",
            ),
            models.CheckConstraint(
                condition=Q(complementary="") | Q(pathway=Pathway.RESETTLEMENT),
                name="complementary_only_under_resettlement",
            ),
            models.CheckConstraint(
                condition=Q(stage__in=OPEN_STAGES) | Q(closed_on__isnull=False),
                name="finished_case_has_closing_date",
            ),
        ]
        indexes = [models.Index(fields=["settlement", "stage"], name="solutions_case_stage")]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES


class PathwayChangeQuerySet(ScopedQuerySet["PathwayChange"]):
    settlement_path = "case__settlement"


class PathwayChange(BaseModel):
    """The pathway chosen for a case, when and why (the first row is the choice at opening)."""

    case = models.ForeignKey(
        SolutionsCase,
        on_delete=models.CASCADE,
        related_name="pathway_changes",
        verbose_name=_("case"),
    )
    previous = models.CharField(
        _("previous pathway"), max_length=20, choices=Pathway.choices, blank=True
    )
    pathway = models.CharField(_("pathway"), max_length=20, choices=Pathway.choices)
    complementary = models.CharField(
        _("complementary pathway"),
        max_length=24,
        choices=ComplementaryPathway.choices,
        blank=True,
        default="",
    )
    changed_on = models.DateField(_("changed on"), default=dates.today)
    reason = models.CharField(_("reason"), max_length=300)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )

    history = HistoricalRecords()
    objects: ClassVar[PathwayChangeQuerySet] = PathwayChangeQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["case_id", "changed_on", "id"]
        verbose_name = _("pathway change")
        verbose_name_plural = _("pathway changes")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.previous} → {self.pathway}"


class IntentionSurveyQuerySet(ScopedQuerySet["IntentionSurvey"]):
    settlement_path = "case__settlement"


class IntentionSurvey(BaseModel):
    """What the household itself said it wants, and on what conditions, on a given day."""

    case = models.ForeignKey(
        SolutionsCase, on_delete=models.CASCADE, related_name="surveys", verbose_name=_("case")
    )
    surveyed_on = models.DateField(_("date of the survey"), default=dates.today)
    preferred = models.CharField(_("preferred solution"), max_length=20, choices=Pathway.choices)
    complementary = models.CharField(
        _("complementary pathway"),
        max_length=24,
        choices=ComplementaryPathway.choices,
        blank=True,
        default="",
    )
    conditions = models.TextField(
        _("conditions"),
        blank=True,
        help_text=_("What the household says must be true before it would go."),
    )
    respondent = models.ForeignKey(
        Individual,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("answered by"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    history = HistoricalRecords()
    objects: ClassVar[IntentionSurveyQuerySet] = IntentionSurveyQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["case_id", "-surveyed_on", "-id"]
        verbose_name = _("intention survey")
        verbose_name_plural = _("intention surveys")

    def __str__(self) -> str:
        return f"{self.case_id} {self.surveyed_on}"


class MilestoneStatus(models.TextChoices):
    OPEN = "open", _("To do")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Dropped")


class MilestoneQuerySet(ScopedQuerySet["Milestone"]):
    settlement_path = "case__settlement"

    def open(self) -> MilestoneQuerySet:
        """Still to do, on a case still open (a closed case's plan is over)."""
        return self.filter(status=MilestoneStatus.OPEN, case__stage__in=OPEN_STAGES)

    def overdue(self, on: Any = None) -> MilestoneQuerySet:
        """Still to do after their due date."""
        return self.open().filter(due_on__lt=on or dates.today())

    def due_within(self, days: int, on: Any = None) -> MilestoneQuerySet:
        day = on or dates.today()
        return self.open().filter(due_on__lte=day + timedelta(days=days))


class Milestone(BaseModel):
    """A step of the case's plan: what, who does it, by when, and when it was done."""

    case = models.ForeignKey(
        SolutionsCase, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("case")
    )
    title = models.CharField(_("step"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible"),
    )
    due_on = models.DateField(_("due"), db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MilestoneStatus.choices, default=MilestoneStatus.OPEN
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    history = HistoricalRecords()
    objects: ClassVar[MilestoneQuerySet] = MilestoneQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["case_id", "due_on", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=MilestoneStatus.DONE) | Q(done_on__isnull=False),
                name="done_milestone_has_date",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return self.status == MilestoneStatus.OPEN and self.due_on < dates.today()


class ApprovalKind(models.TextChoices):
    """Decisions that need a second approver."""

    RESETTLEMENT = "resettlement", _("Refer for resettlement")
    RETURN = "return", _("Support a voluntary return")


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting decision")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ApprovalQuerySet(ScopedQuerySet["Approval"]):
    settlement_path = "case__settlement"

    def pending(self) -> ApprovalQuerySet:
        return self.filter(status=ApprovalStatus.PENDING)

    def approved(self) -> ApprovalQuerySet:
        return self.filter(status=ApprovalStatus.APPROVED)


class Approval(BaseModel):
    """A decision asked by one staff member and taken by another, a manager."""

    case = models.ForeignKey(
        SolutionsCase, on_delete=models.PROTECT, related_name="approvals", verbose_name=_("case")
    )
    kind = models.CharField(_("decision"), max_length=16, choices=ApprovalKind.choices)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ApprovalStatus.choices,
        default=ApprovalStatus.PENDING,
        db_index=True,
    )
    justification = models.TextField(_("why"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("asked by"),
    )
    requested_on = models.DateField(_("asked on"), default=dates.today)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision_note = models.CharField(_("reason for the decision"), max_length=300, blank=True)

    history = HistoricalRecords()
    objects: ClassVar[ApprovalQuerySet] = ApprovalQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-requested_on", "-id"]
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind"],
                condition=Q(status=ApprovalStatus.PENDING),
                name="one_pending_approval_per_kind",
            ),
            # The second approver is never the one who asked.
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("requested_by")),
                name="approval_by_a_second_person",
            ),
            models.CheckConstraint(
                condition=Q(status=ApprovalStatus.PENDING)
                | (Q(decided_by__isnull=False) & Q(decided_on__isnull=False)),
                name="decided_approval_names_decider",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}: {self.status}"


class SolutionsSerial(models.Model):
    """The last serial given to a settlement's solutions cases."""

    settlement = models.OneToOneField(Settlement, on_delete=models.CASCADE, related_name="+")
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.settlement_id}: {self.last}"
