"""The household's case through the client: opening one from the household page (and being
refused a second), the case page with all it shows, protected notes only for protection staff,
the household page's panel, bounded queries, and outsiders who see nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils.translation import gettext

from conftest import signed_in
from mehman.accounts.models import AccessLog, Role, User
from mehman.accounts.tests.factories import UserFactory
from mehman.assistance import services as assistance
from mehman.core import dates
from mehman.partners.tests import factories as pf
from mehman.registry import services as registry_services
from mehman.registry.models import CaseNote
from mehman.residence.models import Pathway
from mehman.solutions import services
from mehman.solutions.models import (
    ApprovalKind,
    CaseStage,
    PathwayChange,
    ServiceType,
    SolutionsCase,
)
from mehman.solutions.tests import factories as f

TODAY = dates.today


@pytest.fixture(autouse=True)
def english(alice, mona, carla, bob):
    """Compare the English source text: the Persian catalogue is the lead's to fill."""
    for user in (alice, mona, carla, bob):
        user.language = "en"
        user.save(update_fields=["language"])


@pytest.fixture
def household(settlement_a, mona):
    return f.housed(settlement_a, by=mona)[0]


@pytest.fixture
def case(household, carla):
    return f.case(household, by=carla, pathway=Pathway.LOCAL_INTEGRATION, owner=carla)


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _url(name: str, case: SolutionsCase) -> str:
    return reverse(f"solutions:{name}", args=[case.reference])


# --- Opening a case ---------------------------------------------------------------------------


def test_a_caseworker_opens_a_case_for_a_resident_household(household, carla):
    url = reverse("solutions:case_new", args=[household.reference])
    client = signed_in(carla)
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"].initial["owner"] == carla.username

    response = client.post(
        url,
        {"pathway": Pathway.LOCAL_INTEGRATION, "owner": carla.username, "reason": "Wants the city"},
    )

    case = SolutionsCase.objects.get(household=household)
    assert response.status_code == 302
    assert response["Location"] == _url("case", case)
    assert (case.pathway, case.owner, case.stage) == (
        Pathway.LOCAL_INTEGRATION,
        carla,
        CaseStage.ASSESSING,
    )
    assert PathwayChange.objects.get(case=case).reason == "Wants the city"
    assert gettext("The solutions case was opened.") in _messages(response)


def test_a_case_may_open_with_the_pathway_undecided(household, carla):
    url = reverse("solutions:case_new", args=[household.reference])
    signed_in(carla).post(url, {"pathway": Pathway.UNDECIDED})
    assert SolutionsCase.objects.get(household=household).pathway == Pathway.UNDECIDED


def test_a_second_open_case_is_refused_clearly(case, carla):
    url = reverse("solutions:case_new", args=[case.household.reference])
    client = signed_in(carla)

    page = client.get(url).content.decode()
    assert 'data-testid="has-case"' in page and _url("case", case) in page

    response = client.post(url, {"pathway": Pathway.SELF_RELIANCE})
    assert response.status_code == 200
    expected = gettext("Household %(household)s already has an open solutions case.") % {
        "household": case.household.reference
    }
    assert expected in response.content.decode()
    assert SolutionsCase.objects.filter(household=case.household).count() == 1


def test_complementary_pathways_only_under_resettlement_is_shown_on_the_form(household, carla):
    url = reverse("solutions:case_new", args=[household.reference])
    response = signed_in(carla).post(
        url, {"pathway": Pathway.LOCAL_INTEGRATION, "complementary": "labour"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["complementary"] == [
        gettext("Complementary pathways are a kind of resettlement.")
    ]
    assert not SolutionsCase.objects.exists()


def test_a_clerk_an_outsider_and_partner_staff_cannot_open_a_case(household, alice, bob, vera):
    url = reverse("solutions:case_new", args=[household.reference])
    for user in (alice, bob, vera):
        assert signed_in(user).post(url, {"pathway": Pathway.UNDECIDED}).status_code == 404
    assert not SolutionsCase.objects.exists()


# --- The case page ----------------------------------------------------------------------------


def test_the_case_page_shows_header_plan_readiness_and_history(case, carla, mona):
    services.change_stage(case=case, by=carla, stage=CaseStage.PLANNING)
    services.record_survey(
        case=case,
        by=carla,
        preferred=Pathway.LOCAL_INTEGRATION,
        respondent=case.household.head,
        conditions="A job in Mashhad first",
        surveyed_on=TODAY() - timedelta(days=30),
    )
    late = services.add_milestone(
        case=case,
        by=carla,
        title="Visit the landlord",
        owner=carla,
        due_on=TODAY() - timedelta(days=3),
    )
    services.add_milestone(
        case=case,
        by=carla,
        title="Enrol the children",
        owner=mona,
        due_on=TODAY() + timedelta(days=9),
    )
    services.assess_readiness(
        case=case,
        by=carla,
        answers={"local-income": True, "local-tenancy": False},
        assessed_on=TODAY() - timedelta(days=10),
    )
    services.assess_readiness(case=case, by=carla, answers={"local-tenancy": True})

    response = signed_in(carla).get(_url("case", case))

    assert response.status_code == 200
    page = response.content.decode()
    assert case.reference in page and case.household.reference in page
    assert case.household.head.full_name in page
    assert reverse("registry:household", args=[case.household.reference]) in page
    assert str(Pathway.LOCAL_INTEGRATION.label) in page
    assert "A job in Mashhad first" in page
    assert late.title in page and page.count('data-testid="milestone-overdue"') == 1
    readiness = response.context["readiness"]
    assert (readiness.score, readiness.met_weight, readiness.total_weight) == (60, 6, 10)
    assert page.count('data-testid="met"') == 2 and page.count('data-testid="not-assessed"') == 2
    assert [score for _day, score in response.context["trend"]] == [30, 60]
    stages = [row.stage for row in response.context["stage_changes"]]
    assert stages == [CaseStage.ASSESSING, CaseStage.PLANNING]
    assert 'data-testid="case-actions"' in page


def test_referrals_show_consent_answer_and_an_overdue_badge(case, carla, mona, settlement_a):
    lawyers = pf.organisation(settlement_a, by=mona, name_en="Legal Aid Centre", name_fa="حقوقی")
    link = services.refer_to_partner(
        case=case,
        by=carla,
        organisation=lawyers,
        service_type=ServiceType.LEGAL_AID,
        follow_up_on=TODAY() - timedelta(days=1),
        consent_override="The head is detained",
        referred_on=TODAY() - timedelta(days=20),
    )
    assistance.accept_referral(referral=link.referral, by=mona)

    page = signed_in(carla).get(_url("case", case)).content.decode()

    assert "Legal Aid Centre" in page
    assert 'data-testid="consent-override"' in page and "The head is detained" in page
    assert 'data-testid="referral-overdue"' in page
    assert reverse("assistance:referral", args=[link.referral.uuid]) in page


def test_approvals_show_who_asked_and_the_manager_decides_from_the_page(settlement_a, carla, mona):
    household = f.housed(settlement_a, by=mona)[0]
    case = f.case(household, by=carla, pathway=Pathway.REPATRIATION)
    services.request_approval(
        case=case, by=carla, kind=ApprovalKind.RETURN, justification="Family asked"
    )
    carla_page = signed_in(carla).get(_url("case", case)).content.decode()
    mona_page = signed_in(mona).get(_url("case", case)).content.decode()
    assert str(ApprovalKind.RETURN.label) in carla_page
    assert 'data-testid="decide-link"' not in carla_page
    assert 'data-testid="decide-link"' in mona_page


def test_case_notes_are_shown_only_to_protection_staff_and_each_read_is_logged(
    case, carla, settlement_a
):
    registry_services.add_case_note(
        household=case.household, body="Threats from a relative", by=carla
    )
    # An administrator's role reads cases but carries no protection access.
    admin = UserFactory(username="aziz", role=Role.ADMINISTRATOR, language="en")
    User.objects.filter(pk=admin.pk).update(is_superuser=False)
    admin.refresh_from_db()
    assert admin.has_capability("solutions.view") and not admin.has_capability("protection.view")

    page = signed_in(carla).get(_url("case", case)).content.decode()
    assert "Threats from a relative" in page and 'data-testid="note-link"' in page
    assert AccessLog.objects.filter(user=carla).exists()

    hidden = signed_in(admin).get(_url("case", case))
    assert hidden.status_code == 200
    assert "Threats from a relative" not in hidden.content.decode()
    assert 'data-testid="case-notes"' not in hidden.content.decode()


def test_a_caseworker_adds_a_case_note_from_the_case(case, carla):
    response = signed_in(carla).post(_url("case_note", case), {"body": "Met the head at home"})
    assert response.status_code == 302
    assert CaseNote.objects.get(household=case.household).body == "Met the head at home"


def test_an_empty_case_note_is_refused(case, carla):
    response = signed_in(carla).post(_url("case_note", case), {"body": " "})
    assert response.status_code == 200
    assert response.context["form"].errors["body"]
    assert not CaseNote.objects.exists()


def test_a_clerk_reads_no_case_and_an_outsider_gets_404(case, alice, bob, vera, nasrin):
    for user in (alice, bob, vera, nasrin):
        assert signed_in(user).get(_url("case", case)).status_code == 404


def test_an_unknown_case_is_404(carla, settlement_a):
    url = reverse("solutions:case", args=["TJ-S99999"])
    assert signed_in(carla).get(url).status_code == 404


def test_the_case_reference_may_be_typed_in_persian_digits(case, carla):
    typed = case.reference.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")).lower()
    assert signed_in(carla).get(reverse("solutions:case", args=[typed])).status_code == 200


def test_the_case_page_queries_do_not_grow_with_its_rows(
    case, carla, mona, settlement_a, django_assert_max_num_queries
):
    lawyers = pf.organisation(settlement_a, by=mona, name_en="Legal Aid", name_fa="حقوقی")
    client = signed_in(carla)

    def add_rows(n: int) -> None:
        for i in range(n):
            services.add_milestone(
                case=case, by=carla, title=f"Step {i}", owner=carla, due_on=TODAY()
            )
            services.record_survey(
                case=case,
                by=carla,
                preferred=Pathway.LOCAL_INTEGRATION,
                respondent=case.household.head,
            )
            services.refer_to_partner(
                case=case,
                by=carla,
                organisation=lawyers,
                service_type=ServiceType.HEALTH,
                service=f"Clinic {i} {n}",
                follow_up_on=TODAY(),
                consent_given=True,
            )
            services.assess_readiness(case=case, by=carla, answers={"local-income": bool(i % 2)})

    add_rows(1)
    client.get(_url("case", case))  # warm the caches (session, translations)
    with django_assert_max_num_queries(40) as few:
        client.get(_url("case", case))
    add_rows(6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(_url("case", case))


# --- The household page's panel ---------------------------------------------------------------


def test_the_household_page_shows_the_open_case(case, carla):
    services.assess_readiness(
        case=case,
        by=carla,
        answers={"local-income": True, "local-tenancy": True, "local-work-permit": True},
    )
    page = signed_in(carla).get(reverse("registry:household", args=[case.household.reference]))
    html = page.content.decode()
    assert 'data-testid="solutions-panel"' in html
    assert _url("case", case) in html
    assert str(CaseStage.ASSESSING.label) in html
    assert 'data-testid="panel-readiness"' in html and "80%" in html


def test_the_household_page_offers_to_open_a_case(household, carla, alice):
    url = reverse("registry:household", args=[household.reference])
    html = signed_in(carla).get(url).content.decode()
    assert reverse("solutions:case_new", args=[household.reference]) in html
    assert 'data-testid="solutions-panel"' not in signed_in(alice).get(url).content.decode()
