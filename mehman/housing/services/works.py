"""Condition surveys and work orders: what is wrong, what is done about it, who pays."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mehman.assistance import services as assistance
from mehman.assistance.models import Expenditure
from mehman.core import dates
from mehman.housing import checklists, standards
from mehman.housing import events as housing_events
from mehman.housing.models import (
    Facility,
    FacilityKind,
    Occupancy,
    PhotoStage,
    Survey,
    Unit,
    UnitState,
    WorkKind,
    WorkOrder,
    WorkPhoto,
    WorkPriority,
    WorkStatus,
)
from mehman.housing.services._common import (
    check_version,
    jsonable,
    lock_unit,
    next_serial,
    require_text,
    save_recorded,
    subject_event,
    work_event,
)
from mehman.housing.services.site import area, set_unit_state
from mehman.partners.models import Donation, Organisation, Sector

W = WorkStatus
EDITABLE_WORK_FIELDS = (
    "title",
    "description",
    "priority",
    "estimate",
    "funder",
    "contractor",
    "planned_start",
    "planned_end",
)
# What completing a work may improve on the unit.
IMPROVEMENTS = ("ramp", "own_tap", "own_toilet", "heating", "electricity")
# Works that take a unit out of use while they last.
TAKES_UNIT = (WorkKind.RENOVATION, WorkKind.NEW_BUILD)


def _check_day(day: date, field: str) -> None:
    if day > dates.today():
        raise ValidationError(
            {field: ValidationError(_("This date is in the future."), code="future")}
        )


def _one_subject(unit: Unit | None, facility: Facility | None) -> Unit | Facility:
    if (unit is None) == (facility is None):
        raise ValidationError(_("Choose a unit or a facility."), code="subject")
    return unit if unit is not None else facility  # type: ignore[return-value]


@transaction.atomic
def record_survey(
    *,
    by: Any,
    ratings: dict[str, str],
    unit: Unit | None = None,
    facility: Facility | None = None,
    surveyed_on: date | None = None,
    note: str = "",
) -> Survey:
    """A survey rates each checklist item; its score becomes the condition of what was surveyed."""
    subject = _one_subject(unit, facility)
    day = surveyed_on or dates.today()
    _check_day(day, "surveyed_on")
    ratings = {code: rating for code, rating in ratings.items() if rating}
    try:
        score = checklists.score(ratings, unit=isinstance(subject, Unit))
    except ValueError as exc:
        raise ValidationError(
            _("Rate at least one item of the checklist."), code="checklist"
        ) from exc
    if isinstance(subject, Unit):
        locked: Unit | Facility = lock_unit(subject)
    else:
        locked = Facility.objects.select_for_update().get(pk=subject.pk)
    survey = Survey(
        settlement_id=locked.settlement_id,
        unit=locked if isinstance(locked, Unit) else None,
        facility=locked if isinstance(locked, Facility) else None,
        surveyed_on=day,
        items=ratings,
        score=score,
        note=note.strip(),
        surveyed_by=by if getattr(by, "is_authenticated", False) else None,
    )
    survey.full_clean()
    save_recorded(survey, by, "Surveyed")
    if locked.surveyed_on is None or day >= locked.surveyed_on:
        locked.condition = score
        locked.surveyed_on = day
        save_recorded(locked, by, "Condition surveyed")
    subject_event(locked, housing_events.SURVEYED, by, score=score, survey=str(survey.uuid))
    return survey


@transaction.atomic
def open_work_order(
    *,
    by: Any,
    kind: str,
    title: str,
    unit: Unit | None = None,
    facility: Facility | None = None,
    description: str = "",
    priority: str = WorkPriority.NORMAL,
    estimate: int = 0,
    funder: Organisation | None = None,
    contractor: Organisation | None = None,
    planned_start: date | None = None,
    planned_end: date | None = None,
    survey: Survey | None = None,
) -> WorkOrder:
    """A work order names one unit or facility, the work, and its planned cost and dates."""
    subject = _one_subject(unit, facility)
    if kind not in WorkKind.values:
        raise ValidationError({"kind": ValidationError(_("Choose the kind of work."), code="kind")})
    if kind == WorkKind.NEW_BUILD and not (
        isinstance(subject, Unit) and subject.state == UnitState.PLANNED
    ):
        raise ValidationError(
            {
                "kind": ValidationError(
                    _("A new build is for a planned unit not built yet."), code="new_build"
                )
            }
        )
    if planned_start and planned_end and planned_end < planned_start:
        raise ValidationError(
            {
                "planned_end": ValidationError(
                    _("The work cannot end before it starts."), code="dates"
                )
            }
        )
    if survey is not None and survey.subject != subject:
        raise ValidationError(_("The survey is of something else."), code="survey")
    settlement = subject.settlement
    order = WorkOrder(
        settlement=settlement,
        reference=f"{settlement.code}-W{next_serial(settlement, 'W'):05d}",
        unit=subject if isinstance(subject, Unit) else None,
        facility=subject if isinstance(subject, Facility) else None,
        survey=survey,
        kind=kind,
        title=require_text(title, "title", _("Say what work is to be done.")),
        description=description.strip(),
        priority=priority,
        estimate=estimate,
        funder=funder,
        contractor=contractor,
        planned_start=planned_start,
        planned_end=planned_end,
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    order.full_clean()
    save_recorded(order, by, "Work order opened")
    params = {"reference": order.reference, "title": order.title}
    work_event(order, housing_events.WORK_CREATED, by, **params)
    subject_event(subject, housing_events.WORK_CREATED, by, **params)
    return order


def _lock_order(order: WorkOrder, expected_version: int | None = None) -> WorkOrder:
    # Only the order's own row: PostgreSQL cannot lock the nullable side of the outer joins.
    locked: WorkOrder = (
        WorkOrder.objects.select_for_update(of=("self",))
        .select_related("unit", "facility", "settlement", "funder", "contractor")
        .get(pk=order.pk)
    )
    check_version(locked, expected_version)
    return locked


@transaction.atomic
def update_work_order(
    *, order: WorkOrder, by: Any, expected_version: int | None = None, **changes: Any
) -> WorkOrder:
    """An open work order's plan (cost, funder, contractor, dates) changes from the version seen."""
    unknown = set(changes) - set(EDITABLE_WORK_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    locked = _lock_order(order, expected_version)
    if not locked.is_open:
        raise ValidationError(_("A finished work order cannot be changed."), code="finished")
    changed = {
        name: [jsonable(getattr(locked, name)), jsonable(value)]
        for name, value in changes.items()
        if getattr(locked, name) != value
    }
    if not changed:
        return locked
    for name, value in changes.items():
        setattr(locked, name, value)
    if locked.planned_start and locked.planned_end and locked.planned_end < locked.planned_start:
        raise ValidationError(
            {
                "planned_end": ValidationError(
                    _("The work cannot end before it starts."), code="dates"
                )
            }
        )
    locked.full_clean()
    save_recorded(locked, by, "Work order changed")
    work_event(locked, housing_events.WORK_CHANGED, by, fields=sorted(changed), changes=changed)
    return locked


def _require(order: WorkOrder, status: str) -> None:
    if not order.allowed(status):
        labels = dict(WorkStatus.choices)
        raise ValidationError(
            _("This work order is “%(current)s”; it cannot become “%(new)s”."),
            code="transition",
            params={"current": labels[order.status], "new": labels[status]},
        )


def _move(order: WorkOrder, status: str, by: Any) -> None:
    _require(order, status)
    order.status = status
    save_recorded(order, by, f"Work order {status}")
    params = {"reference": order.reference, "status": status}
    work_event(order, housing_events.WORK_STATUS, by, **params)
    subject_event(order.subject, housing_events.WORK_STATUS, by, **params)


@transaction.atomic
def approve_work(*, order: WorkOrder, by: Any) -> WorkOrder:
    """A planned work is approved once its cost is estimated."""
    order = _lock_order(order)
    if order.status == W.PLANNED and not order.estimate:
        raise ValidationError(
            {"estimate": ValidationError(_("Estimate the cost before approving."), code="estimate")}
        )
    _move(order, W.APPROVED, by)
    return order


@transaction.atomic
def start_work(*, order: WorkOrder, by: Any, day: date | None = None) -> WorkOrder:
    """A renovation or new build takes its unit out of use while it lasts; nobody may live in it."""
    order = _lock_order(order)
    day = day or dates.today()
    _check_day(day, "started_on")
    _require(order, W.IN_PROGRESS)
    if order.kind in TAKES_UNIT and order.unit is not None:
        unit = lock_unit(order.unit)
        if Occupancy.objects.filter(unit=unit, ended_on__isnull=True).exists():
            raise ValidationError(
                _("A household lives in this unit: it must move out before the works start."),
                code="occupied",
            )
        set_unit_state(
            unit=unit,
            state=UnitState.WORKS,
            by=by,
            reason=str(_("Works %(reference)s started") % {"reference": order.reference}),
        )
    order.started_on = day
    _move(order, W.IN_PROGRESS, by)
    return order


@transaction.atomic
def complete_work(
    *,
    order: WorkOrder,
    by: Any,
    actual_cost: int,
    day: date | None = None,
    condition_after: int | None = None,
    floor_area_after: Any = None,
    improvements: dict[str, Any] | None = None,
) -> WorkOrder:
    """Completed works record their actual cost and what they changed; a renovated or newly
    built unit is habitable again, and its capacity follows its floor area."""
    order = _lock_order(order)
    day = day or dates.today()
    _check_day(day, "completed_on")
    if order.started_on and day < order.started_on:
        raise ValidationError(
            {
                "completed_on": ValidationError(
                    _("The work cannot end before it started."), code="dates"
                )
            }
        )
    if actual_cost is None or int(actual_cost) < 0:
        raise ValidationError(
            {"actual_cost": ValidationError(_("Give the actual cost."), code="cost")}
        )
    if condition_after is not None and not 0 <= int(condition_after) <= 100:
        raise ValidationError(
            {"condition_after": ValidationError(_("A condition score is 0 to 100."), code="score")}
        )
    improvements = dict(improvements or {})
    unknown = set(improvements) - set(IMPROVEMENTS)
    if unknown:
        raise ValueError(f"not improvable: {sorted(unknown)}")
    _require(order, W.COMPLETED)
    if order.unit is None and (improvements or floor_area_after not in (None, "")):
        raise ValueError("a facility's work changes no unit details")
    changed: list[str] = []
    subject: Unit | Facility
    if order.unit is not None:
        unit = lock_unit(order.unit)
        order.condition_before = unit.condition
        # A new build's unit is "under works" by now (start_work), but it had no beds before.
        built = order.kind == WorkKind.NEW_BUILD or unit.state == UnitState.PLANNED
        order.capacity_before = 0 if built else unit.capacity
        if floor_area_after not in (None, ""):
            new_area = area(floor_area_after)
            if new_area != unit.floor_area:
                changed.append("floor_area")
            unit.floor_area = new_area
            unit.capacity = standards.capacity_of(unit.floor_area)
        for name, value in improvements.items():
            if getattr(unit, name) != value:
                changed.append(name)
            setattr(unit, name, value)
        if condition_after is not None:
            unit.condition = int(condition_after)
            unit.surveyed_on = day
        if order.kind in TAKES_UNIT:
            unit.state = UnitState.READY
        unit.full_clean()
        save_recorded(unit, by, f"Works {order.reference} completed")
        order.capacity_after = unit.capacity
        subject = unit
    else:
        facility = Facility.objects.select_for_update().get(pk=order.subject.pk)
        order.condition_before = facility.condition
        if condition_after is not None:
            facility.condition = int(condition_after)
            facility.surveyed_on = day
            save_recorded(facility, by, f"Works {order.reference} completed")
        subject = facility
    order.actual_cost = int(actual_cost)
    order.condition_after = None if condition_after is None else int(condition_after)
    order.completed_on = day
    _move(order, W.COMPLETED, by)
    if changed:
        subject_event(
            subject,
            housing_events.UNIT_CHANGED,
            by,
            fields=sorted(changed),
            reason=str(_("Works %(reference)s completed") % {"reference": order.reference}),
        )
    return order


@transaction.atomic
def cancel_work(*, order: WorkOrder, by: Any, reason: str) -> WorkOrder:
    """A work order is cancelled with a reason; a unit it had taken out of use is habitable again
    only through a survey or a state change, not by the cancellation itself."""
    order = _lock_order(order)
    order.cancel_reason = require_text(reason, "reason", _("Say why the work is cancelled."))
    _move(order, W.CANCELLED, by)
    return order


@transaction.atomic
def add_work_photo(
    *,
    order: WorkOrder,
    stage: str,
    image: UploadedFile[Any],
    by: Any,
    caption: str = "",
    taken_on: date | None = None,
) -> WorkPhoto:
    """Photos show the work before it starts and after it ends."""
    if stage not in PhotoStage.values:
        raise ValidationError({"stage": ValidationError(_("Before or after?"), code="stage")})
    day = taken_on or dates.today()
    _check_day(day, "taken_on")
    order = _lock_order(order)
    photo = WorkPhoto(
        work_order=order,
        stage=stage,
        image=image,
        caption=caption.strip(),
        taken_on=day,
        added_by=by if getattr(by, "is_authenticated", False) else None,
    )
    photo.full_clean()
    photo.save()
    work_event(order, housing_events.WORK_PHOTO, by, stage=str(PhotoStage(stage).label))
    return photo


def sector_of(order: WorkOrder) -> str:
    """The humanitarian sector a work belongs to, as donors restrict their gifts."""
    if order.facility is None:
        return Sector.SHELTER
    kind = order.facility.kind
    if kind in (FacilityKind.TAP, FacilityKind.HANDPUMP, FacilityKind.TOILET, FacilityKind.SHOWER):
        return Sector.WASH
    if kind == FacilityKind.SCHOOL:
        return Sector.EDUCATION
    if kind == FacilityKind.CLINIC:
        return Sector.HEALTH
    return Sector.SHELTER


@transaction.atomic
def spend_on_work(
    *,
    order: WorkOrder,
    donation: Donation,
    by: Any,
    description: str,
    amount: int | str = 0,
    quantity: Decimal | int | str | None = None,
    spent_on: date | None = None,
) -> Expenditure:
    """A donation spent on a work order is recorded down to the household living in the unit,
    within what the donor allowed; the donor becomes the work's funder if it has none."""
    order = _lock_order(order)
    if order.status == W.CANCELLED:
        raise ValidationError(_("A cancelled work order cannot be paid for."), code="cancelled")
    if donation.pledge.settlement_id != order.settlement_id:
        raise ValidationError(_("The donation is for another settlement."), code="settlement")
    household = None
    if order.unit is not None:  # the household living there on the day the money was spent
        day = spent_on or dates.today()
        occupancy = (
            Occupancy.objects.filter(unit=order.unit, started_on__lte=day)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day))
            .order_by("-started_on", "-id")
            .first()
        )
        household = occupancy.household if occupancy else None
    expenditure = assistance.record_expenditure(
        donation=donation,
        by=by,
        work_order=order.reference,
        description=description,
        sector=sector_of(order),
        amount=amount,
        quantity=quantity,
        spent_on=spent_on,
        household=household,
        contractor=order.contractor,
    )
    if order.funder_id is None:
        order.funder = donation.pledge.donor
        save_recorded(order, by, "Funder recorded from the donation")
    work_event(
        order,
        housing_events.WORK_FUNDED,
        by,
        amount=expenditure.amount,
        donor=str(donation.pledge.donor),
        expenditure=str(expenditure.uuid),
    )
    return expenditure


def spending_on(order: WorkOrder) -> Any:
    """What donations paid for this work order (assistance records it by the order's reference)."""
    return Expenditure.objects.filter(
        work_order=order.reference, donation__pledge__settlement=order.settlement_id
    ).select_related("donation__pledge__donor")
