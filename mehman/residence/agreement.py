"""The residence agreement a household signs: its term, its members, the numbered conditions
agreed (the term's own copy of their words) and its exit plan, printed in Persian (or English)
for the head, the adult members and the settlement manager to sign."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation

from mehman.core import dates, pdf, qr
from mehman.registry.models import Individual, Relationship
from mehman.residence.models import ResidenceTerm

DEFAULT_LANGUAGE = "fa"
ADULT_AGE = 18


def agreement_language(request: HttpRequest) -> str:
    """``?lang=en`` prints in English; Persian otherwise, whatever the interface language."""
    asked = request.GET.get("lang", "")
    return asked if asked in dict(settings.LANGUAGES) else DEFAULT_LANGUAGE


@dataclass(frozen=True)
class Signatory:
    name: str
    relationship: str
    birth_year: int | None
    adult: bool
    head: bool


def _name(person: Individual, language: str) -> str:
    return (person.latin_name if language == "en" else "") or person.full_name


def _birth_year(person: Individual, language: str) -> int | None:
    if person.birth_date is None:
        return None
    if language.startswith("fa"):
        return int(dates.to_jalali(person.birth_date).year)
    return person.birth_date.year


def members(term: ResidenceTerm, language: str) -> list[Signatory]:
    """The household's members, head first, as the agreement names them."""
    today = dates.today()
    head_id = term.household.head_id
    people = sorted(
        term.household.active_members(),
        key=lambda p: (p.pk != head_id, p.relationship != Relationship.HEAD, p.birth_date or today),
    )
    with translation.override(language):
        return [
            Signatory(
                name=_name(person, language),
                relationship=str(person.get_relationship_display()),
                birth_year=_birth_year(person, language),
                adult=(person.age_on(today) or 0) >= ADULT_AGE,
                head=person.pk == head_id,
            )
            for person in people
        ]


def agreement_context(term: ResidenceTerm, language: str) -> dict[str, Any]:
    everyone = members(term, language)
    head = term.household.head
    return {
        "term": term,
        "settlement": term.settlement,
        "household": term.household,
        "head_name": _name(head, language) if head else "",
        "members": everyone,
        "adults": [m for m in everyone if m.adult and not m.head],
        "conditions": term.condition_texts(language),
        "issued_on": dates.today(),
        "qr": qr.qr_data_uri(term.reference),
    }


def agreement_pdf(term: ResidenceTerm, language: str = DEFAULT_LANGUAGE) -> bytes:
    """The agreement of the term as a PDF, in ``language``."""
    context = agreement_context(term, language)
    return pdf.render_pdf("residence/agreement_pdf.html", context, language=language)


def agreement_html(term: ResidenceTerm, language: str = DEFAULT_LANGUAGE) -> str:
    """The HTML the PDF is printed from (for checks where no PDF reader is at hand)."""
    context = agreement_context(term, language)
    return pdf.render_html("residence/agreement_pdf.html", context, language=language)
