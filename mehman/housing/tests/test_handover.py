"""An offer of a unit is answered on housing's offer page, never through intake's own steps
(which would admit the household without moving it into the unit)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _

from conftest import signed_in
from mehman.housing import services
from mehman.housing.models import Occupancy, OfferStatus
from mehman.housing.tests import factories
from mehman.intake.models import ApplicationStatus
from mehman.intake.tests.factories import waitlisted


def _offered(settlement, alice, mona):
    unit = factories.unit(settlement, by=mona)
    application = waitlisted(settlement, by=alice, manager=mona)
    offer = services.offer_unit(unit=unit, application=application, by=mona)
    return offer, application


def test_the_application_page_sends_the_answer_to_the_offer_page(settlement_a, alice, mona):
    offer, application = _offered(settlement_a, alice, mona)
    html = signed_in(mona).get(reverse("intake:detail", args=[application.reference])).content
    page = html.decode()
    assert reverse("housing:offer", kwargs={"offer": offer.uuid}) in page
    for step in ("accept", "decline", "admit"):
        assert f'data-testid="action-{step}"' not in page


def test_accepting_through_intake_is_refused_and_changes_nothing(settlement_a, alice, mona):
    offer, application = _offered(settlement_a, alice, mona)
    url = reverse("intake:action", args=[application.reference, "accept"])
    response = signed_in(alice).post(url, {"confirm": "on"})
    assert response.status_code == 200
    message = _(
        "This offer is of a housing unit: record the household's answer on the "
        "offer's page, so that the household moves in at the same time."
    )
    assert escape(message) in response.content.decode()
    application.refresh_from_db()
    offer.refresh_from_db()
    assert (application.status, offer.status) == (ApplicationStatus.OFFERED, OfferStatus.OPEN)


def test_the_intake_api_refuses_to_admit_a_household_offered_a_unit(settlement_a, alice, mona):
    _offer, application = _offered(settlement_a, alice, mona)
    url = reverse("api:intake:application_accept", args=[application.reference])
    response = signed_in(mona).post(url, {}, content_type="application/json")
    assert response.status_code == 400
    assert "held_elsewhere" in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.OFFERED
    assert not Occupancy.objects.filter(household=application.household).exists()


def test_an_offer_made_in_words_through_intake_is_still_answered_there(settlement_a, alice, mona):
    from mehman.intake import services as intake

    application = waitlisted(settlement_a, by=alice, manager=mona)
    intake.make_offer(application=application, by=mona, place="Sarvestan transit house")
    url = reverse("intake:action", args=[application.reference, "accept"])
    signed_in(alice).post(url, {"confirm": "on"})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACCEPTED
