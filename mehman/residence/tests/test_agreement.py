"""The agreement a household signs, printed as a PDF: Persian by default with the term's own
conditions, English on request, the members and the lines to sign; only within scope."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from django.urls import reverse
from django.utils import translation

from conftest import signed_in
from mehman.core import dates, digits
from mehman.housing.tests import factories as hf
from mehman.residence import agreement, services
from mehman.residence.models import AgreementCondition, ResidenceTerm

BIDI_MARKS = set("\u200e\u200f\u202a\u202b\u202c\u202d\u202e")


def _term(settlement, by) -> ResidenceTerm:
    household = hf.resident(settlement, by=by)
    return services.start_term(
        household=household, by=by, pathway="self_reliance", exit_plan="Tailoring course"
    )


def _text(document: bytes) -> str | None:
    """The PDF's text, if poppler's pdftotext is at hand."""
    tool = shutil.which("pdftotext")
    if tool is None:
        return None
    done = subprocess.run([tool, "-", "-"], input=document, capture_output=True, check=True)  # noqa: S603
    return done.stdout.decode()


def _squeezed(text: str) -> str:
    """Without spaces and the direction marks pdftotext adds around right-to-left runs."""
    return "".join(ch for ch in text if not ch.isspace() and ch not in BIDI_MARKS)


def test_the_agreement_prints_in_persian_with_the_terms_conditions(settlement_a, mona):
    term = _term(settlement_a, mona)

    document = agreement.agreement_pdf(term)

    assert document.startswith(b"%PDF")
    html = agreement.agreement_html(term)
    assert 'lang="fa"' in html and 'dir="rtl"' in html
    for item in term.conditions:
        assert item["fa"] in html
    assert term.reference in html and term.household.reference in html
    with translation.override("fa"), digits.override(None):
        assert dates.format_date(term.planned_end, style="long") in html
    text = _text(document)
    if text is not None:
        assert _squeezed(term.conditions[0]["fa"]) in _squeezed(text)


def test_the_agreement_names_the_members_and_the_lines_to_sign(settlement_a, mona):
    term = _term(settlement_a, mona)
    context = agreement.agreement_context(term, "fa")

    members = term.household.active_members()
    assert len(context["members"]) == members.count()
    assert context["members"][0].head
    assert context["head_name"] == term.household.head.full_name
    html = agreement.agreement_html(term)
    for member in members:
        assert member.full_name in html
    assert all(not m.head and m.adult for m in context["adults"])


def test_the_agreement_prints_in_english_on_request(settlement_a, mona):
    term = _term(settlement_a, mona)
    client = signed_in(mona)

    response = client.get(reverse("residence:agreement", args=[term.reference]), {"lang": "en"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    html = agreement.agreement_html(term, "en")
    assert 'dir="ltr"' in html
    assert "Tailoring course" in html
    assert "Residence agreement" in html


def test_the_agreement_keeps_the_words_agreed_when_the_list_changes(settlement_a, mona):
    term = _term(settlement_a, mona)
    agreed = term.conditions[0]["fa"]
    AgreementCondition.objects.filter(code=term.conditions[0]["code"]).update(text_fa="متن تازه")

    assert agreed in agreement.agreement_html(term)


@pytest.mark.parametrize("persona", ["bob", "vera", "nasrin"])
def test_outsiders_get_404_for_the_agreement(persona, request, settlement_a, mona):
    term = _term(settlement_a, mona)
    user = request.getfixturevalue(persona)
    url = reverse("residence:agreement", args=[term.reference])
    assert signed_in(user).get(url).status_code == 404


def test_a_clerk_prints_the_agreement(settlement_a, mona, alice):
    term = _term(settlement_a, mona)
    response = signed_in(alice).get(reverse("residence:agreement", args=[term.reference]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
