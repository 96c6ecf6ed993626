"""Composite reads: a score's breakdown as a reader may see it, and the rank history
with the reason for every move."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mehman.intake import scoring
from mehman.intake.models import Application, RankEntry, RankingReason, WeightSet
from mehman.registry.models import SpecificNeedCode

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class BreakdownLine:
    label: str
    per: str
    quantity: int
    weight: Decimal
    points: Decimal


def criterion_labels() -> dict[str, tuple[str, str]]:
    """Every criterion code → (label, what a point is counted per), in the active language."""
    labels = {c.code: (str(c.label), str(c.per)) for c in scoring.CRITERIA}
    for code in SpecificNeedCode.objects.filter(parent__isnull=True):
        labels[scoring.need_code(code.code)] = (
            gettext("Specific need: %(need)s") % {"need": code.label},
            gettext("once"),
        )
    return labels


def protected_categories() -> frozenset[str]:
    return frozenset(
        SpecificNeedCode.objects.filter(parent__isnull=True, sensitive=True).values_list(
            "code", flat=True
        )
    )


def sees_protected(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_capability("protection.view"))


def breakdown(
    application: Application,
    weights: WeightSet,
    *,
    user: Any,
    on: date | None = None,
    labels: dict[str, tuple[str, str]] | None = None,
    protected: frozenset[str] | None = None,
) -> list[BreakdownLine]:
    """The lines of the score. Readers without protection access see protected needs as
    one line that does not say which.

    A list of many applications passes ``labels`` (``criterion_labels()``) and
    ``protected`` (``protected_categories()``), read once for all its rows.
    """
    if labels is None:
        labels = criterion_labels()
    if sees_protected(user):
        hidden: frozenset[str] = frozenset()
    else:
        hidden = protected_categories() if protected is None else protected
    lines: list[BreakdownLine] = []
    protected_points = Decimal(0)
    protected_count = 0
    for line in scoring.breakdown(
        application.features, weights.as_decimals(), application.months_waited(on)
    ):
        if line.code.removeprefix(scoring.NEED_PREFIX) in hidden and line.code.startswith(
            scoring.NEED_PREFIX
        ):
            protected_points += line.points
            protected_count += line.quantity
            continue
        label, per = labels.get(line.code, (line.code, ""))
        lines.append(BreakdownLine(label, per, line.quantity, line.weight, line.points))
    if protected_count:
        lines.append(
            BreakdownLine(
                gettext("Protected specific needs (confidential)"),
                gettext("once each"),
                protected_count,
                Decimal(0),
                protected_points,
            )
        )
    lines.sort(key=lambda line: -line.points)
    return lines


# --- Rank history ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Move:
    at: datetime
    reason: str
    old_rank: int | None
    new_rank: int | None
    old_score: Decimal | None
    new_score: Decimal | None
    explanation: StrOrPromise
    weights_number: int

    @property
    def direction(self) -> str:
        """``up``, ``down``, ``in``, ``out`` or ``same`` (the score moved, not the place)."""
        if self.old_rank is None:
            return "in" if self.new_rank is not None else "same"
        if self.new_rank is None:
            return "out"
        if self.new_rank < self.old_rank:
            return "up"
        return "down" if self.new_rank > self.old_rank else "same"


def _explain(
    reason: str,
    own: bool,
    old: tuple[int | None, Decimal | None],
    new: tuple[int | None, Decimal | None],
) -> StrOrPromise:
    score_moved = old[1] is not None and new[1] is not None and old[1] != new[1]
    if reason == RankingReason.WEIGHTS:
        if score_moved:
            return _("New weights were published and changed this household's score.")
        return _("New weights were published and changed other households' scores.")
    if reason == RankingReason.JOINED:
        if own:
            return _("This household took its place on the waitlist.")
        return _("A household with a higher score joined the waitlist ahead of this one.")
    if reason == RankingReason.LEFT:
        if own:
            return _("This household left the waitlist.")
        return _(
            "A household ranked ahead left the waitlist (offered a home, withdrew or expired)."
        )
    if reason == RankingReason.DATA:
        if own or score_moved:
            return _("This household's information changed, and with it its score.")
        return _("Another household's information changed, and with it its place.")
    if reason == RankingReason.WAITING:
        if score_moved:
            return _("Another month of waiting was counted.")
        return _("Other households' waiting time was counted.")
    return ""


def rank_history(application: Application) -> list[Move]:
    """Every change of this application's place or score, newest first, each explained."""
    entries = (
        RankEntry.objects.filter(application=application)
        .select_related("ranking", "ranking__weights")
        .order_by("ranking_id")
    )
    moves: list[Move] = []
    previous: tuple[int | None, Decimal | None] = (None, None)
    for entry in entries:
        current = (entry.rank, entry.score)
        ranking = entry.ranking
        moves.append(
            Move(
                at=ranking.at,
                reason=str(dict(RankingReason.choices).get(ranking.reason, ranking.reason)),
                old_rank=previous[0],
                new_rank=entry.rank,
                old_score=previous[1],
                new_score=entry.score,
                explanation=_explain(
                    ranking.reason, ranking.subject_id == application.pk, previous, current
                ),
                weights_number=ranking.weights.number,
            )
        )
        previous = current
    moves.reverse()
    return moves


def households_ahead(application: Application) -> int | None:
    return None if application.rank is None else application.rank - 1
