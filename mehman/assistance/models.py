"""What reaches households from partners and benefactors: referrals, deliveries,
attendance, and donated money or goods spent on work for a household.

This app sits above the registry (it names households and people) and above
``partners`` (it names organisations, activities and donations). Partner staff
read households only through ``Referral.objects.for_user``: a referral to their
organisation that is still open, in a settlement covered by a data-sharing
agreement live today. Expiry therefore revokes access on the next request.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mehman.core import dates
from mehman.core.models import BaseModel
from mehman.core.permissions import ScopedQuerySet, ScopedUser
from mehman.partners.models import (
    Activity,
    DataSharingAgreement,
    Donation,
    Organisation,
    Sector,
    live_on,
    partner_organisation_ids,
)
from mehman.registry.models import Household, Individual


def is_partner_staff(user: Any) -> bool:
    """Partner staff: settlement users who see no records but those shared with them."""
    return (
        getattr(user, "is_authenticated", False)
        and isinstance(user, ScopedUser)
        and not user.sees_settlement_records
        and not user.has_national_scope
    )


def live_agreements(organisation_ids: list[int], day: date | None = None) -> Any:
    return DataSharingAgreement.objects.filter(
        live_on(day or dates.today()), organisation__in=organisation_ids
    )


class ReferralStatus(models.TextChoices):
    REFERRED = "referred", _("Referred")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    CLOSED = "closed", _("Closed")


REFERRAL_TRANSITIONS: dict[str, frozenset[str]] = {
    ReferralStatus.REFERRED: frozenset({ReferralStatus.ACCEPTED, ReferralStatus.DECLINED}),
    ReferralStatus.ACCEPTED: frozenset({ReferralStatus.CLOSED}),
    ReferralStatus.DECLINED: frozenset(),
    ReferralStatus.CLOSED: frozenset(),
}
OPEN_REFERRAL = (ReferralStatus.REFERRED, ReferralStatus.ACCEPTED)


class ReferralQuerySet(ScopedQuerySet["Referral"]):
    settlement_path = "household__settlement"

    def for_user(self, user: Any) -> Any:
        if is_partner_staff(user):
            return self.shared_with(user)
        return super().for_user(user)

    def shared_with(self, user: Any, day: date | None = None) -> Any:
        """Open referrals to the partner's organisation under a data-sharing agreement
        live on ``day`` for the household's settlement."""
        own = partner_organisation_ids(user)
        if not own:
            return self.none()
        covering = live_agreements(own, day).filter(
            organisation=OuterRef("organisation"), settlements=OuterRef("household__settlement")
        )
        return self.filter(
            Exists(covering),
            organisation__in=own,
            status__in=OPEN_REFERRAL,
            household__settlement__in=user.settlement_ids(),
        )

    def open(self) -> Any:
        return self.filter(status__in=OPEN_REFERRAL)

    def overdue(self, day: date | None = None) -> Any:
        return self.open().filter(due_on__lt=day or dates.today())


class Referral(BaseModel):
    """A household referred to an organisation for a service, with its consent."""

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("household")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("referred to"),
    )
    sector = models.CharField(_("sector"), max_length=16, choices=Sector.choices)
    service = models.CharField(_("service requested"), max_length=200)
    reason = models.TextField(_("reason"), blank=True)
    referred_on = models.DateField(_("referred on"), default=dates.today)
    due_on = models.DateField(_("follow up by"), null=True, blank=True)
    consent_given = models.BooleanField(_("the household consents"), default=False)
    consent_override = models.CharField(
        _("reason to refer without consent"), max_length=300, blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ReferralStatus.choices,
        default=ReferralStatus.REFERRED,
        db_index=True,
    )
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    decline_reason = models.CharField(_("reason for declining"), max_length=300, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("referred by"),
        null=True,
    )

    history = HistoricalRecords()
    objects: ClassVar[ReferralQuerySet] = ReferralQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-referred_on", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.CheckConstraint(
                condition=Q(consent_given=True) | ~Q(consent_override=""),
                name="referral_consent_or_override",
            )
        ]

    def __str__(self) -> str:
        return f"{self.household_id} → {self.organisation_id}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REFERRAL

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_on is not None and self.due_on < dates.today()


def _shared_households(user: Any) -> Any:
    return Referral.objects.shared_with(user).values("household")


class DeliveryQuerySet(ScopedQuerySet["Delivery"]):
    settlement_path = "household__settlement"

    def for_user(self, user: Any) -> Any:
        if is_partner_staff(user):
            own = partner_organisation_ids(user)
            return self.filter(organisation__in=own, household__in=_shared_households(user))
        return super().for_user(user)


class Delivery(BaseModel):
    """What one household received from an activity: goods, cash or a service."""

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("household")
    )
    activity = models.ForeignKey(
        Activity, on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("activity")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="deliveries",
        verbose_name=_("delivered by"),
    )
    donation = models.ForeignKey(
        Donation,
        on_delete=models.PROTECT,
        related_name="deliveries",
        verbose_name=_("from the donation"),
        null=True,
        blank=True,
    )
    item = models.CharField(_("item or service"), max_length=200)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=14,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(0)],
    )
    value = models.BigIntegerField(_("value (rials)"), default=0)
    delivered_on = models.DateField(_("delivered on"), default=dates.today)
    # People in the household on the day, by sex and age bracket (the 5W "reached").
    reached = models.JSONField(_("people reached"), default=dict, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    history = HistoricalRecords()
    objects: ClassVar[DeliveryQuerySet] = DeliveryQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-delivered_on", "-id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [models.Index(fields=["activity", "household"])]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="delivery_quantity_positive")
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.item} {self.delivered_on}"


class AttendanceQuerySet(ScopedQuerySet["Attendance"]):
    settlement_path = "person__household__settlement"

    def for_user(self, user: Any) -> Any:
        if is_partner_staff(user):
            own = partner_organisation_ids(user)
            return self.filter(
                activity__organisation__in=own, person__household__in=_shared_households(user)
            )
        return super().for_user(user)


class Attendance(BaseModel):
    """A person attended a session of an activity (a course, a counselling group)."""

    activity = models.ForeignKey(
        Activity, on_delete=models.PROTECT, related_name="attendance", verbose_name=_("activity")
    )
    person = models.ForeignKey(
        Individual, on_delete=models.PROTECT, related_name="attendance", verbose_name=_("person")
    )
    attended_on = models.DateField(_("date"))
    # The person's sex and age bracket on the day, for the 5W "reached".
    sex = models.CharField(max_length=1, editable=False)
    bracket = models.CharField(max_length=12, editable=False)  # HXL tag: age0_4 … age60plus
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    history = HistoricalRecords()
    objects: ClassVar[AttendanceQuerySet] = AttendanceQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-attended_on"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "person", "attended_on"], name="attended_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.attended_on}"


class ExpenditureQuerySet(ScopedQuerySet["Expenditure"]):
    """Spending is shown to staff of the settlement; donors read it as aggregates."""

    settlement_path = "donation__pledge__settlement"

    def for_user(self, user: Any) -> Any:
        if is_partner_staff(user):
            return self.none()
        return super().for_user(user)


class Expenditure(BaseModel):
    """Donated money or goods spent on a work order (a repair, a service) for a household."""

    donation = models.ForeignKey(
        Donation, on_delete=models.PROTECT, related_name="expenditures", verbose_name=_("donation")
    )
    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        related_name="expenditures",
        verbose_name=_("household that benefited"),
        null=True,
        blank=True,
    )
    sector = models.CharField(_("sector"), max_length=16, choices=Sector.choices)
    work_order = models.CharField(_("work order"), max_length=40)
    description = models.CharField(_("work done"), max_length=300)
    contractor = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="works_done",
        verbose_name=_("contractor or volunteer group"),
        null=True,
        blank=True,
    )
    quantity = models.DecimalField(
        _("quantity"), max_digits=16, decimal_places=2, validators=[MinValueValidator(0)]
    )
    amount = models.BigIntegerField(_("amount (rials)"), validators=[MinValueValidator(0)])
    spent_on = models.DateField(_("spent on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    reached = models.JSONField(_("people reached"), default=dict, editable=False)

    history = HistoricalRecords()
    objects: ClassVar[ExpenditureQuerySet] = ExpenditureQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-spent_on", "-id"]
        verbose_name = _("spending on work")
        verbose_name_plural = _("spending on work")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0) | Q(amount__gt=0), name="expenditure_not_empty"
            )
        ]

    def __str__(self) -> str:
        return f"{self.work_order} {self.amount}"
