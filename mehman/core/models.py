"""Core models: the base model, settlements, the timeline pattern and task progress."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mehman.core.events import event_kind
from mehman.core.permissions import ScopedQuerySet

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class BaseModel(models.Model):
    """Every domain record: a public UUID for URLs, creation and change times, a version."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Optimistic locking: services bump it and refuse stale edits.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True


class AccommodationType(models.TextChoices):
    """UNHCR accommodation types (population statistics)."""

    PLANNED = "P", _("Planned/managed camp")
    SELF_SETTLED_CAMP = "S", _("Self-settled camp")
    COLLECTIVE = "C", _("Collective centre")
    RECEPTION = "R", _("Reception/transit centre")
    INDIVIDUAL = "I", _("Individual accommodation")
    UNKNOWN = "U", _("Unknown")


class SettlementQuerySet(ScopedQuerySet["Settlement"]):
    settlement_path = ""  # the settlement itself
    personal_data = False


class Settlement(BaseModel):
    """A guest city (mehmanshahr). The national office sees all of them."""

    code = models.CharField(
        _("code"),
        max_length=8,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]{2,8}$", _("Use 2 to 8 capital Latin letters."))],
        help_text=_("Short Latin code used in reference numbers, e.g. TJ."),
    )
    name_fa = models.CharField(_("name (Persian)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    province_fa = models.CharField(_("province (Persian)"), max_length=80)
    province_en = models.CharField(_("province (English)"), max_length=80)
    capacity = models.PositiveIntegerField(
        _("capacity (persons)"), validators=[MinValueValidator(1)]
    )
    accommodation_type = models.CharField(
        _("UNHCR accommodation type"),
        max_length=1,
        choices=AccommodationType.choices,
        default=AccommodationType.PLANNED,
    )
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()
    objects: ClassVar[SettlementQuerySet] = SettlementQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["code"]
        verbose_name = _("settlement")
        verbose_name_plural = _("settlements")

    def __str__(self) -> str:
        return str(self.name)

    @property
    def name(self) -> str:
        return self.name_fa if (get_language() or "fa").startswith("fa") else self.name_en

    @property
    def province(self) -> str:
        return self.province_fa if (get_language() or "fa").startswith("fa") else self.province_en


class Event(models.Model):
    """Base of every timeline: one row per domain event, written only by services.

    Each aggregate (settlement, user, household, ...) has its own concrete event
    model with an ``aggregate`` foreign key; see ``mehman.core.events``.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("event"), max_length=64, db_index=True)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    params = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        abstract = True
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M}"

    @property
    def label(self) -> StrOrPromise:
        return event_kind(self.kind).label

    @property
    def summary(self) -> str:
        return event_kind(self.kind).summarise(self.params)


class SettlementEvent(Event):
    aggregate = models.ForeignKey(
        Settlement, on_delete=models.CASCADE, related_name="events", verbose_name=_("settlement")
    )

    class Meta(Event.Meta):
        verbose_name = _("settlement event")
        verbose_name_plural = _("settlement events")


class TaskStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class TaskProgressQuerySet(ScopedQuerySet["TaskProgress"]):
    def for_user(self, user: Any) -> TaskProgressQuerySet:
        """A user follows the tasks they started, and no one else's."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(started_by=user)


class TaskProgress(models.Model):
    """Progress of one piece of background work, polled by pages and shown by the CLI."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("task"), max_length=64)
    title = models.CharField(_("title"), max_length=200)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("started by"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.QUEUED
    )
    total = models.PositiveIntegerField(_("total"), default=0)
    done = models.PositiveIntegerField(_("done"), default=0)
    message = models.CharField(_("message"), max_length=300, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[TaskProgressQuerySet] = TaskProgressQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("background task")
        verbose_name_plural = _("background tasks")

    def __str__(self) -> str:
        return self.title

    @property
    def percent(self) -> int:
        if self.status == TaskStatus.DONE:
            return 100
        if not self.total:
            return 0
        return min(100, int(100 * self.done / self.total))

    @property
    def finished(self) -> bool:
        return self.status in (TaskStatus.DONE, TaskStatus.FAILED)
