"""Pairs to clusters, refusing merges that would make one person of two.

Pairs are taken most probable first. Two clusters join only if, after joining, the cluster
would still hold at most one document number (two numbers more than one typo apart are
two people) and no
pair inside it was judged "different people" by a reviewer. This stops the chaining that
plain connected components suffers from (A-B and B-C joined, so A-C joined, though A and C
carry different documents).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from mehman.matching.engine.comparisons import document_typo
from mehman.matching.engine.prepare import Prepared

Edge = tuple[float, int, int]  # (match probability, uid, uid)


def cluster(
    records: Sequence[Prepared],
    pairs: Iterable[Edge],
    *,
    threshold: float,
    different: Iterable[tuple[int, int]] = (),
    documents_reliable: bool = True,
) -> list[int]:
    """The cluster of each record (the uid of one of its members), by uid."""
    parent = list(range(len(records)))
    documents: dict[int, str] = (
        {p.uid: p.document for p in records if p.document} if documents_reliable else {}
    )
    members: dict[int, list[int]] = {}
    apart: dict[int, set[int]] = {}
    for a, b in different:
        apart.setdefault(a, set()).add(b)
        apart.setdefault(b, set()).add(a)

    def find(x: int) -> int:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    for probability, a, b in sorted(pairs, reverse=True):
        if probability < threshold:
            break
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        da, db = documents.get(ra), documents.get(rb)
        if da and db and da != db and not document_typo(da, db):
            continue
        if apart:
            group_a = members.get(ra, [ra])
            group_b = set(members.get(rb, [rb]))
            if any(apart.get(x, set()) & group_b for x in group_a):
                continue
        if len(members.get(ra, [ra])) < len(members.get(rb, [rb])):
            ra, rb = rb, ra
        parent[rb] = ra
        if da or db:
            documents[ra] = da or db or ""
        members[ra] = members.pop(ra, [ra]) + members.pop(rb, [rb])
    return [find(x) for x in range(len(records))]
