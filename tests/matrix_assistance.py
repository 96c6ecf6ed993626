"""Access-matrix entries for the assistance pages (merged into tests/test_access_matrix.py).

Staff pages are hidden from Vera (partner staff) and Nasrin (analyst, no names); the
portal is Vera's, once her builder has linked her to an organisation under a live
data-sharing agreement, and hidden from staff.
"""

from __future__ import annotations

from typing import Any

from mehman.assistance import services as assistance
from mehman.partners import services as partners
from mehman.partners.models import Organisation
from mehman.partners.tests import factories as partner_factories
from mehman.registry.tests import factories as registry_factories
from tests.matrix_entry import Entry

_STAFF_ONLY = ("vera", "nasrin")


def _organisation(people: dict[str, Any], *, vera_works_there: bool = False) -> Organisation:
    organisation = partner_factories.organisation(people["settlement_a"], by=people["mona"])
    if vera_works_there:
        partners.link_staff(organisation=organisation, user=people["vera"], by=people["mona"])
        partner_factories.data_agreement(organisation, people["settlement_a"], by=people["mona"])
    return organisation


def _household_of_a(people: dict[str, Any]) -> dict[str, Any]:
    household = registry_factories.household(people["settlement_a"], by=people["alice"])
    return {"reference": household.reference}


def _referral(people: dict[str, Any], *, shared: bool) -> dict[str, Any]:
    organisation = _organisation(people, vera_works_there=shared)
    household = registry_factories.household(
        people["settlement_a"], by=people["alice"], status="resident"
    )
    referral = assistance.refer_household(
        household=household,
        organisation=organisation,
        by=people["alice"],
        sector="nfi",
        service="Winter kit",
        consent_given=True,
    )
    return {"referral": referral.uuid}


def _referral_of_a(people: dict[str, Any]) -> dict[str, Any]:
    return _referral(people, shared=False)


def _referral_shared_with_vera(people: dict[str, Any]) -> dict[str, Any]:
    return _referral(people, shared=True)


def _activity_of_a(people: dict[str, Any]) -> dict[str, Any]:
    activity = partner_factories.activity(
        _organisation(people), people["settlement_a"], by=people["mona"]
    )
    return {"activity": activity.uuid}


def _donation_of_a(people: dict[str, Any]) -> dict[str, Any]:
    pledge = partner_factories.pledge(
        _organisation(people), people["settlement_a"], by=people["mona"]
    )
    donation = partners.receive_donation(pledge=pledge, by=people["mona"], quantity=10)
    return {"donation": donation.uuid}


def _vera_partner(people: dict[str, Any]) -> dict[str, Any]:
    _organisation(people, vera_works_there=True)
    return {}


ENTRIES: dict[str, Entry] = {
    "assistance:referrals": Entry(also_hidden_from=_STAFF_ONLY),
    "assistance:refer": Entry(kwargs=_household_of_a, also_hidden_from=_STAFF_ONLY),
    "assistance:referral": Entry(kwargs=_referral_of_a, also_hidden_from=_STAFF_ONLY),
    "assistance:referral_accept": Entry(kwargs=_referral_of_a, also_hidden_from=_STAFF_ONLY),
    "assistance:referral_decline": Entry(kwargs=_referral_of_a, also_hidden_from=_STAFF_ONLY),
    "assistance:referral_close": Entry(kwargs=_referral_of_a, also_hidden_from=_STAFF_ONLY),
    "assistance:deliver": Entry(kwargs=_activity_of_a, also_hidden_from=_STAFF_ONLY),
    "assistance:distribute": Entry(kwargs=_activity_of_a, also_hidden_from=_STAFF_ONLY),
    "assistance:attend": Entry(kwargs=_activity_of_a, also_hidden_from=_STAFF_ONLY),
    "assistance:spend": Entry(kwargs=_donation_of_a, also_hidden_from=("alice", *_STAFF_ONLY)),
    "assistance:portal": Entry(
        kwargs=_vera_partner, insider="vera", also_hidden_from=("mona", "alice", "nasrin")
    ),
    "assistance:portal_household": Entry(
        kwargs=_referral_shared_with_vera,
        insider="vera",
        also_hidden_from=("mona", "alice", "nasrin"),
    ),
}
