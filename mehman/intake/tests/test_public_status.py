"""The applicant's status page: the number and PIN from the receipt give the status, the
place on the waitlist and the next step, nothing else; wrong tries are throttled."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from mehman.core import dates, digits
from mehman.intake import services
from mehman.intake.models import Application, ApplicationStatus, StatusLookup
from mehman.intake.tests import factories
from mehman.intake.views import public

URL = reverse("applicant:status")


def shown(message, language="fa"):
    """A message as the page shows it: translated and escaped."""
    with translation.override(language):
        return escape(str(message))


def localized(number, language="fa"):
    with translation.override(language), digits.override(None):
        return digits.localize(number)


def long_date(day, language="fa"):
    with translation.override(language), digits.override(None):
        return dates.format_date(day, style="long")


def look_up(client, reference, pin, address="203.0.113.7"):
    return client.post(URL, {"reference": reference, "pin": pin}, REMOTE_ADDR=address)


def waitlisted_with_pin(settlement, *, by, manager):
    """A waitlisted application and the PIN its household was given."""
    draft = factories.application(settlement, by=by)
    factories.with_residence_card(draft.household, by=by)
    application, pin = services.submit_application(application=draft, by=by)
    application = services.screen_application(application=application, by=manager)
    application = services.place_on_waitlist(application=application, by=manager)
    return application, pin


def wrong(pin):
    return f"{(int(pin) + 1) % 1_000_000:06d}"


@pytest.fixture
def third(settlement_a, alice, mona):
    """The application in third place on a waitlist of three, with its PIN."""
    made = [waitlisted_with_pin(settlement_a, by=alice, manager=mona) for _n in range(3)]
    pins = {application.pk: pin for application, pin in made}
    application = Application.objects.get(settlement=settlement_a, rank=3)
    return application, pins[application.pk]


# --- The answer -------------------------------------------------------------------------


def test_the_right_pin_shows_the_status_the_rank_and_the_households_ahead_and_nothing_else(
    client, third
):
    application, pin = third
    response = look_up(client, application.reference, pin)
    assert response.status_code == 200
    report = response.context["report"]
    assert (report.rank, report.ahead) == (3, 2)
    body = response.content.decode()
    assert shown(public.HEADLINES[ApplicationStatus.WAITLISTED]) in body
    assert shown(public.NEXT_STEPS[ApplicationStatus.WAITLISTED]) in body
    assert re.search(rf'data-testid="rank">\s*{localized(3)}\s*<', body)
    assert re.search(rf'data-testid="ahead">\s*{localized(2)}\s*<', body)
    household = application.household
    for hidden in ("علی", "کریمی", household.reference, "مشهد", str(application.score)):
        assert hidden not in body
    assert "sessionid" not in response.cookies
    assert "no-store" in response["Cache-Control"]


def test_the_page_answers_in_english_when_the_visitor_chose_english(client, third):
    application, pin = third
    client.cookies["mehman_language"] = "en"
    response = look_up(client, application.reference, pin)
    body = response.content.decode()
    assert escape("Your household is on the waitlist for a home.") in body
    assert "Households ahead of yours" in body
    assert re.search(r'data-testid="ahead">\s*2\s*<', body)


def test_a_wrong_pin_and_an_unknown_number_give_the_same_answer(client, third):
    application, pin = third
    unknown = "TJ-A09999"
    assert not Application.objects.filter(reference=unknown).exists()
    bad_pin = look_up(client, application.reference, wrong(pin))
    no_such = look_up(client, unknown, pin)

    def answer(response, typed):
        body = response.content.decode().replace(typed, "<typed>")
        body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
        return re.sub(r'"X-CSRFToken": "[^"]+"', "", body)

    assert bad_pin.status_code == no_such.status_code == 200
    assert answer(bad_pin, application.reference) == answer(no_such, unknown)
    assert shown(public.NOT_FOUND) in bad_pin.content.decode()
    assert "report" not in bad_pin.context


def test_persian_digits_and_a_loosely_typed_number_are_accepted(client, third):
    application, pin = third
    typed = application.reference.lower().replace("-", " ")
    response = look_up(client, digits.to_persian(typed), digits.to_persian(pin))
    assert response.context["report"].reference == application.reference


def test_a_pin_with_letters_is_refused_by_the_form_without_counting_a_try(client, third):
    application, _pin = third
    response = look_up(client, application.reference, "12ab56")
    assert response.status_code == 200
    assert response.context["form"].errors["pin"]
    assert not StatusLookup.objects.exists()


def test_a_reissued_pin_replaces_the_old_one(client, alice, third):
    application, old = third
    new = services.issue_pin(application=application, by=alice)
    assert "report" not in look_up(client, application.reference, old).context
    assert look_up(client, application.reference, new).context["report"].rank == 3


# --- The next step for each status ---------------------------------------------------------


def test_a_submitted_application_will_be_screened(client, settlement_a, alice):
    application, pin = factories.submitted(settlement_a, by=alice)
    response = look_up(client, application.reference, pin)
    report = response.context["report"]
    assert report.next_step == public.NEXT_STEPS[ApplicationStatus.SUBMITTED]
    assert report.rank is None
    assert 'data-testid="rank"' not in response.content.decode()


def test_an_ineligible_household_is_told_how_long_it_may_appeal(client, settlement_a, alice, mona):
    application, pin = factories.submitted(settlement_a, by=alice)
    application = services.screen_application(application=application, by=mona)
    response = look_up(client, application.reference, pin)
    body = response.content.decode()
    assert shown(public.HEADLINES[ApplicationStatus.INELIGIBLE]) in body
    assert long_date(application.screened_on + timedelta(days=30)) in body
    for item in application.eligibility:  # the reasons are in the letter, not here
        assert escape(item["message_fa"]) not in body


def test_an_offered_household_is_told_when_to_answer(client, settlement_a, alice, mona):
    application, pin = waitlisted_with_pin(settlement_a, by=alice, manager=mona)
    due = dates.today() + timedelta(days=9)
    services.make_offer(application=application, by=mona, place="بلوک ۳", respond_by=due)
    response = look_up(client, application.reference, pin)
    body = response.content.decode()
    assert shown(public.HEADLINES[ApplicationStatus.OFFERED]) in body
    assert long_date(due) in body
    assert "بلوک ۳" not in body


# --- Throttling -------------------------------------------------------------------------


@override_settings(MEHMAN_STATUS_ATTEMPTS=3, MEHMAN_STATUS_WINDOW_MINUTES=15)
def test_after_too_many_failures_even_the_right_pin_is_refused_until_the_window_passes(
    client, third
):
    application, pin = third
    for _try in range(3):
        assert look_up(client, application.reference, wrong(pin)).status_code == 200
    tries = StatusLookup.objects.count()
    refused = look_up(client, application.reference, pin, address="198.51.100.1")
    assert refused.status_code == 429
    assert "report" not in refused.context
    assert refused.context["throttled"]
    assert 'data-testid="throttled"' in refused.content.decode()
    assert "no-store" in refused["Cache-Control"]
    assert StatusLookup.objects.count() == tries  # the PIN was not even checked
    StatusLookup.objects.update(at=timezone.now() - timedelta(minutes=16))
    allowed = look_up(client, application.reference, pin)
    assert allowed.status_code == 200
    assert allowed.context["report"].rank == 3


@override_settings(MEHMAN_STATUS_ATTEMPTS=50, MEHMAN_STATUS_CLIENT_ATTEMPTS=3)
def test_one_address_guessing_many_numbers_is_throttled(client, third):
    application, pin = third
    for number in range(3):
        look_up(client, f"TJ-A0900{number}", "123456", address="192.0.2.9")
    assert look_up(client, application.reference, pin, address="192.0.2.9").status_code == 429
    other = look_up(Client(), application.reference, pin, address="192.0.2.10")
    assert other.status_code == 200
    assert other.context["report"].rank == 3


@override_settings(MEHMAN_STATUS_ATTEMPTS=50, MEHMAN_STATUS_CLIENT_ATTEMPTS=3, MEHMAN_PROXY_COUNT=1)
def test_behind_a_proxy_each_client_is_counted_by_its_forwarded_address(client, third):
    """Every try reaches the server from the proxy; the address it forwards is the client's,
    and what the client wrote before it in the header is not believed."""
    application, pin = third

    def through_proxy(forwarded, typed_pin):
        return client.post(
            URL,
            {"reference": application.reference, "pin": typed_pin},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    for number in range(3):  # the guesser forges a different first address each time
        through_proxy(f"203.0.113.{number}, 192.0.2.9", wrong(pin))
    assert through_proxy("198.51.100.7, 192.0.2.9", pin).status_code == 429
    neighbour = through_proxy("192.0.2.10", pin)
    assert neighbour.status_code == 200
    assert neighbour.context["report"].rank == 3


# --- The page itself ----------------------------------------------------------------------


def test_anonymous_visitors_get_the_form_in_persian_with_the_language_switch(client):
    response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="fa" dir="rtl">' in body
    assert 'data-testid="switch-language"' in body
    assert 'name="reference"' in body and 'name="pin"' in body
    assert "sessionid" not in response.cookies
    assert "no-store" in response["Cache-Control"]


def test_the_language_switch_brings_the_visitor_back_in_english(client):
    response = client.post(reverse("accounts:set_language"), {"language": "en", "next": URL})
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert '<html lang="en" dir="ltr">' in page.content.decode()
    assert "Application status" in page.content.decode()
