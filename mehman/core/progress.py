"""Reporting progress of long work to a TaskProgress row (pages) and to a terminal (CLI)."""

from __future__ import annotations

import time
from types import TracebackType
from typing import Any

from tqdm import tqdm

from mehman.core import services
from mehman.core.models import TaskProgress


class Reporter:
    """Forward progress to a TaskProgress row (throttled) and/or a tqdm bar.

    Long work calls ``reporter.advance(k)`` as often as it likes; the database
    is written at most every ``interval`` seconds so progress costs nothing.
    """

    def __init__(
        self,
        progress: TaskProgress | None = None,
        *,
        total: int = 0,
        bar: bool = False,
        description: str = "",
        interval: float = 0.5,
    ) -> None:
        self.progress = progress
        self.total = total
        self.done = 0
        self.interval = interval
        self._last_write = 0.0
        self.bar: tqdm[Any] | None = (
            tqdm(total=total or None, desc=description, unit="", disable=None) if bar else None
        )

    def advance(self, step: int = 1) -> None:
        self.done += step
        if self.bar is not None:
            self.bar.update(step)
        now = time.monotonic()
        if self.progress is not None and now - self._last_write >= self.interval:
            self._last_write = now
            services.advance_progress(self.progress, done=self.done, total=self.total or None)

    def finish(self, result: dict[str, Any] | None = None, error: str = "") -> None:
        if self.bar is not None:
            self.bar.close()
        if self.progress is not None:
            services.advance_progress(self.progress, done=self.done, total=self.total or None)
            services.finish_progress(self.progress, result=result, error=error)

    def __enter__(self) -> Reporter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc is not None:
            from django.utils.translation import gettext

            self.finish(error=gettext("The work stopped because of an error."))
