"""Access-matrix entries for the partners pages (merged into tests/test_access_matrix.py).

Reading the directory, activities and pledges is open to every signed-in user in
scope; volunteers are people (no analysts); every change needs partners.manage
(managers, administrators): clerks, partner staff and analysts get 404.
"""

from __future__ import annotations

from typing import Any

from mehman.partners import services
from mehman.partners.models import Organisation
from mehman.partners.tests import factories
from tests.matrix_entry import Entry

# Pages that change something: managers only.
_WRITERS_ONLY = ("alice", "vera", "nasrin")


def _charity(people: dict[str, Any]) -> Organisation:
    return factories.organisation(people["settlement_a"], by=people["mona"])


def _organisation_of_a(people: dict[str, Any]) -> dict[str, Any]:
    return {"organisation": _charity(people).uuid}


def _agreement_of_a(people: dict[str, Any]) -> dict[str, Any]:
    charity = _charity(people)
    agreement = factories.data_agreement(charity, people["settlement_a"], by=people["mona"])
    return {"agreement": agreement.uuid}


def _staff_link_of_a(people: dict[str, Any]) -> dict[str, Any]:
    charity = _charity(people)
    link = services.link_staff(organisation=charity, user=people["vera"], by=people["mona"])
    return {"organisation": charity.uuid, "link": link.uuid}


def _volunteer_of_a(people: dict[str, Any]) -> dict[str, Any]:
    volunteer = factories.volunteer(_charity(people), people["settlement_a"], by=people["mona"])
    return {"volunteer": volunteer.uuid}


def _assignment_of_a(people: dict[str, Any]) -> dict[str, Any]:
    charity = _charity(people)
    settlement, mona = people["settlement_a"], people["mona"]
    volunteer = factories.volunteer(charity, settlement, by=mona)
    activity = factories.activity(charity, settlement, by=mona)
    assignment = services.assign_volunteer(volunteer=volunteer, activity=activity, by=mona)
    return {"assignment": assignment.uuid}


def _activity_of_a(people: dict[str, Any]) -> dict[str, Any]:
    activity = factories.activity(_charity(people), people["settlement_a"], by=people["mona"])
    return {"activity": activity.uuid}


def _pledge_of_a(people: dict[str, Any]) -> dict[str, Any]:
    pledge = factories.pledge(_charity(people), people["settlement_a"], by=people["mona"])
    return {"pledge": pledge.uuid}


def _donation_of_a(people: dict[str, Any]) -> dict[str, Any]:
    pledge = factories.pledge(_charity(people), people["settlement_a"], by=people["mona"])
    donation = services.receive_donation(pledge=pledge, by=people["mona"], quantity=40)
    return {"donation": donation.uuid}


ENTRIES: dict[str, Entry] = {
    # Organisations
    "partners:organisations": Entry(),
    "partners:organisation": Entry(kwargs=_organisation_of_a, also_hidden_from=("vera",)),
    "partners:organisation_create": Entry(also_hidden_from=_WRITERS_ONLY),
    "partners:organisation_edit": Entry(kwargs=_organisation_of_a, also_hidden_from=_WRITERS_ONLY),
    "partners:contact_add": Entry(kwargs=_organisation_of_a, also_hidden_from=_WRITERS_ONLY),
    "partners:agreement_add": Entry(kwargs=_organisation_of_a, also_hidden_from=_WRITERS_ONLY),
    "partners:data_agreement_add": Entry(kwargs=_organisation_of_a, also_hidden_from=_WRITERS_ONLY),
    "partners:agreement_revoke": Entry(kwargs=_agreement_of_a, also_hidden_from=_WRITERS_ONLY),
    "partners:staff_link": Entry(kwargs=_organisation_of_a, also_hidden_from=_WRITERS_ONLY),
    "partners:staff_unlink": Entry(
        kwargs=_staff_link_of_a,
        method="post",
        insider_status=302,  # unlinked: back to the organisation's page
        also_hidden_from=_WRITERS_ONLY,
    ),
    # Volunteers (people: no analysts)
    "partners:volunteers": Entry(also_hidden_from=("nasrin",)),
    "partners:volunteer": Entry(kwargs=_volunteer_of_a, also_hidden_from=("vera", "nasrin")),
    "partners:volunteer_create": Entry(also_hidden_from=_WRITERS_ONLY),
    "partners:volunteer_edit": Entry(kwargs=_volunteer_of_a, also_hidden_from=_WRITERS_ONLY),
    "partners:volunteer_assign": Entry(kwargs=_volunteer_of_a, also_hidden_from=_WRITERS_ONLY),
    "partners:hours_add": Entry(kwargs=_assignment_of_a, also_hidden_from=_WRITERS_ONLY),
    # Activities
    "partners:activities": Entry(),
    "partners:activity_create": Entry(also_hidden_from=_WRITERS_ONLY),
    "partners:activity_edit": Entry(kwargs=_activity_of_a, also_hidden_from=_WRITERS_ONLY),
    "partners:activity_status": Entry(
        kwargs=_activity_of_a,
        method="post",
        insider_status=302,  # an empty choice is refused with a message, back to the list
        also_hidden_from=_WRITERS_ONLY,
    ),
    # Pledges and donations
    "partners:pledges": Entry(),
    "partners:pledge_create": Entry(also_hidden_from=_WRITERS_ONLY),
    "partners:pledge_receive": Entry(kwargs=_pledge_of_a, also_hidden_from=_WRITERS_ONLY),
    "partners:pledge_cancel": Entry(kwargs=_pledge_of_a, also_hidden_from=_WRITERS_ONLY),
    "partners:donation_store": Entry(kwargs=_donation_of_a, also_hidden_from=_WRITERS_ONLY),
}
