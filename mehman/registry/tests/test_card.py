"""The printable household card: who may print it, and what it says."""

import re
from datetime import date

import pytest
import segno
from django.urls import reverse
from django.utils import translation

from conftest import signed_in
from mehman.core import dates, pdf, qr
from mehman.core.tests.test_pdf import MM, decode_svg_modules, matrix_modules, texts
from mehman.registry import services
from mehman.registry.models import Relationship, Sex, SpecificNeedCode
from mehman.registry.tests import factories
from mehman.registry.views.card import card_context


@pytest.fixture
def household(settlement_a, alice):
    return factories.household(settlement_a, by=alice, status="resident")


def card_url(household, **query):
    url = reverse("registry:card", kwargs={"reference": household.reference})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def card_layout(household, language, **kwargs):
    """The pages of the card as WeasyPrint lays them out for the PDF."""
    html = pdf.render_html(
        "registry/card.html", card_context(household, **kwargs), language=language
    )
    return html, pdf.layout(html)


def test_a_clerk_prints_the_card_of_a_household_in_her_settlement(alice, household):
    response = signed_in(alice).get(card_url(household))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{household.reference}.pdf"'
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF-")
    assert 5_000 < len(response.content) < 300_000


@pytest.mark.parametrize("persona", ["bob", "vera", "nasrin"])
def test_people_who_may_not_see_the_household_get_404(request, persona, household):
    response = signed_in(request.getfixturevalue(persona)).get(card_url(household))
    assert response.status_code == 404


def test_an_unknown_reference_is_404(alice, settlement_a):
    response = signed_in(alice).get(reverse("registry:card", kwargs={"reference": "TJ-999999"}))
    assert response.status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, household):
    response = client.get(card_url(household))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_qr_code_carries_the_reference_number_and_nothing_else(alice, household):
    response = signed_in(alice).get(card_url(household))
    printed = decode_svg_modules(response.context["qr"])
    assert printed == matrix_modules(segno.make_qr(household.reference, error="m"))
    head = household.head
    with_name = f"{household.reference} {head.given_name} {head.family_name}"
    assert printed != matrix_modules(segno.make_qr(with_name, error="m"))


def test_a_persian_card_shows_the_household_in_persian_with_jalali_years(alice, household):
    response = signed_in(alice).get(card_url(household))
    assert response.context["LANGUAGE_CODE"] == "fa"
    assert response.context["text_dir"] == "rtl"
    html, document = card_layout(household, "fa")
    words = " ".join(texts(document))
    assert household.reference in words
    assert "مهمانشهر تربت جام" in words
    for name in ("علی", "کریمی", "محمد", "فاطمه", "احمدی", "غلام", "حسین", "زهرا"):
        assert name in words
    # Born 23 September 1985 (1 Mehr 1364), 21 March 1990 (1 Farvardin 1369), 2015, 2022.
    for year in ("۱۳۶۴", "۱۳۶۹", "۱۳۹۴", "۱۴۰۰"):
        assert year in texts(document)
    assert "۱۹۸۵" not in words and "1985" not in words
    with translation.override("fa"):
        assert str(Relationship.SPOUSE.label) in words
        assert str(Sex.FEMALE.label) in words
    assert re.search(r'<html lang="fa"\s+dir="rtl"', html)
    assert document.pages[0]._page_box.style["direction"] == "rtl"


def test_an_english_user_gets_an_english_card(alice, household):
    alice.language = "en"
    alice.save()
    response = signed_in(alice).get(card_url(household))
    assert response.status_code == 200
    assert response.context["LANGUAGE_CODE"] == "en"
    assert response.context["text_dir"] == "ltr"
    _html, document = card_layout(household, "en")
    words = " ".join(texts(document))
    assert "Torbat-e Jam guest city" in words
    assert "Household card" in words
    assert "Head of household" in words
    assert "This card does not replace an identity document." in words
    assert "Spouse" in words and "Female" in words
    for year in ("1985", "1990", "2015", "2022"):
        assert year in texts(document)
    assert "1364" not in words
    assert "مهمانشهر" not in words
    assert document.pages[0]._page_box.style["direction"] == "ltr"


def test_the_card_is_dated_in_the_jalali_calendar(household):
    with translation.override("fa"):
        today = dates.format_date(dates.today(), style="long")  # e.g. ۸ آذر ۱۴۰۵
    _html, document = card_layout(household, "fa")
    assert today in " ".join(texts(document))


def test_members_who_died_or_left_are_not_on_the_card(alice, household):
    son = household.members.get(given_name="حسین")
    services.record_death(person=son, died_on=date(2024, 1, 1), by=alice)
    _html, document = card_layout(household, "fa")
    words = " ".join(texts(document))
    assert "حسین" not in words
    assert "زهرا" in words


def test_the_card_shows_no_protected_information(carla, household):
    code = SpecificNeedCode.objects.filter(sensitive=True, parent__isnull=False).first()
    services.record_need(person=household.head, code=code, by=carla, note="یادداشت محرمانه")
    for language in ("fa", "en"):
        html, document = card_layout(household, language)
        words = " ".join(texts(document))
        for secret in (code.code, code.label_fa, code.label_en, "یادداشت محرمانه"):
            assert secret not in words
            assert secret not in html


def test_the_card_fits_an_a6_page_or_an_a5_page_on_request(alice, household):
    _html, document = card_layout(household, "fa")
    assert len(document.pages) == 1
    assert document.pages[0].width == pytest.approx(148 * MM, abs=0.5)
    assert document.pages[0].height == pytest.approx(105 * MM, abs=0.5)
    _html, document = card_layout(household, "fa", size="a5")
    assert document.pages[0].width == pytest.approx(210 * MM, abs=0.5)
    response = signed_in(alice).get(card_url(household, size="a5"))
    assert response.context["size"] == "a5"
    response = signed_in(alice).get(card_url(household, size="letter"))
    assert response.context["size"] == "a6"


def test_a_large_household_flows_onto_a_second_page_with_the_reference_on_each(settlement_a, alice):
    children = [
        factories.member(given_name=f"فرزند{n}", relationship=Relationship.SON) for n in range(14)
    ]
    big = factories.household(settlement_a, by=alice, members=[factories.member(), *children])
    _html, document = card_layout(big, "fa")
    assert len(document.pages) == 2
    for page in document.pages:
        assert big.reference in texts(document, pages=[page])


def test_the_qr_image_is_the_reference_number_as_svg(household):
    context = card_context(household)
    assert context["qr"] == qr.qr_data_uri(household.reference)
    assert context["qr"].startswith("data:image/svg+xml")
