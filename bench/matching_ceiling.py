"""How far any pair-by-pair model can go on the generated registry: an optimistic ceiling.

    .venv/bin/python bench/matching_ceiling.py            # generated 100k
    .venv/bin/python bench/matching_ceiling.py --sizes 10k,100k

The engine's blocking rules give the candidate pairs. Each pair is described by a fine evidence
signature: the engine's level for every field, the frequency class of each name, the birth
dates' year gap, same month, same day and estimated flags, which of the two records carry a
document number or a phone, and how many records share the given name, father's name and birth
year. Each signature is then called a match or not by the majority of its own pairs, judged on
the very pairs it was fitted to: no model deciding on these features pair by pair does better,
and most do worse (a signature seen once is always "right"). True pairs outside the blocks count
as missed.

Figures go to ``bench/results/matching_ceiling.json`` (``gen100k_ceiling_f1``, …) and the table
to ``bench/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from matching import SEED, SIZES, generated  # noqa: E402

from mehman.matching.engine.comparisons import alike_key, levels  # noqa: E402
from mehman.matching.engine.frame import Frequencies, block_keys  # noqa: E402
from mehman.matching.engine.pipeline import prepare_columns, read_columns  # noqa: E402
from mehman.matching.engine.prepare import Prepared  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "matching_ceiling.json"
RESULTS_MD = ROOT / "bench" / "RESULTS.md"


def candidate_pairs(records: list[Prepared]) -> set[tuple[int, int]]:
    pairs: set[tuple[int, int]] = set()
    for keys in block_keys(records).values():
        groups: dict[str, list[int]] = defaultdict(list)
        for uid, key in enumerate(keys):
            if key is not None:
                groups[key].append(uid)
        for members in groups.values():
            pairs.update(itertools.combinations(members, 2))
    return pairs


def signature(x: Prepared, y: Prepared, buckets: Any) -> tuple[Any, ...]:
    given, father, family, crowd = buckets
    date: tuple[Any, ...] | None = None
    if x.dob and y.dob:
        date = (
            min(abs(x.dob.year - y.dob.year), 3),
            x.dob.month == y.dob.month,
            x.dob.day == y.dob.day,
            x.dob.estimated,
            y.dob.estimated,
        )
    return (
        *levels(x, y, buckets),
        date,
        given(x.given.key),
        father(x.father.key),
        family(x.family.key),
        min(crowd(alike_key(x)), 12),
        x.given_latin,
        y.given_latin,
        bool(x.document),
        bool(y.document),
        bool(x.phone),
        bool(y.phone),
    )


def ceiling(size: str) -> dict[str, Any]:
    started = time.perf_counter()
    source, truth = generated(size)
    records = prepare_columns(read_columns(source))
    entity = truth["entity_id"].tolist()
    buckets = Frequencies.count(records).buckets()
    pairs = candidate_pairs(records)
    true_pairs = sum(n * (n - 1) // 2 for n in Counter(entity).values())
    votes: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0])
    for a, b in pairs:
        votes[signature(records[a], records[b], buckets)][entity[a] == entity[b]] += 1
    blocked = sum(true for _false, true in votes.values())
    hits = sum(true for false, true in votes.values() if true > false)
    wrong = sum(false for false, true in votes.values() if true > false)
    precision = hits / (hits + wrong) if hits + wrong else 1.0
    recall = hits / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "records": len(records),
        "candidates": len(pairs),
        "true_pairs": true_pairs,
        "true_in_blocks": blocked,
        "signatures": len(votes),
        "ceiling_precision": round(precision, 4),
        "ceiling_recall": round(recall, 4),
        "ceiling_f1": round(f1, 4),
        "seconds": round(time.perf_counter() - started, 1),
    }


def table(flat: dict[str, Any], sizes: list[str]) -> str:
    lines = [
        "| registry | records | candidate pairs | true pairs | true pairs in blocks "
        "| signatures | precision | recall | F1 (ceiling) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size in sizes:
        prefix = f"gen{size}_"
        f = {k.removeprefix(prefix): v for k, v in flat.items() if k.startswith(prefix)}
        lines.append(
            f"| generated {size} | {f['records']:,} | {f['candidates']:,} | {f['true_pairs']:,} "
            f"| {f['true_in_blocks']:,} | {f['signatures']:,} | {f['ceiling_precision']:.4f} "
            f"| {f['ceiling_recall']:.4f} | {f['ceiling_f1']:.4f} |"
        )
    return "\n".join(lines)


def update_results_md(command: str, text: str) -> None:
    begin, end = "<!-- matching-ceiling:begin -->", "<!-- matching-ceiling:end -->"
    section = (
        f"{begin}\n## Matching: the generated registry's ceiling (`bench/matching_ceiling.py`)\n\n"
        f"Command: `{command}`. Generated registries: `mehman.demo.people.duplicates`, "
        f"seed {SEED}, run {time.strftime('%Y-%m-%d')}.\n\n{text}\n\n"
        "The best pairwise F1 that any model deciding pair by pair on these features can reach,"
        " judged optimistically (each evidence signature called by the majority of its own "
        "pairs): see the script's docstring.\n"
        f"{end}"
    )
    current = RESULTS_MD.read_text(encoding="utf-8")
    if begin in current:
        current = (
            current[: current.index(begin)] + section + current[current.index(end) + len(end) :]
        )
    else:
        current = current.rstrip("\n") + "\n\n" + section + "\n"
    RESULTS_MD.write_text(current, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100k")
    args = parser.parse_args()
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        raise SystemExit(f"unknown sizes: {', '.join(unknown)} (choose from {', '.join(SIZES)})")
    flat: dict[str, Any] = {}
    for size in sizes:
        figures = ceiling(size)
        print(f"generated {size}: {figures}", flush=True)
        flat.update({f"gen{size}_{key}": value for key, value in figures.items()})
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(flat, indent=2) + "\n", encoding="utf-8")
    text = table(flat, sizes)
    print(text)
    update_results_md(("python bench/matching_ceiling.py " + " ".join(sys.argv[1:])).strip(), text)
    print(f"wrote {RESULTS.relative_to(ROOT)} and {RESULTS_MD.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
