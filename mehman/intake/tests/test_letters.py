"""The receipt printed at submission and the letters of ineligibility and of an offer:
who may print them, when, and what they say in Persian and in English."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from conftest import signed_in
from mehman.core import dates, digits, pdf, qr
from mehman.core.tests.test_pdf import texts
from mehman.intake import services
from mehman.intake.models import ApplicationStatus
from mehman.intake.tests import factories
from mehman.intake.views._pins import remember_pin
from mehman.intake.views.letters import NO_PIN, letter_context, receipt_context
from mehman.registry import services as registry_services
from mehman.registry.models import SpecificNeedCode

STATUS_URL = "http://testserver/status/"


def receipt_url(application, **query):
    url = reverse("intake:receipt", kwargs={"reference": application.reference})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def letter_url(application, kind, **query):
    url = reverse("intake:letter", kwargs={"reference": application.reference, "kind": kind})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def printed(template, context, language):
    """The words of the PDF as WeasyPrint lays it out, whitespace made single, and the
    direction of its first page."""
    html = pdf.render_html(template, context, language=language)
    document = pdf.layout(html)
    words = " ".join(" ".join(texts(document)).split())
    return words, document.pages[0]._page_box.style["direction"]


def view_context(response):
    """The context the view printed with (the receipt's template extends the letters')."""
    return response.context[0].flatten()


def long_date(day, language):
    with translation.override(language), digits.override(None):
        return dates.format_date(day, style="long")


def with_pin(client, application, pin):
    """The client's session holds the PIN just given, as the submit page leaves it."""
    session = client.session
    remember_pin(SimpleNamespace(session=session), application, pin)
    session.save()
    return client


@pytest.fixture
def submitted(settlement_a, alice):
    return factories.submitted(settlement_a, by=alice)


@pytest.fixture
def ineligible(settlement_a, alice, mona):
    """Screened without a residence card: the first default rule is not met."""
    application, _pin = factories.submitted(settlement_a, by=alice)
    application = services.screen_application(application=application, by=mona)
    assert application.status == ApplicationStatus.INELIGIBLE
    return application


@pytest.fixture
def offered(settlement_a, alice, mona):
    application = factories.waitlisted(settlement_a, by=alice, manager=mona)
    return services.make_offer(
        application=application,
        by=mona,
        place="بلوک ۳، واحد ۱۲",
        respond_by=dates.today() + timedelta(days=10),
    )


# --- The receipt -------------------------------------------------------------------------


def test_a_receipt_without_the_pin_in_the_session_is_not_printed(alice, submitted):
    application, _pin = submitted
    response = signed_in(alice).get(receipt_url(application))
    assert response.status_code == 302
    assert response["Location"] == reverse("intake:detail", args=[application.reference])
    (message,) = get_messages(response.wsgi_request)
    with translation.override("fa"):
        assert str(message) == str(NO_PIN)


def test_the_receipt_prints_the_pin_and_the_numbers_in_persian(alice, submitted):
    application, pin = submitted
    response = with_pin(signed_in(alice), application, pin).get(receipt_url(application))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF-")
    assert response.context["LANGUAGE_CODE"] == "fa"
    assert response.context["pin"] == pin
    assert response.context["status_url"] == STATUS_URL
    words, direction = printed("intake/receipt.html", view_context(response), "fa")
    assert direction == "rtl"
    assert digits.to_persian(pin) in words
    assert application.reference in words
    assert application.household.reference in words
    assert "مهمانشهر تربت جام" in words
    assert STATUS_URL in words
    assert long_date(application.submitted_at.date(), "fa") in words
    html = pdf.render_html("intake/receipt.html", view_context(response), language="fa")
    assert len(pdf.layout(html).pages) == 1


def test_the_receipt_prints_in_english_on_request(alice, submitted):
    application, pin = submitted
    response = with_pin(signed_in(alice), application, pin).get(receipt_url(application, lang="en"))
    assert response.status_code == 200
    assert response.context["LANGUAGE_CODE"] == "en"
    words, direction = printed("intake/receipt.html", view_context(response), "en")
    assert direction == "ltr"
    assert pin in words
    assert "Your PIN" in words
    assert "Torbat-e Jam guest city" in words
    assert long_date(application.submitted_at.date(), "en") in words


def test_the_receipt_has_no_names_no_protected_needs_and_a_qr_of_the_number_only(carla, submitted):
    application, pin = submitted
    code = SpecificNeedCode.objects.filter(sensitive=True, parent__isnull=False).first()
    registry_services.record_need(person=application.household.head, code=code, by=carla)
    context = receipt_context(application, pin=pin, status_url=STATUS_URL)
    assert context["qr"] == qr.qr_data_uri(application.reference)
    for language in ("fa", "en"):
        words, _direction = printed("intake/receipt.html", context, language)
        for secret in ("علی", "کریمی", code.code, code.label_fa, code.label_en):
            assert secret not in words


@pytest.mark.parametrize("persona", ["bob", "vera", "nasrin"])
def test_people_outside_the_application_get_404_for_the_receipt(request, persona, submitted):
    application, pin = submitted
    client = with_pin(signed_in(request.getfixturevalue(persona)), application, pin)
    assert client.get(receipt_url(application)).status_code == 404


# --- The ineligibility letter -----------------------------------------------------------


def test_the_ineligibility_letter_gives_the_reasons_and_the_appeal_deadline_in_persian(
    alice, ineligible
):
    response = signed_in(alice).get(letter_url(ineligible, "ineligibility"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.context["LANGUAGE_CODE"] == "fa"
    (failed,) = [item for item in ineligible.eligibility if not item["passed"]]
    passed = [item for item in ineligible.eligibility if item["passed"]]
    words, direction = printed(
        "intake/letter_ineligibility.html", letter_context(ineligible, "ineligibility", "fa"), "fa"
    )
    assert direction == "rtl"
    assert " ".join(failed["message_fa"].split()) in words
    assert failed["detail_fa"] in words
    for item in passed:
        assert " ".join(item["message_fa"].split()) not in words
    deadline = ineligible.screened_on + timedelta(days=30)
    assert long_date(deadline, "fa") in words
    assert long_date(ineligible.screened_on, "fa") in words
    assert "علی کریمی" in words
    assert ineligible.reference in words
    assert ineligible.household.reference in words


def test_the_ineligibility_letter_gives_the_reasons_and_the_appeal_deadline_in_english(
    alice, ineligible, settings
):
    settings.MEHMAN_APPEAL_DAYS = 21
    response = signed_in(alice).get(letter_url(ineligible, "ineligibility", lang="en"))
    assert response.status_code == 200
    assert response.context["LANGUAGE_CODE"] == "en"
    assert response.context["appeal_deadline"] == ineligible.screened_on + timedelta(days=21)
    (failed,) = [item for item in ineligible.eligibility if not item["passed"]]
    words, direction = printed(
        "intake/letter_ineligibility.html", letter_context(ineligible, "ineligibility", "en"), "en"
    )
    assert direction == "ltr"
    assert failed["message_en"] in words
    assert failed["detail_en"] in words
    assert failed["message_fa"] not in words
    assert long_date(ineligible.screened_on + timedelta(days=21), "en") in words
    assert "appeal within 21 days" in words
    assert "settlement office" in words


def test_an_ineligibility_under_appeal_still_has_its_letter(alice, ineligible):
    services.lodge_appeal(application=ineligible, by=alice, grounds="کارت آمایش تمدید شده است")
    assert signed_in(alice).get(letter_url(ineligible, "ineligibility")).status_code == 200


# --- The offer letter ---------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fa", "en"])
def test_the_offer_letter_names_the_home_and_the_answer_date(alice, offered, language):
    response = signed_in(alice).get(letter_url(offered, "offer", lang=language))
    assert response.status_code == 200
    assert response.context["LANGUAGE_CODE"] == language
    words, direction = printed(
        "intake/letter_offer.html", letter_context(offered, "offer", language), language
    )
    assert direction == ("rtl" if language == "fa" else "ltr")
    assert "بلوک ۳، واحد ۱۲" in words
    assert long_date(offered.respond_by, language) in words
    assert offered.reference in words
    if language == "en":
        assert "What to bring" in words
        assert "To accept or decline" in words


def test_an_accepted_offer_keeps_its_letter(alice, offered):
    services.accept_offer(application=offered, by=alice)
    assert signed_in(alice).get(letter_url(offered, "offer")).status_code == 200


# --- When there is no letter ----------------------------------------------------------


def test_letters_of_the_wrong_status_or_kind_are_404(alice, ineligible, offered, submitted):
    client = signed_in(alice)
    assert client.get(letter_url(ineligible, "offer")).status_code == 404
    assert client.get(letter_url(offered, "ineligibility")).status_code == 404
    assert client.get(letter_url(submitted[0], "ineligibility")).status_code == 404
    assert client.get(letter_url(submitted[0], "offer")).status_code == 404
    assert client.get(letter_url(ineligible, "welcome")).status_code == 404


@pytest.mark.parametrize("persona", ["bob", "vera", "nasrin"])
def test_people_outside_the_application_get_404_for_letters(request, persona, ineligible, offered):
    client = signed_in(request.getfixturevalue(persona))
    assert client.get(letter_url(ineligible, "ineligibility")).status_code == 404
    assert client.get(letter_url(offered, "offer")).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in_for_papers(client, ineligible):
    for url in (receipt_url(ineligible), letter_url(ineligible, "ineligibility")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
