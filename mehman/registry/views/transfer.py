"""Households in and out: upload a file, see the dry run, import it; export a spreadsheet.

Both run as background tasks when large; the import always does, after a dry
run whose report the user reads before confirming.
"""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mehman.accounts.requests import AuthenticatedRequest
from mehman.core import dates, digits, services
from mehman.core.models import Settlement, TaskProgress, TaskStatus
from mehman.core.permissions import get_for_user_or_404, require_capability
from mehman.registry import exports, imports, tasks
from mehman.registry.forms.transfer import ExportForm, ImportForm


@login_required
def import_upload(request: AuthenticatedRequest) -> HttpResponse:
    require_capability(request.user, "registry.import")
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        settlement = get_for_user_or_404(
            Settlement.objects, request.user, code=form.cleaned_data["settlement"]
        )
        upload = form.cleaned_data["file"]
        try:
            stored = tasks.store_upload(upload)
        except imports.FileProblem as problem:
            form.add_error("file", problem.problem.message)
        else:
            source = tasks.source_name(upload.name)
            progress = services.start_progress(
                kind=tasks.CHECK_KIND,
                title=_("Checking %(file)s for %(settlement)s")
                % {"file": source, "settlement": settlement.name},
                by=request.user,
            )
            tasks.check_import.enqueue(
                str(progress.uuid), stored, settlement.code, form.cleaned_data["status"], source
            )
            return redirect("registry:import_task", task=progress.uuid)
    return render(request, "registry/import.html", {"form": form, "columns": imports.COLUMNS})


def _import_progress(request: HttpRequest, task: str, *kinds: str) -> TaskProgress:
    require_capability(request.user, "registry.import")
    progress = get_for_user_or_404(
        TaskProgress.objects.filter(kind__in=kinds), request.user, uuid=task
    )
    if code := progress.result.get("settlement"):
        get_for_user_or_404(Settlement.objects, request.user, code=code)
    return progress


@login_required
def import_task(request: HttpRequest, task: str) -> HttpResponse:
    """The dry run or the import, while it runs and when it is done."""
    progress = _import_progress(request, task, tasks.CHECK_KIND, tasks.IMPORT_KIND)
    report = imports.Report.from_dict(progress.result.get("report", {}))
    context = {
        "task": progress,
        "stage": progress.result.get("stage", ""),
        "report": report,
        "problems": report.sorted_problems(),
        "by_column": sorted(report.by_column.items()),
        "can_import": progress.status == TaskStatus.DONE
        and report.ok
        and bool(progress.result.get("upload")),
    }
    htmx = getattr(request, "htmx", None)
    template = "registry/import_task.html#status" if htmx else "registry/import_task.html"
    return render(request, template, context)


@require_POST
@login_required
def import_run(request: AuthenticatedRequest, task: str) -> HttpResponse:
    """Confirmed: import the checked file, in the background."""
    check = _import_progress(request, task, tasks.CHECK_KIND)
    result = check.result
    report = imports.Report.from_dict(result.get("report", {}))
    if check.status != TaskStatus.DONE or not report.ok or not _upload_exists(result):
        messages.error(request, _("This file cannot be imported; upload it again."))
        return redirect("registry:import_task", task=check.uuid)
    settlement = get_for_user_or_404(Settlement.objects, request.user, code=result["settlement"])
    progress = services.start_progress(
        kind=tasks.IMPORT_KIND,
        title=_("Importing %(file)s into %(settlement)s")
        % {"file": result.get("source", ""), "settlement": settlement.name},
        total=report.rows,
        by=request.user,
    )
    tasks.run_import.enqueue(
        str(progress.uuid),
        result["upload"],
        settlement.code,
        result["status"],
        result.get("source", ""),
        request.user.pk,
    )
    return redirect("registry:import_task", task=progress.uuid)


def _upload_exists(result: dict[str, Any]) -> bool:
    try:
        return tasks.upload_path(result.get("upload", "")).exists()
    except ValueError:
        return False


@login_required
def export(request: AuthenticatedRequest) -> HttpResponse:
    """A spreadsheet of the households the user sees, filtered like the household list."""
    require_capability(request.user, "registry.export")
    if request.method != "POST":
        form = ExportForm(initial=request.GET.dict(), user=request.user)
        return render(request, "registry/export.html", {"form": form})
    form = ExportForm(request.POST, user=request.user)
    if not form.is_valid():
        return render(request, "registry/export.html", {"form": form})
    code = form.cleaned_data["settlement"]
    settlement = get_for_user_or_404(Settlement.objects, request.user, code=code) if code else None
    fmt, hxl, filters = form.cleaned_data["format"], form.cleaned_data["hxl"], form.filters()
    people = exports.people_to_export(request.user, settlement=settlement, filters=filters)
    count = people.count()
    if count > exports.DIRECT_LIMIT:
        progress = services.start_progress(
            kind=tasks.EXPORT_KIND,
            title=_("Export of %(n)s people") % {"n": digits.localize(count)},
            total=count,
            by=request.user,
        )
        tasks.export_households.enqueue(
            str(progress.uuid), request.user.pk, fmt, hxl, code, filters
        )
        return redirect("core:task", task=progress.uuid)
    out: io.StringIO | io.BytesIO = io.StringIO() if fmt == exports.CSV else io.BytesIO()
    if isinstance(out, io.StringIO):
        out.write("\ufeff")  # a byte-order mark, so spreadsheet programs read UTF-8
    exports.export_households(out, people, fmt=fmt, hxl=hxl, with_settlement=settlement is None)
    response = HttpResponse(out.getvalue(), content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{_filename(settlement, fmt)}"'
    return response


def _filename(settlement: Settlement | None, fmt: str) -> str:
    scope = settlement.code if settlement else "all"
    return f"households-{scope}-{dates.today().isoformat()}.{fmt}"


@login_required
def export_download(request: HttpRequest, task: str) -> FileResponse:
    require_capability(request.user, "registry.export")
    progress = get_for_user_or_404(
        TaskProgress.objects.filter(kind=tasks.EXPORT_KIND, status=TaskStatus.DONE),
        request.user,
        uuid=task,
    )
    fmt = progress.result.get("format", "")
    try:
        file = tasks.export_path(str(progress.uuid), fmt)
    except ValueError:
        raise Http404 from None
    if not file.exists():
        raise Http404
    return FileResponse(
        file.open("rb"),
        as_attachment=True,
        filename=f"households-{progress.created_at.date().isoformat()}.{fmt}",
        content_type=exports.CONTENT_TYPES[fmt],
    )


urlpatterns = [
    path("import/", import_upload, name="import"),
    path("import/<uuid:task>/", import_task, name="import_task"),
    path("import/<uuid:task>/run/", import_run, name="import_run"),
    path("export/", export, name="export"),
    path("export/<uuid:task>/download/", export_download, name="export_download"),
]
