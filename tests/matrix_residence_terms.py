"""Access-matrix entries for residence (terms), merged into tests/test_access_matrix.py.

Reading terms, their agreement and the reviews worklist needs ``residence.view`` (partner staff
and analysts get 404); reviews, the agreement's signature and conditions, the exit plan and
the exit need ``residence.review`` (clerks get 404 too); starting a term by hand needs
``residence.manage``.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from mehman.housing.tests import factories as housing_factories
from mehman.residence import services
from mehman.residence.models import ResidenceTerm
from tests.matrix_entry import Entry

_NO_RESIDENCE = ("vera", "nasrin")
_REVIEWERS_ONLY = ("alice", "vera", "nasrin")


def term_in_a(people: dict[str, Any]) -> ResidenceTerm:
    household = housing_factories.resident(people["settlement_a"], by=people["mona"])
    return services.start_term(household=household, by=people["mona"])


def term_of_a(people: dict[str, Any]) -> dict[str, Any]:
    return {"reference": term_in_a(people).reference}


def ending_term_of_a(people: dict[str, Any]) -> dict[str, Any]:
    term = services.begin_exit(term=term_in_a(people), by=people["mona"], reason="Returning home")
    return {"reference": term.reference}


def _signed_term_of_a(people: dict[str, Any]) -> dict[str, Any]:
    term = term_in_a(people)
    scan = SimpleUploadedFile("agreement.pdf", b"%PDF-1.4 scan", content_type="application/pdf")
    services.record_agreement(term=term, by=people["mona"], signed_on=term.started_on, scan=scan)
    return {"reference": term.reference}


def _resident_of_a(people: dict[str, Any]) -> dict[str, Any]:
    household = housing_factories.resident(people["settlement_a"], by=people["mona"])
    return {"reference": household.reference}


ENTRIES: dict[str, Entry] = {
    "residence:terms": Entry(also_hidden_from=_NO_RESIDENCE),
    "residence:reviews": Entry(also_hidden_from=_NO_RESIDENCE),
    "residence:term": Entry(kwargs=term_of_a, also_hidden_from=_NO_RESIDENCE),
    "residence:term_new": Entry(kwargs=_resident_of_a, also_hidden_from=_REVIEWERS_ONLY),
    "residence:agreement": Entry(kwargs=term_of_a, also_hidden_from=_NO_RESIDENCE),
    "residence:agreement_scan": Entry(kwargs=_signed_term_of_a, also_hidden_from=_NO_RESIDENCE),
    "residence:agreement_sign": Entry(kwargs=term_of_a, also_hidden_from=_REVIEWERS_ONLY),
    "residence:term_conditions": Entry(kwargs=term_of_a, also_hidden_from=_REVIEWERS_ONLY),
    "residence:term_plan": Entry(kwargs=term_of_a, also_hidden_from=_REVIEWERS_ONLY),
    "residence:review": Entry(kwargs=term_of_a, also_hidden_from=_REVIEWERS_ONLY),
    "residence:begin_exit": Entry(kwargs=term_of_a, also_hidden_from=_REVIEWERS_ONLY),
    "residence:term_end": Entry(kwargs=ending_term_of_a, also_hidden_from=_REVIEWERS_ONLY),
}
