"""The exit: refused without the approval a return or resettlement needs; a whole household
ends its term and frees its home; a partial departure splits the household; follow-ups at 3, 6
and 12 months; and the time from case to solution."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from mehman.core import dates
from mehman.housing.models import Occupancy, OfferStatus, Unit
from mehman.housing.services import candidates_for
from mehman.housing.tests import factories as housing_factories
from mehman.intake.models import ApplicationStatus
from mehman.intake.tests.factories import waitlisted
from mehman.registry.models import Household, HouseholdEvent, HouseholdStatus, Relationship
from mehman.residence import services as residence
from mehman.residence.models import ExitReason, Pathway, ResidenceTerm, ReviewStatus, TermStatus
from mehman.solutions import queries, services
from mehman.solutions.models import (
    ApprovalKind,
    CaseExit,
    CaseStage,
    ExitFollowUp,
    FollowUpStatus,
    SolutionsCase,
)
from mehman.solutions.tests import factories as f

TODAY = dates.today


@pytest.fixture
def home_and_household(settlement_a, mona):
    household, home, _term = f.housed(settlement_a, by=mona)
    return household, home


@pytest.fixture
def household(home_and_household):
    return home_and_household[0]


def _case(household, by, pathway=Pathway.LOCAL_INTEGRATION, **kwargs):
    return f.case(household, by=by, pathway=pathway, **kwargs)


def _exit(case, by, exit_type=ExitReason.MOVED_TO_CITY, days_ago=2, **kwargs):
    return services.record_exit(
        case=case, by=by, exit_type=exit_type, exit_on=TODAY() - timedelta(days=days_ago), **kwargs
    )


# --- Approval -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pathway", "exit_type", "kind"),
    [
        (Pathway.REPATRIATION, ExitReason.RETURNED, ApprovalKind.RETURN),
        (Pathway.RESETTLEMENT, ExitReason.RESETTLED, ApprovalKind.RESETTLEMENT),
    ],
)
def test_an_exit_needing_approval_is_refused_without_it(
    household, carla, mona, pathway, exit_type, kind
):
    case = _case(household, carla, pathway)
    with pytest.raises(ValidationError) as caught:
        _exit(case, carla, exit_type)
    assert caught.value.code == "needs_approval"
    assert case.reference in caught.value.messages[0]
    assert str(ApprovalKind(kind).label) in caught.value.messages[0]
    case.refresh_from_db()
    household.refresh_from_db()
    assert case.stage == CaseStage.ASSESSING
    assert household.status == HouseholdStatus.RESIDENT
    assert ResidenceTerm.objects.open().filter(household=household).exists()


def test_a_pending_or_rejected_request_is_not_an_approval(household, carla, mona):
    case = _case(household, carla, Pathway.REPATRIATION)
    asked = services.request_approval(
        case=case, by=carla, kind=ApprovalKind.RETURN, justification="Wants to go home"
    )
    with pytest.raises(ValidationError):
        _exit(case, carla, ExitReason.RETURNED)
    services.decide_approval(approval=asked, by=mona, approve=False, note="Unsafe district")
    with pytest.raises(ValidationError) as caught:
        _exit(case, carla, ExitReason.RETURNED)
    assert caught.value.code == "needs_approval"


def test_an_approved_return_is_recorded(household, carla, mona):
    case = _case(household, carla, Pathway.REPATRIATION)
    f.approved(case, ApprovalKind.RETURN, asked_by=carla, decided_by=mona)
    case_exit = _exit(case, carla, ExitReason.RETURNED)
    assert case_exit.exit_type == ExitReason.RETURNED


# --- The whole household leaves -----------------------------------------------------------------


def test_a_full_exit_ends_the_term_frees_the_unit_and_closes_the_case(home_and_household, carla):
    household, home = home_and_household
    case = _case(household, carla)
    day = TODAY() - timedelta(days=2)
    case_exit = _exit(case, carla, note="Moved to Mashhad")
    assert (case_exit.household, case_exit.remaining, case_exit.member_count) == (
        household,
        None,
        4,
    )
    assert case_exit.members.count() == 4 and not case_exit.is_partial
    term = ResidenceTerm.objects.get(household=household)
    assert (term.status, term.exit_reason, term.exit_on) == (
        TermStatus.ENDED,
        ExitReason.MOVED_TO_CITY,
        day,
    )
    household.refresh_from_db()
    assert household.status == HouseholdStatus.DEPARTED
    assert not Occupancy.objects.filter(household=household, ended_on__isnull=True).exists()
    assert home in Unit.objects.vacant()
    assert case_exit.freed_unit == home and case_exit.offer is None  # nobody waits
    case.refresh_from_db()
    assert (case.stage, case.closed_on) == (CaseStage.EXITED, day)
    assert HouseholdEvent.objects.filter(aggregate=household, kind="solutions.exit_recorded")


def test_follow_ups_fall_due_at_3_6_and_12_months(household, carla):
    case_exit = _exit(_case(household, carla), carla)
    rows = list(case_exit.follow_ups.values_list("months", "due_on", "status"))
    assert rows == [
        (months, dates.add_months(case_exit.exit_on, months), FollowUpStatus.DUE)
        for months in (3, 6, 12)
    ]


def test_the_freed_home_is_offered_to_the_first_household_on_the_waitlist(
    home_and_household, settlement_a, alice, mona, carla
):
    household, home = home_and_household
    first = waitlisted(settlement_a, by=alice, manager=mona)
    waitlisted(settlement_a, by=alice, manager=mona)
    case_exit = _exit(_case(household, carla), carla)
    offer = home.offers.get()
    assert case_exit.offer == offer
    assert (offer.application, offer.status) == (first, OfferStatus.OPEN)
    first.refresh_from_db()
    assert first.status == ApplicationStatus.OFFERED
    assert HouseholdEvent.objects.filter(aggregate=first.household, kind="housing.offered")


def test_the_freed_home_may_be_left_to_the_housing_officer(
    home_and_household, settlement_a, alice, mona, carla
):
    household, home = home_and_household
    application = waitlisted(settlement_a, by=alice, manager=mona)
    case_exit = _exit(_case(household, carla), carla, offer_home=False)
    assert case_exit.freed_unit == home and case_exit.offer is None
    assert not home.offers.exists()
    assert [a for a, _needs in candidates_for(home)] == [application]


def test_an_open_review_is_closed_by_the_exit(household, carla, mona):
    term = ResidenceTerm.objects.get(household=household)
    review = residence.open_review(term=term, by=mona)
    _exit(_case(household, carla), carla)
    review.refresh_from_db()
    assert review.status == ReviewStatus.DONE
    assert ResidenceTerm.objects.get(pk=term.pk).status == TermStatus.ENDED


def test_a_household_without_a_term_still_leaves_its_home(settlement_a, mona, carla):
    household, home, _none = f.housed(settlement_a, by=mona, term=False)
    _exit(_case(household, carla), carla)
    household.refresh_from_db()
    assert household.status == HouseholdStatus.DEPARTED
    assert home in Unit.objects.vacant()


def test_a_deceased_household_has_no_follow_ups(household, carla):
    case_exit = _exit(_case(household, carla, Pathway.UNDECIDED), carla, ExitReason.DECEASED)
    assert not case_exit.follow_ups.exists()


# --- Some members leave -------------------------------------------------------------------------


@pytest.fixture
def seven(settlement_a, mona):
    household, home, _term = f.housed(settlement_a, by=mona, members=f.seven_members())
    return household, home


def test_a_partial_exit_splits_the_household_and_the_rest_keep_home_and_term(seven, carla):
    household, home = seven
    staying = {Relationship.HEAD, Relationship.MOTHER}
    leaving = [m for m in household.active_members() if m.relationship not in staying]
    spouse = next(m for m in leaving if m.relationship == Relationship.SPOUSE)
    case = _case(household, carla)
    case_exit = _exit(case, carla, members=leaving, new_head=spouse)
    departed = case_exit.household
    assert departed != household
    assert case_exit.remaining == household and case_exit.is_partial
    assert case_exit.member_count == 5
    assert departed.status == HouseholdStatus.DEPARTED
    assert departed.head == spouse
    assert departed.active_members().count() == 5
    household.refresh_from_db()
    assert household.status == HouseholdStatus.RESIDENT
    assert household.active_members().count() == 2
    assert ResidenceTerm.objects.open().get().household == household
    assert Occupancy.objects.get(unit=home, ended_on__isnull=True).household == household
    assert home not in Unit.objects.vacant()
    case.refresh_from_db()
    assert case.stage == CaseStage.EXITED
    for target in (household, departed):
        assert HouseholdEvent.objects.filter(aggregate=target, kind="solutions.exit_recorded")


def test_the_members_leaving_need_a_head_among_them(seven, carla):
    household, _home = seven
    leaving = [m for m in household.active_members() if m.relationship == Relationship.SON]
    case = _case(household, carla)
    with pytest.raises(ValidationError) as caught:
        _exit(case, carla, members=leaving)
    assert caught.value.error_dict["new_head"][0].code == "new_head"
    with pytest.raises(ValidationError) as caught:
        _exit(case, carla, members=leaving, new_head=household.head)
    assert "new_head" in caught.value.error_dict
    assert Household.objects.count() == 1


def test_one_member_leaving_heads_their_own_household(seven, carla):
    household, _home = seven
    son = household.active_members().filter(relationship=Relationship.SON).first()
    case_exit = _exit(_case(household, carla), carla, members=[son])
    assert case_exit.household.head == son


def test_the_head_leaving_with_others_names_who_heads_those_who_stay(seven, carla):
    household, _home = seven
    head = household.head
    leaving = [head, *household.active_members().filter(relationship=Relationship.SON)]
    case = _case(household, carla)
    with pytest.raises(ValidationError) as caught:
        _exit(case, carla, members=leaving)
    assert caught.value.error_dict["staying_head"][0].code == "staying_head"
    with pytest.raises(ValidationError) as caught:
        _exit(case, carla, members=leaving, staying_head=head)
    assert "staying_head" in caught.value.error_dict
    case.refresh_from_db()
    household.refresh_from_db()
    assert case.is_open and household.head == head
    mother = household.active_members().get(relationship=Relationship.MOTHER)
    case_exit = _exit(case, carla, members=leaving, staying_head=mother)
    household.refresh_from_db()
    assert household.head == mother
    assert case_exit.household.head == head
    assert set(case_exit.household.active_members()) == set(leaving)


def test_five_of_seven_leave_the_two_who_stay_move_and_the_home_goes_to_the_waitlist(
    seven, settlement_a, alice, mona, carla
):
    household, home = seven
    waiting = waitlisted(settlement_a, by=alice, manager=mona)
    smaller = housing_factories.unit(settlement_a, by=mona, floor_area=Decimal("12"))
    head = household.head
    mother = household.active_members().get(relationship=Relationship.MOTHER)
    daughter = household.active_members().get(given_name="زینب")
    leaving = [m for m in household.active_members() if m.pk not in (mother.pk, daughter.pk)]
    case = _case(household, carla)
    case_exit = _exit(case, carla, members=leaving, staying_head=mother, move_remaining_to=smaller)
    assert case_exit.member_count == 5 and case_exit.household.head == head
    household.refresh_from_db()
    assert household.head == mother and household.active_members().count() == 2
    assert Occupancy.objects.get(household=household, ended_on__isnull=True).unit == smaller
    assert ResidenceTerm.objects.open().get().household == household
    assert case_exit.freed_unit == home
    assert case_exit.offer.application == waiting and case_exit.offer.unit == home


def test_only_members_who_stay_can_move(household, carla, settlement_a, mona):
    other = housing_factories.unit(settlement_a, by=mona)
    with pytest.raises(ValidationError) as caught:
        _exit(_case(household, carla), carla, move_remaining_to=other)
    assert caught.value.error_dict["move_remaining_to"][0].code == "nobody_stays"
    household.refresh_from_db()
    assert household.status == HouseholdStatus.RESIDENT


def test_deaths_are_not_recorded_as_a_partial_exit(seven, carla):
    household, _home = seven
    mother = household.active_members().get(relationship=Relationship.MOTHER)
    with pytest.raises(ValidationError) as caught:
        _exit(_case(household, carla), carla, ExitReason.DECEASED, members=[mother])
    assert caught.value.code == "deceased"


def test_members_of_another_household_are_refused(seven, settlement_a, mona, carla):
    household, _home = seven
    other = f.housed(settlement_a, by=mona)[0]
    with pytest.raises(ValidationError) as caught:
        _exit(_case(household, carla), carla, members=[other.head])
    assert caught.value.error_dict["members"][0].code == "members"


# --- Refusals -----------------------------------------------------------------------------------


def test_the_exit_date_is_not_in_the_future_nor_before_the_case(household, carla):
    case = _case(household, carla, days_ago=10)
    for days_ago in (-1, 11):
        with pytest.raises(ValidationError) as caught:
            _exit(case, carla, days_ago=days_ago)
        assert "exit_on" in caught.value.error_dict


def test_only_the_departures_monitored_are_exits(household, carla):
    with pytest.raises(ValidationError) as caught:
        _exit(_case(household, carla), carla, ExitReason.JOINED_HOUSEHOLD)
    assert caught.value.error_dict["exit_type"][0].code == "required"


def test_a_case_exits_once(household, carla):
    case = _case(household, carla)
    _exit(case, carla)
    with pytest.raises(ValidationError) as caught:
        _exit(case, carla)
    assert caught.value.code == "closed"
    assert CaseExit.objects.count() == 1


# --- Follow-ups ---------------------------------------------------------------------------------


@pytest.fixture
def follow_up(household, carla):
    case_exit = _exit(_case(household, carla), carla, days_ago=100)
    return case_exit.follow_ups.get(months=3)


def test_a_follow_up_records_what_was_found_once(follow_up, carla):
    assert list(ExitFollowUp.objects.due()) == [follow_up]
    done = services.record_follow_up(
        follow_up=follow_up, by=carla, reached=True, outcome="Renting in Mashhad, both working"
    )
    assert (done.status, done.done_on, done.done_by) == (FollowUpStatus.REACHED, TODAY(), carla)
    assert not ExitFollowUp.objects.due().exists()
    with pytest.raises(ValidationError) as caught:
        services.record_follow_up(follow_up=follow_up, by=carla, reached=False, outcome="x")
    assert caught.value.code == "recorded"


def test_a_follow_up_needs_an_outcome_and_a_day_after_the_exit(follow_up, carla):
    with pytest.raises(ValidationError) as caught:
        services.record_follow_up(follow_up=follow_up, by=carla, reached=False, outcome=" ")
    assert "outcome" in caught.value.error_dict
    with pytest.raises(ValidationError) as caught:
        services.record_follow_up(
            follow_up=follow_up,
            by=carla,
            reached=False,
            outcome="Phone off",
            done_on=follow_up.exit.exit_on - timedelta(days=1),
        )
    assert caught.value.error_dict["done_on"][0].code == "dates"


def test_follow_ups_are_read_in_scope_only(follow_up, carla, bob):
    assert set(ExitFollowUp.objects.for_user(carla)) == set(follow_up.exit.follow_ups.all())
    assert not ExitFollowUp.objects.for_user(bob).exists()


# --- Time to solution ---------------------------------------------------------------------------


def test_time_to_solution_is_the_median_per_pathway(settlement_a, mona, carla):
    for opened_days_ago in (100, 200, 400):
        household = f.housed(settlement_a, by=mona)[0]
        _exit(_case(household, carla, days_ago=opened_days_ago), carla, days_ago=0)
    household = f.housed(settlement_a, by=mona)[0]
    _case(household, carla, Pathway.SELF_RELIANCE)
    rows = {row.pathway: row for row in queries.time_to_solution(SolutionsCase.objects.all())}
    assert (rows[Pathway.LOCAL_INTEGRATION].count, rows[Pathway.LOCAL_INTEGRATION].median_days) == (
        3,
        200.0,
    )
    assert (rows[Pathway.SELF_RELIANCE].count, rows[Pathway.SELF_RELIANCE].median_days) == (0, None)
    assert Pathway.UNDECIDED not in rows
    assert rows[Pathway.REPATRIATION].label == gettext("Voluntary return")
