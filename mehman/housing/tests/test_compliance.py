"""Standards compliance computed on small settlements whose figures are worked out by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.translation import gettext as _

from mehman.housing.compliance import (
    OWN_TOILET,
    PER_CLINIC,
    PER_HANDPUMP,
    PER_SHOWER,
    PER_TAP,
    PER_TOILET,
    SPACE_MEDIAN,
    SPACE_SHARE,
    TOILET_FARTHEST,
    TOILET_SHARE,
    WATER_FARTHEST,
    WATER_SHARE,
    Status,
    compliance,
    rate,
)
from mehman.housing.models import Block, FacilityKind
from mehman.housing.standards import standard
from mehman.housing.tests.factories import facility, resident, unit
from mehman.registry.models import Relationship
from mehman.registry.tests.factories import member

pytestmark = pytest.mark.django_db


def persons(count: int) -> list[dict]:
    """A head of household and ``count - 1`` children."""
    return [member()] + [
        member(
            given_name="حسن",
            sex="M",
            birth_date=date(2010 + n % 10, 1, 1),
            birth_date_estimated=False,
            relationship=Relationship.SON,
            marital_status="single",
        )
        for n in range(count - 1)
    ]


def housed(settlement, by, size: int, **unit_fields):
    """A unit with a household of ``size`` living in it."""
    home = unit(settlement, by=by, **unit_fields)
    household = resident(settlement, home=home, by=by, members=persons(size))
    return home, household


def indicator(report, key):
    return report.summary.indicators[key]


# --- Persons per tap, handpump, toilet, shower ----------------------------------------------


def test_two_tap_stands_of_three_taps_for_thirty_persons_is_five_persons_per_tap(
    settlement_a, mona
):
    for _n in range(3):
        housed(settlement_a, mona, 10, floor_area=Decimal("50"))
    facility(settlement_a, FacilityKind.TAP, capacity=3, by=mona)
    facility(settlement_a, FacilityKind.TAP, capacity=3, by=mona)

    report = compliance(settlement_a, mona)

    assert report.summary.population == 30
    assert report.summary.households == 3
    per_tap = indicator(report, PER_TAP)
    assert per_tap.value == Decimal("5.0")
    assert per_tap.status == Status.GREEN
    assert (per_tap.count, per_tap.of) == (30, 6)
    assert per_tap.source == standard("persons_per_tap").source
    assert per_tap.target.comparator == "<="
    assert per_tap.target.target == Decimal("100")


def test_units_with_their_own_tap_or_toilet_count_as_one_each(settlement_a, mona):
    housed(settlement_a, mona, 4, own_tap=True, own_toilet=True)
    housed(settlement_a, mona, 4)
    facility(settlement_a, FacilityKind.TAP, capacity=1, by=mona)
    facility(settlement_a, FacilityKind.TOILET, capacity=1, by=mona)

    report = compliance(settlement_a, mona)

    assert indicator(report, PER_TAP).value == Decimal("4.0")  # 8 persons, 1 + 1 taps
    assert indicator(report, PER_TOILET).value == Decimal("4.0")


def test_facilities_out_of_service_do_not_count(settlement_a, mona):
    housed(settlement_a, mona, 4)
    facility(settlement_a, FacilityKind.TAP, capacity=2, by=mona)
    facility(settlement_a, FacilityKind.TAP, capacity=6, in_service=False, by=mona)

    report = compliance(settlement_a, mona)

    assert indicator(report, PER_TAP).value == Decimal("2.0")


def test_persons_per_handpump_is_not_applicable_when_there_are_none(settlement_a, mona):
    housed(settlement_a, mona, 4)
    facility(settlement_a, FacilityKind.TAP, capacity=1, by=mona)

    report = compliance(settlement_a, mona)

    per_pump = indicator(report, PER_HANDPUMP)
    assert per_pump.status == Status.GREY
    assert per_pump.value is None
    assert not per_pump.applicable
    assert per_pump.status_label == _("Not applicable")
    assert per_pump.note


def test_taps_are_not_applicable_where_water_comes_from_handpumps(settlement_a, mona):
    housed(settlement_a, mona, 5)
    facility(settlement_a, FacilityKind.HANDPUMP, capacity=2, by=mona)

    report = compliance(settlement_a, mona)

    assert indicator(report, PER_TAP).status == Status.GREY
    assert not indicator(report, PER_TAP).applicable
    assert indicator(report, PER_HANDPUMP).value == Decimal("2.5")


def test_handpumps_beside_taps_are_a_back_up_not_measured_against_everyone(settlement_a, mona):
    housed(settlement_a, mona, 6)
    facility(settlement_a, FacilityKind.TAP, capacity=2, by=mona)
    facility(settlement_a, FacilityKind.HANDPUMP, capacity=1, by=mona)

    report = compliance(settlement_a, mona)

    assert indicator(report, PER_TAP).value == Decimal("3.0")
    per_pump = indicator(report, PER_HANDPUMP)
    assert (per_pump.status, per_pump.value, per_pump.applicable) == (Status.GREY, None, False)
    assert per_pump.note == _("Taps are the water source here; handpumps and wells are a back-up.")


def test_people_without_any_toilet_or_shower_are_red_not_a_division_by_zero(settlement_a, mona):
    housed(settlement_a, mona, 4)

    report = compliance(settlement_a, mona)

    for key in (PER_TAP, PER_TOILET, PER_SHOWER):
        found = indicator(report, key)
        assert found.status == Status.RED, key
        assert found.value is None
        assert found.note


def test_showers_over_twenty_four_persons_each_are_amber(settlement_a, mona):
    housed(settlement_a, mona, 10)
    housed(settlement_a, mona, 10)
    housed(settlement_a, mona, 4)
    facility(settlement_a, FacilityKind.SHOWER, capacity=1, by=mona)

    found = indicator(compliance(settlement_a, mona), PER_SHOWER)

    assert found.value == Decimal("24.0")
    assert found.status == Status.AMBER  # 24 ≤ 20 + 20 %


def test_population_per_clinic(settlement_a, mona):
    housed(settlement_a, mona, 6)
    facility(settlement_a, FacilityKind.CLINIC, capacity=80, name="Clinic", by=mona)
    facility(settlement_a, FacilityKind.CLINIC, capacity=40, name="Clinic 2", by=mona)

    found = indicator(compliance(settlement_a, mona), PER_CLINIC)

    assert found.value == Decimal("3.0")  # clinics are counted, not their consultations
    assert found.status == Status.GREEN


# --- Living space ---------------------------------------------------------------------------


def test_a_unit_of_twenty_square_metres_with_six_occupants_is_crowded_and_listed(
    settlement_a, mona
):
    small, _household = housed(settlement_a, mona, 6, floor_area=Decimal("20"))
    roomy, _other = housed(settlement_a, mona, 4, floor_area=Decimal("30"))

    report = compliance(settlement_a, mona)

    assert [row.unit for row in report.crowded] == [small]
    assert report.crowded[0].m2_per_person == Decimal("3.3")  # 3.3 < 4.5
    assert report.summary.crowded == 1
    share = indicator(report, SPACE_SHARE)
    assert share.value == Decimal("50.0")
    assert (share.count, share.of) == (1, 2)
    assert share.status == Status.RED
    assert share.criterion == standard("living_space_cold")
    assert share.source == standard("living_space_cold").source
    median = indicator(report, SPACE_MEDIAN)
    assert median.value == Decimal("5.4")  # (3.3 + 7.5) / 2
    assert median.status == Status.GREEN
    assert roomy not in [row.unit for row in report.crowded]


def test_the_median_of_an_odd_number_of_households_is_the_middle_one(settlement_a, mona):
    housed(settlement_a, mona, 6, floor_area=Decimal("20"))  # 3.3
    housed(settlement_a, mona, 4, floor_area=Decimal("16"))  # 4.0
    housed(settlement_a, mona, 2, floor_area=Decimal("40"))  # 20.0

    median = indicator(compliance(settlement_a, mona), SPACE_MEDIAN)

    assert median.value == Decimal("4.0")
    assert median.status == Status.AMBER  # 4.0 >= 4.5 minus 20 %


def test_the_living_space_standard_follows_the_setting(settlement_a, mona, settings):
    housed(settlement_a, mona, 5, floor_area=Decimal("20"))  # 4.0 m² per person
    settings.MEHMAN_LIVING_SPACE_STANDARD = "living_space"

    report = compliance(settlement_a, mona)

    assert report.crowded == []
    assert indicator(report, SPACE_SHARE).value == Decimal("100.0")
    assert indicator(report, SPACE_SHARE).criterion == standard("living_space")


# --- Distances ------------------------------------------------------------------------------


def test_a_unit_250_m_from_any_water_point_is_beyond_200_m(settlement_a, mona):
    far, _h = housed(settlement_a, mona, 4, x=250.0, y=0.0)
    near, _h2 = housed(settlement_a, mona, 4, x=30.0, y=40.0)  # 50 m
    housed(settlement_a, mona, 4, x=120.0, y=160.0)  # 200 m: within
    facility(settlement_a, FacilityKind.TAP, x=0.0, y=0.0, by=mona)

    report = compliance(settlement_a, mona)

    assert [row.unit for row in report.beyond_water] == [far]
    share = indicator(report, WATER_SHARE)
    assert (share.count, share.of) == (2, 3)
    assert share.value == Decimal("66.7")
    assert share.status == Status.RED
    farthest = indicator(report, WATER_FARTHEST)
    assert farthest.value == Decimal("250")
    assert farthest.status == Status.RED  # 250 > 200 + 20 %
    assert report.summary.beyond_water == 1
    assert near not in [row.unit for row in report.beyond_water]


def test_distances_to_a_toilet_use_toilet_blocks_and_own_toilets(settlement_a, mona):
    own, _h = housed(settlement_a, mona, 4, x=500.0, y=0.0, own_toilet=True)
    far, _h2 = housed(settlement_a, mona, 4, x=0.0, y=55.0)
    housed(settlement_a, mona, 4, x=0.0, y=30.0)
    facility(settlement_a, FacilityKind.TOILET, x=0.0, y=0.0, name="Toilets", by=mona)

    report = compliance(settlement_a, mona)

    assert [row.unit for row in report.beyond_toilet] == [far]  # not the one 500 m away
    assert own not in [row.unit for row in report.beyond_toilet]
    assert indicator(report, TOILET_SHARE).value == Decimal("66.7")
    farthest = indicator(report, TOILET_FARTHEST)
    assert farthest.value == Decimal("55")
    assert farthest.status == Status.AMBER  # 55 ≤ 50 + 20 %


def test_homes_with_no_water_point_at_all_are_beyond_and_first(settlement_a, mona):
    somewhere, _h = housed(settlement_a, mona, 4, x=10.0, y=0.0)

    report = compliance(settlement_a, mona)

    assert [row.unit for row in report.beyond_water] == [somewhere]
    farthest = indicator(report, WATER_FARTHEST)
    assert farthest.value is None
    assert farthest.status == Status.RED
    assert (farthest.count, farthest.of) == (1, 1)


def test_vacant_units_are_not_measured_for_distance(settlement_a, mona):
    unit(settlement_a, x=900.0, y=0.0, by=mona)
    housed(settlement_a, mona, 4, x=10.0, y=0.0)
    facility(settlement_a, FacilityKind.TAP, x=0.0, y=0.0, by=mona)

    report = compliance(settlement_a, mona)

    assert report.beyond_water == []
    assert indicator(report, WATER_SHARE).value == Decimal("100.0")


# --- Own toilet -----------------------------------------------------------------------------


def test_households_with_their_own_toilet_three_of_four_is_amber(settlement_a, mona):
    for _n in range(3):
        housed(settlement_a, mona, 2, own_toilet=True)
    housed(settlement_a, mona, 2)

    found = indicator(compliance(settlement_a, mona), OWN_TOILET)

    assert found.value == Decimal("75.0")
    assert (found.count, found.of) == (3, 4)
    assert found.status == Status.AMBER  # 75 >= 85 minus 10 points
    assert found.target.target == Decimal("85")


# --- Blocks ---------------------------------------------------------------------------------


def test_per_block_figures_use_the_blocks_own_facilities_and_people(settlement_a, mona):
    housed(settlement_a, mona, 8, block_code="B01", own_toilet=True)
    housed(settlement_a, mona, 4, block_code="B02", floor_area=Decimal("16"))

    b01 = Block.objects.get(settlement=settlement_a, code="B01")
    b02 = Block.objects.get(settlement=settlement_a, code="B02")
    facility(settlement_a, FacilityKind.TAP, capacity=1, block=b01, by=mona)
    facility(settlement_a, FacilityKind.TAP, capacity=4, block=b02, by=mona)

    report = compliance(settlement_a, mona)

    assert indicator(report, PER_TAP).value == Decimal("2.4")  # 12 persons, 5 taps
    by_code = {scope.block.code: scope for scope in report.blocks}
    assert by_code["B01"].population == 8
    assert by_code["B01"].indicators[PER_TAP].value == Decimal("8.0")
    assert by_code["B02"].indicators[PER_TAP].value == Decimal("1.0")
    assert by_code["B01"].indicators[OWN_TOILET].value == Decimal("100.0")
    assert by_code["B02"].indicators[OWN_TOILET].value == Decimal("0.0")
    assert by_code["B02"].indicators[SPACE_SHARE].status == Status.RED  # 4.0 < 4.5
    assert indicator(report, OWN_TOILET).value == Decimal("50.0")
    assert [i.key for i in by_code["B01"].cells][:2] == [PER_TAP, PER_HANDPUMP]
    assert PER_CLINIC not in by_code["B01"].indicators


def test_a_focused_block_has_its_own_summary_and_lists(settlement_a, mona):
    crowded_b01, _h = housed(settlement_a, mona, 6, block_code="B01", floor_area=Decimal("20"))
    crowded_b02, _h2 = housed(settlement_a, mona, 6, block_code="B02", floor_area=Decimal("20"))

    b02 = Block.objects.get(settlement=settlement_a, code="B02")

    report = compliance(settlement_a, mona, block=b02)

    assert report.focus == b02
    assert report.summary.population == 6
    assert report.settlement_summary.population == 12
    assert [row.unit for row in report.crowded] == [crowded_b02]
    assert crowded_b01 not in [row.unit for row in report.crowded]
    assert len(report.blocks) == 2


def test_facilities_outside_any_block_count_for_the_settlement_only(settlement_a, mona):
    housed(settlement_a, mona, 4, block_code="B01")
    facility(settlement_a, FacilityKind.TOILET, capacity=2, name="Toilets", by=mona)

    report = compliance(settlement_a, mona)

    assert indicator(report, PER_TOILET).value == Decimal("2.0")
    assert report.blocks[0].indicators[PER_TOILET].status == Status.RED


# --- Rating thresholds ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "status"),
    [
        ("persons_per_tap", "100", Status.GREEN),
        ("persons_per_tap", "100.1", Status.AMBER),
        ("persons_per_tap", "120", Status.AMBER),
        ("persons_per_tap", "120.1", Status.RED),
        ("water_point_distance", "200", Status.GREEN),
        ("water_point_distance", "240", Status.AMBER),
        ("water_point_distance", "241", Status.RED),
        ("living_space_cold", "4.5", Status.GREEN),
        ("living_space_cold", "3.6", Status.AMBER),
        ("living_space_cold", "3.5", Status.RED),
        ("households_with_toilet", "85", Status.GREEN),
        ("households_with_toilet", "75", Status.AMBER),
        ("households_with_toilet", "74.9", Status.RED),
    ],
)
def test_red_amber_green_at_the_boundaries(key, value, status):
    assert rate(Decimal(value), standard(key)) == status


def test_no_value_is_grey():
    assert rate(None, standard("persons_per_tap")) == Status.GREY


# --- Nothing to measure ---------------------------------------------------------------------


def test_a_settlement_with_no_units_does_not_crash(settlement_a, mona):
    report = compliance(settlement_a, mona)

    assert report.summary.population == 0
    assert report.blocks == []
    assert report.crowded == report.beyond_water == report.beyond_toilet == []
    assert all(i.status == Status.GREY for i in report.summary.indicators.values())
    assert all(i.value is None for i in report.summary.indicators.values())


def test_units_with_no_one_housed_are_not_measured(settlement_a, mona):
    unit(settlement_a, by=mona)
    facility(settlement_a, FacilityKind.TAP, by=mona)

    report = compliance(settlement_a, mona)

    assert report.summary.households == 0
    assert all(i.status == Status.GREY for i in report.summary.indicators.values())
    assert report.blocks[0].population == 0


def test_what_cannot_be_measured_is_listed_with_its_source(settlement_a, mona):
    listed = {item.standard.key: item for item in compliance(settlement_a, mona).not_measured}

    for key in (
        "water_lpd",
        "measles_coverage",
        "consultations_per_clinician",
        "pupils_per_school_toilet",
    ):
        assert key in listed, key
        assert listed[key].standard.source == standard(key).source
        assert listed[key].why
    assert "living_space" not in listed
    assert "persons_per_tap" not in listed


# --- Who sees what --------------------------------------------------------------------------


def test_an_analyst_gets_the_figures_without_household_references(settlement_a, mona, nasrin):
    _home, household = housed(settlement_a, mona, 6, floor_area=Decimal("20"))

    for_mona = compliance(settlement_a, mona)
    for_nasrin = compliance(settlement_a, nasrin)

    assert for_mona.crowded[0].household_reference == household.reference
    assert for_nasrin.crowded[0].household_reference == ""
    assert for_nasrin.summary.population == for_mona.summary.population == 6


def test_status_labels_are_words_not_only_colours(settlement_a, mona):
    housed(settlement_a, mona, 4)
    with translation.override("en"):
        labels = {
            str(i.status_label) for i in compliance(settlement_a, mona).summary.indicators.values()
        }
    assert "Misses the target" in labels
