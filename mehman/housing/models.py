"""The site and its homes: blocks, units and facilities placed on the site plan, their
condition surveys and works, who lives where (occupancy), offers of vacant homes to
waitlisted households, and batch allocation runs.

Positions are plain x/y metres on the settlement's own plan (no map tiles). A unit's
capacity in persons follows the living-space standard (``mehman.housing.standards``)
and is kept on the row by the services so that vacancy queries can filter on it.
A unit is never held by two households: an open ``Occupancy`` row per unit and per
household at most (database constraints), written only under a lock on the unit.
Nothing here changes except through ``mehman.housing.services``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mehman.core import dates
from mehman.core.models import BaseModel, Event, Settlement, TaskProgress
from mehman.core.permissions import ScopedQuerySet
from mehman.intake.models import Application
from mehman.partners.models import Organisation
from mehman.registry.models import Household

# --- Site -----------------------------------------------------------------------------------


class BlockQuerySet(ScopedQuerySet["Block"]):
    """Blocks, units, facilities, surveys and works hold no one's personal data."""

    settlement_path = "settlement"
    personal_data = False


class Block(BaseModel):
    """A block of the settlement, with its streets of units."""

    settlement = models.ForeignKey(
        Settlement, on_delete=models.PROTECT, related_name="+", verbose_name=_("settlement")
    )
    reference = models.CharField(_("reference"), max_length=32, unique=True, editable=False)
    code = models.CharField(_("block code"), max_length=12)
    name = models.CharField(_("name"), max_length=80, blank=True)
    # Where the block's label goes on the site plan (its units carry their own positions).
    x = models.FloatField(_("x (m)"), default=0)
    y = models.FloatField(_("y (m)"), default=0)
    note = models.CharField(_("note"), max_length=300, blank=True)

    history = HistoricalRecords()
    objects: ClassVar[BlockQuerySet] = BlockQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["settlement_id", "code"]
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        constraints = [
            models.UniqueConstraint(fields=["settlement", "code"], name="block_code_unique")
        ]

    def __str__(self) -> str:
        return self.code


class Heating(models.TextChoices):
    NONE = "none", _("None")
    KEROSENE = "kerosene", _("Kerosene stove")
    GAS = "gas", _("Gas heater")
    ELECTRIC = "electric", _("Electric heater")


class UnitState(models.TextChoices):
    READY = "ready", _("Habitable")
    WORKS = "works", _("Under works")
    UNINHABITABLE = "uninhabitable", _("Not habitable")
    PLANNED = "planned", _("Planned (not built yet)")


class UnitQuerySet(ScopedQuerySet["Unit"]):
    settlement_path = "settlement"
    personal_data = False

    def habitable(self) -> UnitQuerySet:
        return self.filter(state=UnitState.READY)

    def vacant(self) -> UnitQuerySet:
        """Habitable, nobody living there, and not held for an offer awaiting an answer.

        An offer whose application has lapsed or been withdrawn meanwhile (the intake
        round) no longer holds the unit, even before housing's round closes it.
        """
        lived_in = Occupancy.objects.filter(unit=OuterRef("pk"), ended_on__isnull=True)
        held = Offer.objects.filter(
            unit=OuterRef("pk"), status=OfferStatus.OPEN, application__status="offered"
        )
        return self.habitable().exclude(Exists(lived_in)).exclude(Exists(held))

    def occupied(self) -> UnitQuerySet:
        return self.filter(
            Exists(Occupancy.objects.filter(unit=OuterRef("pk"), ended_on__isnull=True))
        )


class Unit(BaseModel):
    """A home: where it is on the plan, what it has, and how many it may hold."""

    settlement = models.ForeignKey(
        Settlement, on_delete=models.PROTECT, related_name="+", verbose_name=_("settlement")
    )
    block = models.ForeignKey(
        Block, on_delete=models.PROTECT, related_name="units", verbose_name=_("block")
    )
    reference = models.CharField(_("unit"), max_length=32, unique=True, editable=False)
    number = models.PositiveIntegerField(_("number in the block"))
    street = models.CharField(_("street"), max_length=80, blank=True)
    x = models.FloatField(_("x (m)"))
    y = models.FloatField(_("y (m)"))
    floor_area = models.DecimalField(
        _("floor area (m²)"),
        max_digits=7,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("1"))],
    )
    rooms = models.PositiveSmallIntegerField(_("rooms"), validators=[MinValueValidator(1)])
    ground_floor = models.BooleanField(_("on the ground floor"), default=True)
    ramp = models.BooleanField(_("ramp or level entrance"), default=False)
    own_tap = models.BooleanField(_("own tap"), default=False)
    own_toilet = models.BooleanField(_("own toilet"), default=False)
    heating = models.CharField(
        _("heating"), max_length=12, choices=Heating.choices, default=Heating.NONE
    )
    electricity = models.BooleanField(_("electricity"), default=True)
    state = models.CharField(
        _("state"), max_length=16, choices=UnitState.choices, default=UnitState.READY
    )
    # 0 to 100, from the latest condition survey; empty until the unit is surveyed.
    condition = models.PositiveSmallIntegerField(
        _("condition score"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    surveyed_on = models.DateField(_("last surveyed"), null=True, blank=True)
    # Persons by the living-space standard (floor area ÷ m² per person), set by the services.
    capacity = models.PositiveSmallIntegerField(_("capacity (persons)"), default=0, editable=False)

    history = HistoricalRecords()
    objects: ClassVar[UnitQuerySet] = UnitQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["settlement_id", "reference"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.UniqueConstraint(fields=["block", "number"], name="unit_number_unique"),
        ]
        indexes = [models.Index(fields=["settlement", "state"], name="unit_state")]

    def __str__(self) -> str:
        return self.reference

    @property
    def step_free(self) -> bool:
        """Reachable without steps: on the ground floor with a ramp or level entrance."""
        return self.ground_floor and self.ramp

    @property
    def label(self) -> str:
        return self.reference


class UnitEvent(Event):
    aggregate = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="events", verbose_name=_("unit")
    )

    class Meta(Event.Meta):
        verbose_name = _("unit event")
        verbose_name_plural = _("unit events")


class FacilityKind(models.TextChoices):
    TAP = "tap", _("Water tap stand")
    HANDPUMP = "handpump", _("Handpump or well")
    TOILET = "toilet", _("Toilet block")
    SHOWER = "shower", _("Shower block")
    SCHOOL = "school", _("School")
    CLINIC = "clinic", _("Clinic")
    MOSQUE = "mosque", _("Mosque")
    COMMUNITY = "community", _("Community centre")
    SHOP = "shop", _("Shop")
    WAREHOUSE = "warehouse", _("Warehouse")


WATER_POINTS = (FacilityKind.TAP, FacilityKind.HANDPUMP)
# What a facility's capacity counts, by kind.
CAPACITY_UNITS = {
    FacilityKind.TAP: _("taps"),
    FacilityKind.HANDPUMP: _("handpumps"),
    FacilityKind.TOILET: _("toilets"),
    FacilityKind.SHOWER: _("showers"),
    FacilityKind.SCHOOL: _("pupils"),
    FacilityKind.CLINIC: _("consultations a day"),
    FacilityKind.MOSQUE: _("persons"),
    FacilityKind.COMMUNITY: _("persons"),
    FacilityKind.SHOP: _("counters"),
    FacilityKind.WAREHOUSE: _("m²"),
}


class FacilityQuerySet(ScopedQuerySet["Facility"]):
    settlement_path = "settlement"
    personal_data = False

    def working(self) -> FacilityQuerySet:
        return self.filter(in_service=True)


class Facility(BaseModel):
    """A shared facility: water points, toilets and showers, school, clinic, and others."""

    settlement = models.ForeignKey(
        Settlement, on_delete=models.PROTECT, related_name="+", verbose_name=_("settlement")
    )
    block = models.ForeignKey(
        Block,
        on_delete=models.PROTECT,
        related_name="facilities",
        null=True,
        blank=True,
        verbose_name=_("block"),
    )
    reference = models.CharField(_("facility"), max_length=32, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=12, choices=FacilityKind.choices)
    name = models.CharField(_("name"), max_length=120)
    x = models.FloatField(_("x (m)"))
    y = models.FloatField(_("y (m)"))
    capacity = models.PositiveIntegerField(
        _("capacity"), validators=[MinValueValidator(1)], help_text=_("Taps, toilets, pupils…")
    )
    in_service = models.BooleanField(_("in service"), default=True)
    condition = models.PositiveSmallIntegerField(
        _("condition score"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    surveyed_on = models.DateField(_("last surveyed"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    history = HistoricalRecords()
    objects: ClassVar[FacilityQuerySet] = FacilityQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["settlement_id", "kind", "reference"]
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")

    def __str__(self) -> str:
        return f"{self.reference} {self.name}"

    @property
    def capacity_unit(self) -> Any:
        return CAPACITY_UNITS.get(FacilityKind(self.kind), "")


class FacilityEvent(Event):
    aggregate = models.ForeignKey(
        Facility, on_delete=models.CASCADE, related_name="events", verbose_name=_("facility")
    )

    class Meta(Event.Meta):
        verbose_name = _("facility event")
        verbose_name_plural = _("facility events")


class HousingSerial(models.Model):
    """The last serial given to a settlement's facilities, works and runs (locked while used)."""

    settlement = models.ForeignKey(Settlement, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["settlement", "kind"], name="housing_serial_unique")
        ]

    def __str__(self) -> str:
        return f"{self.settlement_id} {self.kind}: {self.last}"


# --- Condition surveys and works ------------------------------------------------------------


class SurveyQuerySet(ScopedQuerySet["Survey"]):
    settlement_path = "settlement"
    personal_data = False


class Survey(BaseModel):
    """A condition survey of one unit or one facility: a checklist rated item by item."""

    settlement = models.ForeignKey(
        Settlement, on_delete=models.PROTECT, related_name="+", verbose_name=_("settlement")
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="surveys",
        null=True,
        blank=True,
        verbose_name=_("unit"),
    )
    facility = models.ForeignKey(
        Facility,
        on_delete=models.PROTECT,
        related_name="surveys",
        null=True,
        blank=True,
        verbose_name=_("facility"),
    )
    surveyed_on = models.DateField(_("surveyed on"), default=dates.today)
    # {item code: "good" | "fair" | "poor" | "na"}; items from mehman.housing.checklists
    items = models.JSONField(_("checklist"), default=dict)
    score = models.PositiveSmallIntegerField(
        _("condition score"), validators=[MaxValueValidator(100)]
    )
    note = models.TextField(_("remarks"), blank=True)
    surveyed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("surveyed by"),
    )

    history = HistoricalRecords()
    objects: ClassVar[SurveyQuerySet] = SurveyQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-surveyed_on", "-id"]
        verbose_name = _("condition survey")
        verbose_name_plural = _("condition surveys")
        constraints = [
            models.CheckConstraint(
                condition=(Q(unit__isnull=False) & Q(facility__isnull=True))
                | (Q(unit__isnull=True) & Q(facility__isnull=False)),
                name="survey_of_one_thing",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit or self.facility} {self.surveyed_on}"

    @property
    def subject(self) -> Unit | Facility:
        return self.unit or self.facility  # type: ignore[return-value]


class WorkKind(models.TextChoices):
    REPAIR = "repair", _("Repair")
    RENOVATION = "renovation", _("Renovation")
    NEW_BUILD = "new_build", _("New build")


class WorkStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    APPROVED = "approved", _("Approved")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


W = WorkStatus
WORK_TRANSITIONS: dict[str, frozenset[str]] = {
    W.PLANNED: frozenset({W.APPROVED, W.CANCELLED}),
    W.APPROVED: frozenset({W.IN_PROGRESS, W.CANCELLED}),
    W.IN_PROGRESS: frozenset({W.COMPLETED, W.CANCELLED}),
    W.COMPLETED: frozenset(),
    W.CANCELLED: frozenset(),
}
OPEN_WORK = (W.PLANNED, W.APPROVED, W.IN_PROGRESS)


class WorkPriority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class WorkOrderQuerySet(ScopedQuerySet["WorkOrder"]):
    settlement_path = "settlement"
    personal_data = False

    def open(self) -> WorkOrderQuerySet:
        return self.filter(status__in=OPEN_WORK)


class WorkOrder(BaseModel):
    """Work on a unit or a facility: what, who pays, who does it, when, and what it cost."""

    settlement = models.ForeignKey(
        Settlement, on_delete=models.PROTECT, related_name="+", verbose_name=_("settlement")
    )
    reference = models.CharField(_("work order"), max_length=32, unique=True, editable=False)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="work_orders",
        null=True,
        blank=True,
        verbose_name=_("unit"),
    )
    facility = models.ForeignKey(
        Facility,
        on_delete=models.PROTECT,
        related_name="work_orders",
        null=True,
        blank=True,
        verbose_name=_("facility"),
    )
    survey = models.ForeignKey(
        Survey,
        on_delete=models.SET_NULL,
        related_name="work_orders",
        null=True,
        blank=True,
        verbose_name=_("survey that found the need"),
    )
    kind = models.CharField(_("kind of work"), max_length=12, choices=WorkKind.choices)
    title = models.CharField(_("work"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    priority = models.CharField(
        _("priority"), max_length=8, choices=WorkPriority.choices, default=WorkPriority.NORMAL
    )
    status = models.CharField(
        _("status"), max_length=12, choices=WorkStatus.choices, default=W.PLANNED, db_index=True
    )
    estimate = models.PositiveBigIntegerField(_("cost estimate (rials)"), default=0)
    actual_cost = models.PositiveBigIntegerField(_("actual cost (rials)"), null=True, blank=True)
    funder = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="funded_works",
        null=True,
        blank=True,
        verbose_name=_("funder"),
    )
    contractor = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="housing_works",
        null=True,
        blank=True,
        verbose_name=_("contractor or volunteer group"),
    )
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    # What the work changed, recorded at completion (the renovation programme counts these).
    condition_before = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    condition_after = models.PositiveSmallIntegerField(
        _("condition score after the work"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
    )
    capacity_before = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    capacity_after = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    history = HistoricalRecords()
    objects: ClassVar[WorkOrderQuerySet] = WorkOrderQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        constraints = [
            models.CheckConstraint(
                condition=(Q(unit__isnull=False) & Q(facility__isnull=True))
                | (Q(unit__isnull=True) & Q(facility__isnull=False)),
                name="work_on_one_thing",
            )
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def subject(self) -> Unit | Facility:
        return self.unit or self.facility  # type: ignore[return-value]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_WORK

    def allowed(self, status: str) -> bool:
        return status in WORK_TRANSITIONS.get(self.status, frozenset())

    @property
    def beds_added(self) -> int:
        if self.capacity_after is None or self.capacity_before is None:
            return 0
        return max(0, self.capacity_after - self.capacity_before)


class WorkOrderEvent(Event):
    aggregate = models.ForeignKey(
        WorkOrder, on_delete=models.CASCADE, related_name="events", verbose_name=_("work order")
    )

    class Meta(Event.Meta):
        verbose_name = _("work order event")
        verbose_name_plural = _("work order events")


class PhotoStage(models.TextChoices):
    BEFORE = "before", _("Before")
    AFTER = "after", _("After")


def _photo_path(instance: WorkPhoto, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"works/{instance.uuid}.{suffix}"


class WorkPhoto(BaseModel):
    """A photograph of the work, before or after (the file is named by a random UUID)."""

    work_order = models.ForeignKey(
        WorkOrder, on_delete=models.CASCADE, related_name="photos", verbose_name=_("work order")
    )
    stage = models.CharField(_("when"), max_length=8, choices=PhotoStage.choices)
    image = models.ImageField(_("photo"), upload_to=_photo_path)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    taken_on = models.DateField(_("taken on"), default=dates.today)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["stage", "taken_on", "id"]
        verbose_name = _("work photo")
        verbose_name_plural = _("work photos")

    def __str__(self) -> str:
        return f"{self.work_order_id} {self.stage}"


# --- Occupancy ------------------------------------------------------------------------------


class MoveReason(models.TextChoices):
    ADMISSION = "admission", _("Admitted from the waitlist")
    TRANSFER = "transfer", _("Transfer within the settlement")
    RECORDED = "recorded", _("Living there before the system (recorded)")
    EMERGENCY = "emergency", _("Emergency placement")


class EndReason(models.TextChoices):
    TRANSFER = "transfer", _("Transferred to another unit")
    MOVED_OUT = "moved_out", _("Moved out of the settlement")
    WORKS = "works", _("Moved out for works")
    CORRECTION = "correction", _("Recorded in error")


class OccupancyQuerySet(ScopedQuerySet["Occupancy"]):
    settlement_path = "settlement"

    def current(self) -> OccupancyQuerySet:
        return self.filter(ended_on__isnull=True)


class Occupancy(BaseModel):
    """A household living in a unit from one day to another (open while it lives there)."""

    settlement = models.ForeignKey(
        Settlement, on_delete=models.PROTECT, related_name="+", verbose_name=_("settlement")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="occupancies", verbose_name=_("unit")
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="occupancies", verbose_name=_("household")
    )
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("to"), null=True, blank=True)
    reason = models.CharField(_("why"), max_length=12, choices=MoveReason.choices)
    end_reason = models.CharField(
        _("why it ended"), max_length=12, choices=EndReason.choices, blank=True
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    application = models.ForeignKey(
        Application,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("application"),
    )

    history = HistoricalRecords()
    objects: ClassVar[OccupancyQuerySet] = OccupancyQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = _("occupancy")
        verbose_name_plural = _("occupancies")
        constraints = [
            models.UniqueConstraint(
                fields=["unit"], condition=Q(ended_on__isnull=True), name="one_household_per_unit"
            ),
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(ended_on__isnull=True),
                name="one_unit_per_household",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="occupancy_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.household_id} {self.started_on}"


# --- Offers and allocation runs -------------------------------------------------------------


class OfferStatus(models.TextChoices):
    OPEN = "open", _("Awaiting the household's answer")
    ACCEPTED = "accepted", _("Accepted: household admitted")
    DECLINED = "declined", _("Declined")
    LAPSED = "lapsed", _("Lapsed")


class OfferQuerySet(ScopedQuerySet["Offer"]):
    settlement_path = "settlement"

    def open(self) -> OfferQuerySet:
        return self.filter(status=OfferStatus.OPEN)


class Offer(BaseModel):
    """A vacant unit offered to a waitlisted household; the unit is held until it answers."""

    settlement = models.ForeignKey(
        Settlement, on_delete=models.PROTECT, related_name="+", verbose_name=_("settlement")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="offers", verbose_name=_("unit")
    )
    application = models.ForeignKey(
        Application,
        on_delete=models.PROTECT,
        related_name="unit_offers",
        verbose_name=_("application"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=OfferStatus.choices, default=OfferStatus.OPEN
    )
    offered_on = models.DateField(_("offered on"), default=dates.today)
    respond_by = models.DateField(_("answer due by"))
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    run = models.ForeignKey(
        "AllocationRun",
        on_delete=models.SET_NULL,
        related_name="offers",
        null=True,
        blank=True,
        verbose_name=_("allocation run"),
    )
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    history = HistoricalRecords()
    objects: ClassVar[OfferQuerySet] = OfferQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-offered_on", "-id"]
        verbose_name = _("offer of a unit")
        verbose_name_plural = _("offers of units")
        constraints = [
            models.UniqueConstraint(
                fields=["unit"], condition=Q(status="open"), name="one_open_offer_per_unit"
            ),
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(status="open"),
                name="one_open_offer_per_application",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} → {self.application_id} ({self.status})"


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Solving")
    PROPOSED = "proposed", _("Proposed: awaiting review")
    COMMITTED = "committed", _("Committed: offers sent")
    DISCARDED = "discarded", _("Discarded")
    FAILED = "failed", _("Failed")


class AllocationRunQuerySet(ScopedQuerySet["AllocationRun"]):
    settlement_path = "settlement"


class AllocationRun(BaseModel):
    """One batch allocation: the vacancies and waitlist it read, the optimiser's proposal,
    the greedy rank-order baseline and the bound beside it, and what the manager did."""

    settlement = models.ForeignKey(
        Settlement, on_delete=models.PROTECT, related_name="+", verbose_name=_("settlement")
    )
    reference = models.CharField(_("run"), max_length=32, unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING
    )
    unit_ids = models.JSONField(_("vacancies"), default=list)
    weights = models.JSONField(_("weights"), default=dict)
    # objective, greedy_objective, bound, bound_proven, gap, greedy_gap, solve_s, placed, …
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    progress = models.ForeignKey(
        TaskProgress, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
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

    history = HistoricalRecords()
    objects: ClassVar[AllocationRunQuerySet] = AllocationRunQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("allocation run")
        verbose_name_plural = _("allocation runs")

    def __str__(self) -> str:
        return self.reference


class ProposalQuerySet(ScopedQuerySet["Proposal"]):
    settlement_path = "run__settlement"


class Proposal(models.Model):
    """One household's place in a run: the unit proposed (or none) and why."""

    run = models.ForeignKey(
        AllocationRun, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("run")
    )
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="+", verbose_name=_("application")
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("unit proposed"),
    )
    greedy_unit = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("unit in rank order"),
    )
    rank = models.PositiveIntegerField(_("rank"), null=True)
    # [{"code": ..., "params": {...}}] from mehman.housing.allocation
    reasons = models.JSONField(_("why"), default=list)
    edited = models.BooleanField(_("changed by hand"), default=False)
    edit_reason = models.CharField(_("reason for the change"), max_length=300, blank=True)
    offer = models.ForeignKey(
        Offer, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects: ClassVar[ProposalQuerySet] = ProposalQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["run_id", "rank", "id"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        constraints = [
            models.UniqueConstraint(fields=["run", "application"], name="proposal_once_per_run"),
            models.UniqueConstraint(
                fields=["run", "unit"], condition=Q(unit__isnull=False), name="proposal_unit_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.run_id}: {self.application_id} → {self.unit_id}"
