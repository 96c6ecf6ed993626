"""Composite reads for the shell pages: figures per settlement in the user's scope."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404

from mehman.core.figures import Figure, figures_for, totals
from mehman.core.models import Settlement, TaskProgress, TaskStatus


@dataclass
class SettlementCard:
    settlement: Settlement
    figures: list[Figure]


@dataclass
class HomeOverview:
    cards: list[SettlementCard]
    national: bool
    total_capacity: int
    totals: list[Figure]
    running_tasks: list[TaskProgress]


def home_overview(user: Any) -> HomeOverview:
    """Figures for the home page, in one query per registered figure."""
    settlements = list(Settlement.objects.for_user(user).filter(is_active=True).order_by("code"))
    per_settlement = figures_for(s.pk for s in settlements)
    running = list(
        TaskProgress.objects.for_user(user).filter(
            status__in=[TaskStatus.QUEUED, TaskStatus.RUNNING]
        )[:5]
    )
    return HomeOverview(
        cards=[SettlementCard(s, per_settlement[s.pk]) for s in settlements],
        national=bool(getattr(user, "has_national_scope", False)),
        total_capacity=sum(s.capacity for s in settlements),
        totals=totals(per_settlement),
        running_tasks=running,
    )


def settlement_figures(settlement: Settlement) -> list[Figure]:
    return figures_for([settlement.pk])[settlement.pk]


def chosen_settlement(user: Any, code: str = "") -> tuple[Settlement, list[Settlement]]:
    """The active settlement a page is about (``?settlement=CODE``, else the user's first)
    and the user's active settlements; 404 for a code out of scope or a user with none."""
    settlements = list(Settlement.objects.for_user(user).filter(is_active=True))
    chosen = next((s for s in settlements if s.code == code), None) if code else None
    if chosen is None and not code and settlements:
        chosen = settlements[0]
    if chosen is None:
        raise Http404
    return chosen, settlements
