"""Access-matrix entries for registry_links (merged into tests/test_access_matrix.py).

Linking and unlinking households need registry.edit: partner staff and analysts get 404,
like Bob on settlement A's households. The insider posts an empty form, which is shown
again with its errors (200), so nothing is changed by the matrix.
"""

from __future__ import annotations

from typing import Any

from mehman.registry import services
from mehman.registry.tests import factories
from tests.matrix_entry import Entry

_NO_EDIT = ("vera", "nasrin")


def _household_of_a(people: dict[str, Any]) -> dict[str, Any]:
    household = factories.household(people["settlement_a"], by=people["alice"])
    return {"reference": household.reference}


def _link_of_a(people: dict[str, Any]) -> dict[str, Any]:
    first = factories.household(people["settlement_a"], by=people["alice"])
    second = factories.household(people["settlement_a"], by=people["alice"])
    link = services.link_households(
        household=first, other=second, kinship="siblings", by=people["alice"]
    )
    return {"reference": first.reference, "link": link.uuid}


ENTRIES: dict[str, Entry] = {
    "registry:household_link": Entry(
        kwargs=_household_of_a, method="post", also_hidden_from=_NO_EDIT
    ),
    "registry:household_unlink": Entry(kwargs=_link_of_a, method="post", also_hidden_from=_NO_EDIT),
}
