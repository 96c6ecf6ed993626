"""Intake test data, made through the services (so events, history and ranks exist)."""

from __future__ import annotations

from datetime import date
from typing import Any

from mehman.core.models import Settlement
from mehman.intake import services
from mehman.intake.models import Application, Channel, CurrentHousing
from mehman.registry import services as registry_services
from mehman.registry.models import DocumentType, Household
from mehman.registry.tests.factories import family, household


def application(
    settlement: Settlement,
    *,
    by: Any,
    household_obj: Household | None = None,
    members: Any = None,
    **details: Any,
) -> Application:
    """A draft application of a new applicant household of four (or the one given)."""
    target = household_obj or household(settlement, by=by, members=members or family())
    data: dict[str, Any] = {
        "channel": Channel.WALK_IN,
        "current_housing": CurrentHousing.RENTED,
        "current_place": "مشهد، گلشهر",
        "consent_given": True,
        "documents_seen": [DocumentType.AMAYESH],
    }
    data.update(details)
    return services.create_application(household=target, by=by, **data)


def with_residence_card(
    target: Household,
    *,
    by: Any,
    province: str = "خراسان رضوی",
    expires_on: date = date(2030, 1, 1),
    number: str = "",
) -> None:
    """Give the head an Amayesh card of the province (the first default rule)."""
    assert target.head is not None
    registry_services.add_document(
        person=target.head,
        by=by,
        doc_type=DocumentType.AMAYESH,
        number_typed=number or f"AM{target.pk:07d}",
        province=province,
        expires_on=expires_on,
    )


def submitted(settlement: Settlement, *, by: Any, **kwargs: Any) -> tuple[Application, str]:
    return services.submit_application(application=application(settlement, by=by, **kwargs), by=by)


def waitlisted(settlement: Settlement, *, by: Any, manager: Any, **kwargs: Any) -> Application:
    """An application screened eligible and placed on the waitlist."""
    draft = application(settlement, by=by, **kwargs)
    with_residence_card(draft.household, by=by)
    app, _pin = services.submit_application(application=draft, by=by)
    app = services.screen_application(application=app, by=manager)
    assert app.status == "eligible", app.eligibility
    return services.place_on_waitlist(application=app, by=manager)
