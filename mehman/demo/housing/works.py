"""The demo site's works backlog: some 80 work orders of the last two years in every
status (planned, approved, under way, completed, cancelled) and of every kind. The
renovations of the homes not habitable and the new builds of the new phase finished in
the last weeks (their homes habitable again, beds added) or are under way; the worst
lived-in homes got repairs, some the tap, toilet, ramp or gas heating they lacked; tap
stands, toilet and shower blocks, the school, the mosque and the clinic had theirs.
The benefactors' association, the Mashhad charity, NRC or the directorate's own budget
pay; the builder or the student volunteers do the work; the benefactors' renovation
pledge and the charity's WASH pledge (recorded here) and what is left of the roof pledge
pay part of it, as each donor allowed. A few works have before and after photographs.
"""

from __future__ import annotations

import io
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from mehman.core import dates
from mehman.core.models import Settlement
from mehman.demo.housing.catalogue import (
    CANCELLATIONS,
    EXTENSION,
    FACILITY_WORKS,
    IMPROVEMENT_WORKS,
    NEW_BUILD,
    PLEDGES,
    RENOVATION,
    REPAIR_WORKS,
)
from mehman.demo.housing.links import link_families
from mehman.demo.housing.past import SEED, dated, moment
from mehman.demo.housing.site import (
    BUILDING,
    BUILT,
    RENOVATED,
    RENOVATING,
    block_code,
    scaled,
)
from mehman.demo.housing.surveys import Visit, quality_of, survey_site
from mehman.demo.partners import ORGANISATIONS
from mehman.housing import services as housing
from mehman.housing.models import (
    Facility,
    Heating,
    Occupancy,
    PhotoStage,
    Survey,
    Unit,
    UnitState,
    WorkKind,
    WorkOrder,
    WorkPriority,
    WorkStatus,
)
from mehman.housing.services.offers import needs_step_free
from mehman.housing.services.works import sector_of
from mehman.partners import services as partners
from mehman.partners.models import Donation, GiftKind, Organisation, Sector
from mehman.registry.models import Household, HouseholdStatus

# Repairs of lived-in homes, by status, for every 1,000 resident households.
REPAIRS = {
    WorkStatus.COMPLETED: 12,
    WorkStatus.IN_PROGRESS: 4,
    WorkStatus.APPROVED: 3,
    WorkStatus.PLANNED: 5,
    WorkStatus.CANCELLED: 3,
}
# Renovations and new builds not started yet (on the full demo only).
WAITING_WORKS = (
    (WorkKind.RENOVATION, WorkStatus.APPROVED, 2),
    (WorkKind.RENOVATION, WorkStatus.PLANNED, 1),
    (WorkKind.RENOVATION, WorkStatus.CANCELLED, 1),
    (WorkKind.NEW_BUILD, WorkStatus.APPROVED, 2),
    (WorkKind.NEW_BUILD, WorkStatus.PLANNED, 3),
)
# The defects repaired in lived-in homes (roofs most of all).
DEFECTS = (
    "roof",
    "roof",
    "heating",
    "electricity",
    "walls",
    "damp",
    "doors_windows",
    "insulation",
    "floor",
    "access",
)
# Days a work is planned to take.
DURATION: dict[str, int] = {WorkKind.REPAIR: 14, WorkKind.RENOVATION: 90, WorkKind.NEW_BUILD: 200}
ADVANCE = 0.4  # of the estimate, paid to the contractor when works under way started
PHOTOGRAPHED = 3  # completed renovations or new builds with photographs, and one under way


@dataclass
class Job:
    """A work order of the demo and what becomes of it."""

    kind: str
    status: str
    title: str
    description: str
    created: date
    unit: Unit | None = None
    facility: Facility | None = None
    quality: float = 0.5  # of the survey that found the need
    priority: str = WorkPriority.NORMAL
    funder: Organisation | None = None
    contractor: Organisation | None = None
    started: date | None = None
    ended: date | None = None
    estimate: int = 0
    improvements: dict[str, Any] = field(default_factory=dict)
    extension: int = 0  # m² added
    cancel_reason: str = ""
    survey: Survey | None = None

    @property
    def subject(self) -> Unit | Facility:
        subject = self.unit or self.facility
        assert subject is not None
        return subject


@dataclass
class Works:
    """What the works of the demo are made with: who records them, who pays, what was given."""

    settlement: Settlement
    rng: random.Random
    today: date
    officer: Any
    manager: Any
    scale: float
    orgs: dict[str, Organisation | None] = field(default_factory=dict)
    donations: dict[str, list[Donation]] = field(default_factory=dict)
    roof_donations: list[Donation] = field(default_factory=list)

    def ago(self, days: int) -> date:
        return self.today - timedelta(days=max(days, 0))

    def at(self, day: date) -> datetime:
        return moment(self.rng, day)

    def count(self, per_thousand: float, least: int = 1) -> int:
        return scaled(per_thousand, self.scale, least)


def load_housing(
    settlement: Settlement, *, officer: Any, manager: Any, caseworker: Any
) -> dict[str, int]:
    """Survey the site, open its works backlog, spend donations on it and link families,
    once; a settlement without units, or with surveys or work orders, is left alone."""
    if (
        Survey.objects.filter(settlement=settlement).exists()
        or WorkOrder.objects.filter(settlement=settlement).exists()
        or not Unit.objects.filter(settlement=settlement).exists()
    ):
        return {"surveys": 0, "work_orders": 0, "links": 0}
    residents = Household.objects.filter(
        settlement=settlement, status=HouseholdStatus.RESIDENT
    ).count()
    demo = Works(
        settlement=settlement,
        rng=random.Random(SEED + 2),
        today=dates.today(),
        officer=officer,
        manager=manager,
        scale=max(residents, 1) / 1000,
    )
    demo.orgs = _organisations(settlement)
    _pledges(demo)
    units = list(
        Unit.objects.filter(settlement=settlement).select_related("block").order_by("reference")
    )
    occupants = dict(
        Occupancy.objects.filter(settlement=settlement, ended_on__isnull=True).values_list(
            "unit_id", "household_id"
        )
    )
    facilities = list(Facility.objects.filter(settlement=settlement).select_related("block"))
    jobs = _jobs(demo, units, facilities, occupants)
    surveyed = [j for j in jobs if j.kind != WorkKind.NEW_BUILD]  # nothing built to survey
    first = [
        Visit(j.created - timedelta(days=demo.rng.randint(2, 30)), j.subject, j.quality)
        for j in surveyed
    ]
    found, surveys = survey_site(
        rng=demo.rng,
        today=demo.today,
        by=officer,
        units=units,
        facilities=facilities,
        first=first,
    )
    for job, survey in zip(surveyed, found, strict=True):
        job.survey = survey
    for job in sorted(jobs, key=lambda j: (j.created, j.title)):
        _carry_out(demo, job)
    _photos(demo, jobs)
    links = link_families(settlement, rng=demo.rng, today=demo.today, by=caseworker)
    return {"surveys": surveys, "work_orders": len(jobs), "links": links}


def _organisations(settlement: Settlement) -> dict[str, Organisation | None]:
    names = {spec.name_en: spec.key for spec in ORGANISATIONS}
    found: dict[str, Organisation | None] = dict.fromkeys(names.values())
    for organisation in Organisation.objects.filter(
        settlements=settlement, name_en__in=list(names)
    ):
        found[names[organisation.name_en]] = organisation
    return found


def _pledges(demo: Works) -> None:
    """The benefactors' renovation pledge and the Mashhad charity's WASH pledge."""
    for key, sector, amount, pledged, tranches, note in PLEDGES:
        donor = demo.orgs.get(key)
        if donor is None:
            continue
        with dated(demo.at(demo.ago(pledged))):
            pledge = partners.record_pledge(
                donor=donor,
                settlement=demo.settlement,
                by=demo.manager,
                kind=GiftKind.CASH,
                quantity=amount,
                pledged_on=demo.ago(pledged),
                expected_on=demo.ago(pledged - 30),
                restricted_sector=sector,
                restriction_note=note,
            )
        for received, days in tranches:
            with dated(demo.at(demo.ago(days))):
                donation = partners.receive_donation(
                    pledge=pledge, by=demo.manager, quantity=received, received_on=demo.ago(days)
                )
            demo.donations.setdefault(key, []).append(donation)
    benefactors = demo.orgs.get("benefactors")
    if benefactors is not None:  # the partners demo's roof pledge: for roofs only
        mine = [d.pledge_id for ds in demo.donations.values() for d in ds]
        demo.roof_donations = list(
            Donation.objects.filter(
                pledge__donor=benefactors,
                pledge__settlement=demo.settlement,
                pledge__kind=GiftKind.CASH,
                pledge__restricted_sector=Sector.SHELTER,
                pledge__restricted_to="",
            )
            .exclude(pledge_id__in=mine)
            .select_related("pledge")
            .order_by("received_on", "id")
        )


def _pick(rng: random.Random, pool: list[Unit], k: int) -> list[Unit]:
    chosen = rng.sample(pool, k=min(k, len(pool)))
    taken = {u.pk for u in chosen}
    pool[:] = [u for u in pool if u.pk not in taken]
    return chosen


def _jobs(
    demo: Works, units: list[Unit], facilities: list[Facility], occupants: dict[int, int]
) -> list[Job]:
    """The backlog: renovations of the homes not habitable, new builds on the planned plots,
    repairs of the worst lived-in homes, and works on facilities."""
    rng, orgs = demo.rng, demo.orgs
    jobs: list[Job] = []
    condemned = [u for u in units if u.state == UnitState.UNINHABITABLE]
    planned = [u for u in units if u.state == UnitState.PLANNED]
    # Renovations: completed in the last weeks, under way, and waiting.
    renovations = [
        (WorkStatus.COMPLETED, demo.count(RENOVATED)),
        (WorkStatus.IN_PROGRESS, demo.count(RENOVATING)),
    ] + [
        (status, count)
        for kind, status, count in WAITING_WORKS
        if kind == WorkKind.RENOVATION and demo.scale >= 0.5
    ]
    for status, count in renovations:
        for unit in _pick(rng, condemned, count):
            extension = rng.choice((0, 0, 12, 15)) if status == WorkStatus.COMPLETED else 0
            title, description = EXTENSION if extension else RENOVATION
            job = Job(
                WorkKind.RENOVATION,
                status,
                title,
                description,
                _created(demo, status, WorkKind.RENOVATION),
                unit=unit,
                quality=quality_of(rng, unit),
                priority=WorkPriority.HIGH,
                funder=_weighted_org(rng, orgs, (("benefactors", 6), ("ingo", 3), ("", 1))),
                contractor=_weighted_org(rng, orgs, (("builder", 7), ("volunteers", 2), ("", 1))),
                estimate=_rials(rng, 1_200, 2_800) + extension * 40_000_000,
                improvements={"own_tap": True, "own_toilet": True, "heating": Heating.GAS},
                extension=extension,
            )
            jobs.append(job)
    builds = [
        (WorkStatus.COMPLETED, demo.count(BUILT)),
        (WorkStatus.IN_PROGRESS, demo.count(BUILDING)),
    ] + [
        (status, count)
        for kind, status, count in WAITING_WORKS
        if kind == WorkKind.NEW_BUILD and demo.scale >= 0.5
    ]
    for status, count in builds:
        for unit in _pick(rng, planned, count):
            jobs.append(
                Job(
                    WorkKind.NEW_BUILD,
                    status,
                    NEW_BUILD[0],
                    NEW_BUILD[1],
                    _created(demo, status, WorkKind.NEW_BUILD),
                    unit=unit,
                    quality=0.95,
                    funder=_weighted_org(rng, orgs, (("benefactors", 7), ("ingo", 3))),
                    contractor=orgs.get("builder"),
                    estimate=_rials(rng, 3_500, 5_500),
                )
            )
    jobs += _repairs(demo, units, occupants)
    for kind, number, title, description, status, funder, contractor in FACILITY_WORKS:
        facility = next(
            (
                f
                for f in facilities
                if f.kind == kind and f.block and f.block.code == block_code(number)
            ),
            None,
        )
        if facility is None:
            continue
        jobs.append(
            Job(
                WorkKind.REPAIR,
                status,
                title,
                description,
                _created(demo, status, WorkKind.REPAIR),
                facility=facility,
                quality=0.15 if not facility.in_service else rng.uniform(0.3, 0.55),
                priority=WorkPriority.URGENT if not facility.in_service else WorkPriority.NORMAL,
                funder=orgs.get(funder) if funder else None,
                contractor=orgs.get(contractor),
                estimate=_rials(rng, 150, 900),
                cancel_reason="خیّر به جای آن آبگرمکن حمام موجود را تأمین کرد."
                if status == WorkStatus.CANCELLED
                else "",
            )
        )
    for job in jobs:
        _schedule(demo, job)
    return jobs


def _repairs(demo: Works, units: list[Unit], occupants: dict[int, int]) -> list[Job]:
    """Repairs of lived-in homes found in poor condition, and homes given what they lacked
    (a toilet, a tap, gas heating, a ramp for a member who cannot manage steps)."""
    rng, orgs = demo.rng, demo.orgs
    lived_in = [u for u in units if u.pk in occupants and u.state == UnitState.READY]
    step_free = needs_step_free(occupants.values())
    jobs: list[Job] = []
    for status, per_thousand in REPAIRS.items():
        for number, unit in enumerate(_pick(rng, lived_in, demo.count(per_thousand))):
            quality = rng.uniform(0.25, 0.5)
            improves: dict[str, Any]
            needs_ramp = occupants[unit.pk] in step_free
            improvement = _improvement(unit, needs_ramp=needs_ramp) if number % 3 == 1 else None
            if improvement is not None:
                title, description, improves = IMPROVEMENT_WORKS[improvement]
                priority = WorkPriority.NORMAL
                funder = _weighted_org(rng, orgs, (("charity", 5), ("benefactors", 3), ("", 2)))
                contractor = orgs.get("builder")
            else:
                defect = rng.choice(DEFECTS)
                title, description, priority = REPAIR_WORKS[defect]
                improves = {}
                funder = _weighted_org(
                    rng, orgs, (("benefactors", 4), ("ingo", 2), ("charity", 1), ("", 3))
                )
                contractor = (
                    orgs.get("volunteers")
                    if defect == "roof"
                    else _weighted_org(rng, orgs, (("builder", 6), ("volunteers", 2), ("", 2)))
                )
            jobs.append(
                Job(
                    WorkKind.REPAIR,
                    status,
                    title,
                    description,
                    _created(demo, status, WorkKind.REPAIR),
                    unit=unit,
                    quality=quality,
                    priority=priority,
                    funder=funder,
                    contractor=contractor,
                    estimate=_rials(rng, 40, 450),
                    improvements=dict(improves),
                    cancel_reason=rng.choice(CANCELLATIONS)
                    if status == WorkStatus.CANCELLED
                    else "",
                )
            )
    return jobs


def _improvement(unit: Unit, *, needs_ramp: bool) -> str | None:
    if needs_ramp and unit.ground_floor and not unit.ramp:
        return "ramp"
    if not unit.own_toilet:
        return "own_toilet"
    if not unit.own_tap:
        return "own_tap"
    if unit.heating == Heating.KEROSENE:
        return "gas"
    return None


def _weighted_org(
    rng: random.Random, orgs: dict[str, Organisation | None], table: Sequence[tuple[str, int]]
) -> Organisation | None:
    key = rng.choices([k for k, _w in table], weights=[w for _k, w in table])[0]
    return orgs.get(key) if key else None


def _rials(rng: random.Random, low_millions: int, high_millions: int) -> int:
    """A cost estimate in rials, rounded to five million."""
    return rng.randrange(low_millions, high_millions + 1, 5) * 1_000_000


# How many days ago works of each kind were opened, by what has become of them since.
OPENED_AGO: dict[str, dict[str, tuple[int, int]]] = {
    WorkStatus.COMPLETED: {
        WorkKind.REPAIR: (60, 700),
        WorkKind.RENOVATION: (150, 240),  # the renovation phase, finished in the last weeks
        WorkKind.NEW_BUILD: (330, 420),
    },
    WorkStatus.IN_PROGRESS: {
        WorkKind.REPAIR: (20, 80),
        WorkKind.RENOVATION: (70, 200),
        WorkKind.NEW_BUILD: (200, 300),
    },
}
WAITING_AGO: dict[str, tuple[int, int]] = {
    WorkStatus.APPROVED: (10, 90),
    WorkStatus.PLANNED: (0, 45),
    WorkStatus.CANCELLED: (120, 600),
}


def _created(demo: Works, status: str, kind: str) -> date:
    """When a work order was opened, by what has become of it since."""
    low, high = OPENED_AGO[status][kind] if status in OPENED_AGO else WAITING_AGO[status]
    return demo.ago(demo.rng.randint(low, high))


def _schedule(demo: Works, job: Job) -> None:
    """The planned, actual start and end days of a job, all but the plans in the past."""
    rng, today = demo.rng, demo.today
    last_day = today - timedelta(days=1)
    if job.status == WorkStatus.COMPLETED:
        if job.kind == WorkKind.REPAIR:
            job.started = min(job.created + timedelta(days=rng.randint(10, 40)), last_day)
            job.ended = min(job.started + timedelta(days=rng.randint(3, 30)), last_day)
        else:  # the renovation phase and the new builds finished in the last weeks
            job.ended = demo.ago(
                rng.randint(10, 45) if job.kind == WorkKind.RENOVATION else rng.randint(15, 60)
            )
            job.started = min(job.created + timedelta(days=rng.randint(15, 40)), job.ended)
    elif job.status == WorkStatus.IN_PROGRESS:
        job.started = min(
            job.created + timedelta(days=rng.randint(10, 60)),
            demo.ago(rng.randint(3, 15) if job.kind == WorkKind.REPAIR else rng.randint(5, 120)),
        )
        job.started = max(job.started, job.created)
    elif job.status == WorkStatus.CANCELLED:
        job.ended = min(job.created + timedelta(days=rng.randint(10, 60)), today)
        job.cancel_reason = job.cancel_reason or rng.choice(CANCELLATIONS)


def _carry_out(demo: Works, job: Job) -> None:
    """The job through the work services, each step on its day."""
    officer, manager = demo.officer, demo.manager
    if job.started is not None:
        planned_start = job.started
    elif job.status in (WorkStatus.PLANNED, WorkStatus.APPROVED):  # to start in the coming weeks
        planned_start = demo.today + timedelta(days=demo.rng.randint(5, 90))
    else:
        planned_start = job.created + timedelta(days=demo.rng.randint(10, 60))
    planned_end = planned_start + timedelta(days=DURATION[job.kind] + demo.rng.randint(0, 40))
    with dated(demo.at(job.created)):
        order = housing.open_work_order(
            by=officer,
            kind=job.kind,
            title=job.title,
            description=job.description,
            unit=job.unit,
            facility=job.facility,
            priority=job.priority,
            estimate=job.estimate,
            funder=job.funder,
            contractor=job.contractor,
            planned_start=planned_start,
            planned_end=planned_end,
            survey=job.survey,
        )
    WorkOrder.objects.filter(pk=order.pk).update(created_at=demo.at(job.created))
    if job.status == WorkStatus.PLANNED:
        return
    approved = job.created + timedelta(days=demo.rng.randint(1, 8))
    if job.started is not None:
        approved = min(approved, job.started)
    if job.status != WorkStatus.CANCELLED or job.kind != WorkKind.REPAIR:
        with dated(demo.at(min(approved, demo.today))):
            order = housing.approve_work(order=order, by=manager)
    if job.started is not None:
        with dated(demo.at(job.started)):
            order = housing.start_work(order=order, by=officer, day=job.started)
    if job.status == WorkStatus.COMPLETED:
        assert job.ended is not None
        actual = round(job.estimate * demo.rng.uniform(0.88, 1.25) / 1_000_000) * 1_000_000
        if job.kind == WorkKind.NEW_BUILD:
            after = demo.rng.randint(95, 100)
        elif job.kind == WorkKind.RENOVATION:
            after = demo.rng.randint(80, 95)
        else:  # a repair mends what the survey found, not everything
            after = min(95, round(job.quality * 100) + demo.rng.randint(25, 45))
        area = None
        if job.extension and job.unit is not None:
            area = job.unit.floor_area + job.extension
        with dated(demo.at(job.ended)):
            order = housing.complete_work(
                order=order,
                by=officer,
                actual_cost=actual,
                day=job.ended,
                condition_after=after,
                floor_area_after=area,
                improvements=job.improvements,
            )
        _spend(demo, job, order, actual, job.ended, advance=False)
    elif job.status == WorkStatus.IN_PROGRESS:
        assert job.started is not None
        _spend(
            demo,
            job,
            order,
            round(job.estimate * ADVANCE / 1_000_000) * 1_000_000,
            job.started,
            advance=True,
        )
    elif job.status == WorkStatus.CANCELLED:
        assert job.ended is not None
        with dated(demo.at(job.ended)):
            housing.cancel_work(order=order, by=manager, reason=job.cancel_reason)


def _spend(
    demo: Works, job: Job, order: WorkOrder, amount: int, day: date, *, advance: bool
) -> None:
    """Pay the work from its funder's donations, the oldest money first, as far as each
    donor allowed; a gift that does not fit (another sector, not enough left) is skipped."""
    funder = job.funder
    if funder is None or amount <= 0:
        return
    key = next((k for k, o in demo.orgs.items() if o is not None and o.pk == funder.pk), "")
    pool = list(demo.donations.get(key, []))
    if key == "benefactors" and job.title == REPAIR_WORKS["roof"][0]:
        pool = demo.roof_donations + pool
    description = job.title + (" — پیش‌پرداخت به پیمانکار" if advance else "")
    for donation in pool:
        donation.refresh_from_db()
        spent_on = max(day, donation.received_on)
        if spent_on > demo.today or donation.remaining_value < amount:
            continue
        if donation.pledge.restricted_sector not in ("", sector_of(order)):
            continue
        try:
            with dated(demo.at(spent_on)):
                housing.spend_on_work(
                    order=order,
                    donation=donation,
                    by=demo.manager,
                    description=description,
                    amount=amount,
                    spent_on=spent_on,
                )
        except ValidationError:
            continue
        return


def _photo(text: str, stage: str) -> SimpleUploadedFile:
    """A small photograph stand-in: the house drawn in the colours of before or after."""
    before = stage == PhotoStage.BEFORE
    image = Image.new("RGB", (480, 320), (120, 98, 80) if before else (96, 140, 110))
    draw = ImageDraw.Draw(image)
    wall = (150, 120, 95) if before else (222, 205, 170)
    draw.rectangle((120, 140, 360, 290), fill=wall, outline=(40, 40, 40), width=3)
    draw.polygon(
        [(100, 145), (240, 60), (380, 145)], fill=(90, 60, 50) if before else (170, 60, 50)
    )
    draw.rectangle((220, 210, 260, 290), fill=(70, 50, 40))
    if before:
        draw.line((140, 160, 200, 250), fill=(30, 30, 30), width=3)  # a crack in the wall
    draw.text((16, 16), f"{text} ({stage})", fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=70)
    return SimpleUploadedFile(f"{text}-{stage}.jpg", buffer.getvalue(), content_type="image/jpeg")


def _photos(demo: Works, jobs: list[Job]) -> None:
    """Before and after photographs of a few renovations and new builds."""
    orders = {
        o.unit_id: o
        for o in WorkOrder.objects.filter(
            settlement=demo.settlement,
            kind__in=(WorkKind.RENOVATION, WorkKind.NEW_BUILD),
            status__in=(WorkStatus.COMPLETED, WorkStatus.IN_PROGRESS),
        )
    }
    shown = [j for j in jobs if j.unit is not None and j.unit.pk in orders]
    completed = [j for j in shown if j.status == WorkStatus.COMPLETED][:PHOTOGRAPHED]
    under_way = [j for j in shown if j.status == WorkStatus.IN_PROGRESS][:1]
    for job in completed + under_way:
        assert job.unit is not None and job.started is not None
        order = orders[job.unit.pk]
        stages = [(PhotoStage.BEFORE, job.started)]
        if job.ended is not None:
            stages.append((PhotoStage.AFTER, job.ended))
        for stage, day in stages:
            with dated(demo.at(day)):
                housing.add_work_photo(
                    order=order,
                    stage=stage,
                    image=_photo(job.unit.reference, str(stage)),
                    by=demo.officer,
                    caption="نمای واحد پیش از کار"
                    if stage == PhotoStage.BEFORE
                    else "نمای واحد پس از کار",
                    taken_on=day,
                )
