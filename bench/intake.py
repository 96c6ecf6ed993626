"""Intake benchmark: re-ranking a waitlist of 100,000 applications after new weights.

    .venv/bin/python bench/intake.py                  # SQLite (and PostgreSQL, see below)
    .venv/bin/python bench/intake.py --applications 20000

For each database it builds, in a throwaway database, one settlement whose
waitlist holds the applications (households and applications are bulk-inserted:
this is fixture data, not a test of the application services), with varied
criteria and submission times spread over three years. A first re-ranking
settles the ranks; then a manager publishes a weight change through
``services.publish_weights``, which re-ranks the whole waitlist and records a
rank-history entry for every application whose place or score moved. That
publish + re-rank is the figure the issue sets a goal for (``rerank_100k_s``,
at most 2 s). ``rank_only_s`` is the scoring and sorting alone
(``scoring.rank_rows``), ``what_if_s`` the read-only preview of the same
change (``services.placements``).

Figures go to ``bench/results/intake.json`` (flat keys; PostgreSQL figures end
in ``_postgres``) and the table to ``bench/RESULTS.md``. SQLite runs in a
temporary directory. PostgreSQL runs only when ``DATABASE_URL`` is set: the
benchmark creates the database ``mehman_bench_intake`` on that server and drops
it afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "intake.json"
RESULTS_MD = ROOT / "bench" / "RESULTS.md"
BENCH_DB = "mehman_bench_intake"
SEED = 20261130
GOAL_S = 2.0
# The weight change published: what a directorate circular might change.
NEW_WEIGHTS = {"eviction_risk": "14", "waiting_month": "1.5", "need:SM": "13.5", "under_five": "4"}
NEED_CATEGORIES = ("CR", "DS", "ER", "FU", "LP", "PG", "SC", "SM", "SP", "SV", "TR", "WR")
BATCH = 5_000
NOTES = """Notes:

- The fixture is bulk-inserted (households without members, applications with
  their criteria already read), so building it is not part of any figure.
- "publish + re-rank" is `services.publish_weights` end to end, in its
  transaction: the new version, the settlement's event, reading the waitlist,
  scoring and sorting, writing rank and score onto every application that
  moved, and one rank-history row each.
- Almost every application moves when weights change (the scores of all who
  have the changed criteria move, and the places of nearly everyone else), so
  this is the heaviest re-ranking there is; a household joining or leaving
  writes only the applications below it.
- What made SQLite meet the goal (it took 2.9 s before): the waitlist is read
  without Django's per-value converters; the moved rows are written in id
  order (index pages in order) through one statement over a JSON array instead
  of 100,000 single ones; the query for applications that left the waitlist no
  longer uses `NOT IN (subquery)`, which PostgreSQL ran once per row (170 s)
  once the table had been updated a few times.
- What made PostgreSQL meet it (it took 4.6 s before): rank and score are in no
  index, and the applications table leaves half of each page free (migration
  `intake/0002`), so the rewritten rows stay on their pages as heap-only
  updates with no index entries to write; the score is read as a float; a
  rank-history row has one index (application, ranking) and the database does
  not check its ranking row by row (the same transaction creates both). The
  remaining cost is mostly writing 100,000 row versions and history rows.
"""


# --- Worker: one database -------------------------------------------------------------


def _setup_django(database: str, data_dir: Path, server_url: str) -> None:
    os.environ["MEHMAN_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("MEHMAN_LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "mehman.settings"
    if database == "postgresql":
        os.environ["DATABASE_URL"] = _bench_url(server_url)
    else:
        os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _bench_url(server_url: str) -> str:
    return server_url.rsplit("/", 1)[0] + "/" + BENCH_DB


def _bench_database(server_url: str, *, create: bool) -> None:
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        if create:
            conn.execute(f"CREATE DATABASE {BENCH_DB}")


def _needs(rng: random.Random) -> str:
    from mehman.intake import scoring

    chosen = [code for code in NEED_CATEGORIES if rng.random() < 0.06]
    return scoring.join_categories(chosen)


def _fixture(settlement: Any, n: int, today: date) -> None:
    """``n`` waitlisted applications of ``n`` applicant households, in bulk."""
    from django.utils import timezone

    from mehman.intake.models import (
        AppealSubject,
        Application,
        ApplicationStatus,
        Channel,
        CurrentHousing,
    )
    from mehman.registry.models import Household, HouseholdStatus

    rng = random.Random(SEED)
    start = timezone.make_aware(
        datetime.combine(today - timedelta(days=3 * 365), datetime.min.time())
    )
    span = int(timedelta(days=3 * 365).total_seconds())
    housing = [
        (CurrentHousing.RENTED, 55),
        (CurrentHousing.RELATIVES, 20),
        (CurrentHousing.INFORMAL, 12),
        (CurrentHousing.WORKPLACE, 8),
        (CurrentHousing.HOMELESS, 3),
        (CurrentHousing.OTHER, 2),
    ]
    for first in range(0, n, BATCH):
        count = min(BATCH, n - first)
        households = Household.objects.bulk_create(
            [
                Household(
                    reference=f"{settlement.code}-{first + i + 1:06d}",
                    settlement=settlement,
                    status=HouseholdStatus.APPLICANT,
                    size=1 + min(11, int(rng.expovariate(1 / 4.5))),
                    registered_on=today - timedelta(days=rng.randrange(3 * 365 + 30)),
                    consent_given=True,
                )
                for i in range(count)
            ]
        )
        if not households[0].pk:  # backends that do not return ids (none we use)
            households = list(
                Household.objects.filter(settlement=settlement).order_by("pk")[first:]
            )
        applications = []
        for i, household in enumerate(households):
            submitted = start + timedelta(seconds=rng.randrange(span))
            size = household.size
            children = min(size - 1, int(rng.expovariate(1 / 0.8)))
            current = rng.choices([h for h, _w in housing], [w for _h, w in housing])[0]
            income = 0 if rng.random() < 0.25 else rng.randrange(20, 400) * 1_000_000
            score_appeal = rng.random() < 0.01
            applications.append(
                Application(
                    reference=f"{settlement.code}-A{first + i + 1:05d}",
                    settlement=settlement,
                    household=household,
                    status=ApplicationStatus.APPEAL
                    if score_appeal
                    else ApplicationStatus.WAITLISTED,
                    appeal_of=AppealSubject.SCORE if score_appeal else "",
                    applied_on=timezone.localtime(submitted).date(),
                    channel=rng.choice(Channel.values),
                    current_housing=current,
                    current_place="مشهد",
                    monthly_income=income,
                    eviction_risk=rng.random() < 0.12,
                    consent_given=True,
                    submitted_at=submitted,
                    screened_on=timezone.localtime(submitted).date() + timedelta(days=7),
                    waitlisted_on=timezone.localtime(submitted).date() + timedelta(days=8),
                    household_size=size,
                    f_female_head=rng.random() < 0.18,
                    f_child_head=rng.random() < 0.01,
                    f_older=min(size, int(rng.random() < 0.22) + int(rng.random() < 0.05)),
                    f_disability=min(size, int(rng.random() < 0.1) + int(rng.random() < 0.02)),
                    f_under_five=children,
                    f_no_income=income == 0,
                    f_eviction_risk=current == CurrentHousing.HOMELESS or rng.random() < 0.12,
                    need_categories=_needs(rng),
                    features_read_at=submitted,
                )
            )
        Application.objects.bulk_create(applications)


def worker(database: str, n: int, server_url: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="mehman-bench-") as tmp:
        _setup_django(database, Path(tmp), server_url)
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)

        from mehman.accounts.models import Role
        from mehman.accounts.services import create_user
        from mehman.core import dates
        from mehman.core.services import create_settlement
        from mehman.intake import scoring, services
        from mehman.intake.models import Application, RankEntry, Ranking, RankingReason
        from mehman.intake.services.ranking import _rows

        settlement = create_settlement(
            code="TJ",
            name_fa="مهمانشهر تربت جام",
            name_en="Torbat-e Jam guest city",
            province_fa="خراسان رضوی",
            province_en="Khorasan Razavi",
            capacity=10_000,
        )
        manager = create_user(
            username="bench",
            role=Role.MANAGER,
            password="x",
            settlements=[settlement],
            validate=False,
        )
        today = dates.today()
        t0 = time.perf_counter()
        _fixture(settlement, n, today)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        setup_s = time.perf_counter() - t0
        rows = Application.objects.ranked().filter(settlement=settlement).count()
        print(f"[{database}] {rows:,} applications on the waitlist ({setup_s:.0f} s)", flush=True)

        t0 = time.perf_counter()
        settled = services.rerank(settlement=settlement, reason=RankingReason.JOINED)
        settle_s = time.perf_counter() - t0
        print(f"[{database}] first ranking: {settle_s:.2f} s, {settled.moved:,} placed", flush=True)

        weights = {**services.current_weights(settlement).as_decimals()}
        weights.update({code: scoring.parse_weight(value) for code, value in NEW_WEIGHTS.items()})
        t0 = time.perf_counter()
        preview = services.placements(settlement, weights)
        what_if_s = time.perf_counter() - t0

        t0 = time.perf_counter()
        table, _before = _rows(settlement)
        read_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        order = scoring.rank_rows(table, weights, today)
        rank_only_s = time.perf_counter() - t0

        entries = RankEntry.objects.count()
        t0 = time.perf_counter()
        published = services.publish_weights(
            settlement=settlement, weights=NEW_WEIGHTS, note="Benchmark", by=manager
        )
        rerank_s = time.perf_counter() - t0
        ranking = Ranking.objects.filter(weights=published).get()
        print(
            f"[{database}] publish + re-rank: {rerank_s:.2f} s, {ranking.moved:,} moved",
            flush=True,
        )
        # The preview promised what publishing did.
        assert [p.id for p in preview] == [pk for pk, _points in order]
        assert RankEntry.objects.count() - entries == ranking.moved
        first = Application.objects.get(pk=order[0][0])
        assert first.rank == 1 and first.score == scoring.from_centi(order[0][1])
        connection.close()
        return {
            "rows": rows,
            "moved": ranking.moved,
            "rerank_100k_s": round(rerank_s, 3),
            "rank_only_s": round(rank_only_s, 3),
            "read_rows_s": round(read_s, 3),
            "what_if_s": round(what_if_s, 3),
            "first_ranking_s": round(settle_s, 3),
            "fixture_s": round(setup_s, 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        }


# --- Driver ------------------------------------------------------------------------------

ROWS = (
    ("applications on the waitlist", "rows"),
    ("publish weights + re-rank (s)", "rerank_100k_s"),
    ("applications moved (rank-history rows written)", "moved"),
    ("scoring and sorting alone, `rank_rows` (s)", "rank_only_s"),
    ("reading the waitlist (s)", "read_rows_s"),
    ("what-if preview, `placements` (s)", "what_if_s"),
    ("first ranking of the whole waitlist (s)", "first_ranking_s"),
    ("peak memory of the process (MB)", "peak_rss_mb"),
)


def _table(results: dict[str, dict[str, Any]]) -> str:
    dbs = list(results)
    lines = ["| figure | " + " | ".join(dbs) + " |", "|---|" + "---:|" * len(dbs)]
    for label, key in ROWS:
        cells = []
        for db in dbs:
            value = results[db][key]
            cells.append(f"{value:,}" if isinstance(value, int) else str(value))
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _update_results_md(commands: list[str], table: str, machine: str) -> None:
    begin, end = "<!-- intake:begin -->", "<!-- intake:end -->"
    shown = "\n".join(f"    {command}" for command in commands)
    section = (
        f"{begin}\n## Intake re-ranking (`bench/intake.py`)\n\n"
        f"Commands:\n\n{shown}\n\n{machine}\n\n{table}\n\n"
        f"Goal (issue 5): re-ranking 100,000 applications ≤ {GOAL_S:g} s.\n"
        f"\n{NOTES}"
        f"{end}"
    )
    text = RESULTS_MD.read_text(encoding="utf-8") if RESULTS_MD.exists() else "# Benchmarks\n"
    if begin in text:
        text = text[: text.index(begin)] + section + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    RESULTS_MD.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    server_url = os.environ.get("DATABASE_URL", "")
    if args.worker:
        figures = worker(args.worker, args.applications, server_url)
        print("RESULT " + json.dumps(figures), flush=True)
        return

    databases = ["sqlite"] + (["postgresql"] if server_url else [])
    results: dict[str, dict[str, Any]] = {}
    for database in databases:
        if database == "postgresql":
            _bench_database(server_url, create=True)
        try:
            # One process per database, so peak memory and caches are its own.
            proc = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--worker",
                    database,
                    "--applications",
                    str(args.applications),
                ],
                check=True,
                stdout=subprocess.PIPE,
                text=True,
            )
        finally:
            if database == "postgresql":
                _bench_database(server_url, create=False)
        for line in proc.stdout.splitlines():
            if line.startswith("RESULT "):
                results[database] = json.loads(line[7:])
            else:
                print(line)
    flat: dict[str, Any] = {}
    for database, figures in results.items():
        suffix = "_postgres" if database == "postgresql" else ""
        for key, value in figures.items():
            flat[f"{key}{suffix}"] = value
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(flat, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    table = _table(results)
    print(table)
    for database, figures in results.items():
        verdict = "met" if figures["rerank_100k_s"] <= GOAL_S else "MISSED"
        print(f"goal ≤ {GOAL_S:g} s on {database}: {verdict} ({figures['rerank_100k_s']} s)")
    extra = " ".join(sys.argv[1:])
    commands = [f"python bench/intake.py {extra}".strip()]
    commands.append(
        "DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres " + commands[0]
        if "postgresql" in results
        else "(PostgreSQL: set DATABASE_URL to a server's database; not run)"
    )
    machine = (
        f"Machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
        f"run {time.strftime('%Y-%m-%d')}."
    )
    _update_results_md(commands, table, machine)
    print(f"wrote {RESULTS.relative_to(ROOT)} and {RESULTS_MD.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
