"""Duplicate detection in the registry: runs across it, and the pairs they propose for review.

Nothing here is changed except by ``mehman.matching.services``. A pair is two people who may
be one; a reviewer confirms it (the registry's merge service merges them, reversibly) or
rejects it (remembered: never proposed again).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from mehman.core.models import BaseModel, Settlement, TaskProgress
from mehman.core.permissions import ScopedQuerySet, ScopedUser
from mehman.registry.models import Individual


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", pgettext_lazy("matching run", "Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class MatchRunQuerySet(ScopedQuerySet["MatchRun"]):
    pass


class MatchRun(BaseModel):
    """One pass of the model across the people of a settlement."""

    reference = models.CharField(
        pgettext_lazy("matching run", "run"), max_length=32, unique=True, editable=False
    )
    settlement = models.ForeignKey(
        Settlement, on_delete=models.PROTECT, related_name="+", verbose_name=_("settlement")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    model_version = models.CharField(_("model"), max_length=40, blank=True)
    people = models.PositiveIntegerField(_("people compared"), default=0)
    candidates = models.PositiveIntegerField(_("pairs scored"), default=0)
    proposed = models.PositiveIntegerField(_("pairs proposed"), default=0)
    skipped_rejected = models.PositiveIntegerField(_("pairs already judged"), default=0)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    progress = models.ForeignKey(
        TaskProgress, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()
    objects: ClassVar[MatchRunQuerySet] = MatchRunQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")

    def __str__(self) -> str:
        return self.reference


class PairStatus(models.TextChoices):
    OPEN = "open", _("To review")
    MERGED = "merged", _("Same person: merged")
    REJECTED = "rejected", _("Different people")
    UNDONE = "undone", pgettext_lazy("possible duplicate", "Merge undone")


PAIR_TRANSITIONS: dict[str, set[str]] = {
    PairStatus.OPEN: {PairStatus.MERGED, PairStatus.REJECTED},
    PairStatus.MERGED: {PairStatus.UNDONE},
    PairStatus.UNDONE: {PairStatus.MERGED, PairStatus.REJECTED},
    PairStatus.REJECTED: set(),
}


class PairSource(models.TextChoices):
    RUN = "run", _("Registry run")
    REGISTRATION = "registration", _("At registration")


class MatchPairQuerySet(ScopedQuerySet["MatchPair"]):
    settlement_path = "first__household__settlement"

    def for_user(self, user: Any) -> MatchPairQuerySet:
        """A pair is shown only to those who may see both people."""
        mine = super().for_user(user)
        if not isinstance(user, ScopedUser) or not getattr(user, "is_authenticated", False):
            return mine  # type: ignore[return-value]
        people = Individual.objects.for_user(user).values("pk")
        return mine.filter(second__in=people)  # type: ignore[return-value]

    def open(self) -> MatchPairQuerySet:
        return self.filter(status=PairStatus.OPEN)


class MatchPair(BaseModel):
    """Two people who may be one, with the model's probability and the evidence per field.

    ``first`` is the person registered first (the lower id): a merge keeps that record.
    """

    first = models.ForeignKey(
        Individual, on_delete=models.PROTECT, related_name="+", verbose_name=_("person on file")
    )
    second = models.ForeignKey(
        Individual, on_delete=models.PROTECT, related_name="+", verbose_name=_("possible duplicate")
    )
    run = models.ForeignKey(
        MatchRun,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pairs",
        verbose_name=_("found by run"),
    )
    source = models.CharField(
        _("found by"), max_length=14, choices=PairSource.choices, default=PairSource.RUN
    )
    probability = models.FloatField(_("probability"), db_index=True)
    weight = models.FloatField(_("match weight"), default=0.0)
    # [{"field": "given", "level": "exact", "weight": 6.2}, ...]
    evidence = models.JSONField(_("evidence"), default=list, blank=True)
    # Pairs of one cluster share its key (the lowest person id), so a reviewer sees the group.
    cluster = models.PositiveIntegerField(_("group"), null=True, blank=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PairStatus.choices, default=PairStatus.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    history = HistoricalRecords()
    objects: ClassVar[MatchPairQuerySet] = MatchPairQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-probability", "pk"]
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="one_pair_per_two_people"),
            models.CheckConstraint(condition=Q(first__lt=models.F("second")), name="pair_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.first_id}-{self.second_id}"
