"""The site pages through the client: the map, the units and facilities with their pages,
the blocks, and a unit's state and moves, for the manager and a housing officer; outsiders
and partner staff see nothing, analysts see the site without a household."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from conftest import signed_in
from mehman.accounts.models import Role
from mehman.accounts.tests.factories import UserFactory
from mehman.housing import services, standards
from mehman.housing.models import (
    Block,
    EndReason,
    Facility,
    FacilityKind,
    Occupancy,
    Unit,
    UnitEvent,
    UnitState,
    WorkKind,
)
from mehman.housing.tests import factories as hf
from mehman.housing.views import site
from mehman.housing.views._plan import Target, target
from mehman.intake.tests import factories as intake_factories

MAP = reverse("housing:map")
UNITS = reverse("housing:units")
FACILITIES = reverse("housing:facilities")
BLOCKS = reverse("housing:blocks")


def in_persian(message: str, **params: object) -> str:
    with translation.override("fa"):
        text = gettext(message)
    return text % params if params else text


def shown(message: str, **params: object) -> str:
    """The message in Persian as the page's HTML has it."""
    return escape(in_persian(message, **params))


def cited(key: str) -> Target:
    """A standard as the Persian pages cite it."""
    with translation.override("fa"):
        return target(key)


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def unit_url(unit: Unit, name: str = "unit") -> str:
    return reverse(f"housing:{name}", args=[unit.reference])


def act(unit: Unit, action: str) -> str:
    return reverse("housing:unit_action", args=[unit.reference, action])


def fresh(unit: Unit) -> Unit:
    return Unit.objects.get(pk=unit.pk)


@pytest.fixture
def hugo(settlement_a):
    return UserFactory(username="hugo", role=Role.HOUSING_OFFICER, settlements=[settlement_a])


@pytest.fixture
def site_a(settlement_a, mona):
    """Block B01 of settlement A: a roomy home and a crowded one, both lived in, a vacant
    step-free unit and one under works; a tap, a toilet block out of service, a school."""
    roomy = hf.unit(settlement_a, by=mona, x=10.0, y=20.0, own_tap=True)
    crowded = hf.unit(settlement_a, by=mona, floor_area=Decimal("12"), x=30.0, y=20.0)
    vacant = hf.unit(settlement_a, by=mona, x=50.0, y=20.0, ground_floor=True, ramp=True)
    works = hf.unit(settlement_a, by=mona, x=70.0, y=20.0, state=UnitState.WORKS)
    roomy_family = hf.resident(settlement_a, home=roomy, by=mona)
    crowded_family = hf.resident(settlement_a, home=crowded, by=mona)
    tap = hf.facility(settlement_a, by=mona, name="Tap stand 1", x=0.0, y=0.0)
    toilet = hf.facility(
        settlement_a,
        FacilityKind.TOILET,
        by=mona,
        name="Toilet block 1",
        x=40.0,
        y=40.0,
        capacity=6,
        in_service=False,
    )
    school = hf.facility(
        settlement_a, FacilityKind.SCHOOL, by=mona, name="School", x=90.0, y=60.0, capacity=300
    )
    return {
        "roomy": roomy,
        "crowded": crowded,
        "vacant": vacant,
        "works": works,
        "roomy_family": roomy_family,
        "crowded_family": crowded_family,
        "tap": tap,
        "toilet": toilet,
        "school": school,
    }


@pytest.fixture
def unit_b(settlement_b, bob):
    return hf.unit(settlement_b, block_code="C01", by=bob)


# --- The site map ---------------------------------------------------------------------------


def test_the_manager_sees_every_unit_and_facility_on_the_map(mona, site_a):
    response = signed_in(mona).get(MAP)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="u occ-') == 4
    assert html.count('class="f fac-') == 3
    assert unit_url(site_a["crowded"]) in html
    assert reverse("housing:facility", args=[site_a["school"].reference]) in html
    assert 'data-mode="occupancy"' in html
    assert 'data-layers="units facilities rings labels"' in html
    # One ring: the tap; the toilet block is no water point and out of service anyway.
    assert html.count('r="200.0"') == 1
    figures = {band.code: band.count for band in response.context["summary"]}
    assert figures == {
        "units": 4,
        "occupied": 2,
        "vacant": 1,
        "held": 0,
        "works": 1,
        "crowded": 1,
    }
    # The tooltip names the household for staff who see households.
    assert site_a["crowded_family"].reference in html
    assert "f fac-toilet out" in html


def test_each_unit_carries_its_colour_in_every_mode(mona, site_a):
    html = signed_in(mona).get(MAP).content.decode()
    assert 'class="u occ-occupied crowd-below cond-none"' in html  # 3 m² a person
    assert 'class="u occ-occupied crowd-above cond-none"' in html  # 11.2 m² a person
    assert 'class="u occ-vacant crowd-none cond-none"' in html
    assert 'class="u occ-works crowd-none cond-none"' in html


def test_a_surveyed_unit_is_coloured_by_its_condition(mona, site_a):
    ratings = dict.fromkeys(("roof", "walls"), "poor")
    services.record_survey(unit=site_a["vacant"], by=mona, ratings=ratings)
    html = signed_in(mona).get(MAP).content.decode()
    assert 'class="u occ-vacant crowd-none cond-poor"' in html


def test_the_colour_mode_and_layers_work_without_javascript(mona, site_a):
    response = signed_in(mona).get(MAP, {"mode": "crowding", "layer": ["units", "labels"]})
    html = response.content.decode()
    assert 'data-mode="crowding"' in html
    assert 'data-layers="units labels"' in html
    assert re.search(r'value="crowding"[^>]*checked', html)
    assert not re.search(r'value="occupancy"[^>]*checked', html)
    assert re.search(r'value="labels"[^>]*checked', html)
    assert not re.search(r'value="rings"[^>]*checked', html)
    # An unknown mode falls back to occupancy.
    assert 'data-mode="occupancy"' in signed_in(mona).get(MAP, {"mode": "x"}).content.decode()


def test_the_map_shows_one_block_when_asked(mona, settlement_a, site_a):
    other = hf.unit(settlement_a, block_code="B02", by=mona, x=400.0, y=300.0)
    everything = signed_in(mona).get(MAP).content.decode()
    assert unit_url(other) in everything
    html = signed_in(mona).get(MAP, {"block": "B02"}).content.decode()
    assert unit_url(other) in html
    assert unit_url(site_a["roomy"]) not in html
    assert html.count('class="u occ-') == 1
    assert ">B02</text>" in html


def test_the_crowding_legend_says_the_standard(mona, site_a):
    html = signed_in(mona).get(MAP).content.decode()
    living = cited("living_space")
    assert escape(living.label) in html and living.source in html
    assert escape(cited("water_point_distance").label) in html


def test_a_national_user_chooses_the_settlement(adam, settlement_a, settlement_b, site_a, unit_b):
    client = signed_in(adam)
    html = client.get(MAP, {"settlement": "SV"}).content.decode()
    assert unit_url(unit_b) in html
    assert unit_url(site_a["roomy"]) not in html
    assert 'data-testid="settlement-choice"' in html
    assert client.get(MAP, {"settlement": "XX"}).status_code == 404


def test_bob_sees_only_his_settlement_on_the_map(bob, site_a, unit_b):
    client = signed_in(bob)
    html = client.get(MAP).content.decode()
    assert unit_url(unit_b) in html
    assert unit_url(site_a["roomy"]) not in html
    assert client.get(MAP, {"settlement": "TJ"}).status_code == 404


def test_the_map_reads_a_bounded_number_of_queries(
    mona, settlement_a, site_a, django_assert_max_num_queries
):
    client = signed_in(mona)
    client.get(MAP)
    with django_assert_max_num_queries(12) as captured:
        client.get(MAP)
    few = len(captured)
    for number in range(5):
        unit = hf.unit(settlement_a, block_code="B03", by=mona, x=10.0 * number, y=90.0)
        hf.resident(settlement_a, home=unit, by=mona)
    hf.facility(settlement_a, FacilityKind.CLINIC, by=mona, name="Clinic", x=5.0, y=5.0)
    with django_assert_max_num_queries(few):
        response = client.get(MAP)
    assert response.content.decode().count('class="u occ-') == 9


# --- Analysts and partner staff -------------------------------------------------------------


def test_an_analyst_sees_the_site_but_no_household(nasrin, site_a):
    client = signed_in(nasrin)
    references = [site_a["roomy_family"].reference, site_a["crowded_family"].reference]
    for url in (MAP, UNITS, unit_url(site_a["crowded"]), FACILITIES, BLOCKS):
        response = client.get(url, {"settlement": "TJ"})
        assert response.status_code == 200, url
        if url not in (FACILITIES, BLOCKS):
            assert site_a["crowded"].reference in response.content.decode(), url
        html = response.content.decode()
        assert not any(reference in html for reference in references), url
        assert reverse("registry:household", args=[references[0]]) not in html
    unit_page = client.get(unit_url(site_a["crowded"]))
    assert unit_page.context["homes"] == []
    assert 'data-testid="occupants"' in unit_page.content.decode()  # the number, no one named


def test_an_analysts_tooltip_gives_numbers_only(nasrin, site_a):
    html = signed_in(nasrin).get(MAP, {"settlement": "TJ"}).content.decode()
    assert site_a["crowded"].reference in html
    with translation.override("fa"):
        occupants = translation.ngettext("%(count)s occupant", "%(count)s occupants", 4)
    assert escape(occupants % {"count": "۴"}) in html


def test_partner_staff_see_no_page_of_the_site(vera, site_a):
    client = signed_in(vera)
    urls = [
        MAP,
        UNITS,
        FACILITIES,
        BLOCKS,
        reverse("housing:unit_new"),
        reverse("housing:facility_new"),
        unit_url(site_a["roomy"]),
        unit_url(site_a["roomy"], "unit_edit"),
        act(site_a["roomy"], "state"),
        reverse("housing:facility", args=[site_a["tap"].reference]),
        reverse("housing:facility_edit", args=[site_a["tap"].reference]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url


def test_bob_gets_404_for_settlement_a_units_and_facilities(bob, site_a):
    client = signed_in(bob)
    tap = site_a["tap"].reference
    for url in (
        unit_url(site_a["roomy"]),
        unit_url(site_a["roomy"], "unit_edit"),
        act(site_a["roomy"], "move_out"),
        reverse("housing:facility", args=[tap]),
        reverse("housing:facility_edit", args=[tap]),
    ):
        assert client.get(url).status_code == 404, url


# --- The list of units ----------------------------------------------------------------------


def _listed(response) -> list[str]:
    return [row.unit.reference for row in response.context["page_obj"]]


def test_the_unit_list_shows_each_unit_with_its_figures(mona, site_a):
    response = signed_in(mona).get(UNITS)
    assert response.status_code == 200
    assert len(_listed(response)) == 4
    html = response.content.decode()
    household = site_a["crowded_family"].reference
    assert reverse("registry:household", args=[household]) in html
    assert html.count('data-testid="crowded"') == 1


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"state": "works"}, ["works"]),
        ({"vacant": "on"}, ["vacant"]),
        ({"crowded": "on"}, ["crowded"]),
        ({"step_free": "on"}, ["vacant"]),
        ({"block": "B01", "state": "ready"}, ["roomy", "crowded", "vacant"]),
    ],
)
def test_the_unit_list_filters(mona, site_a, query, expected):
    response = signed_in(mona).get(UNITS, query)
    assert _listed(response) == [site_a[key].reference for key in expected]


def test_the_unit_list_filters_by_block(mona, settlement_a, site_a):
    other = hf.unit(settlement_a, block_code="B02", by=mona)
    assert _listed(signed_in(mona).get(UNITS, {"block": "B02"})) == [other.reference]


def test_the_unit_list_is_paginated(mona, site_a, monkeypatch):
    monkeypatch.setattr(site, "PER_PAGE", 3)
    client = signed_in(mona)
    first = client.get(UNITS)
    assert len(_listed(first)) == 3
    assert 'rel="next"' in first.content.decode()
    assert len(_listed(client.get(UNITS, {"page": 2}))) == 1


def test_the_unit_list_reads_a_bounded_number_of_queries(
    mona, settlement_a, site_a, django_assert_max_num_queries
):
    client = signed_in(mona)
    client.get(UNITS)
    with django_assert_max_num_queries(12) as captured:
        client.get(UNITS)
    few = len(captured)
    for _number in range(4):
        hf.resident(settlement_a, home=hf.unit(settlement_a, by=mona), by=mona)
    with django_assert_max_num_queries(few):
        assert len(_listed(client.get(UNITS))) == 8


# --- A unit's page --------------------------------------------------------------------------


def test_the_unit_page_shows_its_details_household_and_standard(mona, site_a):
    unit, family = site_a["crowded"], site_a["crowded_family"]
    response = signed_in(mona).get(unit_url(unit))
    assert response.status_code == 200
    html = response.content.decode()
    living = cited("living_space")
    assert escape(living.label) in html and living.source in html
    assert escape(cited("toilet_distance").label) in html
    assert reverse("registry:household", args=[family.reference]) in html
    assert response.context["current"].household == family
    assert response.context["row"].crowded
    assert 'data-testid="crowded"' in html
    assert len(response.context["homes"]) == 1
    assert response.context["events"]  # added and moved into
    for name in ("state", "transfer", "move_out"):
        assert act(unit, name) in html
    assert act(unit, "move_in") not in html
    assert unit_url(unit, "unit_edit") in html
    assert reverse("housing:offer_new", args=[unit.reference]) not in html


def test_the_unit_page_lists_surveys_and_work_orders(mona, site_a):
    unit = site_a["vacant"]
    survey = services.record_survey(unit=unit, by=mona, ratings={"roof": "good"})
    order = services.open_work_order(unit=unit, by=mona, kind=WorkKind.REPAIR, title="Fix the roof")
    html = signed_in(mona).get(unit_url(unit)).content.decode()
    assert reverse("housing:survey", args=[survey.uuid]) in html
    assert reverse("housing:work", args=[order.reference]) in html
    assert f"{reverse('housing:survey_new')}?unit={unit.reference}" in html
    assert f"{reverse('housing:work_new')}?unit={unit.reference}" in html


def test_a_vacant_unit_may_be_offered_or_recorded_as_lived_in(mona, site_a):
    unit = site_a["vacant"]
    html = signed_in(mona).get(unit_url(unit)).content.decode()
    assert reverse("housing:offer_new", args=[unit.reference]) in html
    assert act(unit, "move_in") in html
    assert act(unit, "move_out") not in html


def test_the_unit_page_shows_the_open_offer(alice, mona, settlement_a, site_a):
    application = intake_factories.waitlisted(settlement_a, by=alice, manager=mona)
    unit = site_a["vacant"]
    services.offer_unit(unit=unit, application=application, by=mona)
    response = signed_in(mona).get(unit_url(unit))
    html = response.content.decode()
    assert 'data-testid="open-offer"' in html
    assert application.household.reference in html
    assert response.context["row"].held
    assert reverse("housing:offer_new", args=[unit.reference]) not in html


def test_a_clerk_reads_the_unit_but_has_no_action(alice, site_a):
    unit = site_a["crowded"]
    client = signed_in(alice)
    html = client.get(unit_url(unit)).content.decode()
    assert 'data-testid="unit-actions"' not in html
    assert client.get(act(unit, "move_out")).status_code == 404
    assert client.post(act(unit, "state"), {"state": "works", "reason": "x"}).status_code == 404
    assert client.get(unit_url(unit, "unit_edit")).status_code == 404
    assert fresh(unit).state == UnitState.READY


# --- Changing a unit's state and who lives there --------------------------------------------


def test_the_manager_changes_the_state_with_a_reason(mona, site_a):
    unit = site_a["vacant"]
    client = signed_in(mona)
    assert client.get(act(unit, "state")).status_code == 200
    response = client.post(act(unit, "state"), {"state": "works", "reason": "Roof repair"})
    assert response.status_code == 302
    assert response["Location"] == unit_url(unit)
    assert fresh(unit).state == UnitState.WORKS
    assert in_persian("The unit's state was changed.") in texts(response)


def test_a_state_change_without_a_reason_is_refused(mona, site_a):
    unit = site_a["vacant"]
    response = signed_in(mona).post(act(unit, "state"), {"state": "works", "reason": ""})
    assert response.status_code == 200
    assert shown("Say why the state changes.") in response.content.decode()
    assert fresh(unit).state == UnitState.READY


def test_a_lived_in_unit_cannot_be_declared_uninhabitable(mona, site_a):
    unit = site_a["roomy"]
    response = signed_in(mona).post(
        act(unit, "state"), {"state": "uninhabitable", "reason": "Cracks"}
    )
    assert shown("A household lives in this unit: move it out first.") in (
        response.content.decode()
    )
    assert fresh(unit).state == UnitState.READY


def test_an_officer_records_a_household_living_in_a_vacant_unit(hugo, mona, settlement_a, site_a):
    unit = site_a["vacant"]
    household = hf.resident(settlement_a, by=mona)
    response = signed_in(hugo).post(
        act(unit, "move_in"), {"household": household.reference.lower(), "day": "", "note": ""}
    )
    assert response.status_code == 302
    occupancy = Occupancy.objects.get(unit=unit, ended_on__isnull=True)
    assert occupancy.household == household
    assert occupancy.reason == "recorded"


def test_a_household_typed_in_persian_digits_is_found(mona, settlement_a, site_a):
    household = hf.resident(settlement_a, by=mona)
    typed = household.reference.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    response = signed_in(mona).post(act(site_a["vacant"], "move_in"), {"household": typed})
    assert response.status_code == 302


def test_moving_into_an_occupied_unit_is_refused(mona, settlement_a, site_a):
    unit = site_a["roomy"]
    household = hf.resident(settlement_a, by=mona)
    response = signed_in(mona).post(act(unit, "move_in"), {"household": household.reference})
    assert response.status_code == 200
    message = shown("Unit %(unit)s is already lived in.", unit=unit.reference)
    assert message in response.content.decode()
    living = Occupancy.objects.get(unit=unit, ended_on__isnull=True)
    assert living.household == site_a["roomy_family"]
    assert not Occupancy.objects.filter(household=household).exists()


def test_an_unknown_or_foreign_household_is_a_field_error(mona, settlement_b, bob, site_a):
    foreign = hf.resident(settlement_b, by=bob)
    client = signed_in(mona)
    for typed in ("TJ-999999", foreign.reference):
        response = client.post(act(site_a["vacant"], "move_in"), {"household": typed})
        assert response.status_code == 200
        assert response.context["form"].errors["household"]
    assert not Occupancy.objects.filter(unit=site_a["vacant"]).exists()


def test_a_household_is_transferred_to_a_vacant_unit_with_a_reason(mona, site_a):
    unit, target, family = site_a["crowded"], site_a["vacant"], site_a["crowded_family"]
    client = signed_in(mona)
    form = client.get(act(unit, "transfer")).context["form"]
    assert [u.reference for u in form.fields["to"].queryset] == [target.reference]
    response = client.post(act(unit, "transfer"), {"to": target.reference, "note": "Too small"})
    assert response.status_code == 302
    assert Occupancy.objects.get(household=family, ended_on__isnull=True).unit == target
    ended = Occupancy.objects.get(household=family, unit=unit)
    assert ended.end_reason == EndReason.TRANSFER


def test_a_transfer_without_a_reason_is_refused(mona, site_a):
    unit, target = site_a["crowded"], site_a["vacant"]
    response = signed_in(mona).post(act(unit, "transfer"), {"to": target.reference, "note": ""})
    assert response.status_code == 200
    assert shown("Say why the household moves.") in response.content.decode()
    assert Occupancy.objects.get(unit=unit, ended_on__isnull=True)


def test_a_household_is_moved_out_with_the_reason(mona, site_a):
    unit = site_a["roomy"]
    response = signed_in(mona).post(act(unit, "move_out"), {"end_reason": "moved_out"})
    assert response.status_code == 302
    assert not Occupancy.objects.filter(unit=unit, ended_on__isnull=True).exists()
    assert UnitEvent.objects.filter(aggregate=unit, kind="housing.moved_out").exists()
    page = signed_in(mona).get(unit_url(unit))
    assert page.context["row"].vacant


def test_moving_out_of_an_empty_unit_says_nobody_lives_there(mona, site_a):
    response = signed_in(mona).post(act(site_a["vacant"], "move_out"), {"end_reason": "moved_out"})
    assert response.status_code == 200
    assert shown("Nobody lives in this unit.") in response.content.decode()


def test_an_unknown_action_is_404(mona, site_a):
    assert signed_in(mona).post(act(site_a["roomy"], "demolish")).status_code == 404


def test_an_analyst_may_not_move_anyone(nasrin, settlement_a, mona, site_a):
    household = hf.resident(settlement_a, by=mona)
    response = signed_in(nasrin).post(
        act(site_a["vacant"], "move_in"), {"household": household.reference}
    )
    assert response.status_code == 404
    assert not Occupancy.objects.filter(household=household).exists()


# --- Adding and correcting a unit -----------------------------------------------------------


def unit_form(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "block": "",
        "number": "7",
        "street": "Kooche 3",
        "x": "120",
        "y": "40",
        "floor_area": "۳۶٫۵",
        "rooms": "۲",
        "ground_floor": "on",
        "ramp": "on",
        "heating": "gas",
        "electricity": "on",
        "state": "ready",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_manager_adds_a_unit_in_persian_digits(mona, settlement_a, site_a):
    block = Block.objects.get(settlement=settlement_a, code="B01")
    client = signed_in(mona)
    page = client.get(reverse("housing:unit_new")).content.decode()
    assert 'data-testid="capacity-note"' in page
    response = client.post(reverse("housing:unit_new"), unit_form(block=block.reference))
    assert response.status_code == 302
    unit = Unit.objects.get(block=block, number=7)
    assert response["Location"] == unit_url(unit)
    assert unit.floor_area == Decimal("36.5")
    assert unit.capacity == standards.capacity_of(Decimal("36.5"))
    assert unit.step_free and unit.heating == "gas"


def test_a_unit_number_used_twice_in_a_block_is_refused(mona, settlement_a, site_a):
    block = Block.objects.get(settlement=settlement_a, code="B01")
    response = signed_in(mona).post(
        reverse("housing:unit_new"), unit_form(block=block.reference, number="1")
    )
    assert response.status_code == 200
    message = shown("This block already has a unit with that number.")
    assert message in response.content.decode()
    assert Unit.objects.filter(block=block).count() == 4


def test_a_block_of_another_settlement_cannot_be_chosen(mona, settlement_b, bob, unit_b):
    response = signed_in(mona).post(
        reverse("housing:unit_new"), unit_form(block=unit_b.block.reference)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["block"]
    assert Unit.objects.filter(settlement=settlement_b).count() == 1


def edit_form(unit: Unit, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "version": unit.version,
        "street": unit.street,
        "x": str(unit.x),
        "y": str(unit.y),
        "floor_area": "90",
        "rooms": str(unit.rooms),
        "ground_floor": "on" if unit.ground_floor else None,
        "ramp": "on" if unit.ramp else None,
        "own_tap": "on" if unit.own_tap else None,
        "own_toilet": "on" if unit.own_toilet else None,
        "heating": unit.heating,
        "electricity": "on" if unit.electricity else None,
        "reason": "Measured again",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_manager_corrects_a_unit_and_the_capacity_follows(mona, site_a):
    unit = site_a["vacant"]
    response = signed_in(mona).post(unit_url(unit, "unit_edit"), edit_form(unit))
    assert response.status_code == 302
    assert fresh(unit).floor_area == Decimal("90")
    assert fresh(unit).capacity == standards.capacity_of(90)
    assert UnitEvent.objects.filter(aggregate=unit, kind="housing.unit_changed").exists()


def test_a_correction_without_a_reason_changes_nothing(mona, site_a):
    unit = site_a["vacant"]
    response = signed_in(mona).post(unit_url(unit, "unit_edit"), edit_form(unit, reason=""))
    assert response.status_code == 200
    assert shown("Say why the details change.") in response.content.decode()
    assert fresh(unit).floor_area == Decimal("45")


def test_a_stale_correction_is_refused(mona, site_a):
    unit = site_a["vacant"]
    stale = edit_form(unit)
    services.update_unit(unit=unit, by=mona, reason="First", rooms=3)
    response = signed_in(mona).post(unit_url(unit, "unit_edit"), stale)
    assert response.status_code == 200
    message = shown("Someone else changed this record meanwhile. Reload and try again.")
    assert message in response.content.decode()
    assert fresh(unit).floor_area == Decimal("45")


# --- Facilities ------------------------------------------------------------------------------


def _facilities(response) -> list[str]:
    return [f.reference for f in response.context["page_obj"]]


def test_the_facility_list_filters_by_kind_service_and_block(mona, settlement_a, site_a):
    block = Block.objects.get(settlement=settlement_a, code="B01")
    shower = hf.facility(
        settlement_a, FacilityKind.SHOWER, by=mona, name="Showers", block=block, capacity=4
    )
    client = signed_in(mona)
    assert len(_facilities(client.get(FACILITIES))) == 4
    assert _facilities(client.get(FACILITIES, {"kind": "school"})) == [site_a["school"].reference]
    assert _facilities(client.get(FACILITIES, {"in_service": "no"})) == [site_a["toilet"].reference]
    assert _facilities(client.get(FACILITIES, {"block": "B01"})) == [shower.reference]


def test_the_facility_page_shows_its_capacity_and_timeline(mona, site_a):
    school = site_a["school"]
    response = signed_in(mona).get(reverse("housing:facility", args=[school.reference]))
    assert response.status_code == 200
    html = response.content.decode()
    with translation.override("fa"):
        pupils = str(school.capacity_unit)
    assert pupils in html
    assert response.context["events"]
    assert f"{reverse('housing:work_new')}?facility={school.reference}" in html


def test_the_manager_adds_a_facility(mona, settlement_a):
    response = signed_in(mona).post(
        reverse("housing:facility_new"),
        {
            "kind": "handpump",
            "name": "Well 2",
            "block": "",
            "x": "۱۰",
            "y": "20",
            "capacity": "1",
            "in_service": "on",
            "note": "",
        },
    )
    assert response.status_code == 302
    facility = Facility.objects.get(name="Well 2")
    assert facility.kind == "handpump" and facility.x == 10.0
    assert response["Location"] == reverse("housing:facility", args=[facility.reference])


def facility_form(facility: Facility, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "version": facility.version,
        "name": facility.name,
        "block": "",
        "x": str(facility.x),
        "y": str(facility.y),
        "capacity": str(facility.capacity),
        "in_service": "on",
        "note": "",
        "reason": "Repaired",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_manager_puts_a_facility_back_in_service_with_a_reason(mona, site_a):
    toilet = site_a["toilet"]
    url = reverse("housing:facility_edit", args=[toilet.reference])
    client = signed_in(mona)
    refused = client.post(url, facility_form(toilet, reason=""))
    assert shown("Say why the details change.") in refused.content.decode()
    assert not Facility.objects.get(pk=toilet.pk).in_service
    assert client.post(url, facility_form(toilet)).status_code == 302
    assert Facility.objects.get(pk=toilet.pk).in_service


# --- Blocks ----------------------------------------------------------------------------------


def test_the_blocks_page_counts_units_and_the_manager_adds_a_block(mona, settlement_a, site_a):
    client = signed_in(mona)
    response = client.get(BLOCKS)
    assert response.status_code == 200
    (b01,) = response.context["blocks"]
    assert (b01.unit_count, b01.occupied) == (4, 2)
    added = client.post(BLOCKS, {"code": "b09", "name": "North", "x": "", "y": ""})
    assert added.status_code == 302
    assert Block.objects.filter(settlement=settlement_a, code="B09").exists()
    again = client.post(BLOCKS, {"code": "B09"})
    assert shown("This settlement already has that block.") in again.content.decode()


def test_only_a_site_manager_adds_blocks(alice, nasrin, settlement_a):
    for user in (alice, nasrin):
        client = signed_in(user)
        assert client.get(BLOCKS).context["form"] is None
        assert client.post(BLOCKS, {"code": "B10"}).status_code == 404
    assert not Block.objects.filter(code="B10").exists()
