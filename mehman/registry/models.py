"""Households, the people in them, their documents and their specific needs.

Names are stored as typed; search keys (``*_key``) are derived by the services
through ``mehman.core.names`` and indexed. Nothing here is changed except by
``mehman.registry.services``, which writes the household timeline.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mehman.core import dates
from mehman.core.models import BaseModel, Event, Settlement
from mehman.core.permissions import ScopedQuerySet

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# --- Code lists ------------------------------------------------------------------------


class HouseholdStatus(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    RESIDENT = "resident", _("Resident")
    DEPARTED = "departed", _("Departed")
    CLOSED = "closed", _("Closed")


ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    HouseholdStatus.APPLICANT: frozenset({HouseholdStatus.RESIDENT, HouseholdStatus.CLOSED}),
    HouseholdStatus.RESIDENT: frozenset({HouseholdStatus.DEPARTED, HouseholdStatus.CLOSED}),
    HouseholdStatus.DEPARTED: frozenset({HouseholdStatus.CLOSED}),
    HouseholdStatus.CLOSED: frozenset(),
}


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")


class MaritalStatus(models.TextChoices):
    SINGLE = "single", _("Single")
    MARRIED = "married", _("Married")
    WIDOWED = "widowed", _("Widowed")
    DIVORCED = "divorced", _("Divorced")
    SEPARATED = "separated", _("Separated")


class Relationship(models.TextChoices):
    """Relationship to the head of household."""

    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    SON = "son", _("Son")
    DAUGHTER = "daughter", _("Daughter")
    FATHER = "father", _("Father")
    MOTHER = "mother", _("Mother")
    BROTHER = "brother", _("Brother")
    SISTER = "sister", _("Sister")
    GRANDCHILD = "grandchild", _("Grandchild")
    SON_IN_LAW = "son_in_law", _("Son-in-law")
    DAUGHTER_IN_LAW = "daughter_in_law", _("Daughter-in-law")
    OTHER_RELATIVE = "other_relative", _("Other relative")
    NOT_RELATED = "not_related", _("Not related")


class EducationLevel(models.TextChoices):
    NONE = "none", _("No schooling")
    LITERACY = "literacy", _("Literacy course")
    PRIMARY = "primary", _("Primary")
    LOWER_SECONDARY = "lower_secondary", _("Lower secondary")
    UPPER_SECONDARY = "upper_secondary", _("Upper secondary")
    TERTIARY = "tertiary", _("University")
    RELIGIOUS = "religious", _("Religious school")
    UNKNOWN = "unknown", _("Unknown")


class Difficulty(models.IntegerChoices):
    """Washington Group short set answer."""

    NONE = 1, _("No difficulty")
    SOME = 2, _("Some difficulty")
    A_LOT = 3, _("A lot of difficulty")
    CANNOT = 4, _("Cannot do at all")


WG_DOMAINS: tuple[tuple[str, StrOrPromise], ...] = (
    ("wg_seeing", _("Seeing")),
    ("wg_hearing", _("Hearing")),
    ("wg_walking", _("Walking or climbing steps")),
    ("wg_remembering", _("Remembering or concentrating")),
    ("wg_self_care", _("Self-care")),
    ("wg_communicating", _("Communicating")),
)


class IndividualStatus(models.TextChoices):
    ACTIVE = "active", _("Member")
    DECEASED = "deceased", _("Deceased")
    LEFT = "left", _("Left the household")
    MERGED = "merged", _("Merged into another record")


class DocumentType(models.TextChoices):
    AMAYESH = "amayesh", _("Amayesh card")
    HEADCOUNT = "headcount", _("Headcount slip")
    FIDA = "fida", _("Unified smart ID (FIDA)")
    LAISSEZ_PASSER = "laissez_passer", _("Laissez-passer")
    WORK_PERMIT = "work_permit", _("Work permit")
    PASSPORT = "passport", _("Afghan passport")
    FAMILY_PASSPORT = "family_passport", _("Afghan family passport")
    VISA = "visa", _("Iranian visa")
    TAZKIRA = "tazkira", _("Tazkira (paper)")
    E_TAZKIRA = "e_tazkira", _("e-Tazkira")
    UNHCR_CASE = "unhcr_case", _("UNHCR case number")
    UNHCR_INDIVIDUAL = "unhcr_individual", _("UNHCR individual number")
    VRF = "vrf", _("Voluntary Repatriation Form")
    NATIONAL_CODE = "national_code", _("Iranian national code")


# Documents one household may share (a family passport, a case number, a
# repatriation form); any other number belongs to one person only.
SHARED_DOCUMENT_TYPES = frozenset(
    {
        DocumentType.FAMILY_PASSPORT,
        DocumentType.HEADCOUNT,
        DocumentType.UNHCR_CASE,
        DocumentType.VRF,
    }
)
# Documents whose validity matters: worklists and badges check their expiry.
EXPIRING_DOCUMENT_TYPES = frozenset(
    {
        DocumentType.AMAYESH,
        DocumentType.HEADCOUNT,
        DocumentType.LAISSEZ_PASSER,
        DocumentType.WORK_PERMIT,
        DocumentType.PASSPORT,
        DocumentType.FAMILY_PASSPORT,
        DocumentType.VISA,
    }
)


class LaissezPasserPurpose(models.TextChoices):
    TRAVEL = "travel", _("Travel")
    REPATRIATION = "repatriation", _("Repatriation")


# --- Households -------------------------------------------------------------------------


class HouseholdQuerySet(ScopedQuerySet["Household"]):
    settlement_path = "settlement"


class Household(BaseModel):
    """A registration group with one head, known by its reference number."""

    reference = models.CharField(_("reference number"), max_length=20, unique=True)
    settlement = models.ForeignKey(
        Settlement,
        on_delete=models.PROTECT,
        related_name="households",
        verbose_name=_("settlement"),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=HouseholdStatus.choices,
        default=HouseholdStatus.APPLICANT,
        db_index=True,
    )
    head = models.ForeignKey(
        "Individual",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("head of household"),
    )
    size = models.PositiveSmallIntegerField(_("members"), default=0, db_index=True)
    block = models.CharField(_("block"), max_length=20, blank=True, db_index=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    phone_key = models.CharField(max_length=32, blank=True, db_index=True, editable=False)
    registered_on = models.DateField(_("registered on"), default=dates.today)
    consent_given = models.BooleanField(_("consent to data processing given"), default=False)
    consent_on = models.DateField(_("consent date"), null=True, blank=True)
    consent_note = models.CharField(_("consent record"), max_length=300, blank=True)
    external_id = models.CharField(_("external id"), max_length=64, blank=True, editable=False)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
        verbose_name=_("merged into"),
    )

    history = HistoricalRecords()
    objects: ClassVar[HouseholdQuerySet] = HouseholdQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["reference"]
        verbose_name = _("household")
        verbose_name_plural = _("households")
        constraints = [
            models.UniqueConstraint(
                fields=["settlement", "external_id"],
                condition=~Q(external_id=""),
                name="household_external_id_unique_per_settlement",
            )
        ]

    def __str__(self) -> str:
        return self.reference

    def active_members(self) -> models.QuerySet[Individual]:
        return self.members.filter(status=IndividualStatus.ACTIVE)


class Kinship(models.TextChoices):
    PARENT_CHILD = "parent_child", _("Parents and a grown child's family")
    SIBLINGS = "siblings", _("Brothers' or sisters' families")
    EXTENDED = "extended", _("Other close relatives")


class HouseholdLinkQuerySet(ScopedQuerySet["HouseholdLink"]):
    settlement_path = "household__settlement"

    def of(self, household: Household) -> HouseholdLinkQuerySet:
        return self.filter(Q(household=household) | Q(other=household))


class HouseholdLink(BaseModel):
    """Two households of one family registered apart (housing keeps them near each other).

    Stored once per pair, the lower id first.
    """

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="+", verbose_name=_("household")
    )
    other = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="+", verbose_name=_("related household")
    )
    kinship = models.CharField(_("kinship"), max_length=16, choices=Kinship.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    history = HistoricalRecords()
    objects: ClassVar[HouseholdLinkQuerySet] = HouseholdLinkQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["household_id", "other_id"]
        verbose_name = _("family link between households")
        verbose_name_plural = _("family links between households")
        constraints = [
            models.UniqueConstraint(fields=["household", "other"], name="household_link_once"),
            models.CheckConstraint(
                condition=Q(household__lt=models.F("other")), name="household_link_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household_id}~{self.other_id}"

    def partner_of(self, household: Household) -> Household:
        return self.other if self.household_id == household.pk else self.household


class HouseholdSerial(models.Model):
    """The last serial given in a settlement's reference numbers (locked while used)."""

    settlement = models.OneToOneField(Settlement, on_delete=models.CASCADE, primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.settlement_id}: {self.last}"


class HouseholdEvent(Event):
    aggregate = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="events", verbose_name=_("household")
    )

    class Meta(Event.Meta):
        verbose_name = _("household event")
        verbose_name_plural = _("household events")


# --- Individuals --------------------------------------------------------------------------


class IndividualQuerySet(ScopedQuerySet["Individual"]):
    settlement_path = "household__settlement"

    def active(self) -> IndividualQuerySet:
        return self.filter(status=IndividualStatus.ACTIVE)


class Individual(BaseModel):
    """A person as registered: names as typed, birth date possibly estimated."""

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="members", verbose_name=_("household")
    )
    given_name = models.CharField(_("given name"), max_length=80)
    family_name = models.CharField(_("family name"), max_length=80, blank=True)
    father_name = models.CharField(_("father's name"), max_length=80, blank=True)
    grandfather_name = models.CharField(_("grandfather's name"), max_length=80, blank=True)
    given_name_latin = models.CharField(_("given name (Latin)"), max_length=80, blank=True)
    family_name_latin = models.CharField(_("family name (Latin)"), max_length=80, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    birth_date_estimated = models.BooleanField(_("date of birth estimated"), default=False)
    marital_status = models.CharField(
        _("marital status"),
        max_length=16,
        choices=MaritalStatus.choices,
        default=MaritalStatus.SINGLE,
    )
    relationship = models.CharField(
        _("relationship to head"), max_length=20, choices=Relationship.choices
    )
    nationality = models.CharField(
        _("nationality"), max_length=3, default="AFG", help_text=_("ISO 3166 alpha-3 code.")
    )
    education = models.CharField(
        _("education"),
        max_length=20,
        choices=EducationLevel.choices,
        default=EducationLevel.UNKNOWN,
    )
    occupation = models.CharField(_("occupation"), max_length=120, blank=True)
    wg_seeing = models.PositiveSmallIntegerField(
        _("seeing"), choices=Difficulty.choices, null=True, blank=True
    )
    wg_hearing = models.PositiveSmallIntegerField(
        _("hearing"), choices=Difficulty.choices, null=True, blank=True
    )
    wg_walking = models.PositiveSmallIntegerField(
        _("walking"), choices=Difficulty.choices, null=True, blank=True
    )
    wg_remembering = models.PositiveSmallIntegerField(
        _("remembering"), choices=Difficulty.choices, null=True, blank=True
    )
    wg_self_care = models.PositiveSmallIntegerField(
        _("self-care"), choices=Difficulty.choices, null=True, blank=True
    )
    wg_communicating = models.PositiveSmallIntegerField(
        _("communicating"), choices=Difficulty.choices, null=True, blank=True
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=IndividualStatus.choices,
        default=IndividualStatus.ACTIVE,
    )
    died_on = models.DateField(_("date of death"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    # A duplicate record stays on file, pointing at the record kept (reversible).
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_records",
        verbose_name=_("merged into"),
    )

    # Search keys, derived by the services (mehman.core.names).
    given_key = models.CharField(max_length=80, editable=False)
    family_key = models.CharField(max_length=80, blank=True, editable=False)
    father_key = models.CharField(max_length=80, blank=True, editable=False)
    latin_key = models.CharField(max_length=160, blank=True, editable=False, db_index=True)
    phone_key = models.CharField(max_length=32, blank=True, editable=False, db_index=True)
    # Consonant skeletons (mehman.core.names.skeleton), the same for a name in Persian or
    # Latin letters: duplicate detection finds its candidates through them.
    given_skel = models.CharField(max_length=80, blank=True, editable=False, db_index=True)
    father_skel = models.CharField(max_length=80, blank=True, editable=False)
    family_skel = models.CharField(max_length=80, blank=True, editable=False)
    latin_skel = models.CharField(max_length=80, blank=True, editable=False, db_index=True)

    history = HistoricalRecords()
    objects: ClassVar[IndividualQuerySet] = IndividualQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["household_id", "id"]
        verbose_name = _("individual")
        verbose_name_plural = _("individuals")
        indexes = [
            models.Index(fields=["given_key", "family_key"], name="individual_given_family"),
            # Family name alone comes with the father's name more often than not.
            models.Index(fields=["family_key", "father_key"], name="individual_family_father"),
            models.Index(fields=["father_key", "given_key"], name="individual_father_given"),
            models.Index(fields=["birth_date"], name="individual_birth_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(sex__in=["F", "M"]), name="individual_sex_is_known_code"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.given_name, self.family_name) if part)

    @property
    def latin_name(self) -> str:
        return " ".join(part for part in (self.given_name_latin, self.family_name_latin) if part)

    def age_on(self, day: date) -> int | None:
        return dates.age_on(self.birth_date, day) if self.birth_date else None

    @property
    def age(self) -> int | None:
        """Age today, or at death for someone who has died."""
        return self.age_on(self.died_on or dates.today())

    @property
    def age_bracket(self) -> str:
        return dates.age_bracket(self.age)

    @property
    def has_disability(self) -> bool:
        """Washington Group cut-off: "a lot of difficulty" or worse in any domain."""
        return any((getattr(self, name) or 0) >= Difficulty.A_LOT for name, _label in WG_DOMAINS)

    @property
    def is_active(self) -> bool:
        return self.status == IndividualStatus.ACTIVE

    @property
    def is_merged(self) -> bool:
        return self.status == IndividualStatus.MERGED


class NameVariant(models.Model):
    """A name key and each of its one-letter deletions, for one-typo search.

    The table holds the vocabulary of names, not people, so it stays small at a
    national registry.
    """

    variant = models.CharField(max_length=80, db_index=True)
    key = models.CharField(max_length=80)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["variant", "key"], name="name_variant_unique")
        ]

    def __str__(self) -> str:
        return f"{self.variant} → {self.key}"


# --- Documents --------------------------------------------------------------------------


class IdentityDocumentQuerySet(ScopedQuerySet["IdentityDocument"]):
    settlement_path = "individual__household__settlement"


def _scan_path(instance: IdentityDocument, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"documents/{instance.uuid}.{suffix}"


class IdentityDocument(BaseModel):
    """A document someone holds: the number as typed and as compared."""

    individual = models.ForeignKey(
        Individual, on_delete=models.PROTECT, related_name="documents", verbose_name=_("holder")
    )
    doc_type = models.CharField(_("document"), max_length=20, choices=DocumentType.choices)
    number_typed = models.CharField(_("number"), max_length=64)
    number = models.CharField(_("number (normalised)"), max_length=64, editable=False)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True, db_index=True)
    cycle = models.CharField(
        _("cycle or exercise"), max_length=20, blank=True, help_text=_("E.g. Amayesh 17, 2022.")
    )
    province = models.CharField(_("province of registration"), max_length=80, blank=True)
    purpose = models.CharField(
        _("purpose"), max_length=16, choices=LaissezPasserPurpose.choices, blank=True
    )
    visa_type = models.CharField(_("visa type"), max_length=40, blank=True)
    occupation = models.CharField(_("occupation on the permit"), max_length=120, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    scan = models.FileField(_("scan"), upload_to=_scan_path, blank=True)

    history = HistoricalRecords()
    objects: ClassVar[IdentityDocumentQuerySet] = IdentityDocumentQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["individual_id", "doc_type", "-expires_on"]
        verbose_name = _("identity document")
        verbose_name_plural = _("identity documents")
        indexes = [models.Index(fields=["number", "doc_type"], name="document_number_type")]

    def __str__(self) -> str:
        return f"{self.get_doc_type_display()} {self.number_typed}"

    def validity(self, on: date | None = None) -> str:
        """``valid``, ``expiring`` (within 90 days), ``expired`` or ``""`` (no expiry)."""
        if not self.expires_on:
            return ""
        day = on or dates.today()
        if self.expires_on < day:
            return "expired"
        if (self.expires_on - day).days <= 90:
            return "expiring"
        return "valid"


# --- Specific needs ------------------------------------------------------------------------


class SpecificNeedCode(models.Model):
    """UNHCR standardized specific-needs code, seeded from reference/specific_needs.csv."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("category"),
    )
    label_en = models.CharField(_("label (English)"), max_length=120, blank=True)
    label_fa = models.CharField(_("label (Persian)"), max_length=120, blank=True)
    sensitive = models.BooleanField(
        _("protected"),
        default=False,
        help_text=_("Only roles with protection access see which need this is."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("specific-need code")
        verbose_name_plural = _("specific-need codes")

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    @property
    def category_code(self) -> str:
        return self.code.split("-", 1)[0]

    @property
    def label(self) -> str:
        """The label in the active language, or the category's label and the code."""
        persian = (get_language() or "fa").startswith("fa")
        own = (self.label_fa or self.label_en) if persian else (self.label_en or self.label_fa)
        if own:
            return own
        if self.parent_id and self.parent is not None:
            return f"{self.parent.label} ({self.code})"
        return self.code


class SpecificNeedQuerySet(ScopedQuerySet["SpecificNeed"]):
    settlement_path = "individual__household__settlement"

    def open(self) -> SpecificNeedQuerySet:
        return self.filter(resolved_on__isnull=True)


class SpecificNeed(BaseModel):
    """A specific need of a person, from when it was recorded until it is resolved."""

    individual = models.ForeignKey(
        Individual, on_delete=models.PROTECT, related_name="needs", verbose_name=_("person")
    )
    code = models.ForeignKey(
        SpecificNeedCode, on_delete=models.PROTECT, related_name="+", verbose_name=_("need")
    )
    recorded_on = models.DateField(_("recorded on"), default=dates.today)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    history = HistoricalRecords()
    objects: ClassVar[SpecificNeedQuerySet] = SpecificNeedQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["individual_id", "recorded_on"]
        verbose_name = _("specific need")
        verbose_name_plural = _("specific needs")
        constraints = [
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True) | Q(resolved_on__gte=models.F("recorded_on")),
                name="need_resolved_after_recorded",
            )
        ]

    def __str__(self) -> str:
        return self.code.code

    @property
    def is_protected(self) -> bool:
        return bool(self.code.sensitive)


# --- Case notes ---------------------------------------------------------------------------


class CaseNoteQuerySet(ScopedQuerySet["CaseNote"]):
    settlement_path = "household__settlement"

    def for_user(self, user: Any) -> ScopedQuerySet[CaseNote]:
        """Case notes are protected: only roles with protection access read them."""
        if not getattr(user, "is_authenticated", False) or not user.has_capability(
            "protection.view"
        ):
            return self.none()
        return super().for_user(user)


class CaseNote(BaseModel):
    """A caseworker's confidential note on a household."""

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="notes", verbose_name=_("household")
    )
    body = models.TextField(_("note"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("written by"),
    )

    history = HistoricalRecords()
    objects: ClassVar[CaseNoteQuerySet] = CaseNoteQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")

    def __str__(self) -> str:
        return f"{self.household_id} {self.created_at:%Y-%m-%d}"
