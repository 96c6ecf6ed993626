"""Counts that apps contribute to the home and settlement pages.

Core cannot import the apps above it, so each app registers its own figures in
its ``AppConfig.ready()``; a figure counts, in one query, for many settlements::

    register_figure("staff", _("Staff"), count_staff, order=90)

where ``count_staff(settlement_ids) -> {settlement_id: count}``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from django_stubs_ext import StrOrPromise

Counter = Callable[[list[int]], Mapping[int, int]]


@dataclass(frozen=True)
class FigureKind:
    key: str
    label: StrOrPromise
    count: Counter
    order: int = 50


@dataclass(frozen=True)
class Figure:
    key: str
    label: StrOrPromise
    value: int


_FIGURES: dict[str, FigureKind] = {}


def register_figure(key: str, label: StrOrPromise, count: Counter, *, order: int = 50) -> None:
    _FIGURES[key] = FigureKind(key=key, label=label, count=count, order=order)


def figures_for(settlement_ids: Iterable[int]) -> dict[int, list[Figure]]:
    """Every registered figure for each settlement, one query per figure."""
    ids = list(settlement_ids)
    result: dict[int, list[Figure]] = {pk: [] for pk in ids}
    if not ids:
        return result
    for kind in sorted(_FIGURES.values(), key=lambda k: (k.order, k.key)):
        counts = kind.count(ids)
        for pk in ids:
            result[pk].append(Figure(key=kind.key, label=kind.label, value=int(counts.get(pk, 0))))
    return result


def totals(per_settlement: Mapping[int, list[Figure]]) -> list[Figure]:
    """The same figures added up over settlements (the national level)."""
    summed: dict[str, Figure] = {}
    for figures in per_settlement.values():
        for figure in figures:
            previous = summed.get(figure.key)
            value = figure.value + (previous.value if previous else 0)
            summed[figure.key] = Figure(key=figure.key, label=figure.label, value=value)
    return list(summed.values())
