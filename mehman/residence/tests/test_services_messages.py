"""Text messages to residents: templates' words with Jalali dates and Persian digits, sending
to the household's (or its head's) phone, delivery through the backend, and reminders that
are sent once however often the round runs."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from mehman.core import dates
from mehman.housing.tests.factories import resident
from mehman.registry import services as registry_services
from mehman.registry.models import Household, HouseholdEvent
from mehman.registry.tests.factories import family
from mehman.residence import services as residence_services
from mehman.residence import sms
from mehman.residence.models import MessageStatus, MessageTemplate, TextMessage
from mehman.residence.services import messages


class Refusing(sms.SmsBackend):
    def send(self, *, phone: str, body: str) -> None:
        raise sms.SmsError("The gateway refused the message (quota).")


class Crashing(sms.SmsBackend):
    def send(self, *, phone: str, body: str) -> None:
        raise RuntimeError(f"socket closed while sending to {phone}")


@pytest.fixture(autouse=True)
def memory_sms(settings):
    settings.MEHMAN_SMS_BACKEND = "mehman.residence.sms.MemoryBackend"
    sms.MemoryBackend.outbox.clear()
    return sms.MemoryBackend.outbox


def household_with(
    settlement: Any, by: Any, phone: str = "0912 345 6789", **head: Any
) -> Household:
    return resident(settlement, by=by, phone=phone, members=family(**head))


def fresh(record: Any) -> Any:
    return type(record).objects.get(pk=record.pk)


def template(code: str) -> MessageTemplate:
    return MessageTemplate.objects.get(code=code)


# --- Words ----------------------------------------------------------------------------------


def test_a_persian_message_shows_its_date_jalali_in_persian_digits(db):
    text = messages.render(
        template("review_due"), {"household": "TJ-00012", "date": date(2026, 3, 21)}
    )

    assert "۱۴۰۵/۰۱/۰۱" in text
    assert "TJ-00012" in text
    assert "{" not in text


def test_an_english_message_shows_its_date_gregorian(db):
    text = messages.render(
        template("review_due"), {"household": "TJ-00012", "date": date(2026, 3, 21)}, "en"
    )

    assert text.startswith("Household TJ-00012:")
    assert "2026-03-21" in text


def test_the_persian_message_keeps_persian_digits_for_a_user_who_reads_latin_digits(db):
    from mehman.core import digits

    with translation.override("en"), digits.override("latn"):
        text = messages.render(template("term_ending"), {"date": date(2026, 3, 21)})

    assert "۱۴۰۵/۰۱/۰۱" in text


def test_a_placeholder_without_a_value_stays_as_written_and_never_crashes(db):
    odd = MessageTemplate.objects.create(code="odd", title="Odd", body_fa="{unknown} {date} {")

    assert messages.render(odd, {}) == "{unknown} {date} {"


def test_a_template_naming_an_unknown_placeholder_is_refused(db, mona):
    review_due = template("review_due")

    with pytest.raises(ValidationError) as caught:
        messages.update_template(
            template=review_due,
            by=mona,
            title="Review",
            body_fa="{household} {name}",
            body_en="",
            is_active=True,
            expected_version=review_due.version,
        )

    assert "body_fa" in caught.value.error_dict
    assert caught.value.error_dict["body_fa"][0].code == "placeholder"
    assert fresh(review_due).body_fa == review_due.body_fa


def test_a_template_is_saved_with_its_history_and_a_stale_copy_is_refused(db, mona):
    review_due = template("review_due")
    version = review_due.version

    messages.update_template(
        template=review_due,
        by=mona,
        title="Review soon",
        body_fa="خانوار {household}: بازبینی {date}",
        body_en="Household {household}: review on {date}",
        is_active=False,
        expected_version=version,
    )

    saved = fresh(review_due)
    assert (saved.title, saved.is_active, saved.version) == ("Review soon", False, version + 1)
    assert saved.history.first().history_user == mona
    with pytest.raises(ValidationError) as stale:
        messages.update_template(
            template=saved,
            by=mona,
            title="Again",
            body_fa="x",
            body_en="",
            is_active=True,
            expected_version=version,
        )
    assert stale.value.code == "stale"


# --- Sending ---------------------------------------------------------------------------------


def test_a_message_is_queued_recorded_and_delivered_after_commit(
    settlement_a, alice, carla, memory_sms, django_capture_on_commit_callbacks
):
    household = household_with(settlement_a, alice, phone="+98 912 345 6789")

    with django_capture_on_commit_callbacks(execute=True):
        message = messages.send_message(
            household=household,
            by=carla,
            template_code="review_due",
            context={"date": date(2026, 3, 21)},
        )
        assert message is not None
        assert message.status == MessageStatus.QUEUED

    sent = fresh(message)
    assert sent.status == MessageStatus.SENT
    assert sent.sent_at is not None
    assert sent.backend == "mehman.residence.sms.MemoryBackend"
    assert sent.phone == "09123456789"
    assert memory_sms == [{"phone": "09123456789", "body": sent.body}]
    assert household.reference in sent.body and "۱۴۰۵/۰۱/۰۱" in sent.body
    event = HouseholdEvent.objects.filter(aggregate=household, kind="residence.message_sent").get()
    assert event.params == {"template": "review_due"}
    assert event.by == carla


def test_the_heads_phone_is_used_when_the_household_has_none(settlement_a, alice, carla):
    household = resident(settlement_a, by=alice, phone="", members=family(phone="۰۹۳۵ ۱۱۱ ۲۲۳۳"))

    message = messages.send_message(household=household, by=carla, body="Hello")

    assert message is not None and message.phone == "09351112233"


def test_a_household_without_any_phone_is_refused_clearly(settlement_a, alice, carla):
    household = household_with(settlement_a, alice, phone="")

    with pytest.raises(ValidationError) as caught:
        messages.send_message(household=household, by=carla, body="Hello")

    assert caught.value.code == "no_phone"
    assert household.reference in caught.value.messages[0]
    assert not TextMessage.objects.exists()


def test_a_message_needs_words_or_a_template_in_use(settlement_a, alice, carla):
    household = household_with(settlement_a, alice)
    MessageTemplate.objects.filter(code="term_ending").update(is_active=False)

    with pytest.raises(ValidationError) as empty:
        messages.send_message(household=household, by=carla, body="  ")
    with pytest.raises(ValidationError) as retired:
        messages.send_message(household=household, by=carla, template_code="term_ending")

    assert "body" in empty.value.error_dict
    assert "template" in retired.value.error_dict


def test_a_message_keyed_as_one_already_sent_is_not_sent_again(settlement_a, alice, carla):
    household = household_with(settlement_a, alice)

    first = messages.send_message(household=household, by=carla, body="Hi", key="k:1")
    again = messages.send_message(household=household, by=carla, body="Hi", key="k:1")

    assert first is not None
    assert again is None
    assert TextMessage.objects.count() == 1


def test_a_refused_message_is_recorded_as_failed_with_the_reason(
    settings, settlement_a, alice, carla
):
    settings.MEHMAN_SMS_BACKEND = f"{__name__}.Refusing"
    household = household_with(settlement_a, alice)
    message = messages.send_message(household=household, by=carla, body="Hi")
    assert message is not None

    failed = messages.deliver(message)

    assert failed.status == MessageStatus.FAILED
    assert failed.error == "The gateway refused the message (quota)."
    assert failed.sent_at is None


def test_a_crashing_backend_fails_the_message_without_keeping_the_phone(
    settings, settlement_a, alice, carla
):
    settings.MEHMAN_SMS_BACKEND = f"{__name__}.Crashing"
    household = household_with(settlement_a, alice)
    message = messages.send_message(household=household, by=carla, body="Hi")
    assert message is not None

    failed = messages.deliver(message)

    assert failed.status == MessageStatus.FAILED
    assert "0912" not in failed.error
    assert "RuntimeError" in failed.error


def test_a_delivered_message_is_not_sent_twice(settlement_a, alice, carla, memory_sms):
    household = household_with(settlement_a, alice)
    message = messages.send_message(household=household, by=carla, body="Hi")
    assert message is not None

    messages.deliver(message)
    messages.deliver(message)

    assert len(memory_sms) == 1


# --- Reminders -------------------------------------------------------------------------------


@pytest.fixture
def due_things(settlement_a, alice, mona) -> dict[str, Any]:
    """Three households: a review due in a week, a term ending in two months, a card expiring
    in ten days (and an older card of the same member, already replaced)."""
    today = dates.today()
    reviewed = household_with(settlement_a, alice)
    term = residence_services.start_term(household=reviewed, by=mona)
    review = residence_services.open_review(term=term, by=mona, due_on=today + timedelta(days=7))
    ending = household_with(settlement_a, alice, phone="09350000001")
    ending_term = residence_services.start_term(
        household=ending,
        by=mona,
        started_on=today - timedelta(days=700),
        planned_end=today + timedelta(days=60),
    )
    expiring = household_with(settlement_a, alice, phone="09350000002")
    registry_services.add_document(
        person=expiring.head,
        by=alice,
        doc_type="amayesh",
        number_typed="A111111",
        expires_on=today + timedelta(days=5),
    )
    card = registry_services.add_document(
        person=expiring.head,
        by=alice,
        doc_type="amayesh",
        number_typed="A222222",
        expires_on=today + timedelta(days=10),
    )
    return {"review": review, "term": ending_term, "card": card}


def test_reminders_are_queued_for_reviews_terms_ending_and_documents_expiring(
    settlement_a, due_things
):
    counts = messages.queue_reminders(settlement=settlement_a, on=dates.today())

    assert counts["review_due"] == 1
    assert counts["term_ending"] == 1
    assert counts["document_expiring"] == 1  # the latest card only
    keys = set(TextMessage.objects.values_list("key", flat=True))
    term = due_things["term"]
    assert keys == {
        f"review:{due_things['review'].uuid}",
        f"term-end:{term.uuid}:{term.planned_end.isoformat()}",
        f"expiry:{due_things['card'].uuid}",
    }
    card_message = TextMessage.objects.get(template="document_expiring")
    with translation.override("fa"):
        assert dates.format_date(due_things["card"].expires_on) in card_message.body
        assert str(translation.gettext("Amayesh card")) in card_message.body


def test_reminders_run_twice_are_sent_once(settlement_a, due_things):
    messages.queue_reminders(settlement=settlement_a, on=dates.today())

    again = messages.queue_reminders(settlement=settlement_a, on=dates.today())

    assert (again["review_due"], again["term_ending"], again["document_expiring"]) == (0, 0, 0)
    assert again["already"] == 3
    assert TextMessage.objects.count() == 3


def test_reminders_to_households_without_a_phone_are_counted_not_crashed(settlement_a, alice, mona):
    silent = household_with(settlement_a, alice, phone="")
    term = residence_services.start_term(household=silent, by=mona)
    residence_services.open_review(term=term, by=mona, due_on=dates.today())

    counts = messages.queue_reminders(settlement=settlement_a, on=dates.today())

    assert counts["no_phone"] == 1
    assert counts["review_due"] == 0
    assert not TextMessage.objects.exists()


def test_nothing_far_off_is_reminded(settlement_a, alice, mona):
    household = household_with(settlement_a, alice)
    residence_services.start_term(household=household, by=mona)  # ends in three years
    registry_services.add_document(
        person=household.head,
        by=alice,
        doc_type="visa",
        number_typed="V123456",
        expires_on=dates.today() + timedelta(days=31),
    )

    counts = messages.queue_reminders(settlement=settlement_a, on=dates.today())

    assert counts["review_due"] + counts["term_ending"] + counts["document_expiring"] == 0
