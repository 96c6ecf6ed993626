"""Background work of the registry: checking and importing household files, exporting.

Uploads wait under ``MEDIA_ROOT/imports`` named by a random UUID (the sender's
file name is never used for a path); exports are written to ``DATA_DIR/exports``.
"""

from __future__ import annotations

import re
import shutil
import time
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import UploadedFile
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext
from django_tasks import task

from mehman.core.models import Settlement, TaskProgress, TaskStatus
from mehman.core.progress import Reporter
from mehman.registry import exports, imports

CHECK_KIND = "registry.import_check"
IMPORT_KIND = "registry.import"
EXPORT_KIND = "registry.export"
_UPLOAD_NAME = re.compile(r"[0-9a-f]{32}\.(csv|xlsx)")


class VisibleProgress:
    """A Reporter that stays visible while the import holds its transaction open.

    Inside the transaction the Reporter's own writes would show only at commit;
    on PostgreSQL the row is updated through a second connection instead, so the
    page sees the import move. (SQLite has one writer at a time: there the page
    shows the check, then the end.)
    """

    def __init__(self, reporter: Reporter, *, interval: float = 1.0) -> None:
        self.reporter = reporter
        self.interval = interval
        self._side: Any = None
        self._last = 0.0

    @property
    def total(self) -> int:
        return self.reporter.total

    @total.setter
    def total(self, value: int) -> None:
        self.reporter.total = value

    def advance(self, step: int = 1) -> None:
        if not connection.in_atomic_block:
            self.reporter.advance(step)
            return
        self.reporter.done += step
        progress = self.reporter.progress
        now = time.monotonic()
        if (
            progress is None
            or connection.vendor != "postgresql"
            or now - self._last < self.interval
        ):
            return
        self._last = now
        if self._side is None:
            self._side = connections.create_connection(DEFAULT_DB_ALIAS)
        table = self._side.ops.quote_name(TaskProgress._meta.db_table)
        with self._side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET done = %s, total = %s, status = %s, updated_at = %s "  # noqa: S608 -- the model's table
                "WHERE id = %s",
                [self.reporter.done, self.total, TaskStatus.RUNNING, timezone.now(), progress.pk],
            )

    def close(self) -> None:
        if self._side is not None:
            self._side.close()


def _upload_folder() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def upload_path(name: str) -> Path:
    """Where a stored upload is; ValueError for a name this module did not make."""
    if not _UPLOAD_NAME.fullmatch(name):
        raise ValueError(f"not a stored upload: {name!r}")
    return _upload_folder() / name


def store_upload(uploaded: UploadedFile[Any]) -> str:
    """Keep an uploaded household file under a new random name; FileProblem if it is
    neither CSV text nor an Excel workbook."""
    folder = _upload_folder()
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f"{uuid.uuid4().hex}.part"
    with temporary.open("wb") as out:
        for chunk in uploaded.chunks():
            out.write(chunk)
    try:
        kind = imports.sniff_format(temporary)
    except imports.FileProblem:
        temporary.unlink()
        raise
    name = f"{temporary.stem}.{kind}"
    temporary.rename(upload_path(name))
    return name


def source_name(client_name: str | None) -> str:
    """The sender's file name, only to be shown (on the timeline, in titles)."""
    return get_valid_filename(Path(client_name or "upload").name)[:100] or "upload"


def export_path(progress_uuid: str, fmt: str) -> Path:
    if fmt not in exports.FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    return Path(settings.DATA_DIR) / "exports" / f"households-{uuid.UUID(progress_uuid)}.{fmt}"


@task()
def check_import(
    progress_uuid: str, upload: str, settlement_code: str, status: str, source: str
) -> int:
    """The dry run of an uploaded file; its report is the task's result."""
    progress = TaskProgress.objects.get(uuid=progress_uuid)
    settlement = Settlement.objects.get(code=settlement_code)
    path = upload_path(upload)
    with Reporter(progress) as reporter:
        report = imports.check_households(
            path=path, settlement=settlement, status=status, progress=reporter
        )
        if not report.ok:
            path.unlink(missing_ok=True)  # it cannot be imported; a corrected file comes next
        reporter.finish(
            result={
                "stage": "check",
                "upload": upload if report.ok else "",
                "settlement": settlement.code,
                "status": status,
                "source": source,
                "report": report.to_dict(),
            }
        )
    return report.problem_count


@task()
def run_import(
    progress_uuid: str,
    upload: str,
    settlement_code: str,
    status: str,
    source: str,
    user_id: int | None,
) -> int:
    """Import a checked upload; the counts (or, if it was refused, the report) are the result."""
    progress = TaskProgress.objects.get(uuid=progress_uuid)
    settlement = Settlement.objects.get(code=settlement_code)
    by = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    path = upload_path(upload)
    outcome: dict[str, Any] = {"stage": "import", "settlement": settlement.code, "source": source}
    with Reporter(progress) as reporter:
        visible = VisibleProgress(reporter)
        try:
            result, report = imports.import_households(
                path=path,
                settlement=settlement,
                by=by,
                status=status,
                source=source,
                progress=visible,
                precheck=False,  # its dry run has just passed; each batch is checked again
            )
        except imports.ImportRefused as refused:
            reporter.finish(
                result={**outcome, "report": refused.report.to_dict()},
                error=gettext("The file has problems; nothing was imported."),
            )
            return 0
        finally:
            visible.close()
        path.unlink(missing_ok=True)
        reporter.finish(result={**outcome, **result.to_dict(), "report": report.to_dict()})
    return result.individuals


@task()
def export_households(
    progress_uuid: str,
    user_id: int,
    fmt: str,
    hxl: bool,
    settlement_code: str,
    filters: dict[str, Any],
) -> int:
    """Write an export too large to answer at once to a file, for download."""
    progress = TaskProgress.objects.get(uuid=progress_uuid)
    user = get_user_model().objects.get(pk=user_id)
    settlement = Settlement.objects.get(code=settlement_code) if settlement_code else None
    path = export_path(progress_uuid, fmt)
    path.parent.mkdir(parents=True, exist_ok=True)
    people = exports.people_to_export(user, settlement=settlement, filters=filters)
    partial = path.with_suffix(".part")
    with Reporter(progress, total=progress.total) as reporter:
        written = exports.export_households(
            partial,
            people,
            fmt=fmt,
            hxl=hxl,
            with_settlement=settlement is None,
            progress=reporter,
        )
        shutil.move(partial, path)
        reporter.finish(
            result={
                "rows": written,
                "format": fmt,
                "download": reverse("registry:export_download", args=[progress_uuid]),
            }
        )
    return written
