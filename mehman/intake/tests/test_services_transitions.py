"""The status machine: every transition ALLOWED_TRANSITIONS allows is made by a service
that writes its event and a history row; every other is refused and changes nothing.

Each application is put in its status through the services, then each transition
service is tried on it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from mehman.intake import events as intake_events
from mehman.intake import services
from mehman.intake.models import ALLOWED_TRANSITIONS, Application, ApplicationStatus, RuleKind
from mehman.intake.tests import factories
from mehman.intake.tests.test_services import couple, fresh, kinds, recorded, refused

S = ApplicationStatus


@dataclass(frozen=True)
class People:
    clerk: Any
    manager: Any


# --- Putting an application in each status -------------------------------------------------

# The statuses to start from; an appeal is against an ineligibility or a score.
STATES: dict[str, str] = {
    "draft": S.DRAFT,
    "submitted": S.SUBMITTED,
    "eligible": S.ELIGIBLE,
    "ineligible": S.INELIGIBLE,
    "waitlisted": S.WAITLISTED,
    "appeal_ineligibility": S.APPEAL,
    "appeal_score": S.APPEAL,
    "offered": S.OFFERED,
    "accepted": S.ACCEPTED,
    "declined": S.DECLINED,
    "admitted": S.ADMITTED,
    "withdrawn": S.WITHDRAWN,
    "expired": S.EXPIRED,
}


def put_in(state: str, settlement: Any, people: People) -> Application:
    clerk, manager = people.clerk, people.manager
    app = factories.application(settlement, by=clerk, members=couple())
    if state not in ("ineligible", "appeal_ineligibility"):
        factories.with_residence_card(app.household, by=clerk)
    if state == "draft":
        return app
    if state == "withdrawn":
        return services.withdraw_application(application=app, by=clerk, reason="Moved away")
    app, _pin = services.submit_application(application=app, by=clerk)
    if state == "submitted":
        return app
    if state == "expired":
        return services.expire_application(application=app, by=manager, reason="Unreachable")
    app = services.screen_application(application=app, by=manager)
    if state == "ineligible":
        return app
    if state == "appeal_ineligibility":
        return services.lodge_appeal(application=app, by=clerk, grounds="Card renewed")
    if state == "eligible":
        return app
    app = services.place_on_waitlist(application=app, by=manager)
    if state == "waitlisted":
        return app
    if state == "appeal_score":
        return services.lodge_appeal(application=app, by=clerk, grounds="Disability not counted")
    app = services.make_offer(application=app, by=manager, place="C-12")
    if state == "offered":
        return app
    if state == "declined":
        return services.decline_offer(
            application=app, by=clerk, reason="Too far", back_to_waitlist=False
        )
    app = services.accept_offer(application=app, by=clerk)
    if state == "accepted":
        return app
    assert state == "admitted"
    return services.admit(application=app, by=manager)


# --- The transition services ----------------------------------------------------------------

Action = Callable[[Application, People], Any]


def _screen_ineligible(app: Application, people: People) -> Any:
    services.save_rule(
        settlement=app.settlement,
        kind=RuleKind.HOUSEHOLD_SIZE,
        by=people.manager,
        message_fa="اندازه خانوار",
        message_en="Household size",
        params={"min": 3, "max": 12},
    )
    return services.screen_application(application=app, by=people.manager)


def _decide(upheld: bool) -> Action:
    return lambda app, p: services.decide_appeal(
        application=app, by=p.manager, upheld=upheld, decision="Heard on Tuesday"
    )


ACTIONS: dict[str, Action] = {
    "submit": lambda app, p: services.submit_application(application=app, by=p.clerk),
    "screen": lambda app, p: services.screen_application(application=app, by=p.manager),
    "screen_ineligible": _screen_ineligible,
    "place_on_waitlist": lambda app, p: services.place_on_waitlist(application=app, by=p.manager),
    "make_offer": lambda app, p: services.make_offer(
        application=app, by=p.manager, place="C-14", skip_reason="Fits the unit"
    ),
    "accept_offer": lambda app, p: services.accept_offer(application=app, by=p.clerk),
    "decline_offer": lambda app, p: services.decline_offer(
        application=app, by=p.clerk, reason="Too far", back_to_waitlist=False
    ),
    "admit": lambda app, p: services.admit(application=app, by=p.manager),
    "withdraw": lambda app, p: services.withdraw_application(
        application=app, by=p.clerk, reason="Found a flat"
    ),
    "expire": lambda app, p: services.expire_application(
        application=app, by=p.manager, reason="Unreachable"
    ),
    "lodge_appeal": lambda app, p: services.lodge_appeal(
        application=app, by=p.clerk, grounds="New documents"
    ),
    "decide_appeal_upheld": _decide(True),
    "decide_appeal_dismissed": _decide(False),
}
# The service each action calls (two actions may call one service differently).
SERVICE = {
    name: name.removesuffix("_ineligible").removesuffix("_upheld").removesuffix("_dismissed")
    for name in ACTIONS
}
EVENT = {
    "submit": intake_events.SUBMITTED,
    "screen": intake_events.SCREENED_ELIGIBLE,
    "screen_ineligible": intake_events.SCREENED_INELIGIBLE,
    "place_on_waitlist": intake_events.WAITLISTED,
    "make_offer": intake_events.OFFERED,
    "accept_offer": intake_events.ACCEPTED,
    "decline_offer": intake_events.DECLINED,
    "admit": intake_events.ADMITTED,
    "withdraw": intake_events.WITHDRAWN,
    "expire": intake_events.EXPIRED,
    "lodge_appeal": intake_events.APPEALED,
    "decide_appeal_upheld": intake_events.APPEAL_DECIDED,
    "decide_appeal_dismissed": intake_events.APPEAL_DECIDED,
}

# (starting state, action, status reached): every move the services make.
MOVES: list[tuple[str, str, str]] = [
    ("draft", "submit", S.SUBMITTED),
    ("draft", "withdraw", S.WITHDRAWN),
    ("submitted", "screen", S.ELIGIBLE),
    ("submitted", "screen_ineligible", S.INELIGIBLE),
    ("submitted", "withdraw", S.WITHDRAWN),
    ("submitted", "expire", S.EXPIRED),
    ("eligible", "place_on_waitlist", S.WAITLISTED),
    ("eligible", "withdraw", S.WITHDRAWN),
    ("eligible", "expire", S.EXPIRED),
    ("ineligible", "lodge_appeal", S.APPEAL),
    ("ineligible", "withdraw", S.WITHDRAWN),
    ("ineligible", "expire", S.EXPIRED),
    ("waitlisted", "make_offer", S.OFFERED),
    ("waitlisted", "lodge_appeal", S.APPEAL),
    ("waitlisted", "withdraw", S.WITHDRAWN),
    ("waitlisted", "expire", S.EXPIRED),
    ("appeal_ineligibility", "decide_appeal_upheld", S.ELIGIBLE),
    ("appeal_ineligibility", "decide_appeal_dismissed", S.INELIGIBLE),
    ("appeal_ineligibility", "withdraw", S.WITHDRAWN),
    ("appeal_score", "decide_appeal_upheld", S.WAITLISTED),
    ("appeal_score", "decide_appeal_dismissed", S.WAITLISTED),
    ("appeal_score", "withdraw", S.WITHDRAWN),
    ("offered", "accept_offer", S.ACCEPTED),
    ("offered", "decline_offer", S.DECLINED),
    ("offered", "withdraw", S.WITHDRAWN),
    ("offered", "expire", S.EXPIRED),
    ("accepted", "admit", S.ADMITTED),
    ("accepted", "withdraw", S.WITHDRAWN),
    ("declined", "place_on_waitlist", S.WAITLISTED),
    ("declined", "withdraw", S.WITHDRAWN),
]
ACCEPTED_BY = {(state, SERVICE[action]) for state, action, _to in MOVES}
REFUSALS = [
    (state, action)
    for state in STATES
    for action in ACTIONS
    if SERVICE[action] == action or action == "decide_appeal_upheld"
    if (state, SERVICE[action]) not in ACCEPTED_BY
]


@pytest.fixture
def people(alice, mona) -> People:
    return People(clerk=alice, manager=mona)


def test_the_services_make_exactly_the_moves_the_status_machine_allows():
    made = {(STATES[state], to) for state, _action, to in MOVES}
    allowed = {(old, new) for old, targets in ALLOWED_TRANSITIONS.items() for new in targets}

    assert made == allowed


def test_every_status_is_tried():
    assert set(STATES.values()) == set(S.values)


@pytest.mark.parametrize(
    ("state", "action", "reached"), MOVES, ids=[f"{s}-{a}" for s, a, _ in MOVES]
)
def test_an_allowed_transition_writes_its_event_and_a_history_row(
    settlement_a, people, state, action, reached
):
    app = put_in(state, settlement_a, people)
    assert app.status == STATES[state]
    history = app.history.count()

    with recorded() as events:
        ACTIONS[action](app, people)

    after = fresh(app)
    assert after.status == reached
    assert EVENT[action].code in kinds(events)
    assert all(event.aggregate_id == app.pk for event in events)
    assert after.history.count() > history
    assert after.history.first().status == reached
    assert after.history.first().history_change_reason


@pytest.mark.parametrize(("state", "action"), REFUSALS, ids=[f"{s}-{a}" for s, a in REFUSALS])
def test_a_transition_the_status_machine_does_not_allow_is_refused_and_changes_nothing(
    settlement_a, people, state, action
):
    app = put_in(state, settlement_a, people)

    with refused("transition"):
        ACTIONS[action](app, people)

    assert fresh(app).status == STATES[state]
