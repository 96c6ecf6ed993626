"""The message pages end to end: what is due for me today, the log of messages, sending a
message to a household (previewed first), and the templates."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from conftest import signed_in
from mehman.accounts.models import User
from mehman.core import dates
from mehman.housing.tests.factories import resident
from mehman.registry.models import Household
from mehman.residence import services, sms
from mehman.residence.models import MessageStatus, MessageTemplate, TextMessage
from mehman.residence.services import messages


@pytest.fixture(autouse=True)
def memory_sms(settings):
    settings.MEHMAN_SMS_BACKEND = "mehman.residence.sms.MemoryBackend"
    sms.MemoryBackend.outbox.clear()
    return sms.MemoryBackend.outbox


def english(*users: Any) -> None:
    User.objects.filter(pk__in=[u.pk for u in users]).update(language="en")


@pytest.fixture
def household(settlement_a, alice) -> Household:
    return resident(settlement_a, by=alice, phone="09121234567")


def new_url(household: Household) -> str:
    return reverse("residence:message_new", args=[household.reference])


# --- The digest -----------------------------------------------------------------------------


def test_the_digest_page_shows_what_is_due_for_me(settlement_a, household, mona, carla):
    english(carla)
    term = services.start_term(household=household, by=mona)
    services.open_review(term=term, by=mona, due_on=dates.today())

    html = signed_in(carla).get(reverse("residence:digest")).content.decode()

    assert 'data-testid="section-reviews"' in html
    assert term.reference in html


def test_the_digest_page_says_when_nothing_is_due(alice):
    english(alice)

    html = signed_in(alice).get(reverse("residence:digest")).content.decode()

    assert 'data-testid="nothing-due"' in html
    assert _("Nothing is due today.") in html


@pytest.mark.parametrize("persona", ["vera", "nasrin"])
def test_the_digest_page_is_hidden_from_roles_without_residence(persona, request):
    user = request.getfixturevalue(persona)

    assert signed_in(user).get(reverse("residence:digest")).status_code == 404


# --- Sending ----------------------------------------------------------------------------------


def test_a_message_is_previewed_then_sent(
    household, carla, memory_sms, django_capture_on_commit_callbacks
):
    english(carla)
    client = signed_in(carla)
    data = {"template": "review_due", "date": "2026-03-21", "body": ""}

    preview = client.post(new_url(household), {**data, "preview": "1"})

    assert preview.status_code == 200
    assert "۱۴۰۵/۰۱/۰۱" in preview.context["preview"]
    assert not TextMessage.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(new_url(household), {**data, "send": "1"})

    assert sent.status_code == 302
    assert sent["Location"].startswith(reverse("residence:messages"))
    message = TextMessage.objects.get()
    assert (message.household, message.template, message.status) == (
        household,
        "review_due",
        MessageStatus.SENT,
    )
    assert memory_sms[0]["phone"] == "09121234567"


def test_a_typed_message_is_sent(household, carla):
    client = signed_in(carla)

    response = client.post(
        new_url(household), {"template": "", "body": "Come tomorrow", "send": "1"}
    )

    assert response.status_code == 302
    assert TextMessage.objects.get().body == "Come tomorrow"


def test_an_empty_message_is_shown_again_with_the_reason(household, carla):
    english(carla)

    response = signed_in(carla).post(new_url(household), {"template": "", "body": "", "send": "1"})

    assert response.status_code == 200
    assert _("Write the message or choose a template.") in response.content.decode()
    assert not TextMessage.objects.exists()


def test_a_household_without_a_phone_is_refused_on_the_page(settlement_a, alice, carla):
    english(carla)
    silent = resident(settlement_a, by=alice, phone="")

    response = signed_in(carla).post(new_url(silent), {"body": "Hello", "send": "1"})

    assert response.status_code == 200
    assert 'data-testid="no-phone"' in response.content.decode()
    assert not TextMessage.objects.exists()


@pytest.mark.parametrize("persona", ["bob", "alice", "vera", "nasrin"])
def test_sending_is_hidden_from_outsiders_and_roles_without_messages(persona, request, household):
    user = request.getfixturevalue(persona)
    client = signed_in(user)

    assert client.get(new_url(household)).status_code == 404
    assert client.post(new_url(household), {"body": "x", "send": "1"}).status_code == 404
    assert not TextMessage.objects.exists()


def test_an_unknown_household_is_404(carla, settlement_a):
    assert (
        signed_in(carla).get(reverse("residence:message_new", args=["TJ-999999"])).status_code
        == 404
    )


# --- The log --------------------------------------------------------------------------------


def test_the_log_lists_and_filters_messages_in_scope(
    settlement_a, settlement_b, household, alice, carla, bob
):
    other = resident(settlement_a, by=alice, phone="09350000000")
    messages.send_message(
        household=household,
        by=carla,
        template_code="term_ending",
        context={"date": date(2026, 3, 21)},
    )
    messages.send_message(household=other, by=carla, body="Typed")
    elsewhere = resident(settlement_b, by=bob, phone="09170000000")
    messages.send_message(household=elsewhere, by=None, body="In Sarvestan")
    client = signed_in(carla)

    everything = client.get(reverse("residence:messages")).content.decode()
    by_template = client.get(reverse("residence:messages"), {"template": "term_ending"}).context
    by_household = client.get(
        reverse("residence:messages"), {"household": other.reference.lower()}
    ).context
    typed = client.get(
        reverse("residence:messages"), {"template": "free_text", "status": "queued"}
    ).context

    assert household.reference in everything and other.reference in everything
    assert elsewhere.reference not in everything
    assert [m.household for m in by_template["page_obj"]] == [household]
    assert [m.household for m in by_household["page_obj"]] == [other]
    assert [m.body for m in typed["page_obj"]] == ["Typed"]


def test_the_log_reads_a_bounded_number_of_queries(
    settlement_a, alice, carla, django_assert_max_num_queries
):
    for _number in range(5):
        target = resident(settlement_a, by=alice, phone="09121234567")
        messages.send_message(household=target, by=carla, body="Hello")
    client = signed_in(carla)

    with django_assert_max_num_queries(12):
        assert client.get(reverse("residence:messages")).status_code == 200


@pytest.mark.parametrize("persona", ["alice", "vera", "nasrin"])
def test_the_log_is_hidden_from_roles_without_messages(persona, request):
    user = request.getfixturevalue(persona)

    assert signed_in(user).get(reverse("residence:messages")).status_code == 404


# --- Templates ------------------------------------------------------------------------------


def test_the_templates_are_listed_and_only_a_manager_is_offered_to_edit(alice, mona):
    for_alice = signed_in(alice).get(reverse("residence:message_templates")).content.decode()
    for_mona = signed_in(mona).get(reverse("residence:message_templates")).content.decode()

    assert 'data-template="review_due"' in for_alice
    assert 'data-testid="edit-review_due"' not in for_alice
    assert 'data-testid="edit-review_due"' in for_mona


def test_a_manager_edits_a_template(mona):
    template = MessageTemplate.objects.get(code="term_ending")
    url = reverse("residence:message_template_edit", args=["term_ending"])

    response = signed_in(mona).post(
        url,
        {
            "title": "Term ends",
            "body_fa": "خانوار {household}: پایان دوره {date}",
            "body_en": "Household {household}: term ends {date}",
            "is_active": "on",
            "version": template.version,
        },
    )

    assert response.status_code == 302
    assert MessageTemplate.objects.get(code="term_ending").title == "Term ends"


def test_a_template_with_an_unknown_placeholder_is_shown_again(mona):
    english(mona)
    template = MessageTemplate.objects.get(code="term_ending")
    url = reverse("residence:message_template_edit", args=["term_ending"])

    response = signed_in(mona).post(
        url,
        {"title": "T", "body_fa": "{name}", "body_en": "", "version": template.version},
    )

    assert response.status_code == 200
    assert "{name}" in response.context["form"].errors["body_fa"][0]
    assert MessageTemplate.objects.get(code="term_ending").body_fa == template.body_fa


@pytest.mark.parametrize("persona", ["carla", "alice", "bob", "vera", "nasrin"])
def test_editing_templates_is_hidden_from_everyone_but_managers(persona, request):
    user = request.getfixturevalue(persona)
    url = reverse("residence:message_template_edit", args=["term_ending"])

    assert signed_in(user).get(url).status_code == 404


def test_an_unknown_template_is_404(mona):
    url = reverse("residence:message_template_edit", args=["nothing"])

    assert signed_in(mona).get(url).status_code == 404


def test_the_preview_fills_the_date_given_in_persian_digits(household, carla):
    day = dates.today() + timedelta(days=3)
    with translation.override("fa"):
        typed = dates.format_date(day)

    response = signed_in(carla).post(
        new_url(household), {"template": "term_ending", "date": typed, "preview": "1"}
    )

    assert typed in response.context["preview"]
