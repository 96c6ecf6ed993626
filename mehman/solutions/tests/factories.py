"""Solutions test data, made through the services (so references, events and history exist)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from mehman.accounts.models import Role
from mehman.accounts.tests.factories import UserFactory
from mehman.core import dates
from mehman.core.models import Settlement
from mehman.housing.models import Unit
from mehman.housing.tests import factories as housing
from mehman.registry.models import Household
from mehman.registry.tests.factories import family, member
from mehman.residence import services as residence
from mehman.residence.models import Pathway, ResidenceTerm
from mehman.solutions import services
from mehman.solutions.models import Approval, SolutionsCase


def manager(settlement: Settlement, username: str = "mahmoud") -> Any:
    """A second settlement manager (the persona Mona is the first)."""
    return UserFactory(username=username, role=Role.MANAGER, settlements=[settlement])


def seven_members() -> list[dict[str, Any]]:
    """A family of seven: the couple, four children and the head's mother."""
    children = [
        member(
            given_name=name,
            sex=sex,
            birth_date=date(year, 5, 1),
            birth_date_estimated=False,
            relationship="son" if sex == "M" else "daughter",
            marital_status="single",
        )
        for name, sex, year in (
            ("رضا", "M", 2004),
            ("مریم", "F", 2006),
            ("حسن", "M", 2012),
            ("زینب", "F", 2016),
        )
    ]
    mother = member(
        given_name="گل‌بی‌بی",
        sex="F",
        birth_date=date(1958, 1, 1),
        relationship="mother",
        marital_status="widowed",
    )
    return [*family()[:2], *children, mother]


def housed(
    settlement: Settlement,
    *,
    by: Any,
    members: list[dict[str, Any]] | None = None,
    term: bool = True,
) -> tuple[Household, Unit, ResidenceTerm | None]:
    """A resident household in its own unit, with a term begun 400 days ago."""
    home = housing.unit(settlement, by=by)
    household = housing.resident(settlement, home=home, by=by, members=members)
    started = None
    if term:
        started = residence.start_term(
            household=household, by=by, started_on=dates.today() - timedelta(days=400)
        )
    return household, home, started


def case(
    household: Household,
    *,
    by: Any,
    pathway: str = Pathway.UNDECIDED,
    days_ago: int = 200,
    **kwargs: Any,
) -> SolutionsCase:
    return services.open_case(
        household=household,
        by=by,
        pathway=pathway,
        opened_on=dates.today() - timedelta(days=days_ago),
        **kwargs,
    )


def approved(target: SolutionsCase, kind: str, *, asked_by: Any, decided_by: Any) -> Approval:
    request = services.request_approval(
        case=target, by=asked_by, kind=kind, justification="The family asked; papers in order."
    )
    return services.decide_approval(approval=request, by=decided_by, approve=True)


__all__ = ["approved", "case", "housed", "manager", "seven_members"]
