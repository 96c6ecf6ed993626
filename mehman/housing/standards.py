"""The humanitarian standards the settlement is measured against.

Read from ``reference/standards.csv`` (the project's reference table: indicator,
comparator, target, unit, phase and source of each). The living-space standard
that sets a unit's capacity is the cold-climate one unless the setting
``MEHMAN_LIVING_SPACE_STANDARD`` names another key of the table.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.conf import settings

TABLE = Path(__file__).resolve().parent / "reference" / "standards.csv"


@dataclass(frozen=True, slots=True)
class Standard:
    key: str
    indicator: str
    comparator: str
    target: Decimal
    unit: str
    phase: str
    source: str

    def met_by(self, value: Decimal | float | int) -> bool:
        figure = Decimal(str(value))
        match self.comparator:
            case ">=":
                return figure >= self.target
            case ">":
                return figure > self.target
            case "<=":
                return figure <= self.target
            case "<":
                return figure < self.target
        raise ValueError(f"unknown comparator {self.comparator!r}")

    @property
    def higher_is_better(self) -> bool:
        return self.comparator.startswith(">")


@cache
def table() -> dict[str, Standard]:
    with TABLE.open(encoding="utf-8", newline="") as handle:
        return {
            row["key"]: Standard(
                key=row["key"],
                indicator=row["indicator"],
                comparator=row["comparator"],
                target=Decimal(row["target"]),
                unit=row["unit"],
                phase=row["phase"],
                source=row["source"],
            )
            for row in csv.DictReader(handle)
        }


def standard(key: str) -> Standard:
    return table()[key]


def living_space() -> Standard:
    """The m² per person a unit must give each occupant."""
    return standard(getattr(settings, "MEHMAN_LIVING_SPACE_STANDARD", "living_space_cold"))


def capacity_of(floor_area: Decimal | float | int) -> int:
    """Persons a floor area may hold by the living-space standard (whole persons, rounded down)."""
    per_person = living_space().target
    return max(0, math.floor(Decimal(str(floor_area)) / per_person))
