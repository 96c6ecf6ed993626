"""The application pages through the client: the list, starting and correcting an
application, its page, and each step from submission to admission, for the clerk and
the manager; outsiders, partner staff and analysts see nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from conftest import signed_in
from mehman.accounts.tests.factories import UserFactory
from mehman.core import dates, digits
from mehman.intake import services
from mehman.intake.models import Application, ApplicationEvent, ApplicationStatus
from mehman.intake.tests import factories
from mehman.partners.tests import factories as pf
from mehman.registry.models import HouseholdStatus
from mehman.registry.tests import factories as rf

S = ApplicationStatus
LIST = reverse("intake:list")
NEW = reverse("intake:new")


@pytest.fixture
def household(settlement_a, alice):
    return rf.household(settlement_a, by=alice)


def url(name: str, application: Application, *args: str) -> str:
    return reverse(f"intake:{name}", args=[application.reference, *args])


def act(application: Application, action: str) -> str:
    return reverse("intake:action", args=[application.reference, action])


def fresh(application: Application) -> Application:
    return Application.objects.get(pk=application.pk)


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def in_persian(message: str, **params: object) -> str:
    with translation.override("fa"):
        text = gettext(message)
    return text % params if params else text


def details_form(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "applied_on": "",
        "channel": "walk_in",
        "referred_by": "",
        "current_housing": "rented",
        "current_place": "مشهد، گلشهر",
        "reasons": "Rent doubled this year",
        "documents_seen": ["amayesh"],
        "monthly_income": "",
        "eviction_risk": "on",
        "consent_given": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def new_form(household, **overrides: object) -> dict[str, object]:
    return details_form(household=household.reference, **overrides)


def screened(settlement, alice, mona, *, eligible: bool = True, **kwargs) -> Application:
    draft = factories.application(settlement, by=alice, **kwargs)
    if eligible:
        factories.with_residence_card(draft.household, by=alice)
    application, _pin = services.submit_application(application=draft, by=alice)
    return services.screen_application(application=application, by=mona)


# --- Starting an application ----------------------------------------------------------------


def test_a_clerk_starts_and_submits_an_application_and_sees_the_pin_once(alice, household):
    client = signed_in(alice)
    response = client.post(NEW, new_form(household))
    application = Application.objects.get(household=household)
    assert response.status_code == 302
    assert response["Location"] == url("detail", application)
    assert application.status == S.DRAFT
    assert ApplicationEvent.objects.filter(aggregate=application, kind="intake.created").exists()
    assert client.get(act(application, "submit")).status_code == 200

    response = client.post(act(application, "submit"))
    assert response.status_code == 302
    assert fresh(application).status == S.SUBMITTED

    first = client.get(url("detail", application))
    pin = first.context["pin"]
    assert pin and len(pin) == 6
    assert services.pin_matches(fresh(application), pin)
    body = first.content.decode()
    assert 'data-testid="pin"' in body
    assert digits.to_persian(pin) in body
    assert url("receipt", application) in body

    again = client.get(url("detail", application))
    assert again.context["pin"] is None
    assert digits.to_persian(pin) not in again.content.decode()
    # The receipt can still print it for a while.
    assert url("receipt", application) in again.content.decode()


def test_the_household_is_prefilled_from_the_address_even_in_persian_digits(alice, household):
    typed = digits.to_persian(household.reference)
    response = signed_in(alice).get(NEW, {"household": typed})
    assert response.status_code == 200
    assert response.context["form"].initial["household"] == household.reference
    assert f'value="{household.reference}"' in response.content.decode()


def test_a_household_reference_typed_in_persian_digits_is_found(alice, household):
    form = details_form(household=digits.to_persian(household.reference))
    response = signed_in(alice).post(NEW, form)
    assert response.status_code == 302
    assert Application.objects.filter(household=household).exists()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("۱۲٬۵۰۰٬۰۰۰", 12_500_000), ("۰", 0), ("", None), ("3,000,000", 3_000_000)],
)
def test_income_is_taken_in_persian_digits_empty_is_unknown_and_zero_is_none(
    alice, household, typed, stored
):
    response = signed_in(alice).post(NEW, new_form(household, monthly_income=typed))
    assert response.status_code == 302
    assert Application.objects.get(household=household).monthly_income == stored


def test_the_application_date_is_typed_in_jalali(alice, household):
    day = dates.today() - timedelta(days=3)
    with translation.override("fa"):
        typed = dates.format_date(day)
    response = signed_in(alice).post(NEW, new_form(household, applied_on=typed))
    assert response.status_code == 302
    assert Application.objects.get(household=household).applied_on == day


def test_a_household_out_of_scope_is_a_form_error(alice, settlement_b, bob):
    elsewhere = rf.household(settlement_b, by=bob)
    response = signed_in(alice).post(NEW, new_form(elsewhere))
    assert response.status_code == 200
    assert response.context["form"].errors["household"] == [
        in_persian("No household with this reference number in your settlements.")
    ]
    assert not Application.objects.exists()


def test_a_partner_referral_names_a_partner_of_the_settlement(
    alice, mona, household, settlement_a, settlement_b, adam
):
    client = signed_in(alice)
    response = client.post(NEW, new_form(household, channel="partner"))
    assert response.status_code == 200
    assert response.context["form"].errors["referred_by"] == [
        in_persian("Name the partner that referred the household.")
    ]
    charity = pf.organisation(settlement_a, by=mona)
    response = client.post(NEW, new_form(household, channel="partner", referred_by=charity.uuid))
    assert response.status_code == 302
    assert Application.objects.get(household=household).referred_by == charity


def test_a_partner_of_another_settlement_is_refused(adam, household, settlement_b):
    far = pf.organisation(settlement_b, by=adam, name_en="Fars Relief", name_fa="امداد فارس")
    response = signed_in(adam).post(
        NEW, new_form(household, channel="partner", referred_by=far.uuid)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["referred_by"]
    assert not Application.objects.exists()


def test_the_services_refusal_is_shown_on_the_form(alice, household):
    factories.application(household.settlement, by=alice, household_obj=household)
    response = signed_in(alice).post(NEW, new_form(household))
    assert response.status_code == 200
    assert in_persian("This household already has an open application.") in (
        response.context["form"].non_field_errors()
    )
    assert Application.objects.filter(household=household).count() == 1


def test_those_who_may_not_apply_cannot_start_an_application(vera, nasrin, household):
    for user in (vera, nasrin):
        assert signed_in(user).get(NEW).status_code == 404, user.username
        assert signed_in(user).post(NEW, new_form(household)).status_code == 404
    assert not Application.objects.exists()


# --- Correcting -----------------------------------------------------------------------------


def test_a_clerk_corrects_a_draft(alice, settlement_a):
    application = factories.application(settlement_a, by=alice)
    client = signed_in(alice)
    page = client.get(url("edit", application))
    assert page.status_code == 200
    form = details_form(
        version=application.version, current_place="تربت جام", monthly_income="۵۰۰٬۰۰۰"
    )
    response = client.post(url("edit", application), form)
    assert response.status_code == 302
    changed = fresh(application)
    assert changed.current_place == "تربت جام"
    assert changed.monthly_income == 500_000
    assert changed.applied_on == application.applied_on


def test_a_screened_application_is_corrected_only_with_a_reason(alice, mona, settlement_a):
    application = screened(settlement_a, alice, mona)
    client = signed_in(alice)
    form = details_form(version=application.version, current_place="تربت جام", reason="")
    response = client.post(url("edit", application), form)
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == [
        in_persian("Say why a screened application is changed.")
    ]
    assert fresh(application).current_place != "تربت جام"
    form["reason"] = "Moved last week"
    assert client.post(url("edit", application), form).status_code == 302
    assert fresh(application).current_place == "تربت جام"


def test_a_stale_correction_is_refused(alice, settlement_a):
    application = factories.application(settlement_a, by=alice)
    services.update_application(application=application, by=alice, current_place="جای دیگر")
    form = details_form(version=application.version, current_place="تربت جام")
    response = signed_in(alice).post(url("edit", application), form)
    assert response.status_code == 200
    assert in_persian("Someone else changed this application meanwhile. Reload and try again.") in (
        response.context["form"].non_field_errors()
    )
    assert fresh(application).current_place == "جای دیگر"


# --- Screening ------------------------------------------------------------------------------


def test_the_manager_screens_an_eligible_application(alice, mona, settlement_a):
    draft = factories.application(settlement_a, by=alice)
    factories.with_residence_card(draft.household, by=alice)
    application, _pin = services.submit_application(application=draft, by=alice)
    client = signed_in(mona)
    assert client.get(act(application, "screen")).status_code == 200
    response = client.post(act(application, "screen"))
    assert response.status_code == 302
    assert fresh(application).status == S.ELIGIBLE
    page = client.get(url("detail", application))
    body = page.content.decode()
    assert body.count('data-passed="yes"') == len(fresh(application).eligibility)
    assert 'data-passed="no"' not in body
    assert 'data-testid="action-waitlist"' in body


def test_an_ineligible_application_shows_its_reasons_in_persian_and_english(
    alice, mona, settlement_a
):
    application = screened(settlement_a, alice, mona, eligible=False)
    assert application.status == S.INELIGIBLE
    failed = [row for row in application.eligibility if not row["passed"]]
    assert failed
    body = signed_in(mona).get(url("detail", application)).content.decode()
    for row in failed:
        assert escape(row["message_fa"]) in body
        assert escape(row["message_en"]) in body
        assert escape(row["detail_fa"]) in body
        assert escape(row["detail_en"]) in body
    assert body.count('data-passed="no"') == len(failed)
    letter = url("letter", application, "ineligibility")
    assert f'href="{letter}"' in body
    assert f'href="{letter}?lang=en"' in body


def test_an_english_reader_reads_the_reasons_in_english_first(alice, settlement_a):
    english_manager = UserFactory(role="manager", language="en", settlements=[settlement_a])
    application = screened(settlement_a, alice, english_manager, eligible=False)
    response = signed_in(english_manager).get(url("detail", application))
    finding = next(f for f in response.context["findings"] if not f.passed)
    row = next(r for r in application.eligibility if not r["passed"])
    assert finding.message == row["message_en"]
    assert finding.other_message == row["message_fa"]


def test_a_clerk_cannot_screen(alice, settlement_a):
    application, _pin = factories.submitted(settlement_a, by=alice)
    client = signed_in(alice)
    assert client.get(act(application, "screen")).status_code == 404
    assert client.post(act(application, "screen")).status_code == 404
    assert fresh(application).status == S.SUBMITTED
    body = client.get(url("detail", application)).content.decode()
    assert 'data-testid="action-screen"' not in body
    assert 'data-testid="action-withdraw"' in body


# --- The waitlist, offers and admission --------------------------------------------------------


def test_the_manager_waitlists_and_the_page_shows_rank_score_and_history(alice, mona, settlement_a):
    application = screened(settlement_a, alice, mona)
    client = signed_in(mona)
    response = client.post(act(application, "waitlist"))
    assert response.status_code == 302
    placed = fresh(application)
    assert placed.status == S.WAITLISTED
    assert placed.rank == 1
    page = client.get(url("detail", application))
    assert page.context["ahead"] == 0
    assert page.context["total"] == placed.score
    assert len(page.context["moves"]) == 1
    body = page.content.decode()
    assert 'data-direction="in"' in body
    assert str(page.context["moves"][0].explanation) in body
    assert 'data-testid="action-offer"' in body


def test_an_offer_to_the_first_household_needs_no_skip_reason(alice, mona, settlement_a):
    application = factories.waitlisted(settlement_a, by=alice, manager=mona)
    due = dates.today() + timedelta(days=10)
    with translation.override("fa"):
        typed = dates.format_date(due)
    client = signed_in(mona)
    page = client.get(act(application, "offer"))
    assert page.status_code == 200
    response = client.post(act(application, "offer"), {"place": "B-12", "respond_by": typed})
    assert response.status_code == 302
    offered = fresh(application)
    assert offered.status == S.OFFERED
    assert offered.offer_place == "B-12"
    assert offered.respond_by == due
    body = client.get(url("detail", application)).content.decode()
    assert f'href="{url("letter", application, "offer")}?lang=en"' in body


def test_passing_over_households_ranked_higher_needs_a_reason(alice, mona, settlement_a):
    first = factories.waitlisted(settlement_a, by=alice, manager=mona, eviction_risk=True)
    second = factories.waitlisted(settlement_a, by=alice, manager=mona)
    second = fresh(second)
    assert fresh(first).rank == 1
    assert second.rank == 2
    client = signed_in(mona)
    response = client.post(act(second, "offer"), {"place": "C-3", "respond_by": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["skip_reason"] == [
        in_persian("%(count)s households rank higher; say why they are passed over.", count=1)
    ]
    assert fresh(second).status == S.WAITLISTED
    response = client.post(
        act(second, "offer"),
        {"place": "C-3", "respond_by": "", "skip_reason": "Ground floor needed for a wheelchair"},
    )
    assert response.status_code == 302
    offered = fresh(second)
    assert offered.status == S.OFFERED
    assert offered.offer_skip_reason == "Ground floor needed for a wheelchair"
    body = client.get(url("detail", offered)).content.decode()
    assert "Ground floor needed for a wheelchair" in body


def test_the_clerk_records_the_acceptance_and_the_manager_admits(alice, mona, settlement_a):
    application = factories.waitlisted(settlement_a, by=alice, manager=mona)
    services.make_offer(application=application, by=mona, place="B-12")
    clerk = signed_in(alice)
    assert clerk.get(act(application, "admit")).status_code == 404
    assert clerk.post(act(application, "accept")).status_code == 302
    assert fresh(application).status == S.ACCEPTED
    response = signed_in(mona).post(act(application, "admit"))
    assert response.status_code == 302
    admitted = fresh(application)
    assert admitted.status == S.ADMITTED
    assert admitted.household.status == HouseholdStatus.RESIDENT
    assert in_persian("The household was admitted and is now a resident.") in texts(response)


def test_a_declined_offer_goes_back_to_the_waitlist_by_default(alice, mona, settlement_a):
    application = factories.waitlisted(settlement_a, by=alice, manager=mona)
    services.make_offer(application=application, by=mona, place="B-12")
    client = signed_in(alice)
    page = client.get(act(application, "decline"))
    assert page.context["form"]["back_to_waitlist"].value() is True
    response = client.post(
        act(application, "decline"), {"reason": "Too far from work", "back_to_waitlist": "on"}
    )
    assert response.status_code == 302
    back = fresh(application)
    assert back.status == S.WAITLISTED
    assert back.decline_reason == "Too far from work"


def test_a_declined_offer_may_leave_the_household_off_the_waitlist(alice, mona, settlement_a):
    application = factories.waitlisted(settlement_a, by=alice, manager=mona)
    services.make_offer(application=application, by=mona, place="B-12")
    response = signed_in(alice).post(act(application, "decline"), {"reason": "Moving away"})
    assert response.status_code == 302
    assert fresh(application).status == S.DECLINED


def test_a_clerk_withdraws_an_application_with_a_reason(alice, mona, settlement_a):
    application = factories.waitlisted(settlement_a, by=alice, manager=mona)
    client = signed_in(alice)
    response = client.post(act(application, "withdraw"), {"reason": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert fresh(application).status == S.WAITLISTED
    response = client.post(act(application, "withdraw"), {"reason": "Found a flat in Mashhad"})
    assert response.status_code == 302
    closed = fresh(application)
    assert closed.status == S.WITHDRAWN
    assert closed.rank is None
    body = client.get(url("detail", closed)).content.decode()
    assert "Found a flat in Mashhad" in body
    assert 'data-testid="application-actions"' not in body


def test_the_manager_expires_an_application(alice, mona, settlement_a):
    application, _pin = factories.submitted(settlement_a, by=alice)
    assert signed_in(alice).get(act(application, "expire")).status_code == 404
    response = signed_in(mona).post(act(application, "expire"), {"reason": "Unreachable"})
    assert response.status_code == 302
    assert fresh(application).status == S.EXPIRED


def test_an_ineligibility_is_appealed_and_the_appeal_upheld(alice, mona, settlement_a):
    application = screened(settlement_a, alice, mona, eligible=False)
    response = signed_in(alice).post(
        act(application, "appeal"), {"grounds": "The Amayesh card was renewed"}
    )
    assert response.status_code == 302
    assert fresh(application).status == S.APPEAL
    assert signed_in(alice).get(act(application, "decide")).status_code == 404
    response = signed_in(mona).post(
        act(application, "decide"), {"upheld": "yes", "decision": "Card seen and valid"}
    )
    assert response.status_code == 302
    decided = fresh(application)
    assert decided.status == S.ELIGIBLE
    assert decided.appeal_decision == "Card seen and valid"


def test_a_new_pin_is_shown_once_and_replaces_the_old_one(alice, settlement_a):
    application, old = factories.submitted(settlement_a, by=alice)
    client = signed_in(alice)
    assert client.post(act(application, "pin")).status_code == 302
    page = client.get(url("detail", application))
    new = page.context["pin"]
    assert new
    assert services.pin_matches(fresh(application), new)
    assert not services.pin_matches(fresh(application), old) or new == old
    assert client.get(url("detail", application)).context["pin"] is None


def test_the_manager_rereads_the_household(alice, mona, settlement_a):
    application = factories.waitlisted(settlement_a, by=alice, manager=mona)
    response = signed_in(mona).post(act(application, "refresh"))
    assert response.status_code == 302
    assert in_persian("The household's information was re-read.") in texts(response)


def test_the_page_says_when_the_households_information_was_last_read(alice, mona, settlement_a):
    application = factories.waitlisted(settlement_a, by=alice, manager=mona)
    body = signed_in(mona).get(url("detail", application)).content.decode()
    with translation.override("fa"):
        at = dates.format_datetime(fresh(application).features_read_at)
    assert at
    assert in_persian("Household information read on %(at)s", at=at) in body


# --- Refusals and outsiders ----------------------------------------------------------------------


def test_a_step_the_status_does_not_allow_is_refused_with_a_clear_message(
    alice, mona, settlement_a
):
    application, _pin = factories.submitted(settlement_a, by=alice)
    before = fresh(application)
    events = ApplicationEvent.objects.filter(aggregate=application).count()
    response = signed_in(mona).post(act(application, "admit"))
    assert response.status_code == 200
    with translation.override("fa"):
        expected = gettext("This application is “%(current)s”; it cannot become “%(new)s”.") % {
            "current": gettext("Submitted"),
            "new": gettext("Admitted"),
        }
    assert expected in response.context["form"].non_field_errors()
    assert escape(expected) in response.content.decode()
    after = fresh(application)
    assert (after.status, after.version) == (before.status, before.version)
    assert ApplicationEvent.objects.filter(aggregate=application).count() == events


def test_an_unknown_step_is_404(mona, settlement_a, alice):
    application = factories.application(settlement_a, by=alice)
    response = signed_in(mona).get(f"/intake/applications/{application.reference}/promote/")
    assert response.status_code == 404


def test_bob_gets_404_on_settlement_a_applications(bob, settlement_a, alice):
    application, _pin = factories.submitted(settlement_a, by=alice)
    client = signed_in(bob)
    for target in (url("detail", application), url("edit", application)):
        assert client.get(target).status_code == 404, target
    assert client.post(act(application, "withdraw"), {"reason": "x"}).status_code == 404
    assert fresh(application).status == S.SUBMITTED
    assert application.reference not in client.get(LIST).content.decode()


def test_partner_staff_and_analysts_see_no_application(vera, nasrin, settlement_a, alice):
    application = factories.application(settlement_a, by=alice)
    for user in (vera, nasrin):
        client = signed_in(user)
        assert client.get(LIST).status_code == 404, user.username
        assert client.get(url("detail", application)).status_code == 404, user.username


def test_an_application_number_typed_in_persian_digits_opens_the_page(alice, settlement_a):
    application = factories.application(settlement_a, by=alice)
    typed = digits.to_persian(application.reference)
    assert signed_in(alice).get(f"/intake/applications/{typed}/").status_code == 200


# --- The list ------------------------------------------------------------------------------------


def test_the_list_filters_by_status_channel_and_number(alice, mona, settlement_a):
    draft = factories.application(settlement_a, by=alice, channel="field_team")
    waiting = factories.waitlisted(settlement_a, by=alice, manager=mona)
    client = signed_in(alice)
    for params, shown, hidden in (
        ({"status": "waitlisted"}, waiting, draft),
        ({"channel": "field_team"}, draft, waiting),
        ({"q": waiting.reference.lower()}, waiting, draft),
        ({"q": digits.to_persian(draft.household.reference)}, draft, waiting),
    ):
        page = client.get(LIST, params).content.decode()
        assert f'data-application="{shown.reference}"' in page, params
        assert f'data-application="{hidden.reference}"' not in page, params


def test_the_list_shows_rank_and_score_only_for_the_waitlist(alice, mona, settlement_a):
    factories.application(settlement_a, by=alice)
    factories.waitlisted(settlement_a, by=alice, manager=mona)
    body = signed_in(mona).get(LIST).content.decode()
    assert body.count('data-testid="rank"') == 1


def test_the_list_makes_a_fixed_number_of_queries(
    alice, mona, settlement_a, django_assert_max_num_queries
):
    for _ in range(2):
        factories.application(settlement_a, by=alice)
    client = signed_in(mona)
    client.get(LIST)
    with django_assert_max_num_queries(30) as captured:
        client.get(LIST)
    few = len(captured)
    factories.waitlisted(settlement_a, by=alice, manager=mona)
    for _ in range(6):
        factories.application(settlement_a, by=alice)
    with django_assert_max_num_queries(few):
        response = client.get(LIST)
    assert response.content.decode().count("data-application=") == 9


def test_the_waitlist_filter_lists_by_rank(alice, mona, settlement_a):
    second = factories.waitlisted(settlement_a, by=alice, manager=mona)
    first = factories.waitlisted(settlement_a, by=alice, manager=mona, eviction_risk=True)
    assert (fresh(first).rank, fresh(second).rank) == (1, 2)
    page = signed_in(mona).get(LIST, {"status": "waitlisted"}).content.decode()
    assert page.index(f'"{first.reference}"') < page.index(f'"{second.reference}"')
