"""Every change made by duplicate detection: runs across a settlement, the reviewer's decisions
on the pairs they propose, and the check at registration (with what the clerk decided).

Each service runs in one transaction, locks what it changes, leaves a history row and writes
an event on the timeline of each person's household. Broken rules raise ``ValidationError``
with a code.
"""

from mehman.matching.services._common import forget_registry_models, registry_model
from mehman.matching.services.check import check_person
from mehman.matching.services.pairs import (
    confirm_pair,
    record_registration_decision,
    reject_pair,
    undo_merge,
)
from mehman.matching.services.runs import execute_run, start_run

__all__ = [
    "check_person",
    "confirm_pair",
    "execute_run",
    "forget_registry_models",
    "record_registration_decision",
    "registry_model",
    "reject_pair",
    "start_run",
    "undo_merge",
]
