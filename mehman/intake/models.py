"""Applications to live in the settlement, the rules that screen them, the weights
that score them and the rankings that order the waitlist.

An application belongs to a household in the registry. Its ``f_*`` columns hold
what the household has of each published criterion (``mehman.intake.scoring``),
read from the registry by the services; its score and rank follow from them and
the settlement's current weights. Every re-ranking is a ``Ranking`` row, and
every application it moved a ``RankEntry``: together they explain each move.
Nothing here changes except through ``mehman.intake.services``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mehman.core import dates
from mehman.core.models import BaseModel, Event, Settlement
from mehman.core.permissions import ScopedQuerySet
from mehman.intake import scoring
from mehman.partners.models import Organisation
from mehman.registry.models import Household


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ELIGIBLE = "eligible", _("Screened: eligible")
    INELIGIBLE = "ineligible", _("Screened: not eligible")
    WAITLISTED = "waitlisted", _("On the waitlist")
    OFFERED = "offered", _("Offered a home")
    ACCEPTED = "accepted", _("Offer accepted")
    DECLINED = "declined", _("Offer declined")
    ADMITTED = "admitted", _("Admitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")
    APPEAL = "appeal", _("Under appeal")


S = ApplicationStatus
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SUBMITTED, S.WITHDRAWN}),
    S.SUBMITTED: frozenset({S.ELIGIBLE, S.INELIGIBLE, S.WITHDRAWN, S.EXPIRED}),
    S.ELIGIBLE: frozenset({S.WAITLISTED, S.WITHDRAWN, S.EXPIRED}),
    S.INELIGIBLE: frozenset({S.APPEAL, S.WITHDRAWN, S.EXPIRED}),
    S.WAITLISTED: frozenset({S.OFFERED, S.APPEAL, S.WITHDRAWN, S.EXPIRED}),
    S.APPEAL: frozenset({S.ELIGIBLE, S.INELIGIBLE, S.WAITLISTED, S.WITHDRAWN}),
    S.OFFERED: frozenset({S.ACCEPTED, S.DECLINED, S.WITHDRAWN, S.EXPIRED}),
    S.ACCEPTED: frozenset({S.ADMITTED, S.WITHDRAWN}),
    S.DECLINED: frozenset({S.WAITLISTED, S.WITHDRAWN}),
    S.ADMITTED: frozenset(),
    S.WITHDRAWN: frozenset(),
    S.EXPIRED: frozenset(),
}
# A household has at most one application that is not finished.
FINISHED = frozenset({S.ADMITTED, S.WITHDRAWN, S.EXPIRED})
OPEN = tuple(s for s in S.values if s not in FINISHED)


class Channel(models.TextChoices):
    WALK_IN = "walk_in", _("Walk-in at the office")
    PARTNER = "partner", _("Referred by a partner")
    FIELD_TEAM = "field_team", _("Field team")


class CurrentHousing(models.TextChoices):
    RENTED = "rented", _("Renting")
    RELATIVES = "relatives", _("Staying with relatives or friends")
    INFORMAL = "informal", _("Informal shelter or tent")
    WORKPLACE = "workplace", _("At the workplace (farm, kiln, site)")
    HOMELESS = "homeless", _("Homeless")
    OTHER = "other", _("Other")


class AppealSubject(models.TextChoices):
    INELIGIBILITY = "ineligibility", _("The decision that the household is not eligible")
    SCORE = "score", _("The priority score")


# --- Eligibility rules ----------------------------------------------------------------------


class RuleKind(models.TextChoices):
    RESIDENCE_DOCUMENT = "residence_document", _("Valid residence document in this province")
    NOT_RESIDENT_ELSEWHERE = "not_resident_elsewhere", _("Not already resident elsewhere")
    HOUSEHOLD_SIZE = "household_size", _("Household size within range")
    CONSENT = "consent", _("Consent to data processing recorded")
    DOCUMENT_SEEN = "document_seen", _("An identity document seen at the interview")


class EligibilityRuleQuerySet(ScopedQuerySet["EligibilityRule"]):
    settlement_path = "settlement"
    personal_data = False


class EligibilityRule(BaseModel):
    """A written rule every application is screened against, with the message it gives."""

    settlement = models.ForeignKey(
        Settlement, on_delete=models.PROTECT, related_name="+", verbose_name=_("settlement")
    )
    kind = models.CharField(_("rule"), max_length=32, choices=RuleKind.choices)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    message_fa = models.CharField(_("message when not met (Persian)"), max_length=300)
    message_en = models.CharField(_("message when not met (English)"), max_length=300)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()
    objects: ClassVar[EligibilityRuleQuerySet] = EligibilityRuleQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["settlement_id", "position", "id"]
        verbose_name = _("eligibility rule")
        verbose_name_plural = _("eligibility rules")
        constraints = [
            models.UniqueConstraint(fields=["settlement", "kind"], name="one_rule_of_a_kind")
        ]

    def __str__(self) -> str:
        return str(self.get_kind_display())

    @property
    def message(self) -> str:
        persian = (get_language() or "fa").startswith("fa")
        return self.message_fa if persian else self.message_en


# --- Weights ---------------------------------------------------------------------------------


class WeightSetQuerySet(ScopedQuerySet["WeightSet"]):
    settlement_path = "settlement"
    personal_data = False


class WeightSet(models.Model):
    """One published version of a settlement's weights; the newest is in force."""

    settlement = models.ForeignKey(
        Settlement, on_delete=models.PROTECT, related_name="+", verbose_name=_("settlement")
    )
    number = models.PositiveIntegerField(_("version"))
    weights = models.JSONField(_("weights"), default=dict)
    note = models.CharField(_("reason for the change"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    created_at = models.DateTimeField(_("published at"), default=timezone.now)

    objects: ClassVar[WeightSetQuerySet] = WeightSetQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["settlement_id", "-number"]
        verbose_name = _("weights version")
        verbose_name_plural = _("weights versions")
        constraints = [
            models.UniqueConstraint(fields=["settlement", "number"], name="weights_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.settlement_id} v{self.number}"

    def as_decimals(self) -> dict[str, Decimal]:
        return {code: Decimal(str(value)) for code, value in self.weights.items()}


# --- Applications ------------------------------------------------------------------------


class ApplicationQuerySet(ScopedQuerySet["Application"]):
    settlement_path = "settlement"

    def open(self) -> ApplicationQuerySet:
        return self.filter(status__in=OPEN)

    def ranked(self) -> ApplicationQuerySet:
        """Those holding a place on the waitlist: waitlisted, or appealing their score."""
        return self.filter(
            Q(status=S.WAITLISTED) | Q(status=S.APPEAL, appeal_of=AppealSubject.SCORE)
        )


class Application(BaseModel):
    """A household's application to live in the settlement, from draft to admission."""

    reference = models.CharField(_("application number"), max_length=24, unique=True)
    # The household's settlement, kept here so the waitlist is read without a join.
    settlement = models.ForeignKey(
        Settlement, on_delete=models.PROTECT, related_name="+", verbose_name=_("settlement")
    )
    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("household"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=S.choices, default=S.DRAFT, db_index=True
    )
    applied_on = models.DateField(_("application date"), default=dates.today)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    referred_by = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("referring partner"),
    )
    current_housing = models.CharField(
        _("current housing"), max_length=16, choices=CurrentHousing.choices
    )
    current_place = models.CharField(_("current place of living"), max_length=200)
    reasons = models.TextField(_("reasons for applying"), blank=True)
    documents_seen = models.JSONField(_("documents seen"), default=list, blank=True)
    monthly_income = models.PositiveBigIntegerField(
        _("monthly income (rial)"), null=True, blank=True
    )
    eviction_risk = models.BooleanField(_("facing eviction or homeless"), default=False)
    consent_given = models.BooleanField(_("consent to data processing given"), default=False)
    pin_hash = models.CharField(max_length=128, blank=True, editable=False)

    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    screened_on = models.DateField(_("screened on"), null=True, blank=True)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("screened by"),
    )
    # What each active rule found at screening: [{kind, passed, message_fa, message_en, detail}]
    eligibility = models.JSONField(_("screening result"), default=list, blank=True)
    waitlisted_on = models.DateField(_("waitlisted on"), null=True, blank=True)
    offered_on = models.DateField(_("offered on"), null=True, blank=True)
    offer_place = models.CharField(_("home offered"), max_length=200, blank=True)
    respond_by = models.DateField(_("answer due by"), null=True, blank=True)
    offer_skip_reason = models.CharField(
        _("why households ahead were passed over"), max_length=300, blank=True
    )
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    decline_reason = models.CharField(_("reason for declining"), max_length=300, blank=True)
    admitted_on = models.DateField(_("admitted on"), null=True, blank=True)
    closed_reason = models.CharField(_("reason"), max_length=300, blank=True)
    appeal_of = models.CharField(
        _("appeal against"), max_length=16, choices=AppealSubject.choices, blank=True
    )
    appeal_reason = models.TextField(_("grounds of appeal"), blank=True)
    appealed_on = models.DateField(_("appealed on"), null=True, blank=True)
    appeal_decision = models.TextField(_("appeal decision"), blank=True)
    appeals_decided = models.PositiveSmallIntegerField(default=0, editable=False)

    # What the household has of each criterion (scoring.CRITERIA), read from the registry.
    household_size = models.PositiveSmallIntegerField(_("members"), default=0)
    f_female_head = models.BooleanField(default=False, editable=False)
    f_child_head = models.BooleanField(default=False, editable=False)
    f_older = models.PositiveSmallIntegerField(default=0, editable=False)
    f_disability = models.PositiveSmallIntegerField(default=0, editable=False)
    f_under_five = models.PositiveSmallIntegerField(default=0, editable=False)
    f_no_income = models.BooleanField(default=False, editable=False)
    f_eviction_risk = models.BooleanField(default=False, editable=False)
    need_categories = models.CharField(max_length=100, blank=True, editable=False)
    features_read_at = models.DateTimeField(null=True, blank=True, editable=False)

    score = models.DecimalField(_("score"), max_digits=10, decimal_places=2, null=True)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["score", "rank"])
    objects: ClassVar[ApplicationQuerySet] = ApplicationQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-applied_on", "-id"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(status__in=OPEN),
                name="one_open_application_per_household",
            ),
            models.CheckConstraint(
                condition=Q(consent_given=True) | Q(status__in=[S.DRAFT, S.WITHDRAWN]),
                name="application_submitted_with_consent",
            ),
        ]
        # Rank and score are in no index, so that re-ranking rewrites only the rows
        # (PostgreSQL keeps such updates "heap-only"; see migration 0002).
        indexes = [models.Index(fields=["settlement", "status"], name="application_waitlist")]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status not in FINISHED

    @property
    def on_waitlist(self) -> bool:
        return self.status == S.WAITLISTED or (
            self.status == S.APPEAL and self.appeal_of == AppealSubject.SCORE
        )

    def allowed(self, status: str) -> bool:
        return status in ALLOWED_TRANSITIONS.get(self.status, frozenset())

    @property
    def features(self) -> scoring.Features:
        return scoring.Features(
            female_head=self.f_female_head,
            child_head=self.f_child_head,
            older_person=self.f_older,
            disability=self.f_disability,
            under_five=self.f_under_five,
            no_income=self.f_no_income,
            eviction_risk=self.f_eviction_risk,
            need_categories=scoring.split_categories(self.need_categories),
        )

    def months_waited(self, on: date | None = None) -> int:
        if self.submitted_at is None:
            return 0
        return scoring.months_between(
            timezone.localtime(self.submitted_at).date(), on or dates.today()
        )


class ApplicationEvent(Event):
    aggregate = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="events", verbose_name=_("application")
    )

    class Meta(Event.Meta):
        verbose_name = _("application event")
        verbose_name_plural = _("application events")


# --- Rank history --------------------------------------------------------------------------


class RankingReason(models.TextChoices):
    WEIGHTS = "weights", _("New weights published")
    JOINED = "joined", _("A household joined the waitlist")
    LEFT = "left", _("A household left the waitlist")
    DATA = "data", _("Household information was re-read")
    WAITING = "waiting", _("Waiting time counted")


class RankingQuerySet(ScopedQuerySet["Ranking"]):
    settlement_path = "settlement"
    personal_data = False


class Ranking(models.Model):
    """One re-ranking of a settlement's waitlist and what caused it."""

    settlement = models.ForeignKey(
        Settlement, on_delete=models.PROTECT, related_name="+", verbose_name=_("settlement")
    )
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    reason = models.CharField(_("reason"), max_length=16, choices=RankingReason.choices)
    subject = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("application concerned"),
    )
    weights = models.ForeignKey(
        WeightSet, on_delete=models.PROTECT, related_name="+", verbose_name=_("weights")
    )
    as_of = models.DateField(_("waiting time counted to"))
    ranked = models.PositiveIntegerField(_("households on the waitlist"))
    moved = models.PositiveIntegerField(_("households whose place or score changed"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )

    objects: ClassVar[RankingQuerySet] = RankingQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("re-ranking")
        verbose_name_plural = _("re-rankings")

    def __str__(self) -> str:
        return f"{self.settlement_id} {self.reason} {self.at:%Y-%m-%d %H:%M}"


class RankEntry(models.Model):
    """An application's place and score after a re-ranking that changed either.

    ``rank`` is empty when the application left the waitlist in that re-ranking.
    """

    # Written only by the re-ranking that creates the ranking, in the same transaction:
    # the database need not check, row by row, that the ranking exists (half a second
    # at 100,000 rows on PostgreSQL). Entries are read by application (rank_entry_app),
    # never by ranking alone, so it has no index of its own either.
    ranking = models.ForeignKey(
        Ranking,
        on_delete=models.CASCADE,
        related_name="entries",
        db_constraint=False,
        db_index=False,
    )
    # Indexed with the ranking below (rank_entry_app), not alone: one index less to write
    # for each of the many rows a re-ranking adds.
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="rank_entries", db_index=False
    )
    rank = models.PositiveIntegerField(null=True)
    score = models.DecimalField(max_digits=10, decimal_places=2, null=True)

    class Meta:
        ordering = ["application_id", "ranking_id"]
        indexes = [models.Index(fields=["application", "ranking"], name="rank_entry_app")]

    def __str__(self) -> str:
        return f"{self.application_id}@{self.ranking_id}: {self.rank}"


# --- The public status page --------------------------------------------------------------


class StatusLookup(models.Model):
    """One try on the public status page, kept to slow down guessing of PINs.

    Holds keyed hashes of the address and the number typed, never either one.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    client = models.CharField(max_length=64, db_index=True)
    reference = models.CharField(max_length=64, db_index=True)
    succeeded = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("status page lookup")
        verbose_name_plural = _("status page lookups")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {'ok' if self.succeeded else 'failed'}"
