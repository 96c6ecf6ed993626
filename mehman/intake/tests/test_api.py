"""The intake API end to end, through the test client, for every persona."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from conftest import signed_in
from mehman.intake import services
from mehman.intake.api.access import ACTIONS
from mehman.intake.api.endpoints import TRANSITIONS
from mehman.intake.eligibility import DEFAULT_RULES
from mehman.intake.models import Application, ApplicationStatus, Ranking, WeightSet
from mehman.intake.tests import factories
from mehman.registry import services as registry_services
from mehman.registry.models import Household, HouseholdStatus
from mehman.registry.tests import factories as registry_factories
from mehman.registry.tests.test_api import codes, fields, patch, post

S = ApplicationStatus


def url(name: str, **kwargs) -> str:
    return reverse(f"api:intake:{name}", kwargs=kwargs)


def step(reference: str, action: str) -> str:
    return url(f"application_{action}", reference=reference)


def status_of(application: Application) -> str:
    return Application.objects.get(pk=application.pk).status


@pytest.fixture
def draft(settlement_a, alice) -> Application:
    return factories.application(settlement_a, by=alice)


def _waitlisted(settlement, alice, mona, **head) -> Application:
    members = registry_factories.family(**head) if head else None
    return factories.waitlisted(settlement, by=alice, manager=mona, members=members)


@pytest.fixture
def first(settlement_a, alice, mona) -> Application:
    """Waitlisted first: a man heads the household."""
    return _waitlisted(settlement_a, alice, mona)


@pytest.fixture
def second(settlement_a, alice, mona, first) -> Application:
    """Waitlisted after ``first``, and ahead of it: a woman heads the household."""
    return _waitlisted(settlement_a, alice, mona, sex="F", given_name="مریم")


# --- The whole way, and who may take each step ------------------------------------------------


def test_a_clerk_applies_and_the_manager_carries_the_household_to_admission(
    settlement_a, alice, mona
):
    household = registry_factories.household(settlement_a, by=alice)
    factories.with_residence_card(household, by=alice)
    clerk, manager = signed_in(alice), signed_in(mona)

    started = post(
        clerk,
        url("application_list"),
        {
            "household": household.reference.lower(),
            "channel": "walk_in",
            "current_housing": "rented",
            "current_place": "مشهد، گلشهر",
            "consent_given": True,
            "documents_seen": ["amayesh"],
        },
    )
    assert started.status_code == 201, started.json()
    reference = started.json()["reference"]
    assert started["Location"] == url("application_detail", reference=reference)
    assert started.json()["status"] == S.DRAFT
    assert started.json()["next_statuses"] == [S.SUBMITTED, S.WITHDRAWN]
    assert "pin" not in started.json()

    submitted = post(clerk, step(reference, "submit"))
    assert submitted.status_code == 200, submitted.json()
    pin = submitted.json()["pin"]
    application = Application.objects.get(reference=reference)
    assert len(pin) == 6 and services.pin_matches(application, pin)
    assert "pin" not in clerk.get(url("application_detail", reference=reference)).json()

    assert post(clerk, step(reference, "screen")).status_code == 404
    assert status_of(application) == S.SUBMITTED

    screened = post(manager, step(reference, "screen"))
    assert screened.json()["status"] == S.ELIGIBLE, screened.json()
    assert all(finding["passed"] for finding in screened.json()["eligibility"])

    waitlisted = post(manager, step(reference, "waitlist")).json()
    assert (waitlisted["status"], waitlisted["rank"], waitlisted["households_ahead"]) == (
        S.WAITLISTED,
        1,
        0,
    )
    assert sum(Decimal(line["points"]) for line in waitlisted["breakdown"]) == Decimal(
        waitlisted["score"]
    )

    offered = post(manager, step(reference, "offer"), {"place": "Block 3, unit 12"})
    assert offered.json()["status"] == S.OFFERED, offered.json()
    assert post(clerk, step(reference, "accept")).json()["status"] == S.ACCEPTED
    admitted = post(manager, step(reference, "admit"))
    assert admitted.json()["status"] == S.ADMITTED
    assert admitted.json()["actions"] == []
    assert Household.objects.get(pk=household.pk).status == HouseholdStatus.RESIDENT


def test_a_step_the_status_does_not_allow_is_400_with_code_transition(mona, draft):
    response = post(signed_in(mona), step(draft.reference, "admit"))
    assert response.status_code == 400
    assert codes(response) == ["transition"]
    with translation.override("fa"):
        expected = gettext("This application is “%(current)s”; it cannot become “%(new)s”.") % {
            "current": S.DRAFT.label,
            "new": S.ADMITTED.label,
        }
    assert response.json()["errors"][0]["message"] == expected
    assert status_of(draft) == S.DRAFT


@pytest.mark.parametrize("action", ["screen", "waitlist", "offer", "admit", "expire", "refresh"])
def test_a_clerk_cannot_decide(alice, draft, action):
    response = post(signed_in(alice), step(draft.reference, action), {"reason": "x"})
    assert response.status_code == 404
    assert codes(response) == ["not_found"]


def test_each_step_needs_the_capability_its_action_names():
    assert set(TRANSITIONS) == set(ACTIONS)
    for action, view in TRANSITIONS.items():
        assert view.capability == ACTIONS[action][0], action


def test_an_unknown_action_is_404(mona, draft):
    response = post(signed_in(mona), f"{url('application_detail', reference=draft.reference)}fly/")
    assert response.status_code == 404


def test_the_detail_says_what_this_user_may_do_next(alice, mona, first):
    reference = first.reference
    clerk_sees = signed_in(alice).get(url("application_detail", reference=reference)).json()
    manager_sees = signed_in(mona).get(url("application_detail", reference=reference)).json()
    assert clerk_sees["next_statuses"] == [S.WITHDRAWN, S.APPEAL]
    assert clerk_sees["actions"] == ["pin", "withdraw", "appeal"]
    assert manager_sees["next_statuses"] == [S.OFFERED, S.WITHDRAWN, S.EXPIRED, S.APPEAL]
    assert "offer" in manager_sees["actions"]


# --- Scope ----------------------------------------------------------------------------------------


def test_the_outsider_gets_404_for_everything_about_an_application_of_a(bob, draft):
    client = signed_in(bob)
    reference = draft.reference
    assert client.get(url("application_detail", reference=reference)).status_code == 404
    assert client.get(url("application_rank_history", reference=reference)).status_code == 404
    edit = patch(
        client,
        url("application_detail", reference=reference),
        {"current_place": "x", "version": draft.version},
    )
    assert edit.status_code == 404
    for action in TRANSITIONS:
        assert post(client, step(reference, action), {"reason": "x"}).status_code == 404, action
    assert client.get(url("application_list")).json()["count"] == 0
    assert Application.objects.get(pk=draft.pk).version == draft.version


@pytest.mark.parametrize("persona", ["vera", "nasrin"])
def test_partner_staff_and_analysts_read_no_applications(request, persona, first):
    client = signed_in(request.getfixturevalue(persona))
    assert client.get(url("application_list")).json()["count"] == 0
    assert client.get(url("application_detail", reference=first.reference)).status_code == 404
    for name in ("waitlist", "weights", "rules"):
        assert client.get(url(name), {"settlement": "TJ"}).status_code == 404, name
    assert post(client, step(first.reference, "withdraw"), {"reason": "x"}).status_code == 404


def test_another_settlements_waitlist_is_404(bob, first):
    assert signed_in(bob).get(url("waitlist"), {"settlement": "TJ"}).status_code == 404


def test_a_household_out_of_scope_cannot_apply(bob, settlement_a, alice):
    household = registry_factories.household(settlement_a, by=alice)
    response = post(
        signed_in(bob),
        url("application_list"),
        {
            "household": household.reference,
            "channel": "walk_in",
            "current_housing": "rented",
            "current_place": "x",
        },
    )
    assert response.status_code == 400
    assert (codes(response), fields(response)) == (["unknown"], ["household"])
    assert not Application.objects.exists()


def test_the_list_filters_by_status_channel_and_settlement(alice, draft, first):
    client = signed_in(alice)
    listed = client.get(url("application_list"), {"status": "waitlisted"}).json()
    assert [row["reference"] for row in listed["results"]] == [first.reference]
    assert client.get(url("application_list"), {"channel": "partner"}).json()["count"] == 0
    assert client.get(url("application_list"), {"settlement": "tj"}).json()["count"] == 2
    assert client.get(url("application_list"), {"settlement": "SV"}).json()["count"] == 0


# --- Corrections and versions ---------------------------------------------------------------------


def test_details_are_corrected_with_the_version_read(alice, draft):
    client = signed_in(alice)
    read = client.get(url("application_detail", reference=draft.reference))
    response = patch(
        client,
        url("application_detail", reference=draft.reference),
        {"current_place": "تربت جام", "monthly_income": 0},
        headers={"If-Match": read["ETag"]},
    )
    assert response.status_code == 200, response.json()
    assert response["ETag"] == f'"{draft.version + 1}"'
    corrected = Application.objects.get(pk=draft.pk)
    assert (corrected.current_place, corrected.f_no_income) == ("تربت جام", True)


def test_a_stale_if_match_is_412_and_changes_nothing(alice, draft):
    services.update_application(application=draft, by=alice, reasons="Rent doubled")
    response = patch(
        signed_in(alice),
        url("application_detail", reference=draft.reference),
        {"current_place": "x"},
        headers={"If-Match": f'"{draft.version}"'},
    )
    assert response.status_code == 412
    assert codes(response) == ["stale"]
    assert Application.objects.get(pk=draft.pk).current_place == "مشهد، گلشهر"


def test_a_correction_without_a_version_is_428(alice, draft):
    response = patch(
        signed_in(alice), url("application_detail", reference=draft.reference), {"reasons": "x"}
    )
    assert response.status_code == 428


def test_a_screened_application_is_corrected_only_with_a_reason(alice, first):
    client = signed_in(alice)
    address = url("application_detail", reference=first.reference)
    refused = patch(client, address, {"eviction_risk": True, "version": first.version})
    assert (refused.status_code, fields(refused)) == (400, ["reason"])
    done = patch(
        client, address, {"eviction_risk": True, "version": first.version, "reason": "Notice"}
    )
    assert done.status_code == 200, done.json()
    assert Decimal(done.json()["score"]) > first.score
    latest = client.get(url("application_rank_history", reference=first.reference)).json()[0]
    with translation.override("fa"):
        assert latest["explanation"] == gettext(
            "This household's information changed, and with it its score."
        )


# --- Steps with input -----------------------------------------------------------------------------


def test_a_submission_without_consent_is_refused_on_its_field(settlement_a, alice):
    application = factories.application(settlement_a, by=alice, consent_given=False)
    response = post(signed_in(alice), step(application.reference, "submit"))
    assert (response.status_code, fields(response)) == (400, ["consent_given"])
    assert status_of(application) == S.DRAFT


def test_a_new_pin_replaces_the_old_one(settlement_a, alice):
    application, old = factories.submitted(settlement_a, by=alice)
    response = post(signed_in(alice), step(application.reference, "pin"))
    new = response.json()["pin"]
    application.refresh_from_db()
    assert services.pin_matches(application, new)
    assert new == old or not services.pin_matches(application, old)


def test_an_ineligible_household_appeals_and_the_manager_upholds_it(settlement_a, alice, mona):
    application, _pin = factories.submitted(settlement_a, by=alice)  # no residence card
    screened = post(signed_in(mona), step(application.reference, "screen")).json()
    assert screened["status"] == S.INELIGIBLE
    assert [f["kind"] for f in screened["eligibility"] if not f["passed"]] == ["residence_document"]
    no_grounds = post(signed_in(alice), step(application.reference, "appeal"), {"grounds": ""})
    assert (no_grounds.status_code, fields(no_grounds)) == (400, ["grounds"])
    post(signed_in(alice), step(application.reference, "appeal"), {"grounds": "Card renewed"})
    decided = post(
        signed_in(mona),
        step(application.reference, "decide"),
        {"upheld": True, "decision": "The card was shown."},
    )
    assert decided.json()["status"] == S.ELIGIBLE, decided.json()


def test_passing_over_households_ranked_higher_needs_a_reason(mona, first, second):
    client = signed_in(mona)
    refused = post(client, step(first.reference, "offer"), {"place": "Block 1"})
    assert (codes(refused), fields(refused)) == (["rank_order"], ["skip_reason"])
    offered = post(
        client,
        step(first.reference, "offer"),
        {"place": "Block 1", "skip_reason": "The home is on the ground floor."},
    )
    assert offered.json()["status"] == S.OFFERED


def test_a_declined_offer_goes_back_to_the_waitlist(alice, mona, first):
    post(signed_in(mona), step(first.reference, "offer"), {"place": "Block 1"})
    declined = post(signed_in(alice), step(first.reference, "decline"), {"reason": "Too far"})
    assert declined.json()["status"] == S.WAITLISTED
    assert declined.json()["decline_reason"] == "Too far"
    assert declined.json()["rank"] == 1


def test_a_withdrawal_needs_its_reason_and_gives_up_the_place(alice, first, second):
    client = signed_in(alice)
    refused = post(client, step(second.reference, "withdraw"), {"reason": " "})
    assert (refused.status_code, fields(refused)) == (400, ["reason"])
    withdrawn = post(client, step(second.reference, "withdraw"), {"reason": "Moved to Mashhad"})
    assert (withdrawn.json()["status"], withdrawn.json()["rank"]) == (S.WITHDRAWN, None)
    assert Application.objects.get(pk=first.pk).rank == 1


# --- Scores: breakdown, waitlist, what-if, weights -----------------------------------------------


def test_protected_needs_are_one_confidential_line_without_protection_access(
    settlement_a, alice, carla, mona
):
    application = _waitlisted(settlement_a, alice, mona)
    registry_services.record_need(person=application.household.head, code="LP-AN", by=carla)
    services.refresh_application(application=application, by=mona)
    address = url("application_detail", reference=application.reference)
    with translation.override("fa"):
        hidden = gettext("Protected specific needs (confidential)")
    clerk_lines = [line["label"] for line in signed_in(alice).get(address).json()["breakdown"]]
    carla_lines = [line["label"] for line in signed_in(carla).get(address).json()["breakdown"]]
    assert hidden in clerk_lines
    assert hidden not in carla_lines
    assert len(carla_lines) == len(clerk_lines)


def test_the_waitlist_is_in_rank_order_with_each_breakdown(alice, first, second):
    listed = signed_in(alice).get(url("waitlist")).json()
    rows = listed["results"]
    assert [row["reference"] for row in rows] == [second.reference, first.reference]
    assert [row["rank"] for row in rows] == [1, 2]
    for row in rows:
        assert row["household_size"] == 4
        assert row["months_waited"] == 0
        assert sum(Decimal(line["points"]) for line in row["breakdown"]) == Decimal(row["score"])


def test_the_waitlist_takes_a_fixed_number_of_queries(
    settlement_a, alice, mona, first, django_assert_max_num_queries
):
    client = signed_in(alice)
    client.get(url("waitlist"))  # the session's first request does its own writes
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url("waitlist")).json()["count"] == 1
    for _number in range(3):
        _waitlisted(settlement_a, alice, mona)
    with django_assert_max_num_queries(len(captured)):
        assert client.get(url("waitlist")).json()["count"] == 4


def test_a_preview_reorders_the_waitlist_and_saves_nothing(mona, first, second):
    weights_before, rankings_before = WeightSet.objects.count(), Ranking.objects.count()
    response = post(
        signed_in(mona),
        url("waitlist_preview"),
        {"settlement": "TJ", "weights": {"female_head": 0}},
    )
    assert response.status_code == 200, response.json()
    preview = response.json()
    assert preview["weights"]["female_head"] == "0.00"
    placed = {row["reference"]: row for row in preview["placements"]}
    # Equal scores now: the earlier submission goes first.
    assert (placed[first.reference]["rank"], placed[first.reference]["old_rank"]) == (1, 2)
    assert placed[first.reference]["score"] == placed[second.reference]["score"]
    assert preview["moved"] == 2
    assert Application.objects.get(pk=first.pk).rank == 2
    assert (WeightSet.objects.count(), Ranking.objects.count()) == (
        weights_before,
        rankings_before,
    )


def test_a_weight_out_of_range_is_refused_on_its_criterion(mona, first):
    response = post(signed_in(mona), url("waitlist_preview"), {"weights": {"female_head": "2000"}})
    assert (response.status_code, fields(response)) == (400, ["weights.female_head"])
    unknown = post(signed_in(mona), url("waitlist_preview"), {"weights": {"height": "1"}})
    assert (codes(unknown), fields(unknown)) == (["criterion"], ["weights.height"])


def test_publishing_weights_reranks_and_the_history_explains_the_move(mona, alice, first, second):
    response = post(
        signed_in(mona),
        url("weights"),
        {"weights": {"female_head": "0"}, "note": "Review of 1404"},
    )
    assert response.status_code == 201, response.json()
    assert (response.json()["number"], response.json()["published_by"]) == (2, "mona")
    assert Application.objects.get(pk=first.pk).rank == 1
    versions = signed_in(alice).get(url("weights")).json()["results"]
    assert [v["number"] for v in versions] == [2, 1]
    moves = signed_in(alice).get(url("application_rank_history", reference=first.reference))
    latest = moves.json()[0]
    assert (latest["old_rank"], latest["new_rank"], latest["direction"]) == (2, 1, "up")
    assert latest["weights_number"] == 2
    with translation.override("fa"):
        assert latest["explanation"] == gettext(
            "New weights were published and changed other households' scores."
        )


def test_a_clerk_neither_previews_nor_publishes_weights(alice, first):
    client = signed_in(alice)
    assert post(client, url("waitlist_preview"), {"weights": {}}).status_code == 404
    published = post(client, url("weights"), {"weights": {"female_head": "1"}, "note": "x"})
    assert published.status_code == 404
    assert WeightSet.objects.count() == 1


def test_publishing_needs_a_note(mona, first):
    response = post(signed_in(mona), url("weights"), {"weights": {"female_head": "1"}, "note": ""})
    assert (response.status_code, fields(response)) == (400, ["note"])


def test_the_rules_are_read_with_their_messages_and_not_changed_here(alice, mona, settlement_a):
    rules = signed_in(alice).get(url("rules")).json()
    assert [rule["kind"] for rule in rules] == [kind for kind, *_rest in DEFAULT_RULES]
    assert rules[0]["message_fa"] == DEFAULT_RULES[0][2]
    assert post(signed_in(mona), url("rules"), {"kind": "consent"}).status_code == 405
