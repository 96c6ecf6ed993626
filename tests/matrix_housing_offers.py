"""Access-matrix entries for housing_offers (merged into tests/test_access_matrix.py).

Vacancies and offers name households: partner staff and analysts get 404 on every page.
Offering a unit needs housing.allocate, so a clerk gets 404 there too; recording the
household's answer needs housing.answer, which clerks have.
"""

from __future__ import annotations

from typing import Any

from mehman.housing import services
from mehman.housing.tests import factories
from mehman.intake.tests import factories as intake_factories
from tests.matrix_entry import Entry

_NO_RECORDS = ("vera", "nasrin")
_ALLOCATORS_ONLY = ("alice", "vera", "nasrin")


def _vacant_unit_of_a(people: dict[str, Any]) -> dict[str, Any]:
    unit = factories.unit(people["settlement_a"], by=people["mona"])
    return {"reference": unit.reference}


def _offer_of_a(people: dict[str, Any]) -> dict[str, Any]:
    settlement = people["settlement_a"]
    application = intake_factories.waitlisted(
        settlement, by=people["alice"], manager=people["mona"]
    )
    unit = factories.unit(settlement, by=people["mona"])
    offer = services.offer_unit(unit=unit, application=application, by=people["mona"])
    return {"offer": offer.uuid}


def _decline_of_a(people: dict[str, Any]) -> dict[str, Any]:
    return {**_offer_of_a(people), "answer": "decline"}


ENTRIES: dict[str, Entry] = {
    "housing:vacancies": Entry(also_hidden_from=_NO_RECORDS),
    "housing:offer_new": Entry(kwargs=_vacant_unit_of_a, also_hidden_from=_ALLOCATORS_ONLY),
    "housing:offers": Entry(also_hidden_from=_NO_RECORDS),
    "housing:offer": Entry(kwargs=_offer_of_a, also_hidden_from=_NO_RECORDS),
    # An empty decline: reached, and shown again asking for the household's reason.
    "housing:offer_answer": Entry(
        kwargs=_decline_of_a, method="post", also_hidden_from=_NO_RECORDS
    ),
}
