"""Background work of residence: committing and reversing a bulk conversion."""

from __future__ import annotations

import logging

from django_tasks import task

from mehman.core.progress import Reporter
from mehman.residence.models import ConversionRun
from mehman.residence.services import conversion

logger = logging.getLogger(__name__)


def _run(run_uuid: str) -> ConversionRun:
    found: ConversionRun = ConversionRun.objects.select_related(
        "settlement", "progress__started_by"
    ).get(uuid=run_uuid)
    return found


@task()
def commit_conversion_task(run_uuid: str) -> int:
    """Commit a conversion (started by ``start_commit``); the number of terms started is the
    result. The service withdraws what it started if it fails, and marks the run failed."""
    run = _run(run_uuid)
    by = run.progress.started_by if run.progress else None
    reporter = Reporter(run.progress)
    try:
        run = conversion.commit_conversion(run=run, by=by, reporter=reporter)
    except Exception:
        # The service logged the error and undid the work; no personal data is logged here.
        logger.error("conversion %s was not committed", run.reference)
        raise
    return int(run.figures.get("created", 0))


@task()
def reverse_conversion_task(run_uuid: str, reason: str) -> int:
    """Reverse a conversion (started by ``start_reverse``); the number of terms withdrawn is
    the result."""
    run = _run(run_uuid)
    by = run.progress.started_by if run.progress else None
    reporter = Reporter(run.progress)
    try:
        run = conversion.reverse_conversion(run=run, by=by, reason=reason, reporter=reporter)
    except Exception:
        logger.error("conversion %s was not reversed", run.reference)
        raise
    return int(run.figures.get("revoked", 0))
