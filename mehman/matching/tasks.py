"""Background work of duplicate detection: a run across a settlement's registry."""

from __future__ import annotations

import logging

from django_tasks import task

from mehman.matching.models import MatchRun
from mehman.matching.services import execute_run

logger = logging.getLogger(__name__)


@task()
def execute_run_task(run_uuid: str) -> int:
    """Execute a run queued by ``start_run``; the number of pairs proposed is the result. The
    service marks the run failed (proposing nothing) if it fails."""
    run = MatchRun.objects.select_related("settlement", "progress").get(uuid=run_uuid)
    try:
        run = execute_run(run)
    except Exception:
        logger.error("matching run %s failed", run.reference)
        raise
    return run.proposed
