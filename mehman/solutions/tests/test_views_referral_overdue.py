"""A referral made for a case and overdue shows on both sides — the caseworker's worklist and
case page, and the partner's portal — until the partner closes it with an outcome."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from conftest import signed_in
from mehman.assistance import services as assistance
from mehman.core import dates
from mehman.partners import services as partners
from mehman.partners.tests import factories as pf
from mehman.residence.models import Pathway
from mehman.solutions import services
from mehman.solutions.models import ServiceType
from mehman.solutions.tests import factories as f

TODAY = dates.today


@pytest.fixture
def referral(settlement_a, mona, carla, vera):
    household, _home, _term = f.housed(settlement_a, by=mona)
    case = f.case(household, by=carla, pathway=Pathway.LOCAL_INTEGRATION, days_ago=60)
    legal = pf.organisation(settlement_a, by=mona, name_en="Legal Aid Khorasan")
    pf.data_agreement(legal, settlement_a, by=mona)
    partners.link_staff(organisation=legal, user=vera, by=mona)
    return services.refer_to_partner(
        case=case,
        by=carla,
        organisation=legal,
        service_type=ServiceType.LEGAL_AID,
        follow_up_on=TODAY() - timedelta(days=3),
        consent_given=True,
        service="Tenancy contract counselling",
        referred_on=TODAY() - timedelta(days=20),
    )


def _marked_on_worklist(client, link) -> bool:
    html = client.get(reverse("solutions:worklists")).content.decode()
    return f'data-referral="{link.referral.uuid}"' in html


def _marked_on_portal(client, link) -> bool:
    html = client.get(reverse("assistance:portal")).content.decode()
    return f'data-referral="{link.referral.uuid}"' in html and 'data-testid="overdue"' in html


def test_an_overdue_case_referral_shows_on_both_sides_until_closed(referral, carla, vera):
    caseworker, partner = signed_in(carla), signed_in(vera)
    assert _marked_on_worklist(caseworker, referral)
    case_page = caseworker.get(reverse("solutions:case", args=[referral.case.reference]))
    assert 'data-testid="referral-overdue"' in case_page.content.decode()
    assert _marked_on_portal(partner, referral)

    # Accepting it is not enough: it stays overdue on both sides until closed.
    accepted = assistance.accept_referral(referral=referral.referral, by=vera)
    assert _marked_on_worklist(caseworker, referral)
    assert _marked_on_portal(partner, referral)

    assistance.close_referral(referral=accepted, by=vera, outcome="Contract reviewed and signed.")
    assert not _marked_on_worklist(caseworker, referral)
    assert not _marked_on_portal(partner, referral)
