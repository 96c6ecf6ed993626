"""Medium-term residence: terms under signed agreements, their reviews, bulk conversions of
long-term residents, renewal campaigns of residence documents, and messages to residents.

Nothing here is changed except by ``mehman.residence.services``, which writes the household's
or settlement's timeline and a history row for every change.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mehman.core import dates
from mehman.core.models import BaseModel, Settlement, TaskProgress
from mehman.core.permissions import ScopedQuerySet
from mehman.intake.models import Application
from mehman.registry.models import DocumentType, Household, IdentityDocument, Individual

# --- Agreement conditions -----------------------------------------------------------------


class AgreementConditionQuerySet(ScopedQuerySet["AgreementCondition"]):
    personal_data = False

    def for_user(self, user: object) -> AgreementConditionQuerySet:
        """The conditions are the directorate's list: every signed-in staff member reads it."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self

    def active(self) -> AgreementConditionQuerySet:
        return self.filter(is_active=True)


class AgreementCondition(BaseModel):
    """One condition of a residence agreement, from the maintained list (Persian and English)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    text_fa = models.TextField(_("text (Persian)"))
    text_en = models.TextField(_("text (English)"))
    position = models.PositiveSmallIntegerField(_("order in the list"), default=100)
    standard = models.BooleanField(
        _("in every new agreement"),
        default=True,
        help_text=_("Chosen by default when a term is started."),
    )
    is_active = models.BooleanField(_("in use"), default=True)

    history = HistoricalRecords()
    objects: ClassVar[AgreementConditionQuerySet] = AgreementConditionQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("agreement condition")
        verbose_name_plural = _("agreement conditions")

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return self.text_fa if (get_language() or "fa").startswith("fa") else self.text_en

    def snapshot(self) -> dict[str, str]:
        """What a term keeps of the condition: the words agreed, even if the list changes."""
        return {"code": self.code, "fa": self.text_fa, "en": self.text_en}


# --- Residence terms ------------------------------------------------------------------------


class TermStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    UNDER_REVIEW = "under_review", _("Under review")
    EXTENDED = "extended", _("Extended")
    ENDING = "ending", _("Ending")
    ENDED = "ended", _("Ended")
    REVOKED = "revoked", _("Revoked")


TERM_TRANSITIONS: dict[str, frozenset[str]] = {
    TermStatus.ACTIVE: frozenset({TermStatus.UNDER_REVIEW, TermStatus.ENDING, TermStatus.REVOKED}),
    TermStatus.UNDER_REVIEW: frozenset({TermStatus.ACTIVE, TermStatus.EXTENDED, TermStatus.ENDING}),
    TermStatus.EXTENDED: frozenset({TermStatus.UNDER_REVIEW, TermStatus.ENDING}),
    TermStatus.ENDING: frozenset({TermStatus.UNDER_REVIEW, TermStatus.ENDED}),
    TermStatus.ENDED: frozenset(),
    TermStatus.REVOKED: frozenset(),
}
# A term still binding the household (everything but ended and withdrawn).
OPEN_TERM_STATUSES = (
    TermStatus.ACTIVE,
    TermStatus.UNDER_REVIEW,
    TermStatus.EXTENDED,
    TermStatus.ENDING,
)


class TermOrigin(models.TextChoices):
    ADMISSION = "admission", _("Admission from the waitlist")
    CONVERSION = "conversion", _("Conversion of long-term residence")
    RECORDED = "recorded", _("Started by hand")


class Pathway(models.TextChoices):
    """The durable solution a household's exit plan aims at (DESIGN.md)."""

    UNDECIDED = "undecided", _("Not decided yet")
    SELF_RELIANCE = "self_reliance", _("Self-reliance")
    REPATRIATION = "repatriation", _("Voluntary return")
    RESETTLEMENT = "resettlement", _("Resettlement to a third country")
    LOCAL_INTEGRATION = "local_integration", _("Integration into the host city")


class ExitReason(models.TextChoices):
    """How a household left (CCCM CM-09 departures), as the term records it."""

    RETURNED = "returned", _("Returned to the country of origin")
    RESETTLED = "resettled", _("Resettled to a third country")
    MOVED_TO_CITY = "moved_to_city", _("Moved to the city")
    OTHER_SETTLEMENT = "other_settlement", _("Moved to another settlement")
    JOINED_HOUSEHOLD = "joined_household", _("Joined another household here")
    WHEREABOUTS_UNKNOWN = "unknown", _("Whereabouts unknown")
    DECEASED = "deceased", _("Deceased")
    OTHER = "other", _("Other")


class TermQuerySet(ScopedQuerySet["ResidenceTerm"]):
    settlement_path = "settlement"

    def open(self) -> TermQuerySet:
        return self.filter(status__in=OPEN_TERM_STATUSES)


def _agreement_path(instance: ResidenceTerm, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"agreements/{instance.uuid}.{suffix}"


class ResidenceTerm(BaseModel):
    """A household's term of residence: from its start to a planned end, under an agreement."""

    reference = models.CharField(_("term"), max_length=32, unique=True, editable=False)
    settlement = models.ForeignKey(
        Settlement, on_delete=models.PROTECT, related_name="+", verbose_name=_("settlement")
    )
    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        related_name="residence_terms",
        verbose_name=_("household"),
    )
    status = models.CharField(
        _("status"),
        max_length=14,
        choices=TermStatus.choices,
        default=TermStatus.ACTIVE,
        db_index=True,
    )
    origin = models.CharField(_("how it began"), max_length=12, choices=TermOrigin.choices)
    started_on = models.DateField(_("start"))
    planned_end = models.DateField(_("planned end"), db_index=True)
    first_end = models.DateField(_("end first agreed"))
    review_months = models.PositiveSmallIntegerField(_("review every (months)"))
    next_review_on = models.DateField(_("next review"), null=True, blank=True, db_index=True)
    extensions = models.PositiveSmallIntegerField(_("extensions"), default=0)
    conditions = models.JSONField(_("conditions"), default=list, blank=True)
    pathway = models.CharField(
        _("intended durable solution"),
        max_length=20,
        choices=Pathway.choices,
        default=Pathway.UNDECIDED,
    )
    exit_plan = models.TextField(_("exit plan"), blank=True)
    agreement_signed_on = models.DateField(_("agreement signed on"), null=True, blank=True)
    agreement_scan = models.FileField(
        _("signed agreement (scan)"), upload_to=_agreement_path, blank=True
    )
    application = models.ForeignKey(
        Application,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("application"),
    )
    conversion = models.ForeignKey(
        "ConversionRun",
        on_delete=models.PROTECT,
        related_name="terms",
        null=True,
        blank=True,
        verbose_name=_("conversion"),
    )
    exit_reason = models.CharField(_("exit"), max_length=20, choices=ExitReason.choices, blank=True)
    exit_on = models.DateField(_("exit date"), null=True, blank=True)
    exit_note = models.CharField(_("exit note"), max_length=300, blank=True)

    history = HistoricalRecords()
    objects: ClassVar[TermQuerySet] = TermQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["planned_end", "id"]
        verbose_name = _("residence term")
        verbose_name_plural = _("residence terms")
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(status__in=OPEN_TERM_STATUSES),
                name="one_open_term_per_household",
            ),
            # Nothing ends a term silently: an ended term names its exit and its date.
            models.CheckConstraint(
                condition=~Q(status=TermStatus.ENDED)
                | (Q(exit_on__isnull=False) & ~Q(exit_reason="")),
                name="ended_term_has_exit",
            ),
            models.CheckConstraint(
                condition=Q(planned_end__gt=models.F("started_on")),
                name="term_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["settlement", "status"], name="term_status")]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_TERM_STATUSES

    def days_left(self) -> int:
        return (self.planned_end - dates.today()).days

    def condition_texts(self, language: str | None = None) -> list[str]:
        lang = language or get_language() or "fa"
        key = "fa" if lang.startswith("fa") else "en"
        return [str(item.get(key) or item.get("fa") or "") for item in self.conditions]


# --- Reviews ------------------------------------------------------------------------------


class ReviewStatus(models.TextChoices):
    OPEN = "open", _("Due")
    DONE = "done", _("Completed")


class Progress(models.TextChoices):
    """Progress against the household's exit plan since the last review."""

    ON_TRACK = "on_track", _("On track")
    SOME = "some", _("Some progress")
    NONE = "none", _("No progress")
    SETBACK = "setback", _("Set back")


class Decision(models.TextChoices):
    CONTINUE = "continue", _("Continue the term")
    EXTEND = "extend", _("Extend the term")
    BEGIN_EXIT = "begin_exit", _("Begin the exit")


class ReviewQuerySet(ScopedQuerySet["Review"]):
    settlement_path = "term__settlement"


class Review(BaseModel):
    """A periodic review of a term: progress against the exit plan, and a decision."""

    term = models.ForeignKey(
        ResidenceTerm, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("term")
    )
    status = models.CharField(
        _("status"), max_length=8, choices=ReviewStatus.choices, default=ReviewStatus.OPEN
    )
    due_on = models.DateField(_("due"))
    held_on = models.DateField(_("held on"), null=True, blank=True)
    progress = models.CharField(
        _("progress against the exit plan"), max_length=10, choices=Progress.choices, blank=True
    )
    progress_note = models.TextField(_("progress"), blank=True)
    remarks = models.TextField(_("remarks"), blank=True)
    decision = models.CharField(_("decision"), max_length=12, choices=Decision.choices, blank=True)
    new_end = models.DateField(_("new planned end"), null=True, blank=True)
    reason = models.TextField(_("reason for the decision"), blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewer"),
    )

    history = HistoricalRecords()
    objects: ClassVar[ReviewQuerySet] = ReviewQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-due_on", "-id"]
        verbose_name = _("term review")
        verbose_name_plural = _("term reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["term"],
                condition=Q(status="open"),
                name="one_open_review_per_term",
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | (Q(held_on__isnull=False) & ~Q(decision="")),
                name="done_review_has_decision",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.term.reference} {self.due_on}"


# --- Bulk conversion ----------------------------------------------------------------------


class ConversionStatus(models.TextChoices):
    PREVIEW = "preview", _("Previewed")
    COMMITTING = "committing", _("Committing")
    COMMITTED = "committed", _("Committed")
    REVERSING = "reversing", _("Reversing")
    REVERSED = "reversed", _("Reversed")
    DISCARDED = "discarded", _("Discarded")
    FAILED = "failed", _("Failed")


class Priority(models.TextChoices):
    """Rules that give some households a later end when ends are staggered."""

    VULNERABLE = "vulnerable", _("Later ends for households with specific needs")
    CHILDREN = "children", _("Later ends for households with school-age children")
    WOMAN_HEADED = "woman_headed", _("Later ends for households headed by a woman")
    ELDERLY = "elderly", _("Later ends for households with older persons (60+)")


class ConversionQuerySet(ScopedQuerySet["ConversionRun"]):
    settlement_path = "settlement"


class ConversionRun(BaseModel):
    """Long-term residents converted to terms in bulk: the filter, the policy, the schedule
    previewed, and what was committed (reversible within a grace period)."""

    reference = models.CharField(_("conversion"), max_length=32, unique=True, editable=False)
    settlement = models.ForeignKey(
        Settlement, on_delete=models.PROTECT, related_name="+", verbose_name=_("settlement")
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ConversionStatus.choices,
        default=ConversionStatus.PREVIEW,
    )
    filters = models.JSONField(_("households chosen by"), default=dict, blank=True)
    policy = models.JSONField(_("policy"), default=dict, blank=True)
    # household id -> planned end (ISO), in the order ends were given.
    schedule = models.JSONField(_("schedule"), default=dict, blank=True)
    households = models.PositiveIntegerField(_("households"), default=0)
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("prepared by"),
    )
    committed_at = models.DateTimeField(_("committed at"), null=True, blank=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("committed by"),
    )
    reversible_until = models.DateField(_("reversible until"), null=True, blank=True)
    reversed_at = models.DateTimeField(_("reversed at"), null=True, blank=True)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reversed by"),
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    message = models.CharField(_("message"), max_length=300, blank=True)
    progress = models.ForeignKey(
        TaskProgress,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("progress"),
    )

    history = HistoricalRecords()
    objects: ClassVar[ConversionQuerySet] = ConversionQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("conversion")
        verbose_name_plural = _("conversions")

    def __str__(self) -> str:
        return self.reference


# --- Document renewal campaigns -------------------------------------------------------------

# The documents whose validity the worklists follow (the four kinds).
WATCHED_DOCUMENTS = (
    DocumentType.AMAYESH,
    DocumentType.WORK_PERMIT,
    DocumentType.LAISSEZ_PASSER,
    DocumentType.VISA,
)


class CampaignStatus(models.TextChoices):
    OPEN = "open", _("Under way")
    CLOSED = "closed", _("Closed")


class CampaignQuerySet(ScopedQuerySet["Campaign"]):
    settlement_path = "settlement"


class Campaign(BaseModel):
    """A renewal exercise (e.g. Amayesh 18): which members must renew, and who has."""

    reference = models.CharField(_("campaign"), max_length=32, unique=True, editable=False)
    settlement = models.ForeignKey(
        Settlement, on_delete=models.PROTECT, related_name="+", verbose_name=_("settlement")
    )
    title = models.CharField(_("title"), max_length=120)
    doc_type = models.CharField(_("document"), max_length=20, choices=DocumentType.choices)
    cycle = models.CharField(_("cycle or exercise"), max_length=20, help_text=_("E.g. Amayesh 18."))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    status = models.CharField(
        _("status"), max_length=8, choices=CampaignStatus.choices, default=CampaignStatus.OPEN
    )
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()
    objects: ClassVar[CampaignQuerySet] = CampaignQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("renewal campaign")
        verbose_name_plural = _("renewal campaigns")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="campaign_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class TargetStatus(models.TextChoices):
    PENDING = "pending", _("Not renewed yet")
    RENEWED = "renewed", _("Renewed")
    EXCUSED = "excused", _("Not required")


class ContactOutcome(models.TextChoices):
    REACHED = "reached", _("Reached, will come")
    NO_ANSWER = "no_answer", _("Not reached")
    REFUSED = "refused", _("Does not want to renew")
    AWAY = "away", _("Away from the settlement")
    OTHER = "other", _("Other")


class TargetQuerySet(ScopedQuerySet["CampaignTarget"]):
    settlement_path = "campaign__settlement"


class CampaignTarget(BaseModel):
    """One member a campaign expects to renew, and the follow-up until they do."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="targets", verbose_name=_("campaign")
    )
    individual = models.ForeignKey(
        Individual, on_delete=models.PROTECT, related_name="+", verbose_name=_("member")
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="+", verbose_name=_("household")
    )
    previous = models.ForeignKey(
        IdentityDocument,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("document held"),
    )
    renewed = models.ForeignKey(
        IdentityDocument,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("renewed document"),
    )
    status = models.CharField(
        _("status"), max_length=8, choices=TargetStatus.choices, default=TargetStatus.PENDING
    )
    renewed_on = models.DateField(_("renewed on"), null=True, blank=True)
    contacts = models.PositiveSmallIntegerField(_("times contacted"), default=0)
    last_contact_on = models.DateField(_("last contact"), null=True, blank=True)
    last_outcome = models.CharField(
        _("outcome"), max_length=10, choices=ContactOutcome.choices, blank=True
    )
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True, db_index=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    history = HistoricalRecords()
    objects: ClassVar[TargetQuerySet] = TargetQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["household_id", "individual_id"]
        verbose_name = _("campaign member")
        verbose_name_plural = _("campaign members")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "individual"], name="one_target_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.campaign.reference} {self.individual_id}"


# --- Messages to residents and staff digests ----------------------------------------------------


class MessageTemplateQuerySet(ScopedQuerySet["MessageTemplate"]):
    personal_data = False

    def for_user(self, user: object) -> MessageTemplateQuerySet:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self


class MessageTemplate(BaseModel):
    """The words of a text message to residents, in Persian (English for partners' reading).

    Placeholders in braces (``{household}``, ``{date}``, …) are filled when it is sent."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=120)
    body_fa = models.TextField(_("message (Persian)"))
    body_en = models.TextField(_("message (English)"), blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    history = HistoricalRecords()
    objects: ClassVar[MessageTemplateQuerySet] = MessageTemplateQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["code"]
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")

    def __str__(self) -> str:
        return self.title


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class MessageQuerySet(ScopedQuerySet["TextMessage"]):
    settlement_path = "settlement"


class TextMessage(BaseModel):
    """A text message to a resident's phone, sent through the configured SMS backend."""

    settlement = models.ForeignKey(
        Settlement, on_delete=models.PROTECT, related_name="+", verbose_name=_("settlement")
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="+", verbose_name=_("household")
    )
    phone = models.CharField(_("phone"), max_length=32)
    template = models.CharField(_("template"), max_length=40, blank=True)
    body = models.TextField(_("message"))
    # Makes a reminder idempotent (e.g. "expiry:<document>:30"): sent once, whatever reruns.
    key = models.CharField(max_length=120, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=8, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    backend = models.CharField(_("sent through"), max_length=80, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)

    history = HistoricalRecords()
    objects: ClassVar[MessageQuerySet] = MessageQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("text message")
        verbose_name_plural = _("text messages")
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=~Q(key=""), name="text_message_key_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.template}"


class DigestQuerySet(ScopedQuerySet["Digest"]):
    def for_user(self, user: Any) -> DigestQuerySet:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user=user)


class Digest(models.Model):
    """A staff member's daily digest of what is due, sent once a day."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("to")
    )
    day = models.DateField(_("day"), default=dates.today)
    items = models.PositiveIntegerField(_("items"), default=0)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    objects: ClassVar[DigestQuerySet] = DigestQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-day"]
        verbose_name = _("daily digest")
        verbose_name_plural = _("daily digests")
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="one_digest_a_day")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}"


class ResidenceSerial(models.Model):
    """The last serial given to a settlement's terms, conversions or campaigns."""

    settlement = models.ForeignKey(Settlement, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16)  # "term", "conversion", "campaign"
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["settlement", "kind"], name="residence_serial_unique")
        ]

    def __str__(self) -> str:
        return f"{self.settlement_id} {self.kind}: {self.last}"
