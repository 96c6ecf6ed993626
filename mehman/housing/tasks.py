"""Background work of housing: solving a batch allocation run."""

from __future__ import annotations

import logging

from django.utils.translation import gettext
from django_tasks import task

from mehman.core.progress import Reporter
from mehman.housing.models import AllocationRun
from mehman.housing.services import runs

logger = logging.getLogger(__name__)


@task()
def solve_allocation(run_uuid: str) -> int:
    """Solve a batch allocation run; the number of households placed is the result."""
    run = AllocationRun.objects.select_related("progress").get(uuid=run_uuid)
    with Reporter(run.progress) as reporter:
        try:
            run = runs.solve_run(run, reporter=reporter)
        except Exception:
            logger.exception("allocation run %s failed", run.reference)
            message = gettext("The allocation could not be solved; nothing was proposed.")
            runs.fail_run(run, message)
            reporter.finish(error=message)
            raise
    return int(run.figures.get("placed", 0))
