"""Registry test data, made through the services (so keys, events and history exist)."""

from __future__ import annotations

from datetime import date
from typing import Any

from mehman.registry import services
from mehman.registry.models import Household, Relationship


def member(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "given_name": "علی",
        "family_name": "کریمی",
        "father_name": "محمد",
        "sex": "M",
        "birth_date": date(1985, 9, 23),
        "birth_date_estimated": True,
        "relationship": Relationship.HEAD,
        "marital_status": "married",
    }
    data.update(overrides)
    return data


def family(**head: Any) -> list[dict[str, Any]]:
    """A couple with a son and a daughter; the head's fields may be overridden."""
    father = member(**head)
    return [
        father,
        member(
            given_name="فاطمه",
            family_name="احمدی",
            father_name="غلام",
            sex="F",
            birth_date=date(1990, 3, 21),
            relationship=Relationship.SPOUSE,
        ),
        member(
            given_name="حسین",
            father_name=father["given_name"],
            family_name=father["family_name"],
            birth_date=date(2015, 6, 1),
            birth_date_estimated=False,
            relationship=Relationship.SON,
            marital_status="single",
        ),
        member(
            given_name="زهرا",
            father_name=father["given_name"],
            family_name=father["family_name"],
            sex="F",
            birth_date=date(2022, 1, 5),
            birth_date_estimated=False,
            relationship=Relationship.DAUGHTER,
            marital_status="single",
        ),
    ]


def household(settlement: Any, *, by: Any = None, members: Any = None, **kwargs: Any) -> Household:
    return services.register_household(
        settlement=settlement, members=members or family(), by=by, **kwargs
    )
