"""The vacancy and offer pages, end to end through the client: vacant units with the
households that fit them, offering a unit in rank order (or with a reason), the list of
offers, and the household's answer (acceptance admits it and moves it in)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from conftest import signed_in
from mehman.accounts.models import Role
from mehman.accounts.tests.factories import UserFactory
from mehman.core import dates
from mehman.housing import services
from mehman.housing.models import Occupancy, Offer, OfferStatus, Unit
from mehman.housing.tests import factories
from mehman.intake.models import Application, ApplicationStatus
from mehman.intake.tests import factories as intake_factories
from mehman.registry import services as registry_services
from mehman.registry.models import Household, HouseholdStatus
from mehman.registry.tests.factories import member

S = ApplicationStatus


def fa(text: str, **params: Any) -> str:
    """A message as a Persian user reads it."""
    with translation.override("fa"):
        message = _(text)
    return message % params if params else message


def jalali(day: date) -> str:
    with translation.override("fa"):
        return dates.format_date(day)


def couple() -> list[dict[str, Any]]:
    return [member(), member(given_name="فاطمه", sex="F", relationship="spouse")]


def child() -> dict[str, Any]:
    return member(
        given_name="حسین", relationship="son", birth_date=date(2012, 6, 1), marital_status="single"
    )


def waitlisted(settlement: Any, alice: Any, mona: Any, **kwargs: Any) -> Application:
    """A couple on the waitlist: each new one ranks below those before it."""
    kwargs.setdefault("members", couple())
    return intake_factories.waitlisted(settlement, by=alice, manager=mona, **kwargs)


def fresh(record: Any) -> Any:
    return type(record).objects.get(pk=record.pk)


@pytest.fixture
def hugo(settlement_a):
    return UserFactory(username="hugo", role=Role.HOUSING_OFFICER, settlements=[settlement_a])


@pytest.fixture
def unit(settlement_a, mona):
    return factories.unit(settlement_a, by=mona)  # holds 10, not step-free


@pytest.fixture
def first(settlement_a, alice, mona):
    return waitlisted(settlement_a, alice, mona)


@pytest.fixture
def second(settlement_a, alice, mona, first):
    return waitlisted(settlement_a, alice, mona)


@pytest.fixture
def offered(unit, first, second, mona):
    return services.offer_unit(unit=unit, application=first, by=mona)


def offer_url(unit: Unit) -> str:
    return reverse("housing:offer_new", kwargs={"reference": unit.reference})


def answer_url(offer: Offer, answer: str) -> str:
    return reverse("housing:offer_answer", kwargs={"offer": offer.uuid, "answer": answer})


def offer_data(application: Application, **extra: str) -> dict[str, str]:
    due = jalali(dates.today() + timedelta(days=10))
    return {"application": application.reference, "respond_by": due, **extra}


# --- Vacancies ------------------------------------------------------------------------------


def test_the_vacancies_page_shows_each_vacant_unit_with_the_households_that_fit_it(
    settlement_a, alice, mona, unit, first, second
):
    lived_in = factories.unit(settlement_a, by=mona)
    factories.resident(settlement_a, home=lived_in, by=mona)
    large = waitlisted(settlement_a, alice, mona, members=[*couple(), child(), child()])
    waitlisted(settlement_a, alice, mona, members=[*couple(), *(child() for _n in range(9))])

    html = signed_in(mona).get(reverse("housing:vacancies")).content.decode()

    assert f'data-unit="{unit.reference}"' in html
    assert f'data-unit="{lived_in.reference}"' not in html
    row = html.split(f'data-unit="{unit.reference}"')[1].split("</tr>")[0]
    # The top three that fit, in rank order; the household of twelve does not fit.
    shown = [first.reference, second.reference, large.reference]
    assert [row.index(f'data-candidate="{ref}"') for ref in shown] == sorted(
        row.index(f'data-candidate="{ref}"') for ref in shown
    )
    assert reverse("intake:detail", kwargs={"reference": first.reference}) in row
    assert offer_url(unit) in row
    assert 'data-testid="waiting"' in html


def test_the_vacancies_page_counts_open_offers_and_households_waiting(
    settlement_a, mona, offered, second
):
    response = signed_in(mona).get(reverse("housing:vacancies"))

    assert response.context["open_offers"] == 1
    assert response.context["waiting"] == 1  # the first is offered, so no longer waiting
    assert response.context["page_obj"].paginator.count == 0  # the only unit is held


def test_vacancies_are_filtered_by_block(settlement_a, mona, unit, first):
    elsewhere = factories.unit(settlement_a, block_code="B02", by=mona)
    url = reverse("housing:vacancies")

    html = signed_in(mona).get(url, {"block": "B02"}).content.decode()

    assert f'data-unit="{elsewhere.reference}"' in html
    assert f'data-unit="{unit.reference}"' not in html


def test_a_household_needing_a_step_free_home_is_proposed_only_for_a_step_free_unit(
    settlement_a, carla, mona, unit, first, second
):
    assert first.household.head is not None
    registry_services.record_need(person=first.household.head, code="DS-PM", by=carla)
    step_free = factories.unit(settlement_a, by=mona, ramp=True)

    response = signed_in(mona).get(reverse("housing:vacancies"))

    rows = {u.reference: candidates for u, candidates in response.context["rows"]}
    assert [c.application for c in rows[unit.reference]] == [second]
    assert [(c.application, c.needs_step_free) for c in rows[step_free.reference]] == [
        (first, True),
        (second, False),
    ]
    assert fa("Needs a step-free home") in response.content.decode()


def test_a_national_user_picks_the_settlement(settlement_a, settlement_b, mona, bob, adam):
    here = factories.unit(settlement_a, by=mona)
    there = factories.unit(settlement_b, by=bob)
    client = signed_in(adam)

    html = client.get(reverse("housing:vacancies"), {"settlement": "SV"}).content.decode()

    assert f'data-unit="{there.reference}"' in html
    assert f'data-unit="{here.reference}"' not in html
    assert client.get(reverse("housing:vacancies"), {"settlement": "XX"}).status_code == 404


def test_the_vacancies_page_reads_a_bounded_number_of_queries(
    settlement_a, alice, mona, django_assert_max_num_queries
):
    for _number in range(3):
        factories.unit(settlement_a, by=mona)
    waitlisted(settlement_a, alice, mona)
    client = signed_in(mona)
    client.get(reverse("housing:vacancies"))
    for _number in range(3):
        factories.unit(settlement_a, by=mona)

    # Each unit reads its candidates (three queries); the page itself about ten.
    with django_assert_max_num_queries(12 + 3 * 6):
        assert client.get(reverse("housing:vacancies")).status_code == 200


# --- Offering a unit ------------------------------------------------------------------------


def test_the_offer_form_lists_the_households_that_fit_and_why(mona, unit, first, second):
    html = signed_in(mona).get(offer_url(unit)).content.decode()

    assert f'data-testid="choose-{first.reference}"' in html
    assert f'value="{first.reference}"' in html
    assert "checked" in html.split(f'data-testid="choose-{first.reference}"')[1].split(">")[0]
    assert fa("Needs no step-free home") in html
    with translation.override("fa"):
        due = dates.format_date(dates.today() + timedelta(days=14))
    assert f'value="{due}"' in html


def test_offering_to_a_lower_ranked_household_without_a_reason_is_refused(
    mona, unit, first, second
):
    response = signed_in(mona).post(offer_url(unit), offer_data(second))

    assert response.status_code == 200
    assert (
        fa("%(count)s households rank higher; say why they are passed over.", count=1)
        in response.content.decode()
    )
    assert not Offer.objects.exists()
    assert fresh(second).status == S.WAITLISTED


def test_offering_to_a_lower_ranked_household_with_a_reason_sends_the_offer(
    mona, unit, first, second
):
    data = offer_data(second, skip_reason="خانوار اول در سفر است")

    response = signed_in(mona).post(offer_url(unit), data)

    offer = Offer.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("housing:offer", kwargs={"offer": offer.uuid})
    assert (offer.unit, offer.application, offer.status) == (unit, second, OfferStatus.OPEN)
    assert offer.respond_by == dates.today() + timedelta(days=10)
    application = fresh(second)
    assert (application.status, application.offer_place) == (S.OFFERED, unit.reference)
    assert application.offer_skip_reason == "خانوار اول در سفر است"
    assert unit not in Unit.objects.vacant()


def test_the_top_household_is_offered_without_a_reason_and_the_offer_page_follows(
    mona, unit, first, second
):
    client = signed_in(mona)

    response = client.post(offer_url(unit), offer_data(first), follow=True)

    html = response.content.decode()
    assert fresh(first).status == S.OFFERED
    assert (
        fa("Unit %(unit)s was offered to %(application)s.")
        % {
            "unit": unit.reference,
            "application": first.reference,
        }
        in html
    )
    letter = reverse("intake:letter", kwargs={"reference": first.reference, "kind": "offer"})
    assert letter in html
    assert client.get(letter).status_code == 200  # the intake letter prints the offer
    assert answer_url(Offer.objects.get(), "accept") in html


def test_only_a_listed_household_can_be_offered_the_unit(settlement_a, alice, mona, unit, first):
    large = waitlisted(
        settlement_a, alice, mona, members=[*couple(), *(child() for _n in range(9))]
    )

    response = signed_in(mona).post(offer_url(unit), offer_data(large, skip_reason="x"))

    assert response.status_code == 200
    assert "application" in response.context["form"].errors
    assert not Offer.objects.exists()


def test_a_second_offer_of_a_held_unit_is_refused(mona, unit, offered, second):
    client = signed_in(mona)

    page = client.get(offer_url(unit)).content.decode()
    response = client.post(offer_url(unit), offer_data(second, skip_reason="x"))

    assert 'data-testid="blocked"' in page
    assert reverse("housing:offer", kwargs={"offer": offered.uuid}) in page
    assert response.status_code == 200
    message = fa("Unit %(unit)s is already offered to a household awaiting its answer.")
    assert message % {"unit": unit.reference} in response.content.decode()
    assert Offer.objects.count() == 1
    assert fresh(second).status == S.WAITLISTED


def test_a_housing_officer_offers_a_unit_but_is_not_shown_the_intake_letter(hugo, unit, first):
    response = signed_in(hugo).post(offer_url(unit), offer_data(first), follow=True)

    assert fresh(first).status == S.OFFERED
    assert 'data-testid="letter-offer"' not in response.content.decode()


# --- The offers -----------------------------------------------------------------------------


def test_the_offers_list_shows_open_offers_first_with_overdue_flagged_then_answered_ones(
    settlement_a, alice, mona, unit, first, second
):
    third = waitlisted(settlement_a, alice, mona)
    other = factories.unit(settlement_a, by=mona)
    answered = services.offer_unit(unit=unit, application=first, by=mona)
    services.decline_unit_offer(offer=answered, by=mona, reason="دور از مدرسه")
    late = services.offer_unit(
        unit=unit, application=second, by=mona, respond_by=dates.today(), skip_reason="x"
    )
    Offer.objects.filter(pk=late.pk).update(respond_by=dates.today() - timedelta(days=1))
    due = services.offer_unit(
        unit=other, application=third, by=mona, respond_by=dates.today(), skip_reason="x"
    )
    client = signed_in(alice)

    response = client.get(reverse("housing:offers"))

    assert list(response.context["page_obj"]) == [late, due, answered]
    html = response.content.decode()
    assert html.count('data-testid="overdue"') == 1
    assert html.index('data-testid="overdue"') < html.index(str(due.uuid))
    declined = client.get(reverse("housing:offers"), {"status": "declined"})
    assert list(declined.context["page_obj"]) == [answered]
    overdue = client.get(reverse("housing:offers"), {"status": "overdue"})
    assert list(overdue.context["page_obj"]) == [late]


def test_the_offers_list_reads_a_bounded_number_of_queries(
    settlement_a, alice, mona, django_assert_max_num_queries
):
    for _number in range(4):
        services.offer_unit(
            unit=factories.unit(settlement_a, by=mona),
            application=waitlisted(settlement_a, alice, mona),
            by=mona,
        )
    client = signed_in(mona)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("housing:offers"))
    assert response.context["page_obj"].paginator.count == 4


def test_the_offer_page_shows_the_unit_the_household_and_the_dates(alice, offered):
    html = signed_in(alice).get(reverse("housing:offer", kwargs={"offer": offered.uuid}))

    text = html.content.decode()
    assert reverse("housing:unit", kwargs={"reference": offered.unit.reference}) in text
    household = offered.application.household
    assert reverse("registry:household", kwargs={"reference": household.reference}) in text
    assert reverse("intake:detail", kwargs={"reference": offered.application.reference}) in text
    assert jalali(offered.respond_by) in text
    assert 'data-testid="accept-form"' in text


# --- The household's answer -----------------------------------------------------------------


def test_acceptance_admits_the_household_and_moves_it_in_in_one_request(
    alice, unit, offered, second
):
    response = signed_in(alice).post(answer_url(offered, "accept"), {"day": jalali(dates.today())})

    assert response.status_code == 302
    assert response["Location"] == reverse("housing:unit", kwargs={"reference": unit.reference})
    application = fresh(offered.application)
    household = Household.objects.get(pk=application.household_id)
    assert application.status == S.ADMITTED
    assert household.status == HouseholdStatus.RESIDENT
    home = Occupancy.objects.get(household=household, ended_on__isnull=True)
    assert (home.unit, home.started_on, home.application) == (unit, dates.today(), application)
    assert (household.block, household.address) == (unit.block.code, unit.reference)
    assert fresh(offered).status == OfferStatus.ACCEPTED
    assert fresh(second).status == S.WAITLISTED


def test_an_acceptance_dated_tomorrow_is_refused_and_nothing_changes(alice, offered):
    tomorrow = jalali(dates.today() + timedelta(days=1))

    response = signed_in(alice).post(answer_url(offered, "accept"), {"day": tomorrow})

    assert response.status_code == 200
    assert fa("This date is in the future.") in response.content.decode()
    assert fresh(offered).status == OfferStatus.OPEN
    assert fresh(offered.application).status == S.OFFERED
    assert not Occupancy.objects.exists()


def test_a_decline_returns_the_household_to_the_waitlist_and_frees_the_unit(
    carla, unit, offered, second
):
    data = {"reason": "دور از مدرسه بچه‌ها", "back_to_waitlist": "yes"}

    response = signed_in(carla).post(answer_url(offered, "decline"), data, follow=True)

    application = fresh(offered.application)
    assert application.status == S.WAITLISTED
    assert application.decline_reason == "دور از مدرسه بچه‌ها"
    assert fresh(offered).status == OfferStatus.DECLINED
    assert unit in Unit.objects.vacant()
    assert 'data-testid="decline-reason"' in response.content.decode()
    assert 'data-testid="accept-form"' not in response.content.decode()


def test_a_decline_may_close_the_application(alice, offered):
    data = {"reason": "به شهر دیگری می‌رویم", "back_to_waitlist": "no"}

    signed_in(alice).post(answer_url(offered, "decline"), data)

    assert fresh(offered.application).status == S.DECLINED


def test_a_decline_without_the_households_reason_is_refused(alice, offered):
    response = signed_in(alice).post(answer_url(offered, "decline"), {"back_to_waitlist": "yes"})

    assert response.status_code == 200
    assert response.context["decline_form"].errors["reason"]
    assert fresh(offered).status == OfferStatus.OPEN


def test_an_answered_offer_cannot_be_answered_again(alice, offered):
    client = signed_in(alice)
    client.post(answer_url(offered, "decline"), {"reason": "دور", "back_to_waitlist": "yes"})

    response = client.post(answer_url(offered, "accept"), {"day": jalali(dates.today())})

    assert response.status_code == 200
    message = fa("This offer is already “%(status)s”.")
    with translation.override("fa"):
        status = str(OfferStatus.DECLINED.label)
    assert message % {"status": status} in response.content.decode()
    assert fresh(offered.application).status == S.WAITLISTED


# --- Who may -----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["bob", "vera", "nasrin"])
def test_outsiders_partner_staff_and_analysts_get_404_on_the_offer_pages(request, persona, offered):
    client = signed_in(request.getfixturevalue(persona))
    accept = answer_url(offered, "accept")
    decline = answer_url(offered, "decline")

    for url in (offer_url(offered.unit), reverse("housing:offer", args=[offered.uuid]), accept):
        assert client.get(url).status_code == 404, url
    assert client.post(offer_url(offered.unit), offer_data(offered.application)).status_code == 404
    assert client.post(accept, {"day": jalali(dates.today())}).status_code == 404
    assert client.post(decline, {"reason": "x", "back_to_waitlist": "yes"}).status_code == 404
    assert fresh(offered).status == OfferStatus.OPEN


@pytest.mark.parametrize("persona", ["vera", "nasrin"])
def test_partner_staff_and_analysts_get_404_on_the_lists(request, persona, offered):
    client = signed_in(request.getfixturevalue(persona))

    assert client.get(reverse("housing:vacancies")).status_code == 404
    assert client.get(reverse("housing:offers")).status_code == 404


def test_bob_sees_only_his_own_settlement_on_the_lists(bob, offered):
    client = signed_in(bob)

    vacancies = client.get(reverse("housing:vacancies"))
    offers = client.get(reverse("housing:offers"))

    assert vacancies.context["settlement"].code == "SV"
    assert offers.context["page_obj"].paginator.count == 0
    assert client.get(reverse("housing:vacancies"), {"settlement": "TJ"}).status_code == 404


def test_a_clerk_answers_offers_but_cannot_offer_a_unit(alice, unit, first):
    client = signed_in(alice)

    assert client.get(offer_url(unit)).status_code == 404
    assert client.post(offer_url(unit), offer_data(first)).status_code == 404
    assert not Offer.objects.exists()
    assert 'data-testid="offer-' not in client.get(reverse("housing:vacancies")).content.decode()


def test_an_unknown_answer_is_404(mona, offered):
    assert signed_in(mona).get(answer_url(offered, "maybe")).status_code == 404
