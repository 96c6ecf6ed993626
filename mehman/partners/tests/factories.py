"""Partners test data, made through the services (so events and history exist)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from mehman.core import dates
from mehman.core.models import Settlement
from mehman.partners import services
from mehman.partners.models import (
    Activity,
    ActivityStatus,
    BackgroundCheck,
    DataSharingAgreement,
    Organisation,
    Pledge,
    Volunteer,
)


def organisation(
    settlement: Settlement, *, by: Any = None, org_type: str = "charity", **overrides: Any
) -> Organisation:
    data: dict[str, Any] = {
        "name_fa": "خیریه امام رضا",
        "name_en": "Imam Reza Charity",
        "acronym": "IRC",
        "org_type": org_type,
        "sectors": ["shelter", "nfi"],
        "phone": "05152220000",
    }
    data.update(overrides)
    return services.register_organisation(by=by, settlements=[settlement], **data)


def data_agreement(
    org: Organisation,
    settlement: Settlement,
    *,
    by: Any = None,
    valid_from: date | None = None,
    valid_to: date | None = None,
    categories: tuple[str, ...] = ("identity", "contact"),
) -> DataSharingAgreement:
    today = dates.today()
    return services.record_data_agreement(
        organisation=org,
        by=by,
        purpose="Winter support to referred households",
        categories=categories,
        settlements=[settlement],
        valid_from=valid_from or today - timedelta(days=30),
        valid_to=valid_to or today + timedelta(days=335),
    )


def volunteer(
    org: Organisation,
    settlement: Settlement,
    *,
    by: Any = None,
    safeguarded: bool = True,
    **overrides: Any,
) -> Volunteer:
    today = dates.today()
    data: dict[str, Any] = {
        "name": "Sara Ahmadi",
        "sex": "F",
        "skills": ["teaching", "first aid"],
        "languages": ["fa", "en"],
        "availability": "Saturday to Monday mornings",
    }
    if safeguarded:
        data.update(
            code_of_conduct_signed_on=today - timedelta(days=60),
            psea_trained_on=today - timedelta(days=50),
            background_check=BackgroundCheck.CLEARED,
            background_checked_on=today - timedelta(days=40),
        )
    data.update(overrides)
    return services.register_volunteer(organisation=org, settlement=settlement, by=by, **data)


def activity(
    org: Organisation,
    settlement: Settlement,
    *,
    by: Any = None,
    status: str = ActivityStatus.ONGOING,
    **overrides: Any,
) -> Activity:
    data: dict[str, Any] = {
        "sector": "nfi",
        "name": "Winter kits 1405",
        "starts_on": dates.today() - timedelta(days=20),
        "targets": {"hh": 300, "f_age0_4": 80, "m_age0_4": 85},
    }
    data.update(overrides)
    made = services.plan_activity(organisation=org, settlement=settlement, by=by, **data)
    if status in (ActivityStatus.ONGOING, ActivityStatus.COMPLETED):
        made = services.change_activity_status(activity=made, status=ActivityStatus.ONGOING, by=by)
    if status == ActivityStatus.COMPLETED:
        made = services.change_activity_status(activity=made, status=status, by=by)
    return made


def pledge(
    donor: Organisation, settlement: Settlement, *, by: Any = None, **overrides: Any
) -> Pledge:
    data: dict[str, Any] = {
        "kind": "in_kind",
        "item": "Winter kit",
        "unit": "kit",
        "quantity": 100,
        "value": 350_000_000,
        "pledged_on": dates.today() - timedelta(days=25),
    }
    data.update(overrides)
    return services.record_pledge(donor=donor, settlement=settlement, by=by, **data)
