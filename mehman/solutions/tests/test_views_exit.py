"""The exit through the client: a family of seven from its case's opening to the exit of five
of its members, the two who stay moving to a smaller home and the freed one offered to the
waitlist; an exit without the approval it needs refused with nothing changed; the home left to
the housing officer; and the follow-ups after the exit."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext

from conftest import signed_in
from mehman.core import dates
from mehman.housing.models import Occupancy, Offer, OfferStatus, Unit
from mehman.housing.tests import factories as housing_factories
from mehman.intake.tests.factories import waitlisted
from mehman.registry.models import Household, HouseholdStatus, Relationship
from mehman.residence.models import ExitReason, Pathway, ResidenceTerm, TermStatus
from mehman.solutions import services
from mehman.solutions.models import (
    ApprovalKind,
    CaseExit,
    CaseStage,
    ExitFollowUp,
    FollowUpStatus,
    IntentionSurvey,
    SolutionsCase,
)
from mehman.solutions.tests import factories as f

TODAY = dates.today


@pytest.fixture(autouse=True)
def english(alice, mona, carla):
    for user in (alice, mona, carla):
        user.language = "en"
        user.save(update_fields=["language"])


def _url(name: str, case: SolutionsCase, *args) -> str:
    return reverse(f"solutions:{name}", args=[case.reference, *args])


def _exit_data(case: SolutionsCase, **overrides) -> dict:
    data = {
        "exit_type": ExitReason.MOVED_TO_CITY,
        "exit_on": dates.format_date(TODAY() - timedelta(days=1)),
        "offer_home": "on",
        "version": SolutionsCase.objects.get(pk=case.pk).version,
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_a_family_of_seven_moves_to_the_city_and_its_home_goes_to_the_waitlist(
    settlement_a, alice, mona, carla
):
    household, home, _term = f.housed(settlement_a, by=mona, members=f.seven_members())
    waiting = waitlisted(settlement_a, by=alice, manager=mona)
    waitlisted(settlement_a, by=alice, manager=mona)
    smaller = housing_factories.unit(settlement_a, by=mona, floor_area=Decimal("12"))
    client = signed_in(carla)

    # The caseworker opens the case from the household page, toward the city.
    household_page = client.get(reverse("registry:household", args=[household.reference]))
    new_case = reverse("solutions:case_new", args=[household.reference])
    assert new_case in household_page.content.decode()
    client.post(new_case, {"pathway": Pathway.LOCAL_INTEGRATION, "owner": carla.username})
    case = SolutionsCase.objects.get(household=household)

    # The household says it wants to move to the city.
    client.post(
        _url("survey_new", case),
        {
            "surveyed_on": dates.format_date(TODAY()),
            "respondent": str(household.head.uuid),
            "preferred": Pathway.LOCAL_INTEGRATION,
            "conditions": "Work for the two eldest sons",
        },
    )
    assert IntentionSurvey.objects.get(case=case).preferred == Pathway.LOCAL_INTEGRATION

    # Readiness is tracked until 100 %.
    today = dates.format_date(TODAY())
    client.post(_url("readiness", case), {"met": ["local-income"], "assessed_on": today})
    assert services.readiness(case).score == 30
    every = ["local-income", "local-tenancy", "local-work-permit", "local-schooling"]
    client.post(_url("readiness", case), {"met": every, "assessed_on": today})
    assert services.readiness(case).score == 100

    # Five leave; the head's mother and the youngest daughter stay and move to a smaller home.
    mother = household.active_members().get(relationship=Relationship.MOTHER)
    daughter = household.active_members().get(given_name="زینب")
    staying = {mother.pk, daughter.pk}
    leaving = [m for m in household.active_members() if m.pk not in staying]
    exit_page = client.get(_url("exit", case))
    units = set(exit_page.context["form"].fields["move_remaining_to"].queryset)
    assert smaller in units and home not in units
    response = client.post(
        _url("exit", case),
        _exit_data(
            case,
            members=[str(m.uuid) for m in leaving],
            staying_head=str(mother.uuid),
            move_remaining_to=smaller.reference,
            exit_on=today,  # the case was opened today
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == _url("case", case)

    case_exit = CaseExit.objects.get(case=case)
    assert case_exit.member_count == 5 and case_exit.freed_unit == home
    household.refresh_from_db()
    assert household.head == mother and household.active_members().count() == 2
    assert Occupancy.objects.get(household=household, ended_on__isnull=True).unit == smaller
    offer = Offer.objects.get(unit=home)
    assert (offer.application, offer.status) == (waiting, OfferStatus.OPEN)

    page = client.get(_url("case", case))
    html = page.content.decode()
    assert 'data-testid="exit"' in html
    assert html.count('data-testid="follow-up"') == 3
    assert home.reference in html and waiting.reference in html
    assert reverse("housing:offer", args=[offer.uuid]) in html
    for person in leaving:
        assert person.full_name in html
    assert reverse("registry:household", args=[case_exit.household.reference]) in html
    assert SolutionsCase.objects.get(pk=case.pk).stage == CaseStage.EXITED


@pytest.mark.parametrize(
    ("pathway", "exit_type", "kind"),
    [
        (Pathway.REPATRIATION, ExitReason.RETURNED, ApprovalKind.RETURN),
        (Pathway.RESETTLEMENT, ExitReason.RESETTLED, ApprovalKind.RESETTLEMENT),
    ],
)
def test_an_exit_without_the_approval_it_needs_is_refused_and_nothing_changes(
    settlement_a, mona, carla, pathway, exit_type, kind
):
    household, home, _term = f.housed(settlement_a, by=mona)
    case = f.case(household, by=carla, pathway=pathway)

    response = signed_in(carla).post(_url("exit", case), _exit_data(case, exit_type=exit_type))

    assert response.status_code == 200
    message = gettext(
        "“%(exit)s” carries out a decision that needs a second approver: ask a "
        "settlement manager to approve “%(decision)s” on case %(case)s, then record "
        "the exit."
    ) % {
        "exit": ExitReason(exit_type).label,
        "decision": ApprovalKind(kind).label,
        "case": case.reference,
    }
    assert escape(message) in response.content.decode()
    assert not CaseExit.objects.exists()
    household.refresh_from_db()
    assert household.status == HouseholdStatus.RESIDENT
    assert SolutionsCase.objects.get(pk=case.pk).stage == CaseStage.ASSESSING
    assert ResidenceTerm.objects.get(household=household).status == TermStatus.ACTIVE
    assert Occupancy.objects.get(unit=home, ended_on__isnull=True).household == household


def test_an_approved_return_is_recorded(settlement_a, mona, carla):
    household = f.housed(settlement_a, by=mona)[0]
    case = f.case(household, by=carla, pathway=Pathway.REPATRIATION)
    f.approved(case, ApprovalKind.RETURN, asked_by=carla, decided_by=mona)
    response = signed_in(carla).post(
        _url("exit", case), _exit_data(case, exit_type=ExitReason.RETURNED)
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.status == HouseholdStatus.DEPARTED


def test_the_freed_home_may_be_left_to_the_housing_officer(settlement_a, alice, mona, carla):
    household, home, _term = f.housed(settlement_a, by=mona)
    waitlisted(settlement_a, by=alice, manager=mona)
    case = f.case(household, by=carla, pathway=Pathway.LOCAL_INTEGRATION)
    response = signed_in(carla).post(_url("exit", case), _exit_data(case, offer_home=None))
    assert response.status_code == 302
    assert CaseExit.objects.get().freed_unit == home
    assert not Offer.objects.exists()
    assert home in Unit.objects.vacant()


def test_a_home_too_small_for_those_who_stay_is_refused(settlement_a, mona, carla):
    household, _home, _term = f.housed(settlement_a, by=mona, members=f.seven_members())
    tiny = housing_factories.unit(settlement_a, by=mona, floor_area=Decimal("4"))
    son = household.active_members().filter(relationship=Relationship.SON).first()
    case = f.case(household, by=carla, pathway=Pathway.LOCAL_INTEGRATION)
    response = signed_in(carla).post(
        _url("exit", case),
        _exit_data(case, members=[str(son.uuid)], move_remaining_to=tiny.reference),
    )
    assert response.status_code == 200
    assert "move_remaining_to" in response.context["form"].errors
    assert not CaseExit.objects.exists()
    assert Household.objects.count() == 1


def test_members_leaving_without_the_head_need_one_among_them(settlement_a, mona, carla):
    household = f.housed(settlement_a, by=mona, members=f.seven_members())[0]
    sons = household.active_members().filter(relationship=Relationship.SON)
    case = f.case(household, by=carla, pathway=Pathway.LOCAL_INTEGRATION)
    response = signed_in(carla).post(
        _url("exit", case), _exit_data(case, members=[str(s.uuid) for s in sons])
    )
    errors = response.context["form"].errors["new_head"]
    assert errors == [gettext("Choose who heads the members leaving, among them.")]
    assert not CaseExit.objects.exists() and Household.objects.count() == 1


def test_an_exit_date_in_the_future_is_refused(settlement_a, mona, carla):
    household = f.housed(settlement_a, by=mona)[0]
    case = f.case(household, by=carla, pathway=Pathway.LOCAL_INTEGRATION)
    later = dates.format_date(TODAY() + timedelta(days=3))
    response = signed_in(carla).post(_url("exit", case), _exit_data(case, exit_on=later))
    assert response.context["form"].errors["exit_on"] == [gettext("This date is in the future.")]
    assert not CaseExit.objects.exists()


# --- Follow-ups -----------------------------------------------------------------------------------


@pytest.fixture
def exited(settlement_a, mona, carla):
    household = f.housed(settlement_a, by=mona)[0]
    case = f.case(household, by=carla, pathway=Pathway.LOCAL_INTEGRATION)
    services.record_exit(
        case=case,
        by=carla,
        exit_type=ExitReason.MOVED_TO_CITY,
        exit_on=TODAY() - timedelta(days=100),
    )
    return case


def test_a_follow_up_is_recorded_from_the_case(exited, carla):
    row = ExitFollowUp.objects.get(exit__case=exited, months=3)
    client = signed_in(carla)
    assert _url("follow_up", exited, row.uuid) in client.get(_url("case", exited)).content.decode()
    response = client.post(
        _url("follow_up", exited, row.uuid),
        {"reached": "yes", "outcome": "Renting in Mashhad", "done_on": dates.format_date(TODAY())},
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.status, row.outcome, row.done_by) == (
        FollowUpStatus.REACHED,
        "Renting in Mashhad",
        carla,
    )


def test_a_follow_up_without_what_was_found_is_refused(exited, carla):
    row = ExitFollowUp.objects.get(exit__case=exited, months=3)
    response = signed_in(carla).post(
        _url("follow_up", exited, row.uuid),
        {"reached": "no", "outcome": " ", "done_on": dates.format_date(TODAY())},
    )
    assert response.status_code == 200 and response.context["form"].errors["outcome"]
    row.refresh_from_db()
    assert row.status == FollowUpStatus.DUE


def test_the_exit_and_follow_ups_are_404_for_a_clerk_and_an_outsider(exited, alice, bob):
    row = ExitFollowUp.objects.filter(exit__case=exited).first()
    for user in (alice, bob):
        client = signed_in(user)
        assert client.get(_url("follow_up", exited, row.uuid)).status_code == 404
        assert client.get(_url("exit", exited)).status_code == 404
