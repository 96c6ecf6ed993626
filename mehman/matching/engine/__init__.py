"""The duplicate-detection engine: plain Python, Splink and DuckDB; no Django.

- ``prepare``: a record as typed → comparable forms (names, skeletons, dates, numbers).
- ``comparisons``: what is compared, in SQL (Splink) and in Python, level by level.
- ``frame``: prepared records as a table, with budgeted blocking keys.
- ``model``: Splink settings, the trained artefact (``models/``), training.
- ``pipeline``: a whole file — score with Splink on DuckDB (or Spark), cluster.
- ``cluster``: clusters that never hold two document numbers or a rejected pair.
- ``scoring``: the same model in Python, and the in-memory index for instant checks.
"""

from mehman.matching.engine.pipeline import Result, dedupe_file
from mehman.matching.engine.prepare import FIELDS, LatinTable, Prepared, prepare
from mehman.matching.engine.scoring import Evidence, Index, Match, Scorer

__all__ = [
    "FIELDS",
    "Evidence",
    "Index",
    "LatinTable",
    "Match",
    "Prepared",
    "Result",
    "Scorer",
    "dedupe_file",
    "prepare",
]
