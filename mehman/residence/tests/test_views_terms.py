"""Residence terms through the client: the list (filters, counts, bounded queries), a term's
page, starting one by hand, its agreement (conditions, signature, scan), its exit plan, and
the exit — begun, then recorded, which ends the term and frees the home. A clerk reads but
changes nothing; outsiders, partner staff and analysts see nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from conftest import signed_in
from mehman.core import dates
from mehman.housing.models import Occupancy
from mehman.housing.tests import factories as hf
from mehman.registry.models import HouseholdStatus
from mehman.residence import services
from mehman.residence.models import AgreementCondition, ResidenceTerm, TermStatus

TERMS = reverse("residence:terms")


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def english(alice, mona, carla):
    """Compare the English source text: the Persian catalogue is the lead's to fill."""
    for user in (alice, mona, carla):
        user.language = "en"
        user.save(update_fields=["language"])


def _term(settlement, by, **kwargs) -> ResidenceTerm:
    household = hf.resident(settlement, by=by)
    return services.start_term(household=household, by=by, **kwargs)


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _url(name: str, term: ResidenceTerm) -> str:
    return reverse(f"residence:{name}", args=[term.reference])


# --- The list ---------------------------------------------------------------------------------


def test_the_list_shows_each_term_with_counts_per_status(settlement_a, mona, carla):
    first = _term(settlement_a, mona)
    second = _term(settlement_a, mona)
    services.record_agreement(term=second, by=mona, signed_on=dates.today())
    services.begin_exit(term=first, by=mona, reason="Returning home")

    response = signed_in(carla).get(TERMS)

    assert response.status_code == 200
    page = response.content.decode()
    assert first.reference in page and second.reference in page
    assert reverse("registry:household", args=[first.household.reference]) in page
    counts = {status: count for status, _label, count in response.context["counts"]}
    assert counts[TermStatus.ENDING] == 1
    assert counts[TermStatus.ACTIVE] == 1
    assert 'data-testid="signed"' in page and 'data-testid="unsigned"' in page


def test_the_list_filters_by_status_overdue_review_and_household(settlement_a, mona, carla):
    today = dates.today()
    late = _term(settlement_a, mona, started_on=today - timedelta(days=220))
    recent = _term(settlement_a, mona)
    client = signed_in(carla)

    overdue = client.get(TERMS, {"review_overdue": "on"}).context["page_obj"].object_list
    assert [t.reference for t in overdue] == [late.reference]
    by_household = client.get(TERMS, {"household": recent.household.reference.lower()})
    assert [t.reference for t in by_household.context["page_obj"]] == [recent.reference]
    services.begin_exit(term=recent, by=mona, reason="Leaving")
    ending = client.get(TERMS, {"status": "ending"}).context["page_obj"].object_list
    assert [t.reference for t in ending] == [recent.reference]
    assert 'data-testid="review-overdue"' in client.get(TERMS).content.decode()


def test_the_list_filters_terms_ending_soon_or_past_their_end(settlement_a, mona, carla):
    today = dates.today()
    soon = _term(settlement_a, mona, planned_end=today + timedelta(days=30))
    past = _term(
        settlement_a,
        mona,
        started_on=today - timedelta(days=400),
        planned_end=today - timedelta(days=5),
    )
    _term(settlement_a, mona)
    client = signed_in(carla)

    assert [t.reference for t in client.get(TERMS, {"ending": "soon"}).context["page_obj"]] == [
        soon.reference
    ]
    response = client.get(TERMS, {"ending": "past"})
    assert [t.reference for t in response.context["page_obj"]] == [past.reference]
    assert 'data-testid="past-end"' in response.content.decode()


def test_the_list_reads_a_bounded_number_of_queries(
    settlement_a, mona, carla, django_assert_max_num_queries
):
    for _ in range(6):
        _term(settlement_a, mona)
    client = signed_in(carla)
    client.get(TERMS)  # warm the session and the caches
    with django_assert_max_num_queries(14):
        response = client.get(TERMS)
    assert len(response.context["page_obj"].object_list) == 6


@pytest.mark.parametrize("persona", ["vera", "nasrin"])
def test_partners_and_analysts_get_404_on_the_list(persona, request):
    user = request.getfixturevalue(persona)
    assert signed_in(user).get(TERMS).status_code == 404


# --- One term ---------------------------------------------------------------------------------


def test_the_term_page_shows_the_household_conditions_and_extensions(settlement_a, mona, alice):
    term = _term(settlement_a, mona, exit_plan="Find work in the city")

    response = signed_in(alice).get(_url("term", term))

    assert response.status_code == 200
    page = response.content.decode()
    assert term.household.reference in page
    assert "Find work in the city" in page
    first = AgreementCondition.objects.active().filter(standard=True).first()
    assert first is not None and escape(first.text_en) in page
    assert "0 of 2 allowed" in page
    # A clerk reads the term but is offered no action on it.
    assert 'data-testid="review-link"' not in page
    assert 'data-testid="exit-form"' not in page


def test_bob_gets_404_for_a_term_of_settlement_a(settlement_a, mona, bob):
    term = _term(settlement_a, mona)
    client = signed_in(bob)
    for name in ("term", "agreement", "term_plan", "begin_exit"):
        assert client.get(_url(name, term)).status_code == 404


def test_the_timeline_shows_the_terms_events(settlement_a, mona, carla):
    term = _term(settlement_a, mona)
    services.begin_exit(term=term, by=mona, reason="Returning home")

    events = signed_in(carla).get(_url("term", term)).context["events"]

    kinds = {event.kind for event in events}
    assert {"residence.term_started", "residence.exit_begun"} <= kinds


# --- Starting a term by hand ------------------------------------------------------------------


def test_a_manager_starts_a_term_by_hand_with_the_conditions_chosen(settlement_a, mona):
    household = hf.resident(settlement_a, by=mona)
    url = reverse("residence:term_new", args=[household.reference])
    client = signed_in(mona)
    form = client.get(url).context["form"]
    standard = list(
        AgreementCondition.objects.active().filter(standard=True).values_list("code", flat=True)
    )
    assert form.initial["conditions"] == standard

    response = client.post(
        url,
        {
            "started_on": dates.today().isoformat(),
            "months": "24",
            "conditions": standard[:2],
            "pathway": "self_reliance",
            "exit_plan": "Vocational training",
        },
    )

    term = ResidenceTerm.objects.get(household=household)
    assert response.status_code == 302
    assert response["Location"] == _url("term", term)
    assert [c["code"] for c in term.conditions] == standard[:2]
    assert term.planned_end == dates.add_months(dates.today(), 24)
    assert term.pathway == "self_reliance"


def test_a_household_with_an_open_term_cannot_start_another(settlement_a, mona):
    term = _term(settlement_a, mona)
    url = reverse("residence:term_new", args=[term.household.reference])

    response = signed_in(mona).get(url)

    assert response.status_code == 200
    assert "already has an open residence term" in response.context["refusal"]
    assert 'data-testid="term-new"' not in response.content.decode()


def test_a_caseworker_cannot_start_a_term_by_hand(settlement_a, mona, carla):
    household = hf.resident(settlement_a, by=mona)
    url = reverse("residence:term_new", args=[household.reference])
    assert signed_in(carla).get(url).status_code == 404


# --- The agreement ----------------------------------------------------------------------------


def test_conditions_change_until_the_agreement_is_signed(settlement_a, mona, carla):
    term = _term(settlement_a, mona)
    client = signed_in(carla)
    codes = [c["code"] for c in term.conditions]

    response = client.post(
        _url("term_conditions", term), {"conditions": codes[:1], "version": term.version}
    )
    assert response.status_code == 302
    term.refresh_from_db()
    assert [c["code"] for c in term.conditions] == codes[:1]

    client.post(
        _url("agreement_sign", term),
        {"signed_on": dates.today().isoformat(), "version": term.version},
    )
    term.refresh_from_db()
    refused = client.post(
        _url("term_conditions", term), {"conditions": codes, "version": term.version}
    )

    assert refused.status_code == 200
    assert "its conditions can no longer change" in refused.content.decode()
    term.refresh_from_db()
    assert [c["code"] for c in term.conditions] == codes[:1]


def test_the_signed_scan_is_kept_and_served_only_in_scope(settlement_a, mona, carla, bob):
    term = _term(settlement_a, mona)
    scan = SimpleUploadedFile("signed.pdf", b"%PDF-1.4 signed", content_type="application/pdf")

    response = signed_in(carla).post(
        _url("agreement_sign", term),
        {"signed_on": dates.today().isoformat(), "version": term.version, "scan": scan},
    )

    assert response.status_code == 302
    term.refresh_from_db()
    assert term.agreement_signed_on == dates.today()
    served = signed_in(carla).get(_url("agreement_scan", term))
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == b"%PDF-1.4 signed"
    assert signed_in(bob).get(_url("agreement_scan", term)).status_code == 404
    assert _url("agreement_scan", term) in signed_in(carla).get(_url("term", term)).content.decode()


def test_a_signature_dated_in_the_future_is_refused(settlement_a, mona, carla):
    term = _term(settlement_a, mona)
    tomorrow = dates.today() + timedelta(days=1)

    response = signed_in(carla).post(
        _url("agreement_sign", term), {"signed_on": tomorrow.isoformat(), "version": term.version}
    )

    assert response.status_code == 200
    assert "This date is in the future." in response.content.decode()
    term.refresh_from_db()
    assert term.agreement_signed_on is None


# --- The exit plan ----------------------------------------------------------------------------


def test_a_caseworker_writes_the_exit_plan(settlement_a, mona, carla):
    term = _term(settlement_a, mona)

    response = signed_in(carla).post(
        _url("term_plan", term),
        {"pathway": "repatriation", "exit_plan": "Register for return", "version": term.version},
    )

    assert response.status_code == 302
    term.refresh_from_db()
    assert (term.pathway, term.exit_plan) == ("repatriation", "Register for return")


def test_an_edit_made_on_a_stale_page_is_refused(settlement_a, mona, carla):
    term = _term(settlement_a, mona)
    stale = term.version
    services.update_plan(term=term, by=mona, pathway="resettlement", exit_plan="UNHCR file")

    response = signed_in(carla).post(
        _url("term_plan", term),
        {"pathway": "repatriation", "exit_plan": "Other plan", "version": stale},
    )

    assert response.status_code == 200
    assert "Someone else changed this record meanwhile" in response.content.decode()
    term.refresh_from_db()
    assert term.pathway == "resettlement"


# --- The exit ---------------------------------------------------------------------------------


def test_beginning_then_recording_the_exit_ends_the_term_and_frees_the_home(
    settlement_a, mona, carla
):
    home = hf.unit(settlement_a, by=mona)
    household = hf.resident(settlement_a, home=home, by=mona)
    term = services.start_term(household=household, by=mona)
    client = signed_in(carla)

    begun = client.post(
        _url("begin_exit", term), {"reason": "Family returning", "version": term.version}
    )
    assert begun.status_code == 302
    term.refresh_from_db()
    assert term.status == TermStatus.ENDING
    assert 'data-testid="end-form"' in client.get(_url("term", term)).content.decode()

    ended = client.post(
        _url("term_end", term),
        {
            "exit_reason": "returned",
            "exit_on": dates.today().isoformat(),
            "note": "Left by bus",
            "version": term.version,
        },
    )

    assert ended.status_code == 302
    assert "The exit was recorded and the term ended." in _messages(ended)
    term.refresh_from_db()
    household.refresh_from_db()
    assert term.status == TermStatus.ENDED
    assert (term.exit_reason, term.exit_on) == ("returned", dates.today())
    assert household.status == HouseholdStatus.DEPARTED
    assert not Occupancy.objects.filter(unit=home, ended_on__isnull=True).exists()


def test_recording_an_exit_on_an_active_term_is_refused_with_a_clear_message(
    settlement_a, mona, carla
):
    term = _term(settlement_a, mona)
    client = signed_in(carla)
    page = client.get(_url("term", term)).content.decode()
    assert 'data-testid="exit-first"' in page
    assert 'data-testid="end-form"' not in page

    response = client.post(
        _url("term_end", term),
        {"exit_reason": "returned", "exit_on": dates.today().isoformat(), "version": term.version},
    )

    assert response.status_code == 200
    assert "Begin the exit first" in response.content.decode()
    term.refresh_from_db()
    assert term.status == TermStatus.ACTIVE
    assert term.exit_on is None


def test_beginning_the_exit_needs_a_reason(settlement_a, mona, carla):
    term = _term(settlement_a, mona)

    response = signed_in(carla).post(
        _url("begin_exit", term), {"reason": "", "version": term.version}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    term.refresh_from_db()
    assert term.status == TermStatus.ACTIVE


def test_a_clerk_cannot_begin_or_record_an_exit(settlement_a, mona, alice):
    term = _term(settlement_a, mona)
    client = signed_in(alice)
    assert client.post(_url("begin_exit", term), {"reason": "x"}).status_code == 404
    assert client.get(_url("term_end", term)).status_code == 404
    term.refresh_from_db()
    assert term.status == TermStatus.ACTIVE


# --- The household panel ----------------------------------------------------------------------


def test_the_household_panel_offers_a_manager_to_start_a_term(settlement_a, mona, alice):
    household = hf.resident(settlement_a, by=mona)
    url = reverse("registry:household", args=[household.reference])
    start = reverse("residence:term_new", args=[household.reference])

    assert start in signed_in(mona).get(url).content.decode()
    assert start not in signed_in(alice).get(url).content.decode()


def test_the_household_panel_shows_the_open_term(settlement_a, mona, alice):
    term = _term(settlement_a, mona)
    url = reverse("registry:household", args=[term.household.reference])

    page = signed_in(alice).get(url).content.decode()

    assert 'data-testid="open-term"' in page
    assert _url("term", term) in page
    assert "Not signed" in page
