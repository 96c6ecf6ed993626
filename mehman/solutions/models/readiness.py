"""Readiness: the checklist of criteria per pathway (maintained as data), and each case's
assessments against it over time."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mehman.core import dates
from mehman.core.models import BaseModel
from mehman.core.permissions import ScopedQuerySet
from mehman.residence.models import Pathway
from mehman.solutions.models.cases import SolutionsCase

__all__ = ["ReadinessAssessment", "ReadinessCriterion"]


class CriterionQuerySet(ScopedQuerySet["ReadinessCriterion"]):
    personal_data = False

    def for_user(self, user: Any) -> CriterionQuerySet:
        """The checklist is the directorate's list: every signed-in staff member reads it."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self

    def active(self) -> CriterionQuerySet:
        return self.filter(is_active=True)


class ReadinessCriterion(BaseModel):
    """One thing that must be true before a household is ready to leave by its pathway."""

    pathway = models.CharField(
        _("pathway"),
        max_length=20,
        choices=[c for c in Pathway.choices if c[0] != Pathway.UNDECIDED],
        db_index=True,
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)
    text_fa = models.CharField(_("text (Persian)"), max_length=200)
    text_en = models.CharField(_("text (English)"), max_length=200)
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, validators=[MinValueValidator(1)]
    )
    position = models.PositiveSmallIntegerField(_("order in the list"), default=100)
    is_active = models.BooleanField(_("in use"), default=True)

    history = HistoricalRecords()
    objects: ClassVar[CriterionQuerySet] = CriterionQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["pathway", "position", "code"]
        verbose_name = _("readiness criterion")
        verbose_name_plural = _("readiness criteria")
        constraints = [
            models.CheckConstraint(condition=models.Q(weight__gte=1), name="criterion_weight_1")
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return self.text_fa if (get_language() or "fa").startswith("fa") else self.text_en


class AssessmentQuerySet(ScopedQuerySet["ReadinessAssessment"]):
    settlement_path = "case__settlement"


class ReadinessAssessment(BaseModel):
    """Whether a criterion was met for a case, as assessed on a day (the latest one counts)."""

    case = models.ForeignKey(
        SolutionsCase,
        on_delete=models.CASCADE,
        related_name="assessments",
        verbose_name=_("case"),
    )
    criterion = models.ForeignKey(
        ReadinessCriterion,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("criterion"),
    )
    met = models.BooleanField(_("met"))
    assessed_on = models.DateField(_("assessed on"), default=dates.today, db_index=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assessed by"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    history = HistoricalRecords()
    objects: ClassVar[AssessmentQuerySet] = AssessmentQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["case_id", "assessed_on", "id"]
        verbose_name = _("readiness assessment")
        verbose_name_plural = _("readiness assessments")

    def __str__(self) -> str:
        return f"{self.case_id} {self.criterion_id} {self.assessed_on}: {self.met}"
