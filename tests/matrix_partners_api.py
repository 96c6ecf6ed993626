"""Access-matrix entries for the partners API (merged into tests/test_access_matrix.py).

Writes need ``partners.manage``: clerks, partner staff and analysts get 404.
Partner staff who work for no organisation read nothing; analysts read
organisations, activities and pledges but not agreements, volunteers or donations.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from mehman.core import dates
from mehman.partners import services
from mehman.partners.tests import factories
from tests.matrix_entry import Entry

_WRITERS_ONLY = ("alice", "vera", "nasrin")


def _organisation(people: dict[str, Any]) -> Any:
    return factories.organisation(people["settlement_a"], by=people["mona"])


def _organisation_of_a(people: dict[str, Any]) -> dict[str, Any]:
    return {"uuid": _organisation(people).uuid}


def _agreement_of_a(people: dict[str, Any]) -> dict[str, Any]:
    agreement = services.record_agreement(
        organisation=_organisation(people),
        by=people["mona"],
        title="Winter support",
        scope="Winter kits",
        settlements=[people["settlement_a"]],
        valid_from=dates.today() - timedelta(days=1),
        valid_to=dates.today() + timedelta(days=90),
    )
    return {"uuid": agreement.uuid}


def _data_agreement_of_a(people: dict[str, Any]) -> dict[str, Any]:
    agreement = factories.data_agreement(
        _organisation(people), people["settlement_a"], by=people["mona"]
    )
    return {"uuid": agreement.uuid}


def _volunteer_of_a(people: dict[str, Any]) -> dict[str, Any]:
    volunteer = factories.volunteer(
        _organisation(people), people["settlement_a"], by=people["mona"]
    )
    return {"uuid": volunteer.uuid}


def _assignment_of_a(people: dict[str, Any]) -> dict[str, Any]:
    organisation = _organisation(people)
    volunteer = factories.volunteer(organisation, people["settlement_a"], by=people["mona"])
    activity = factories.activity(organisation, people["settlement_a"], by=people["mona"])
    assignment = services.assign_volunteer(
        volunteer=volunteer, activity=activity, by=people["mona"]
    )
    return {"uuid": assignment.uuid}


def _activity_of_a(people: dict[str, Any]) -> dict[str, Any]:
    activity = factories.activity(_organisation(people), people["settlement_a"], by=people["mona"])
    return {"uuid": activity.uuid}


def _pledge_of_a(people: dict[str, Any]) -> dict[str, Any]:
    pledge = factories.pledge(_organisation(people), people["settlement_a"], by=people["mona"])
    return {"uuid": pledge.uuid}


def _donation_of_a(people: dict[str, Any]) -> dict[str, Any]:
    pledge = factories.pledge(_organisation(people), people["settlement_a"], by=people["mona"])
    donation = services.receive_donation(pledge=pledge, by=people["mona"], quantity=1)
    return {"uuid": donation.uuid}


def _organisation_of_vera(people: dict[str, Any]) -> dict[str, Any]:
    """Vera's own organisation: she reads it and its agreements."""
    organisation = _organisation(people)
    services.link_staff(organisation=organisation, user=people["vera"], by=people["mona"])
    return {"uuid": organisation.uuid}


ENTRIES: dict[str, Entry] = {
    "api:partners:organisation_list": Entry(api=True),
    "api:partners:organisation_detail": Entry(
        api=True, kwargs=_organisation_of_a, also_hidden_from=("vera",)
    ),
    "api:partners:organisation_agreements": Entry(
        api=True, kwargs=_organisation_of_vera, insider="vera", also_hidden_from=("nasrin",)
    ),
    "api:partners:organisation_data_agreements": Entry(
        api=True, kwargs=_organisation_of_a, also_hidden_from=("vera", "nasrin")
    ),
    "api:partners:agreement_revoke": Entry(
        api=True,
        kwargs=_agreement_of_a,
        method="post",
        insider_status=400,  # reached: revoking needs a reason
        also_hidden_from=_WRITERS_ONLY,
    ),
    "api:partners:data_agreement_revoke": Entry(
        api=True,
        kwargs=_data_agreement_of_a,
        method="post",
        insider_status=400,
        also_hidden_from=_WRITERS_ONLY,
    ),
    "api:partners:volunteer_list": Entry(api=True),
    "api:partners:volunteer_detail": Entry(
        api=True, kwargs=_volunteer_of_a, also_hidden_from=("vera", "nasrin")
    ),
    "api:partners:volunteer_assignments": Entry(
        api=True, kwargs=_volunteer_of_a, also_hidden_from=("vera", "nasrin")
    ),
    "api:partners:assignment_hours": Entry(
        api=True,
        kwargs=_assignment_of_a,
        method="post",
        insider_status=400,  # reached: the day and the hours are required
        also_hidden_from=_WRITERS_ONLY,
    ),
    "api:partners:activity_list": Entry(api=True),
    "api:partners:activity_detail": Entry(
        api=True, kwargs=_activity_of_a, also_hidden_from=("vera",)
    ),
    "api:partners:activity_status": Entry(
        api=True,
        kwargs=_activity_of_a,
        method="post",
        insider_status=400,  # reached: the new status is required
        also_hidden_from=_WRITERS_ONLY,
    ),
    "api:partners:pledge_list": Entry(api=True),
    "api:partners:pledge_detail": Entry(api=True, kwargs=_pledge_of_a, also_hidden_from=("vera",)),
    "api:partners:pledge_donations": Entry(
        api=True, kwargs=_pledge_of_a, also_hidden_from=("vera", "nasrin")
    ),
    "api:partners:pledge_cancel": Entry(
        api=True,
        kwargs=_pledge_of_a,
        method="post",
        insider_status=400,  # reached: cancelling needs a reason
        also_hidden_from=_WRITERS_ONLY,
    ),
    "api:partners:donation_list": Entry(api=True),
    "api:partners:donation_store": Entry(
        api=True,
        kwargs=_donation_of_a,
        method="post",
        insider_status=400,  # reached: the store is required
        also_hidden_from=_WRITERS_ONLY,
    ),
}
