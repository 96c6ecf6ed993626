"""Access-matrix entries for the assistance API (merged into tests/test_access_matrix.py).

Partner staff read a referral only while it is open and shared with their
organisation under a live data-sharing agreement; analysts read reach only.
"""

from __future__ import annotations

from typing import Any

from mehman.assistance import services
from mehman.partners import services as partners
from mehman.partners.tests import factories as partner_factories
from mehman.registry.tests import factories as registry_factories
from tests.matrix_entry import Entry


def _referral(people: dict[str, Any]) -> Any:
    organisation = partner_factories.organisation(people["settlement_a"], by=people["mona"])
    household = registry_factories.household(
        people["settlement_a"], by=people["alice"], status="resident"
    )
    return services.refer_household(
        household=household,
        organisation=organisation,
        by=people["alice"],
        sector="nfi",
        service="Winter kit",
        consent_given=True,
    )


def _referral_of_a(people: dict[str, Any]) -> dict[str, Any]:
    return {"uuid": _referral(people).uuid}


def _referral_shared_with_vera(people: dict[str, Any]) -> dict[str, Any]:
    """Vera works for the organisation, under a data-sharing agreement live today."""
    referral = _referral(people)
    organisation = referral.organisation
    partners.link_staff(organisation=organisation, user=people["vera"], by=people["mona"])
    partner_factories.data_agreement(organisation, people["settlement_a"], by=people["mona"])
    return {"uuid": referral.uuid}


def _activity_of_a(people: dict[str, Any]) -> dict[str, Any]:
    organisation = partner_factories.organisation(people["settlement_a"], by=people["mona"])
    activity = partner_factories.activity(organisation, people["settlement_a"], by=people["mona"])
    return {"uuid": activity.uuid}


ENTRIES: dict[str, Entry] = {
    "api:assistance:activity_reach": Entry(
        api=True, kwargs=_activity_of_a, insider="nasrin", also_hidden_from=("vera",)
    ),
    "api:assistance:delivery_list": Entry(api=True),
    "api:assistance:distribution_batch": Entry(
        api=True,
        method="post",
        insider_status=400,  # reached: the donation, activity and households are required
        also_hidden_from=("vera", "nasrin"),
    ),
    "api:assistance:referral_list": Entry(api=True),
    "api:assistance:referral_detail": Entry(
        api=True, kwargs=_referral_shared_with_vera, insider="vera", also_hidden_from=("nasrin",)
    ),
    "api:assistance:referral_accept": Entry(
        api=True,
        kwargs=_referral_shared_with_vera,
        method="post",
        insider="vera",
        also_hidden_from=("nasrin",),
    ),
    "api:assistance:referral_decline": Entry(
        api=True,
        kwargs=_referral_of_a,
        method="post",
        insider_status=400,  # reached: declining needs a reason
        also_hidden_from=("vera", "nasrin"),
    ),
    "api:assistance:referral_close": Entry(
        api=True,
        kwargs=_referral_of_a,
        method="post",
        insider_status=400,  # reached: closing needs the outcome
        also_hidden_from=("vera", "nasrin"),
    ),
    "api:assistance:expenditure_list": Entry(api=True),
}
