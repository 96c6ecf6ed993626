"""Access-matrix entries for the housing API (merged into tests/test_access_matrix.py).

Every housing endpoint needs housing.view: partner staff (vera) get 404 everywhere.
Blocks, units, facilities, surveys and works are read by analysts too; occupancy,
vacancies, offers and runs name households, so analysts (nasrin) get 404. Site edits,
surveys and works are for managers and housing officers, as are moves, offers and runs;
clerks (alice) get 404 there but record a household's answer to an offer. Steps are
tried with an empty body: those that need input are reached and refused (400).
"""

from __future__ import annotations

from typing import Any

from mehman.housing import services
from mehman.housing.models import WorkKind
from mehman.housing.tests import factories
from mehman.intake.tests import factories as intake_factories
from tests.matrix_entry import Entry

_STAFF_ONLY = ("vera",)
_PERSONAL = ("vera", "nasrin")
_MANAGERS = ("alice", "vera", "nasrin")


def _unit_of_a(people: dict[str, Any]) -> dict[str, Any]:
    return {"reference": factories.unit(people["settlement_a"], by=people["mona"]).reference}


def _facility_of_a(people: dict[str, Any]) -> dict[str, Any]:
    facility = factories.facility(people["settlement_a"], by=people["mona"])
    return {"reference": facility.reference}


def _survey_of_a(people: dict[str, Any]) -> dict[str, Any]:
    unit = factories.unit(people["settlement_a"], by=people["mona"])
    survey = services.record_survey(by=people["mona"], unit=unit, ratings={"roof": "fair"})
    return {"uuid": survey.uuid}


def _work_of_a(people: dict[str, Any]) -> dict[str, Any]:
    unit = factories.unit(people["settlement_a"], by=people["mona"])
    order = services.open_work_order(
        by=people["mona"], unit=unit, kind=WorkKind.REPAIR, title="Roof", estimate=1_000_000
    )
    return {"reference": order.reference}


def _resident_of_a(people: dict[str, Any]) -> dict[str, Any]:
    unit = factories.unit(people["settlement_a"], by=people["mona"])
    household = factories.resident(people["settlement_a"], home=unit, by=people["mona"])
    return {"reference": household.reference}


def _waitlisted(people: dict[str, Any]) -> Any:
    return intake_factories.waitlisted(
        people["settlement_a"], by=people["alice"], manager=people["mona"]
    )


def _offer_of_a(people: dict[str, Any]) -> dict[str, Any]:
    application = _waitlisted(people)
    unit = factories.unit(people["settlement_a"], by=people["mona"])
    offer = services.offer_unit(unit=unit, application=application, by=people["mona"])
    return {"uuid": offer.uuid}


def _solved_run(people: dict[str, Any]) -> tuple[Any, Any]:
    application = _waitlisted(people)
    factories.unit(people["settlement_a"], by=people["mona"])
    run = services.start_run(settlement=people["settlement_a"], by=people["mona"])
    return services.solve_run(run), application


def _run_of_a(people: dict[str, Any]) -> dict[str, Any]:
    run, _application = _solved_run(people)
    return {"reference": run.reference}


def _proposal_of_a(people: dict[str, Any]) -> dict[str, Any]:
    run, application = _solved_run(people)
    return {"reference": run.reference, "application": application.reference}


def _entry(
    kwargs: Any = None,
    *,
    method: str = "get",
    status: int = 200,
    hidden: tuple[str, ...] = _STAFF_ONLY,
    insider: str = "mona",
) -> Entry:
    return Entry(
        api=True,
        kwargs=kwargs,
        method=method,
        insider=insider,
        insider_status=status,
        also_hidden_from=hidden,
    )


def _step(kwargs: Any, status: int = 400, hidden: tuple[str, ...] = _MANAGERS) -> Entry:
    return _entry(kwargs, method="post", status=status, hidden=hidden)


ENTRIES: dict[str, Entry] = {
    # The site: analysts read it without names; editing is for managers.
    "api:housing:block_list": _entry(),
    "api:housing:unit_list": _entry(),
    "api:housing:unit_detail": _entry(_unit_of_a),
    "api:housing:unit_state": _step(_unit_of_a),  # reached: no state given
    "api:housing:facility_list": _entry(),
    "api:housing:facility_detail": _entry(_facility_of_a),
    # Who lives where names households.
    "api:housing:unit_occupancy": _entry(_unit_of_a, hidden=_PERSONAL),
    "api:housing:unit_move_in": _step(_unit_of_a),  # reached: no household named
    "api:housing:household_move_out": _step(_resident_of_a),  # reached: no reason
    "api:housing:household_transfer": _step(_resident_of_a),  # reached: no unit named
    # Surveys and works.
    "api:housing:survey_list": _entry(),
    "api:housing:survey_detail": _entry(_survey_of_a),
    "api:housing:work_list": _entry(),
    "api:housing:work_detail": _entry(_work_of_a),
    "api:housing:work_approve": _step(_work_of_a, status=200),  # estimated: approved
    "api:housing:work_start": _step(_work_of_a),  # reached: not approved yet
    "api:housing:work_complete": _step(_work_of_a),  # reached: no actual cost
    "api:housing:work_cancel": _step(_work_of_a),  # reached: no reason
    "api:housing:work_spend": _step(_work_of_a),  # reached: no donation named
    "api:housing:work_spending": _entry(_work_of_a),  # analysts: an empty list
    # Offers name households; a clerk records the household's answer.
    "api:housing:vacancy_list": _entry(hidden=_PERSONAL),
    "api:housing:unit_candidates": _entry(_unit_of_a, hidden=_PERSONAL),
    "api:housing:unit_offer": _step(_unit_of_a),  # reached: no application named
    "api:housing:offer_list": _entry(hidden=_PERSONAL),
    "api:housing:offer_detail": _entry(_offer_of_a, hidden=_PERSONAL),
    "api:housing:offer_accept": _entry(
        _offer_of_a, method="post", insider="alice", hidden=_PERSONAL
    ),
    "api:housing:offer_decline": _entry(
        _offer_of_a, method="post", status=400, insider="alice", hidden=_PERSONAL
    ),  # reached: no reason
    # Batch allocation runs.
    "api:housing:run_list": _entry(hidden=_PERSONAL),
    "api:housing:run_detail": _entry(_run_of_a, hidden=_PERSONAL),
    "api:housing:run_proposal": _entry(
        _proposal_of_a, method="patch", status=400, hidden=_MANAGERS
    ),  # reached: no reason
    "api:housing:run_commit": _step(_run_of_a, status=200),
    "api:housing:run_discard": _step(_run_of_a),  # reached: no reason
    # Standards compliance names no household: analysts read it.
    "api:housing:standards": _entry(),
}
