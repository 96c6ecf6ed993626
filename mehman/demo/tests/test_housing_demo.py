"""The demo's site and homes: blocks, units, facilities, who lives where, the intake's offers
of real units, surveys, the works backlog and family links, on the full demo settlement
loaded once for the folder (``conftest.demo``)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Q
from PIL import Image

from mehman.accounts.models import User
from mehman.assistance.models import Expenditure
from mehman.core import dates
from mehman.core.models import Settlement
from mehman.demo.housing import NEW_PHASE
from mehman.demo.settlement import load_demo
from mehman.housing import compliance, queries, services, standards
from mehman.housing.models import (
    Block,
    Facility,
    FacilityKind,
    Heating,
    MoveReason,
    Occupancy,
    Offer,
    OfferStatus,
    RunStatus,
    Survey,
    Unit,
    UnitEvent,
    UnitState,
    WorkKind,
    WorkOrder,
    WorkOrderEvent,
    WorkPhoto,
    WorkStatus,
)
from mehman.housing.services.runs import family_groups
from mehman.intake.models import Application, ApplicationStatus
from mehman.partners.models import OrganisationType
from mehman.registry.models import Household, HouseholdLink, HouseholdStatus
from mehman.residence.models import TermStatus
from mehman.solutions.models import CaseExit, CaseStage

S = ApplicationStatus


@pytest.fixture
def tj(demo, db):
    return Settlement.objects.get(code="TJ")


@pytest.fixture
def manager(demo, db):
    return User.objects.get(username="manager")


@pytest.fixture
def rows(tj, manager):
    return queries.unit_rows(tj, manager)


def test_the_site_has_about_1100_units_in_25_blocks_on_a_plan_of_1000_metres(demo, tj):
    blocks = list(Block.objects.filter(settlement=tj).order_by("code"))
    assert [b.code for b in blocks] == [f"{n:02d}" for n in range(1, 26)]
    assert blocks[0].name == "بلوک ۱"
    units = Unit.objects.filter(settlement=tj)
    assert demo["units"] == units.count()
    assert 1050 <= units.count() <= 1200
    per_block = Counter(units.values_list("block__code", flat=True))
    assert len(per_block) == 25
    assert all(10 <= n <= 48 for n in per_block.values())
    xs = list(units.values_list("x", flat=True))
    ys = list(units.values_list("y", flat=True))
    assert 0 <= min(xs) < 50 and 950 < max(xs) <= 1000
    assert 0 <= min(ys) < 50 and 950 < max(ys) <= 1000
    # Houses stand on a regular grid of lanes: every unit of a lane on one line.
    lane = units.filter(block__code="07", street="کوچه ۲")
    assert lane.count() > 5
    assert len(set(lane.values_list("y", flat=True))) == 1
    assert not Unit.objects.exclude(settlement=tj).exists()


def test_the_houses_are_the_settlements_brick_houses(tj):
    units = list(Unit.objects.filter(settlement=tj))
    count = len(units)
    areas = [u.floor_area for u in units]
    assert Decimal(30) <= min(areas) and max(areas) <= Decimal("90.5")
    assert sum(1 for a in areas if Decimal(36) <= a <= Decimal(48)) > count * 0.4
    assert {u.rooms for u in units} == {1, 2, 3, 4}
    assert all(u.capacity == standards.capacity_of(u.floor_area) for u in units)

    def share(attribute: str) -> float:
        return sum(1 for u in units if getattr(u, attribute)) / count

    assert 0.8 <= share("ground_floor") <= 0.9
    assert 0.05 <= share("ramp") <= 0.12
    assert not any(u.ramp and not u.ground_floor for u in units)
    assert 0.5 <= share("own_tap") <= 0.62
    assert 0.62 <= share("own_toilet") <= 0.75
    assert share("electricity") >= 0.95
    heating = Counter(u.heating for u in units)
    assert heating[Heating.KEROSENE] + heating[Heating.GAS] > count * 0.85


def test_most_units_are_habitable_and_some_under_works_not_habitable_or_planned(tj):
    states = Counter(Unit.objects.filter(settlement=tj).values_list("state", flat=True))
    assert 20 <= states[UnitState.WORKS] <= 30
    assert 8 <= states[UnitState.UNINHABITABLE] <= 14
    assert 12 <= states[UnitState.PLANNED] <= 18
    assert states[UnitState.READY] > 1000
    # The new phase is where the planned units are, not yet lived in.
    planned = Unit.objects.filter(settlement=tj, state=UnitState.PLANNED)
    assert planned.filter(block__code=f"{NEW_PHASE:02d}").count() >= 10
    assert not Occupancy.objects.filter(unit__in=planned).exists()


def test_every_resident_household_lives_in_one_unit_and_no_unit_holds_two(tj):
    residents = Household.objects.filter(settlement=tj, status=HouseholdStatus.RESIDENT)
    current = Occupancy.objects.filter(settlement=tj, ended_on__isnull=True)
    # The residence demo's first exits and the solutions demo's: these households left their
    # home and the settlement.
    left = (
        Household.objects.filter(settlement=tj, status=HouseholdStatus.DEPARTED)
        .filter(
            Q(residence_terms__status=TermStatus.ENDED) | Q(solutions_cases__stage=CaseStage.EXITED)
        )
        .distinct()
    )
    assert residents.count() + left.count() >= 1000
    assert set(current.values_list("household", flat=True)) == set(
        residents.values_list("pk", flat=True)
    )
    units = list(current.values_list("unit", flat=True))
    assert len(units) == len(set(units))
    assert not current.exclude(unit__state=UnitState.READY).exists()
    # The registry's block and address are the unit's now, and the move-in its arrival.
    for occupancy in current.select_related("unit__block", "household")[:200]:
        household = occupancy.household
        assert (household.block, household.address) == (
            occupancy.unit.block.code,
            occupancy.unit.reference,
        )
    ever = Occupancy.objects.filter(settlement=tj, reason=MoveReason.RECORDED)
    assert ever.count() == 1000
    assert set(ever.filter(ended_on__isnull=False).values_list("household", flat=True)) == set(
        left.values_list("pk", flat=True)
    )
    recorded = current.filter(reason=MoveReason.RECORDED).select_related("household")
    assert recorded.count() == 1000 - left.count()
    assert all(o.started_on == o.household.registered_on for o in recorded[:200])
    # Most live in the block their registration named (the old "1".."24").
    registered = dict(
        Household.history.filter(settlement=tj, history_type="+").values_list("id", "block")
    )
    kept = sum(
        1
        for o in recorded.select_related("unit__block")
        if o.unit.block.code == registered[o.household_id].zfill(2)
    )
    assert kept > 800


def test_some_homes_are_crowded_and_at_least_40_stand_vacant(rows):
    crowded = [r for r in rows if r.crowded]
    assert 20 <= len(crowded) <= 120
    assert all(r.occupants and r.occupants > r.unit.capacity for r in crowded)
    # Crowding is worst where families grew in the old blocks' small houses.
    old = sum(1 for r in crowded if int(r.unit.block.code) <= 10)
    assert old > len(crowded) / 2
    # The housing demo's own vacancies (homes the solutions demo's exits freed come on top).
    freed = set(CaseExit.objects.values_list("freed_unit", flat=True))
    vacant = [r for r in rows if r.vacant and r.unit.pk not in freed]
    assert 45 <= len(vacant) <= 65
    assert sum(1 for r in vacant if r.unit.step_free) >= 5
    assert max(r.unit.capacity for r in vacant) >= 14


def test_offered_applications_hold_real_units_that_fit_them(tj):
    offered = Application.objects.filter(settlement=tj, status=S.OFFERED).select_related(
        "household"
    )
    assert 10 <= offered.count() <= 20
    for application in offered:
        offer = Offer.objects.select_related("unit").get(
            application=application, status=OfferStatus.OPEN
        )
        unit = offer.unit
        assert application.offer_place == unit.reference
        assert unit.state == UnitState.READY
        assert unit.capacity >= application.household.size
        assert not Occupancy.objects.filter(unit=unit, ended_on__isnull=True).exists()
        assert (offer.offered_on, offer.respond_by) == (
            application.offered_on,
            application.respond_by,
        )
        assert offer.offered_on < dates.today() <= offer.respond_by
    held = Unit.objects.filter(offers__status=OfferStatus.OPEN)
    assert held.count() == offered.count()
    assert not held.filter(pk__in=Unit.objects.vacant()).exists()
    # The households who accepted were admitted and live in the unit they were offered.
    admitted = Application.objects.filter(settlement=tj, status=S.ADMITTED)
    assert 2 <= admitted.count() <= 6
    for application in admitted:
        offer = Offer.objects.get(application=application, status=OfferStatus.ACCEPTED)
        home = Occupancy.objects.get(household=application.household, ended_on__isnull=True)
        assert (home.unit, home.reason, home.application) == (
            offer.unit,
            MoveReason.ADMISSION,
            application,
        )
        assert home.started_on == application.admitted_on == offer.answered_on < dates.today()
        assert application.household.status == HouseholdStatus.RESIDENT
    # Declined offers freed their units; lapsed ones were closed on their due day.
    answers = Counter(Offer.objects.filter(settlement=tj).values_list("status", flat=True))
    assert answers[OfferStatus.DECLINED] == 3
    assert answers[OfferStatus.LAPSED] == 2
    for offer in Offer.objects.filter(status=OfferStatus.LAPSED).select_related("application"):
        assert offer.application.status == S.EXPIRED
        assert offer.answered_on == offer.respond_by < dates.today()
    step_free = Offer.objects.exclude(application__offer_skip_reason="")
    assert step_free.exists()
    assert all(o.unit.step_free for o in step_free.select_related("unit"))


def test_facilities_leave_some_homes_beyond_reach_of_water_and_a_toilet(tj, rows, manager):
    facilities = Facility.objects.filter(settlement=tj)
    assert 55 <= facilities.count() <= 65
    kinds = Counter(facilities.values_list("kind", flat=True))
    assert set(kinds) == set(FacilityKind.values)
    assert (kinds[FacilityKind.SCHOOL], kinds[FacilityKind.CLINIC]) == (3, 1)
    assert (kinds[FacilityKind.MOSQUE], kinds[FacilityKind.HANDPUMP]) == (2, 2)
    assert kinds[FacilityKind.TAP] >= 20
    taps = facilities.filter(kind=FacilityKind.TAP)
    assert all(4 <= t.capacity <= 8 for t in taps)
    assert taps.values("block").distinct().count() < 25  # not every block has one
    assert facilities.filter(in_service=False).count() == 2
    assert not facilities.filter(block__isnull=True).exists()
    water = standards.standard("water_point_distance")
    toilet = standards.standard("toilet_distance")
    assert 10 <= len(compliance.beyond(rows, "water_m", water)) <= 150
    assert len(compliance.beyond(rows, "toilet_m", toilet)) > 50
    report = compliance.compliance(tj, manager)
    own = [b.indicators[compliance.OWN_TOILET].status for b in report.blocks]
    assert compliance.Status.RED in own and compliance.Status.GREEN in own
    below = {i.key for i in report.summary.below_target}
    assert {compliance.WATER_SHARE, compliance.TOILET_SHARE, compliance.OWN_TOILET} <= below


def test_most_homes_and_facilities_were_surveyed_in_the_last_eighteen_months(tj):
    today = dates.today()
    surveyed = Unit.objects.filter(settlement=tj, surveyed_on__isnull=False)
    assert 650 <= surveyed.count() <= 850
    recent = surveyed.filter(surveyed_on__gte=today - timedelta(days=540))
    assert recent.count() > 600
    scores = list(surveyed.values_list("condition", flat=True))
    assert min(scores) <= 30 and max(scores) >= 95
    bands = Counter(score // 20 for score in scores)
    assert all(bands[band] > 20 for band in (1, 2, 3, 4))
    assert Facility.objects.filter(settlement=tj, surveyed_on__isnull=False).count() >= 45
    surveys = Survey.objects.filter(settlement=tj)
    assert not surveys.filter(surveyed_on__gt=today).exists()
    assert surveys.exclude(note="").filter(score__lt=40).exists()
    # The timeline shows the day of the survey, not the day the demo loaded.
    survey = surveys.filter(unit__isnull=False).order_by("surveyed_on").first()
    event = UnitEvent.objects.get(aggregate=survey.unit, params__survey=str(survey.uuid))
    assert event.at.date() == survey.surveyed_on


def test_the_works_backlog_has_every_status_and_kind_over_two_years(tj):
    orders = WorkOrder.objects.filter(settlement=tj)
    assert 70 <= orders.count() <= 95
    statuses = Counter(orders.values_list("status", flat=True))
    assert set(statuses) == set(WorkStatus.values)
    assert all(statuses[s] >= 3 for s in WorkStatus.values)
    assert set(orders.values_list("kind", flat=True)) == set(WorkKind.values)
    assert orders.filter(facility__isnull=False).count() >= 8
    opened = sorted(o.created_at.date() for o in orders)
    assert opened[0] < dates.today() - timedelta(days=365)
    # Each status change is on the order's timeline on its day.
    for order in orders.filter(status=WorkStatus.COMPLETED)[:10]:
        assert order.started_on <= order.completed_on < dates.today()
        changed = WorkOrderEvent.objects.get(
            aggregate=order, kind="housing.work_status", params__status="completed"
        )
        assert changed.at.date() == order.completed_on
    # Renovations and new builds under way hold their unit "under works", with nobody in it.
    under_way = orders.filter(
        status=WorkStatus.IN_PROGRESS, kind__in=[WorkKind.RENOVATION, WorkKind.NEW_BUILD]
    )
    assert {o.unit.state for o in under_way} == {UnitState.WORKS}
    assert under_way.count() == Unit.objects.filter(settlement=tj, state=UnitState.WORKS).count()
    assert under_way.filter(planned_end__lt=dates.today()).exists()  # some overdue


def test_completed_new_builds_and_renovations_added_habitable_units_and_beds(tj):
    built = WorkOrder.objects.filter(
        settlement=tj, kind=WorkKind.NEW_BUILD, status=WorkStatus.COMPLETED
    )
    assert built.count() >= 3
    for order in built:
        assert order.unit.state == UnitState.READY
        assert order.capacity_before == 0 and order.beds_added == order.unit.capacity > 0
    renovated = WorkOrder.objects.filter(
        settlement=tj, kind=WorkKind.RENOVATION, status=WorkStatus.COMPLETED
    )
    assert all(o.unit.state == UnitState.READY for o in renovated)
    assert all(o.condition_after > o.condition_before for o in renovated)
    assert any(o.beds_added for o in renovated)  # a room added to some
    # New builds wait on planned units; no unit of a new build was lived in before.
    waiting = WorkOrder.objects.filter(settlement=tj, kind=WorkKind.NEW_BUILD).exclude(
        status=WorkStatus.COMPLETED
    )
    assert not Occupancy.objects.filter(unit__in=waiting.values("unit")).exists()


def test_works_are_funded_by_the_partners_and_paid_from_donations_as_donors_allowed(tj):
    charity = User.objects.get(username="charity").partner_link.organisation
    orders = WorkOrder.objects.filter(settlement=tj).select_related("funder", "contractor")
    funders = {o.funder for o in orders if o.funder is not None}
    assert charity in funders
    assert {f.org_type for f in funders} >= {OrganisationType.CHARITY}
    assert orders.filter(funder__isnull=True).exists()  # the directorate's own budget
    contractors = {o.contractor.org_type for o in orders if o.contractor is not None}
    assert {OrganisationType.VOLUNTEER_GROUP, OrganisationType.PRIVATE} <= contractors
    references = set(orders.values_list("reference", flat=True))
    spent = Expenditure.objects.filter(work_order__in=references).select_related("donation__pledge")
    assert spent.count() >= 10
    for expenditure in spent:
        order = orders.get(reference=expenditure.work_order)
        pledge = expenditure.donation.pledge
        assert order.funder == pledge.donor
        assert pledge.restricted_sector in ("", expenditure.sector)
        assert expenditure.donation.received_on <= expenditure.spent_on <= dates.today()
        assert order.status in (WorkStatus.COMPLETED, WorkStatus.IN_PROGRESS)
    assert {e.sector for e in spent} >= {"shelter", "wash"}
    paid = next(o for o in orders if o.reference in {e.work_order for e in spent})
    assert list(services.spending_on(paid))


def test_some_works_have_before_and_after_photos(tj):
    photos = WorkPhoto.objects.filter(work_order__settlement=tj)
    assert photos.filter(stage="before").count() >= 3
    assert photos.filter(stage="after").count() >= 2
    for photo in photos:
        with Image.open(photo.image.path) as image:
            assert image.format == "JPEG"
            assert image.size == (480, 320)


def test_family_links_join_waitlisted_households_and_some_residents(tj):
    links = HouseholdLink.objects.filter(household__settlement=tj).select_related(
        "household__head", "other__head"
    )
    assert 60 <= links.count() <= 95
    waitlisted = set(
        Application.objects.filter(settlement=tj, status=S.WAITLISTED).values_list(
            "household", flat=True
        )
    )
    among = [link for link in links if {link.household_id, link.other_id} <= waitlisted]
    assert len(among) >= 50
    assert all(k.household.head.family_name == k.other.head.family_name for k in among)
    with_residents = [
        link
        for link in links
        if HouseholdStatus.RESIDENT in (link.household.status, link.other.status)
    ]
    assert len(with_residents) >= 15
    groups = Counter(family_groups(waitlisted).values())
    assert len(groups) >= 30
    assert set(groups.values()) >= {2, 3}


def test_the_manager_can_run_a_batch_allocation_for_the_vacancies(tj, manager, settings):
    settings.MEHMAN_ALLOCATION_SECONDS = 1
    run = services.start_run(settlement=tj, by=manager)
    assert len(run.unit_ids) >= 40
    run = services.solve_run(run)
    assert run.status == RunStatus.PROPOSED
    assert run.figures["placed"] >= 40
    assert run.figures["groups"] >= 30


def test_loading_the_demo_again_adds_nothing(demo, tj):
    def counts() -> tuple[int, ...]:
        return (
            Block.objects.count(),
            Unit.objects.count(),
            Facility.objects.count(),
            Occupancy.objects.count(),
            Offer.objects.count(),
            Survey.objects.count(),
            WorkOrder.objects.count(),
            WorkPhoto.objects.count(),
            HouseholdLink.objects.count(),
            Expenditure.objects.count(),
        )

    before = counts()
    again = load_demo()
    assert set(again.values()) == {0}
    assert again["units"] == 0
    assert counts() == before
