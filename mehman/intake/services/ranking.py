"""Scores and ranks: reading a household's criteria from the registry, publishing
weights, and re-ranking a settlement's waitlist with a record of every move.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import FloatField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mehman.core import dates, events
from mehman.core.models import Settlement, SettlementEvent
from mehman.intake import events as intake_events
from mehman.intake import scoring
from mehman.intake.models import (
    Application,
    ApplicationStatus,
    CurrentHousing,
    RankEntry,
    Ranking,
    RankingReason,
    WeightSet,
)
from mehman.intake.services._common import record_event
from mehman.registry.models import (
    WG_DOMAINS,
    Difficulty,
    Individual,
    IndividualStatus,
    SpecificNeed,
    SpecificNeedCode,
)

FEATURE_FIELDS = (
    "household_size",
    "f_female_head",
    "f_child_head",
    "f_older",
    "f_disability",
    "f_under_five",
    "f_no_income",
    "f_eviction_risk",
    "need_categories",
)
RANK_COLUMNS = (
    "id",
    "f_female_head",
    "f_child_head",
    "f_older",
    "f_disability",
    "f_under_five",
    "f_no_income",
    "f_eviction_risk",
    "need_categories",
    "submitted_at",
)
DISABILITY_CATEGORY = "DS"


# --- Weights --------------------------------------------------------------------------------


def need_categories() -> list[SpecificNeedCode]:
    """The specific-need categories (top-level codes) a weight can be given to."""
    return list(SpecificNeedCode.objects.filter(parent__isnull=True).order_by("code"))


def current_weights(settlement: Settlement) -> WeightSet:
    """The weights in force; a settlement starts with the directorate's published defaults."""
    found = WeightSet.objects.filter(settlement=settlement).order_by("-number").first()
    if found is not None:
        return found
    with transaction.atomic():
        Settlement.objects.select_for_update().filter(pk=settlement.pk).first()
        found = WeightSet.objects.filter(settlement=settlement).order_by("-number").first()
        if found is None:
            found = WeightSet.objects.create(
                settlement=settlement,
                number=1,
                weights={k: str(v) for k, v in scoring.DEFAULT_WEIGHTS.items()},
                note=str(_("Published defaults")),
            )
    return found


def clean_weights(raw: Mapping[str, Any]) -> dict[str, Decimal]:
    """Weights as typed, checked: known criteria only, 0 to 1000 points, two decimals."""
    categories = [code.code for code in need_categories()]
    cleaned: dict[str, Decimal] = {}
    errors: dict[str, ValidationError] = {}
    for code, value in raw.items():
        if not scoring.is_known_code(code, categories):
            errors[code] = ValidationError(_("Unknown criterion."), code="criterion")
            continue
        try:
            cleaned[code] = scoring.parse_weight(value)
        except ValueError:
            errors[code] = ValidationError(
                _("Enter points from 0 to 1000, with at most two decimals."), code="weight"
            )
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def publish_weights(
    *, settlement: Settlement, weights: Mapping[str, Any], note: str, by: Any
) -> WeightSet:
    """New weights take effect as a new version, with a reason, and re-rank the waitlist."""
    if not (note or "").strip():
        raise ValidationError(
            {"note": ValidationError(_("Say why the weights change."), code="required")}
        )
    Settlement.objects.select_for_update().filter(pk=settlement.pk).first()
    previous = current_weights(settlement)
    merged = {**previous.as_decimals(), **clean_weights(weights)}
    if merged == previous.as_decimals():
        raise ValidationError(
            _("These weights are the ones in force; nothing to publish."), code="unchanged"
        )
    published = WeightSet.objects.create(
        settlement=settlement,
        number=previous.number + 1,
        weights={k: str(v) for k, v in sorted(merged.items())},
        note=note.strip(),
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    events.record(
        SettlementEvent,
        aggregate=settlement,
        kind=intake_events.WEIGHTS_PUBLISHED,
        by=by,
        number=published.number,
        note=published.note,
    )
    rerank(settlement=settlement, reason=RankingReason.WEIGHTS, by=by, weights=published)
    return published


# --- Reading criteria from the registry ---------------------------------------------------


def _is_disabled(row: Mapping[str, Any]) -> bool:
    return any((row[name] or 0) >= Difficulty.A_LOT for name, _label in WG_DOMAINS)


def read_features(
    applications: Iterable[Application], *, as_of: date | None = None
) -> dict[int, dict[str, Any]]:
    """What each application's household has of each criterion today, by application id.

    Three queries, whatever the number of applications.
    """
    day = as_of or dates.today()
    by_household = {a.household_id: a for a in applications}
    heads = dict(
        Application.objects.filter(pk__in=[a.pk for a in by_household.values()]).values_list(
            "household_id", "household__head_id"
        )
    )
    columns = ["id", "household_id", "sex", "birth_date", *(n for n, _l in WG_DOMAINS)]
    members: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in Individual.objects.filter(
        household__in=list(by_household), status=IndividualStatus.ACTIVE
    ).values(*columns):
        members[row["household_id"]].append(row)
    categories: dict[int, set[str]] = defaultdict(set)
    disabled: set[int] = set()
    for household_id, person_id, code, parent in (
        SpecificNeed.objects.open()
        .filter(
            individual__household__in=list(by_household), individual__status=IndividualStatus.ACTIVE
        )
        .values_list(
            "individual__household_id", "individual_id", "code__code", "code__parent__code"
        )
    ):
        category = parent or code
        categories[household_id].add(category)
        if category == DISABILITY_CATEGORY:
            disabled.add(person_id)
    found: dict[int, dict[str, Any]] = {}
    for household_id, application in by_household.items():
        people = members.get(household_id, [])
        ages = {
            p["id"]: dates.age_on(p["birth_date"], day) if p["birth_date"] else None for p in people
        }
        head = next((p for p in people if p["id"] == heads.get(household_id)), None)
        head_age = ages.get(head["id"]) if head else None
        found[application.pk] = {
            "household_size": len(people),
            "f_female_head": bool(head and head["sex"] == "F"),
            "f_child_head": head_age is not None and head_age < 18,
            "f_older": sum(1 for age in ages.values() if age is not None and age >= 60),
            "f_disability": sum(1 for p in people if _is_disabled(p) or p["id"] in disabled),
            "f_under_five": sum(1 for age in ages.values() if age is not None and age < 5),
            "f_no_income": application.monthly_income == 0,
            "f_eviction_risk": application.eviction_risk
            or application.current_housing == CurrentHousing.HOMELESS,
            "need_categories": scoring.join_categories(categories.get(household_id, ())),
        }
    return found


def store_features(applications: Iterable[Application], *, by: Any = None) -> list[Application]:
    """Re-read the criteria of these applications; returns those whose criteria changed,
    each with an event naming what changed. The caller re-ranks, in its transaction."""
    listed = list(applications)
    if not listed:
        return []
    features = read_features(listed)
    now = timezone.now()
    changed = []
    for application in listed:
        values = features[application.pk]
        first_read = application.features_read_at is None
        differs = [k for k, v in values.items() if getattr(application, k) != v]
        for key, value in values.items():
            setattr(application, key, value)
        application.features_read_at = now
        if differs:
            changed.append(application)
        if differs and not first_read:
            record_event(application, intake_events.FEATURES_READ, by, fields=differs)
    fields = [*FEATURE_FIELDS, "features_read_at"]
    if len(listed) == 1:  # every transition: a plain UPDATE is ten times faster than a bulk one
        only = listed[0]
        Application.objects.filter(pk=only.pk).update(**{f: getattr(only, f) for f in fields})
    else:
        Application.objects.bulk_update(listed, fields, batch_size=500)
    return changed


def refresh_settlement(*, settlement: Settlement, by: Any = None) -> Ranking | None:
    """Re-read every waitlisted household's criteria and re-rank if any changed."""
    with transaction.atomic():
        ranked = list(Application.objects.ranked().filter(settlement=settlement))
        if not store_features(ranked, by=by):
            return None
        return rerank(settlement=settlement, reason=RankingReason.DATA, by=by)


# --- Re-ranking ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Placed:
    """Where an application would stand: rank and score (hundredths), and where it stood."""

    id: int
    rank: int
    score: int
    old_rank: int | None
    old_score: int | None


def _rows(
    settlement: Settlement,
) -> tuple[list[scoring.Row], dict[int, tuple[int | None, int | None]]]:
    """The waitlist's rows to rank, and each one's rank and score (hundredths) now.

    Read without Django's converters, which cost more than the ranking itself at 100,000
    rows; the two columns that need it are converted here (see ``_instant``, ``_centi``).
    """
    queryset = (
        Application.objects.ranked()
        .filter(settlement=settlement)
        .order_by()
        # The score as a float: the driver reads it many times faster than a decimal.
        .annotate(score_float=Cast("score", FloatField()))
        .values_list(*RANK_COLUMNS, "rank", "score_float")
    )
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    rows: list[scoring.Row] = []
    before: dict[int, tuple[int | None, int | None]] = {}
    for (
        pk,
        female,
        child,
        older,
        disability,
        under5,
        no_income,
        eviction,
        needs,
        at,
        rank,
        old,
    ) in fetched:
        rows.append(
            (pk, female, child, older, disability, under5, no_income, eviction, needs, _instant(at))
        )
        before[pk] = (rank, _centi(old))
    return rows, before


def _instant(value: datetime | str) -> datetime:
    """A time as the database gives it: aware (PostgreSQL) or ISO text in UTC (SQLite)."""
    if isinstance(value, str):
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _centi(value: Decimal | float | str | None) -> int | None:
    """A stored score in hundredths: a Decimal (PostgreSQL), or a number or text (SQLite)."""
    if value is None:
        return None
    if isinstance(value, int):
        return value * 100
    if isinstance(value, float):
        return round(value * 100)
    return scoring.to_centi(Decimal(value))


def _decimal_text(centi: int | None) -> str | None:
    """Hundredths as the decimal text the score column stores (what ``from_centi`` gives)."""
    if centi is None:
        return None
    whole, cents = divmod(abs(centi), 100)
    return f"{'-' if centi < 0 else ''}{whole}.{cents:02d}"


def placements(
    settlement: Settlement, weights: Mapping[str, Decimal], *, as_of: date | None = None
) -> list[Placed]:
    """The waitlist as these weights would order it, beside where each stands now.

    Reads only; the what-if preview shows it before anything is published.
    """
    rows, before = _rows(settlement)
    order = scoring.rank_rows(rows, weights, as_of or dates.today())
    return [
        Placed(pk, position, points, *before[pk])
        for position, (pk, points) in enumerate(order, start=1)
    ]


@transaction.atomic
def rerank(
    *,
    settlement: Settlement,
    reason: str,
    by: Any = None,
    subject: Application | None = None,
    weights: WeightSet | None = None,
    as_of: date | None = None,
) -> Ranking:
    """Order the waitlist by score, ties to the earlier submission, and record each move."""
    Settlement.objects.select_for_update().filter(pk=settlement.pk).first()
    weight_set = weights or current_weights(settlement)
    day = as_of or dates.today()
    rows, before = _rows(settlement)
    order = scoring.rank_rows(rows, weight_set.as_decimals(), day)
    changes: list[tuple[int, int | None, int | None]] = []
    for position, (pk, points) in enumerate(order, start=1):
        if before[pk] != (position, points):
            changes.append((pk, position, points))
    # Applications that held a place and no longer do. (Not with NOT IN (subquery): on a
    # large table PostgreSQL may run the subquery once per row, for minutes.)
    for pk in (
        Application.objects.filter(settlement=settlement, rank__isnull=False)
        .exclude(status=ApplicationStatus.WAITLISTED)
        .values_list("pk", flat=True)
    ):
        if pk not in before:
            changes.append((pk, None, None))
    ranking = Ranking.objects.create(
        settlement=settlement,
        reason=reason,
        subject=subject,
        weights=weight_set,
        as_of=day,
        ranked=len(order),
        moved=len(changes),
        by=by if getattr(by, "is_authenticated", False) else None,
    )
    _write(ranking, changes)
    return ranking


def _write(ranking: Ranking, changes: list[tuple[int, int | None, int | None]]) -> None:
    """Rank and score onto the applications, and one history entry each, in bulk."""
    if not changes:
        return
    # In the order of the rows on disk: the indexes are then written page by page.
    changes = sorted(changes, key=lambda change: change[0])
    ids = [pk for pk, _rank, _score in changes]
    ranks = [rank for _pk, rank, _score in changes]
    scores = [_decimal_text(s) for _pk, _rank, s in changes]
    app_table = Application._meta.db_table
    entry_table = RankEntry._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Three comma-separated texts the server splits: psycopg would build each of
            # 100,000 array elements in Python. One statement, so they are sent once.
            texts = [
                ",".join("" if v is None else str(v) for v in column)
                for column in (ids, ranks, scores)
            ]
            cursor.execute(
                "WITH v AS (SELECT * FROM unnest(string_to_array(%s, ',', '')::bigint[], "  # noqa: S608
                "string_to_array(%s, ',', '')::integer[], "
                "string_to_array(%s, ',', '')::numeric[]) AS v(id, rank, score)), "
                f"moved AS (UPDATE {app_table} AS a SET rank = v.rank, score = v.score "
                "FROM v WHERE a.id = v.id) "
                f"INSERT INTO {entry_table} (ranking_id, application_id, rank, score) "
                "SELECT %s, v.id, v.rank, v.score FROM v",
                [*texts, ranking.pk],
            )
        elif connection.vendor == "sqlite" and sqlite3.sqlite_version_info >= (3, 33):
            # One statement each over a JSON array: half the time of 100,000 single ones.
            changed = json.dumps(list(zip(ids, ranks, scores, strict=True)))
            cursor.execute(
                f"UPDATE {app_table} AS a SET rank = json_extract(v.value, '$[1]'), "  # noqa: S608
                "score = json_extract(v.value, '$[2]') FROM json_each(%s) AS v "
                "WHERE a.id = json_extract(v.value, '$[0]')",
                [changed],
            )
            cursor.execute(
                f"INSERT INTO {entry_table} (ranking_id, application_id, rank, score) "  # noqa: S608
                "SELECT %s, json_extract(value, '$[0]'), json_extract(value, '$[1]'), "
                "json_extract(value, '$[2]') FROM json_each(%s)",
                [ranking.pk, changed],
            )
        else:
            cursor.executemany(
                f"UPDATE {app_table} SET rank = %s, score = %s WHERE id = %s",  # noqa: S608
                list(zip(ranks, scores, ids, strict=True)),
            )
            cursor.executemany(
                f"INSERT INTO {entry_table} (ranking_id, application_id, rank, score) "  # noqa: S608
                "VALUES (%s, %s, %s, %s)",
                [
                    (ranking.pk, pk, rank, score)
                    for pk, rank, score in zip(ids, ranks, scores, strict=True)
                ],
            )
