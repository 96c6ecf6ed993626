"""Exits: how and when a household (or part of it) left, and the follow-ups after it."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mehman.core import dates
from mehman.core.models import BaseModel
from mehman.core.permissions import ScopedQuerySet
from mehman.housing.models import Offer, Unit
from mehman.registry.models import Household, Individual
from mehman.residence.models import ExitReason
from mehman.solutions.models.cases import SolutionsCase

__all__ = [
    "EXIT_TYPES",
    "FOLLOW_UP_MONTHS",
    "CaseExit",
    "ExitFollowUp",
    "FollowUpStatus",
]

# The departures a case records (CCCM CM-09), from residence's list of exits.
EXIT_TYPES = (
    ExitReason.RETURNED,
    ExitReason.RESETTLED,
    ExitReason.MOVED_TO_CITY,
    ExitReason.OTHER_SETTLEMENT,
    ExitReason.WHEREABOUTS_UNKNOWN,
    ExitReason.DECEASED,
)
# Months after the exit at which the household is followed up.
FOLLOW_UP_MONTHS = (3, 6, 12)


class ExitQuerySet(ScopedQuerySet["CaseExit"]):
    settlement_path = "case__settlement"


class CaseExit(BaseModel):
    """The departure that ended a case: its type and day, and who left. When only some
    members leave, they form their own household (``household``) and the rest
    (``remaining``) keep their term, in their home or another. The home the exit freed, and
    the offer of it to the next household on the waitlist, are kept with it."""

    case = models.OneToOneField(
        SolutionsCase, on_delete=models.PROTECT, related_name="exit", verbose_name=_("case")
    )
    exit_type = models.CharField(
        _("how they left"), max_length=20, choices=[(c.value, c.label) for c in EXIT_TYPES]
    )
    exit_on = models.DateField(_("exit date"), db_index=True)
    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("household that left"),
    )
    remaining = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("household that stayed"),
    )
    members = models.ManyToManyField(
        Individual, related_name="+", verbose_name=_("members who left")
    )
    member_count = models.PositiveSmallIntegerField(_("members who left"))
    freed_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("home freed"),
    )
    offer = models.ForeignKey(
        Offer,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("offer of the home"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    history = HistoricalRecords(m2m_fields=[members])
    objects: ClassVar[ExitQuerySet] = ExitQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-exit_on", "-id"]
        verbose_name = _("exit")
        verbose_name_plural = _("exits")

    def __str__(self) -> str:
        return f"{self.case_id} {self.exit_type} {self.exit_on}"

    @property
    def is_partial(self) -> bool:
        return self.remaining_id is not None


class FollowUpStatus(models.TextChoices):
    DUE = "due", _("Due")
    REACHED = "reached", _("Reached")
    NOT_REACHED = "not_reached", _("Could not be reached")


class FollowUpQuerySet(ScopedQuerySet["ExitFollowUp"]):
    settlement_path = "exit__case__settlement"

    def due(self, on: object = None) -> FollowUpQuerySet:
        """Not yet recorded and on or past their date."""
        return self.filter(status=FollowUpStatus.DUE, due_on__lte=on or dates.today())


class ExitFollowUp(BaseModel):
    """A check on the household some months after it left, and what was found."""

    exit = models.ForeignKey(
        CaseExit, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("exit")
    )
    months = models.PositiveSmallIntegerField(_("months after the exit"))
    due_on = models.DateField(_("due"), db_index=True)
    status = models.CharField(
        _("status"), max_length=12, choices=FollowUpStatus.choices, default=FollowUpStatus.DUE
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("followed up by"),
    )

    history = HistoricalRecords()
    objects: ClassVar[FollowUpQuerySet] = FollowUpQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("post-exit follow-up")
        verbose_name_plural = _("post-exit follow-ups")
        constraints = [
            models.UniqueConstraint(fields=["exit", "months"], name="one_follow_up_per_interval"),
            models.CheckConstraint(
                condition=Q(status=FollowUpStatus.DUE)
                | (Q(done_on__isnull=False) & ~Q(outcome="")),
                name="recorded_follow_up_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.exit_id} +{self.months}"
