"""Access-matrix entries for residence (documents), merged into tests/test_access_matrix.py.

The worklist and the campaigns' list and pages need residence.view (partner staff and
analysts get 404; Bob reaches the lists for his own settlement). Follow-ups, renewals,
excuses and looking for renewals need residence.documents (clerks may); opening and closing
a campaign residence.manage (a clerk gets 404).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from mehman.core import dates
from mehman.housing.tests.factories import resident
from mehman.registry import services as registry_services
from mehman.residence.services import campaigns
from tests.matrix_entry import Entry

_READERS_ONLY = ("vera", "nasrin")
_MANAGERS_ONLY = ("alice", "vera", "nasrin")


def _campaign_of_a(people: dict[str, Any]) -> Any:
    home = resident(people["settlement_a"], by=people["mona"])
    registry_services.add_document(
        person=home.members.order_by("id")[0],
        by=people["mona"],
        doc_type="amayesh",
        number_typed="A-555001",
        cycle="17",
        expires_on=date(2026, 6, 30),
    )
    today = dates.today()
    return campaigns.open_campaign(
        settlement=people["settlement_a"],
        by=people["mona"],
        title="Amayesh 18",
        doc_type="amayesh",
        cycle="18",
        starts_on=today,
        ends_on=today + timedelta(days=30),
    )


def _campaign(people: dict[str, Any]) -> dict[str, Any]:
    return {"reference": _campaign_of_a(people).reference}


def _target(people: dict[str, Any]) -> dict[str, Any]:
    return {"target": _campaign_of_a(people).targets.get().uuid}


def _api_target(people: dict[str, Any]) -> dict[str, Any]:
    return {"uuid": _campaign_of_a(people).targets.get().uuid}


ENTRIES: dict[str, Entry] = {
    "residence:documents": Entry(also_hidden_from=_READERS_ONLY),
    "residence:campaigns": Entry(also_hidden_from=_READERS_ONLY),
    "residence:campaign_new": Entry(also_hidden_from=_MANAGERS_ONLY),
    "residence:campaign": Entry(kwargs=_campaign, also_hidden_from=_READERS_ONLY),
    "residence:campaign_refresh": Entry(
        kwargs=_campaign, method="post", insider_status=302, also_hidden_from=_READERS_ONLY
    ),
    "residence:campaign_close": Entry(
        kwargs=_campaign, method="post", insider_status=302, also_hidden_from=_MANAGERS_ONLY
    ),
    "residence:campaign_target": Entry(kwargs=_target, also_hidden_from=_READERS_ONLY),
    # Reached: an empty form is shown again with its errors, and nothing changes.
    "residence:campaign_renewal": Entry(
        kwargs=_target, method="post", also_hidden_from=_READERS_ONLY
    ),
    "residence:campaign_excuse": Entry(
        kwargs=_target, method="post", also_hidden_from=_READERS_ONLY
    ),
    "api:residence:expiry_list": Entry(api=True, also_hidden_from=_READERS_ONLY),
    "api:residence:expiry_counts": Entry(api=True, also_hidden_from=_READERS_ONLY),
    "api:residence:campaign_list": Entry(api=True, also_hidden_from=_READERS_ONLY),
    "api:residence:campaign_detail": Entry(
        api=True, kwargs=_campaign, also_hidden_from=_READERS_ONLY
    ),
    "api:residence:campaign_targets": Entry(
        api=True, kwargs=_campaign, also_hidden_from=_READERS_ONLY
    ),
    # Reached: an empty body lacks its outcome or number.
    "api:residence:campaign_follow_up": Entry(
        api=True,
        kwargs=_api_target,
        method="post",
        insider_status=400,
        also_hidden_from=_READERS_ONLY,
    ),
    "api:residence:campaign_renewal": Entry(
        api=True,
        kwargs=_api_target,
        method="post",
        insider_status=400,
        also_hidden_from=_READERS_ONLY,
    ),
}
