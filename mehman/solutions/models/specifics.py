"""What each pathway records beyond the case (DOMAIN.md): a voluntary return, a resettlement
referral to UNHCR, an integration into the host city; and referrals to partners."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mehman.assistance.models import Referral
from mehman.core.models import BaseModel
from mehman.core.permissions import ScopedQuerySet
from mehman.registry.models import Individual
from mehman.solutions.models.cases import SolutionsCase

__all__ = [
    "DEFAULT_CROSSING",
    "CaseReferral",
    "LocalIntegration",
    "RepatriationDetails",
    "ResettlementCategory",
    "ResettlementOutcome",
    "ResettlementPriority",
    "ResettlementReferral",
    "ServiceType",
]

# The crossing returns from Khorasan go through (DOMAIN.md).
DEFAULT_CROSSING = "Dogharoun"


class RepatriationQuerySet(ScopedQuerySet["RepatriationDetails"]):
    settlement_path = "case__settlement"


class RepatriationDetails(BaseModel):
    """A voluntary return: counselling, deregistration, papers, who leaves, when and where."""

    case = models.OneToOneField(
        SolutionsCase,
        on_delete=models.CASCADE,
        related_name="repatriation",
        verbose_name=_("case"),
    )
    counselling_dates = models.JSONField(_("counselling sessions"), default=list, blank=True)
    intended_province = models.CharField(_("intended province"), max_length=80, blank=True)
    intended_district = models.CharField(_("intended district"), max_length=80, blank=True)
    deregistered_on = models.DateField(_("deregistered on"), null=True, blank=True)
    laissez_passer_number = models.CharField(_("laissez-passer number"), max_length=40, blank=True)
    vrf_number = models.CharField(
        _("voluntary repatriation form number"), max_length=40, blank=True
    )
    members_departing = models.ManyToManyField(
        Individual, related_name="+", blank=True, verbose_name=_("members departing")
    )
    departure_on = models.DateField(_("departure date"), null=True, blank=True)
    crossing_point = models.CharField(
        _("crossing point"), max_length=80, blank=True, default=DEFAULT_CROSSING
    )
    cards_surrendered = models.BooleanField(_("residence cards surrendered"), default=False)
    cards_surrendered_on = models.DateField(_("cards surrendered on"), null=True, blank=True)

    history = HistoricalRecords(m2m_fields=[members_departing])
    objects: ClassVar[RepatriationQuerySet] = RepatriationQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("voluntary return")
        verbose_name_plural = _("voluntary returns")
        constraints = [
            models.CheckConstraint(
                condition=Q(cards_surrendered=True) | Q(cards_surrendered_on__isnull=True),
                name="surrender_date_only_when_surrendered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id}"


class ResettlementCategory(models.TextChoices):
    """UNHCR Resettlement Handbook 2022 submission categories."""

    PROTECTION = "protection", _("Legal and/or physical protection needs")
    WOMEN_GIRLS = "women_girls", _("Women and girls at risk")
    CHILDREN = "children", _("Children and adolescents at risk")
    SURVIVORS = "survivors", _("Survivors of violence and/or torture")
    MEDICAL = "medical", _("Medical needs")
    FAMILY_UNITY = "family_unity", _("Restoring family unity")
    NO_ALTERNATIVE = "no_alternative", _("Lack of foreseeable alternative durable solutions")


class ResettlementPriority(models.TextChoices):
    EMERGENCY = "emergency", _("Emergency")
    URGENT = "urgent", _("Urgent")
    NORMAL = "normal", _("Normal")


class ResettlementOutcome(models.TextChoices):
    PENDING = "pending", _("Awaiting UNHCR")
    SUBMITTED = "submitted", _("Submitted by UNHCR to a country")
    ACCEPTED = "accepted", _("Accepted by a resettlement country")
    NOT_SUBMITTED = "not_submitted", _("Not submitted by UNHCR")
    REJECTED = "rejected", _("Rejected by the resettlement country")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ResettlementQuerySet(ScopedQuerySet["ResettlementReferral"]):
    settlement_path = "case__settlement"


class ResettlementReferral(BaseModel):
    """The referral prepared for UNHCR, which owns the submission: categories, priority,
    justification, when it went to UNHCR, and what came of it."""

    case = models.OneToOneField(
        SolutionsCase,
        on_delete=models.CASCADE,
        related_name="resettlement",
        verbose_name=_("case"),
    )
    primary_category = models.CharField(
        _("primary category"), max_length=16, choices=ResettlementCategory.choices
    )
    secondary_category = models.CharField(
        _("secondary category"), max_length=16, choices=ResettlementCategory.choices
    )
    priority = models.CharField(
        _("priority"),
        max_length=10,
        choices=ResettlementPriority.choices,
        default=ResettlementPriority.NORMAL,
    )
    justification = models.TextField(_("justification"))
    referred_on = models.DateField(_("referred to UNHCR on"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"),
        max_length=14,
        choices=ResettlementOutcome.choices,
        default=ResettlementOutcome.PENDING,
    )
    outcome_on = models.DateField(_("outcome on"), null=True, blank=True)
    outcome_note = models.CharField(_("outcome note"), max_length=300, blank=True)

    history = HistoricalRecords()
    objects: ClassVar[ResettlementQuerySet] = ResettlementQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("resettlement referral")
        verbose_name_plural = _("resettlement referrals")
        constraints = [
            models.CheckConstraint(
                condition=~Q(primary_category=F("secondary_category")),
                name="resettlement_categories_differ",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.primary_category}"


class IntegrationQuerySet(ScopedQuerySet["LocalIntegration"]):
    settlement_path = "case__settlement"


class LocalIntegration(BaseModel):
    """A move into the host city: the address and tenancy, permits, schools, follow-up."""

    case = models.OneToOneField(
        SolutionsCase,
        on_delete=models.CASCADE,
        related_name="integration",
        verbose_name=_("case"),
    )
    city = models.CharField(_("city"), max_length=80, blank=True)
    city_address = models.CharField(_("address in the city"), max_length=300, blank=True)
    tenancy_start = models.DateField(_("tenancy starts"), null=True, blank=True)
    permits = models.TextField(
        _("permits"), blank=True, help_text=_("Work and residence permits held or applied for.")
    )
    schools = models.TextField(_("schools"), blank=True, help_text=_("Where the children enrol."))
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    follow_up_note = models.TextField(_("follow-up"), blank=True)

    history = HistoricalRecords()
    objects: ClassVar[IntegrationQuerySet] = IntegrationQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("local integration")
        verbose_name_plural = _("local integrations")

    def __str__(self) -> str:
        return f"{self.case_id} {self.city}"


class ServiceType(models.TextChoices):
    """What a case refers a household to a partner for."""

    LEGAL_AID = "legal_aid", _("Legal aid")
    VOCATIONAL = "vocational", _("Vocational training")
    HEALTH = "health", _("Health")
    COUNSELLING = "counselling", _("Counselling")
    OTHER = "other", _("Other")


class CaseReferralQuerySet(ScopedQuerySet["CaseReferral"]):
    settlement_path = "case__settlement"


class CaseReferral(BaseModel):
    """A referral to a partner made for a case. The referral itself (consent, the partner's
    answer, outcome, follow-up date) is ``assistance.Referral``, which the partner portal
    shows; this row ties it to the case and names the kind of service."""

    case = models.ForeignKey(
        SolutionsCase, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("case")
    )
    referral = models.OneToOneField(
        Referral,
        on_delete=models.PROTECT,
        related_name="solutions_link",
        verbose_name=_("referral"),
    )
    service_type = models.CharField(_("service"), max_length=12, choices=ServiceType.choices)

    history = HistoricalRecords()
    objects: ClassVar[CaseReferralQuerySet] = CaseReferralQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["case_id", "id"]
        verbose_name = _("case referral")
        verbose_name_plural = _("case referrals")

    def __str__(self) -> str:
        return f"{self.case_id} {self.service_type}"
