"""The people's capacity: organisations, their agreements, volunteers, pledges and
donations, and activities (5W).

Nothing here is about a resident: what reaches households (referrals,
deliveries, attendance, spending) lives in ``mehman.assistance``, above the
registry. Partner staff are linked to their organisation by ``OrganisationStaff``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, ClassVar, TypeVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mehman.core import dates
from mehman.core.models import BaseModel, Event, Settlement
from mehman.core.permissions import ScopedQuerySet, ScopedUser

# --- Code lists ---------------------------------------------------------------------------


class OrganisationType(models.TextChoices):
    """The kinds of organisation of DOMAIN.md (`#org+type`)."""

    GOVERNMENT = "GOV", _("Government")
    UN = "UN", _("UN agency")
    INGO = "INGO", _("International NGO")
    NNGO = "NNGO", _("National NGO")
    CHARITY = "charity", _("Charity / benefactor")
    VOLUNTEER_GROUP = "volunteer", _("Volunteer group")
    PRIVATE = "private", _("Private sector")


class Sector(models.TextChoices):
    """Humanitarian clusters and the settlement's own sectors (`#sector+cluster`)."""

    SHELTER = "shelter", _("Shelter")
    NFI = "nfi", _("Non-food items and winterisation")
    WASH = "wash", _("Water, sanitation and hygiene")
    HEALTH = "health", _("Health")
    NUTRITION = "nutrition", _("Nutrition")
    FOOD = "food", _("Food security")
    EDUCATION = "education", _("Education")
    PROTECTION = "protection", _("Protection")
    LIVELIHOODS = "livelihoods", _("Livelihoods and self-reliance")
    LEGAL = "legal", _("Legal aid and documentation")
    CCCM = "cccm", _("Camp coordination and management")
    SOLUTIONS = "solutions", _("Durable solutions")


class DataCategory(models.TextChoices):
    """What a data-sharing agreement lets partner staff read of a referred household.

    Without any category a partner sees the reference number, the household's size
    and its members counted by sex and age. Protected needs and case notes are
    never shared.
    """

    IDENTITY = "identity", _("Names, sex and age of members")
    CONTACT = "contact", _("Phone, block and address")
    DOCUMENTS = "documents", _("Identity documents")
    NEEDS = "needs", _("Specific needs (not protected ones)")


class BackgroundCheck(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    PENDING = "pending", _("Pending")
    CLEARED = "cleared", _("Cleared")
    REFUSED = "refused", _("Not cleared")


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ONGOING = "ongoing", _("Ongoing")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVITY_TRANSITIONS: dict[str, frozenset[str]] = {
    ActivityStatus.PLANNED: frozenset({ActivityStatus.ONGOING, ActivityStatus.CANCELLED}),
    ActivityStatus.ONGOING: frozenset({ActivityStatus.COMPLETED, ActivityStatus.CANCELLED}),
    ActivityStatus.COMPLETED: frozenset({ActivityStatus.ONGOING}),
    ActivityStatus.CANCELLED: frozenset(),
}


class GiftKind(models.TextChoices):
    CASH = "cash", _("Cash")
    IN_KIND = "in_kind", _("In kind")


class PledgeStatus(models.TextChoices):
    """Where the gift stands: set by the services from what was received and used."""

    PLEDGED = "pledged", _("Pledged")
    RECEIVED = "received", _("Received")
    STORED = "stored", _("Stored")
    DISTRIBUTED = "distributed", _("Distributed")
    CANCELLED = "cancelled", _("Cancelled")


PLEDGE_TRANSITIONS: dict[str, frozenset[str]] = {
    PledgeStatus.PLEDGED: frozenset({PledgeStatus.RECEIVED, PledgeStatus.CANCELLED}),
    PledgeStatus.RECEIVED: frozenset({PledgeStatus.STORED, PledgeStatus.DISTRIBUTED}),
    PledgeStatus.STORED: frozenset({PledgeStatus.RECEIVED, PledgeStatus.DISTRIBUTED}),
    PledgeStatus.DISTRIBUTED: frozenset({PledgeStatus.RECEIVED, PledgeStatus.STORED}),
    PledgeStatus.CANCELLED: frozenset(),
}


class HouseholdCriterion(models.TextChoices):
    """A donor's restriction on which households may benefit (checked when giving)."""

    FEMALE_HEAD = "female_head", _("Households headed by a woman")
    WIDOW_HEAD = "widow_head", _("Households headed by a widow")
    CHILD_UNDER_5 = "child_under_5", _("Households with a child under five")
    OLDER_PERSON = "older_person", _("Households with a person aged 60 or over")
    DISABILITY = "disability", _("Households with a person with a disability")
    SPECIFIC_NEED = "specific_need", _("Households with a specific need (by code)")


# UNHCR age brackets as HXL attributes (#targeted+f+age0_4 ...).
BRACKET_TAGS: dict[str, str] = {
    "0-4": "age0_4",
    "5-11": "age5_11",
    "12-17": "age12_17",
    "18-59": "age18_59",
    "60+": "age60plus",
}
# The keys of an activity's targets: households, then people by sex and bracket.
TARGET_KEYS: tuple[str, ...] = (
    "hh",
    *(f"{sex}_{tag}" for sex in ("f", "m") for tag in BRACKET_TAGS.values()),
)


# --- Who sees what --------------------------------------------------------------------------


def partner_organisation_ids(user: Any) -> list[int]:
    """The organisations a partner staff account works for (one, or none)."""
    if not getattr(user, "is_authenticated", False) or getattr(user, "pk", None) is None:
        return []
    return list(
        OrganisationStaff.objects.filter(user_id=user.pk, is_active=True).values_list(
            "organisation_id", flat=True
        )
    )


_M = TypeVar("_M", bound=models.Model)


class PartnerScopedQuerySet(ScopedQuerySet[_M]):
    """Staff see their settlements' records; partner staff see their own organisation's.

    ``organisation_path`` leads from the model to the organisation whose staff may
    read it. Analysts (national, no personal records) see non-personal rows only.
    """

    organisation_path: str = "organisation"

    def for_user(self, user: Any) -> ScopedQuerySet[_M]:
        if not getattr(user, "is_authenticated", False) or not isinstance(user, ScopedUser):
            return self.none()
        if not user.sees_settlement_records and not user.has_national_scope:
            own = partner_organisation_ids(user)
            if not own:
                return self.none()
            mine = self.filter(**{f"{self.organisation_path}__in": own})
            return mine.in_settlements(user.settlement_ids()).distinct()
        return super().for_user(user)


# --- Organisations ---------------------------------------------------------------------------


class OrganisationQuerySet(PartnerScopedQuerySet["Organisation"]):
    settlement_path = "settlements"
    organisation_path = "pk"
    personal_data = False

    def for_user(self, user: Any) -> ScopedQuerySet[Organisation]:
        scoped = super().for_user(user)
        if getattr(user, "has_national_scope", False):
            return scoped
        return scoped.distinct()


class Organisation(BaseModel):
    """A government body, UN agency, NGO, charity, volunteer group or company."""

    name_fa = models.CharField(_("name (Persian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=20, blank=True)
    org_type = models.CharField(
        _("type"), max_length=16, choices=OrganisationType.choices, db_index=True
    )
    sectors = models.JSONField(_("sectors"), default=list, blank=True)
    settlements = models.ManyToManyField(
        Settlement, related_name="organisations", verbose_name=_("works in"), blank=True
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    website = models.URLField(_("website"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords(m2m_fields=[settlements])
    objects: ClassVar[OrganisationQuerySet] = OrganisationQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_fa if (get_language() or "fa").startswith("fa") else self.name_en

    @property
    def short_name(self) -> str:
        return self.acronym or self.name

    def sector_labels(self) -> list[str]:
        labels = dict(Sector.choices)
        return [str(labels.get(code, code)) for code in self.sectors]


class OrganisationEvent(Event):
    aggregate = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("organisation"),
    )

    class Meta(Event.Meta):
        verbose_name = _("organisation event")
        verbose_name_plural = _("organisation events")


class Contact(BaseModel):
    """A named person to call at an organisation."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=120)
    title = models.CharField(_("position"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("email"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return self.name


class OrganisationStaff(BaseModel):
    """A partner staff account working for an organisation."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="partner_link",
        verbose_name=_("account"),
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="staff")
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("partner staff account")
        verbose_name_plural = _("partner staff accounts")

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"


class _Validity(BaseModel):
    """An agreement valid from one day to another (both included) unless revoked."""

    reference = models.CharField(_("reference"), max_length=40, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    revoke_reason = models.CharField(_("reason for revoking"), max_length=300, blank=True)

    class Meta:
        abstract = True

    def is_live(self, on: date | None = None) -> bool:
        day = on or dates.today()
        if self.revoked_on is not None and self.revoked_on <= day:
            return False
        return self.valid_from <= day <= self.valid_to

    @property
    def state(self) -> str:
        day = dates.today()
        if self.revoked_on is not None and self.revoked_on <= day:
            return "revoked"
        if day < self.valid_from:
            return "pending"
        if day > self.valid_to:
            return "expired"
        return "live"


def live_on(day: date) -> Q:
    """Agreements in force on ``day``."""
    return Q(valid_from__lte=day, valid_to__gte=day) & (
        Q(revoked_on__isnull=True) | Q(revoked_on__gt=day)
    )


class AgreementQuerySet(PartnerScopedQuerySet[Any]):
    personal_data = False
    settlement_path = "settlements"

    def for_user(self, user: Any) -> Any:
        return super().for_user(user).distinct()

    def live(self, on: date | None = None) -> AgreementQuerySet:
        return self.filter(live_on(on or dates.today()))


class Agreement(_Validity):
    """A memorandum of understanding: what the organisation does, where, until when."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="agreements"
    )
    settlements = models.ManyToManyField(
        Settlement, related_name="agreements", verbose_name=_("settlements")
    )
    title = models.CharField(_("title"), max_length=200)
    scope = models.TextField(_("scope"))
    sectors = models.JSONField(_("sectors"), default=list, blank=True)

    history = HistoricalRecords(m2m_fields=[settlements])
    objects: ClassVar[AgreementQuerySet] = AgreementQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-valid_to"]
        verbose_name = _("memorandum of understanding")
        verbose_name_plural = _("memoranda of understanding")

    def __str__(self) -> str:
        return self.title


class DataSharingAgreement(_Validity):
    """Which settlements' referred households, and which data, partner staff may read."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="data_agreements"
    )
    settlements = models.ManyToManyField(
        Settlement, related_name="data_agreements", verbose_name=_("settlements")
    )
    purpose = models.CharField(_("purpose"), max_length=300)
    categories = models.JSONField(_("data categories"), default=list, blank=True)

    history = HistoricalRecords(m2m_fields=[settlements])
    objects: ClassVar[AgreementQuerySet] = AgreementQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-valid_to"]
        verbose_name = _("data-sharing agreement")
        verbose_name_plural = _("data-sharing agreements")

    def __str__(self) -> str:
        return self.reference or self.purpose

    def category_labels(self) -> list[str]:
        labels = dict(DataCategory.choices)
        return [str(labels.get(code, code)) for code in self.categories]


# --- Volunteers ------------------------------------------------------------------------------


class VolunteerQuerySet(PartnerScopedQuerySet["Volunteer"]):
    settlement_path = "settlement"

    def safeguarded(self, on: date | None = None) -> VolunteerQuerySet:
        day = on or dates.today()
        return self.filter(
            code_of_conduct_signed_on__isnull=False,
            code_of_conduct_signed_on__lte=day,
            psea_trained_on__isnull=False,
            psea_trained_on__lte=day,
            psea_trained_on__gt=psea_cutoff(day),
            background_check=BackgroundCheck.CLEARED,
        )


def psea_cutoff(day: date) -> date:
    """PSEA training older than the configured validity no longer counts."""
    months = int(settings.MEHMAN_PSEA_VALID_MONTHS)
    return dates.add_months(day, -months)


class Volunteer(BaseModel):
    """A person who gives time through an organisation."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="volunteers"
    )
    settlement = models.ForeignKey(Settlement, on_delete=models.PROTECT, related_name="volunteers")
    name = models.CharField(_("name"), max_length=160)
    sex = models.CharField(_("sex"), max_length=1, choices=[("F", _("Female")), ("M", _("Male"))])
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    skills = models.JSONField(_("skills"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    availability = models.CharField(_("availability"), max_length=200, blank=True)
    code_of_conduct_signed_on = models.DateField(
        _("code of conduct signed on"), null=True, blank=True
    )
    psea_trained_on = models.DateField(_("PSEA training completed on"), null=True, blank=True)
    background_check = models.CharField(
        _("background check"),
        max_length=16,
        choices=BackgroundCheck.choices,
        default=BackgroundCheck.NOT_STARTED,
    )
    background_checked_on = models.DateField(_("background check date"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()
    objects: ClassVar[VolunteerQuerySet] = VolunteerQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["name"]
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")

    def __str__(self) -> str:
        return self.name

    def safeguarding_gaps(self, on: date | None = None) -> list[str]:
        """What still stands between this volunteer and work with residents."""
        day = on or dates.today()
        gaps: list[str] = []
        if self.code_of_conduct_signed_on is None or self.code_of_conduct_signed_on > day:
            gaps.append(str(_("the code of conduct is not signed")))
        if self.psea_trained_on is None or self.psea_trained_on > day:
            gaps.append(str(_("PSEA training is not recorded")))
        elif self.psea_trained_on <= psea_cutoff(day):
            gaps.append(str(_("PSEA training has lapsed")))
        if self.background_check != BackgroundCheck.CLEARED:
            gaps.append(str(_("the background check is not cleared")))
        return gaps

    @property
    def is_safeguarded(self) -> bool:
        return not self.safeguarding_gaps()


# --- Activities (5W) -------------------------------------------------------------------------


class ActivityQuerySet(PartnerScopedQuerySet["Activity"]):
    """Activities are aggregates: analysts see them; partners see their own."""

    settlement_path = "settlement"
    personal_data = False

    def for_user(self, user: Any) -> ScopedQuerySet[Activity]:
        if (
            getattr(user, "is_authenticated", False)
            and isinstance(user, ScopedUser)
            and not user.sees_settlement_records
            and not user.has_national_scope
        ):
            own = partner_organisation_ids(user)
            return self.filter(
                Q(organisation__in=own) | Q(funder__in=own),
                settlement__in=user.settlement_ids(),
            )
        return super().for_user(user)


class Activity(BaseModel):
    """Who does what, where, when and for whom."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("implementing organisation"),
    )
    funder = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="funded_activities",
        verbose_name=_("funding organisation"),
        null=True,
        blank=True,
    )
    sector = models.CharField(_("sector"), max_length=16, choices=Sector.choices)
    name = models.CharField(_("activity"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    settlement = models.ForeignKey(Settlement, on_delete=models.PROTECT, related_name="activities")
    block = models.CharField(_("block"), max_length=20, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ActivityStatus.choices,
        default=ActivityStatus.PLANNED,
        db_index=True,
    )
    starts_on = models.DateField(_("start date"))
    ends_on = models.DateField(_("end date"), null=True, blank=True)
    works_with_residents = models.BooleanField(
        _("volunteers work with residents"),
        default=True,
        help_text=_("Volunteers assigned to it must have completed safeguarding."),
    )
    targets = models.JSONField(_("targets"), default=dict, blank=True)

    history = HistoricalRecords()
    objects: ClassVar[ActivityQuerySet] = ActivityQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="activity_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def target(self, key: str) -> int:
        return int(self.targets.get(key, 0) or 0)

    @property
    def targeted_people(self) -> int:
        return sum(self.target(k) for k in TARGET_KEYS if k != "hh")


class AssignmentQuerySet(PartnerScopedQuerySet["VolunteerAssignment"]):
    settlement_path = "activity__settlement"
    organisation_path = "volunteer__organisation"


class VolunteerAssignment(BaseModel):
    """A volunteer working on an activity."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="assignments")
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField(_("role"), max_length=120, blank=True)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"), null=True, blank=True)

    history = HistoricalRecords()
    objects: ClassVar[AssignmentQuerySet] = AssignmentQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("volunteer assignment")
        verbose_name_plural = _("volunteer assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer", "activity"], name="volunteer_assigned_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} → {self.activity}"


class HoursQuerySet(PartnerScopedQuerySet["VolunteerHours"]):
    settlement_path = "assignment__activity__settlement"
    organisation_path = "assignment__volunteer__organisation"


class VolunteerHours(BaseModel):
    """Time given on one day."""

    assignment = models.ForeignKey(
        VolunteerAssignment, on_delete=models.PROTECT, related_name="hours"
    )
    worked_on = models.DateField(_("date"))
    hours = models.DecimalField(
        _("hours"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25"))],
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    history = HistoricalRecords()
    objects: ClassVar[HoursQuerySet] = HoursQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-worked_on"]
        verbose_name = _("hours given")
        verbose_name_plural = _("hours given")
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24), name="hours_within_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assignment_id} {self.worked_on} {self.hours}"


# --- Pledges and donations -------------------------------------------------------------------


class PledgeQuerySet(PartnerScopedQuerySet["Pledge"]):
    """Pledges carry no one's personal data: analysts see them; donors see their own."""

    settlement_path = "settlement"
    organisation_path = "donor"
    personal_data = False


class Pledge(BaseModel):
    """A benefactor's promise of cash or goods, with the donor's restrictions."""

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    donor = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="pledges", verbose_name=_("donor")
    )
    settlement = models.ForeignKey(Settlement, on_delete=models.PROTECT, related_name="pledges")
    kind = models.CharField(_("kind"), max_length=8, choices=GiftKind.choices)
    item = models.CharField(_("item"), max_length=200)
    unit = models.CharField(_("unit"), max_length=40)
    quantity = models.DecimalField(
        _("quantity"), max_digits=16, decimal_places=2, validators=[MinValueValidator(0)]
    )
    value = models.BigIntegerField(_("value (rials)"), validators=[MinValueValidator(0)])
    pledged_on = models.DateField(_("pledged on"), default=dates.today)
    expected_on = models.DateField(_("expected on"), null=True, blank=True)
    restricted_sector = models.CharField(
        _("only for the sector"), max_length=16, choices=Sector.choices, blank=True
    )
    restricted_to = models.CharField(
        _("only for households"), max_length=16, choices=HouseholdCriterion.choices, blank=True
    )
    restricted_need = models.CharField(_("specific need code"), max_length=16, blank=True)
    restriction_note = models.CharField(
        _("restriction in the donor's words"), max_length=300, blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=PledgeStatus.choices,
        default=PledgeStatus.PLEDGED,
        db_index=True,
    )
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)

    history = HistoricalRecords()
    objects: ClassVar[PledgeQuerySet] = PledgeQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-pledged_on", "-id"]
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")

    def __str__(self) -> str:
        return self.reference

    @property
    def is_restricted(self) -> bool:
        return bool(self.restricted_sector or self.restricted_to)

    @property
    def item_label(self) -> str:
        """What is given, in the reader's language for cash (stored as a code)."""
        return str(_("Cash")) if self.kind == GiftKind.CASH else self.item

    @property
    def unit_label(self) -> str:
        return str(_("rials")) if self.kind == GiftKind.CASH else self.unit


class DonationQuerySet(PartnerScopedQuerySet["Donation"]):
    settlement_path = "pledge__settlement"
    organisation_path = "pledge__donor"
    personal_data = False


class Donation(BaseModel):
    """What actually arrived against a pledge, and how much of it is left to use."""

    pledge = models.ForeignKey(Pledge, on_delete=models.PROTECT, related_name="donations")
    received_on = models.DateField(_("received on"))
    quantity = models.DecimalField(
        _("quantity"), max_digits=16, decimal_places=2, validators=[MinValueValidator(0)]
    )
    value = models.BigIntegerField(_("value (rials)"), validators=[MinValueValidator(0)])
    stored_at = models.CharField(_("stored at"), max_length=120, blank=True)
    stored_on = models.DateField(_("stored on"), null=True, blank=True)
    # Kept by the assistance services under a row lock as goods and money are used.
    used_quantity = models.DecimalField(
        _("quantity used"), max_digits=16, decimal_places=2, default=Decimal(0)
    )
    used_value = models.BigIntegerField(_("value used (rials)"), default=0)
    note = models.CharField(_("note"), max_length=300, blank=True)

    history = HistoricalRecords()
    objects: ClassVar[DonationQuerySet] = DonationQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("donation received")
        verbose_name_plural = _("donations received")
        constraints = [
            models.CheckConstraint(
                condition=Q(used_quantity__lte=models.F("quantity")),
                name="donation_not_overused",
            ),
            models.CheckConstraint(
                condition=Q(used_value__lte=models.F("value")),
                name="donation_value_not_overused",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pledge_id} {self.received_on}"

    @property
    def remaining_quantity(self) -> Decimal:
        return self.quantity - self.used_quantity

    @property
    def remaining_value(self) -> int:
        return self.value - self.used_value

    @property
    def unit_value(self) -> Decimal:
        return Decimal(self.value) / self.quantity if self.quantity else Decimal(0)
