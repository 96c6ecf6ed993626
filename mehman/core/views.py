"""Pages of the shell: home, settlement pages, background-task progress."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from mehman.core import queries, services
from mehman.core.forms import SettlementForm
from mehman.core.models import Settlement, TaskProgress
from mehman.core.permissions import get_for_user_or_404, require_capability


@login_required
def home(request: HttpRequest) -> HttpResponse:
    overview = queries.home_overview(request.user)
    return render(request, "core/home.html", {"overview": overview})


@login_required
def settlement_detail(request: HttpRequest, code: str) -> HttpResponse:
    settlement = get_for_user_or_404(Settlement.objects, request.user, code=code)
    context = {
        "settlement": settlement,
        "figures": queries.settlement_figures(settlement),
        "events": settlement.events.select_related("by")[:20],
        "can_edit": request.user.has_capability("settlement.edit"),  # type: ignore[union-attr]
    }
    return render(request, "core/settlement_detail.html", context)


@login_required
def settlement_edit(request: HttpRequest, code: str) -> HttpResponse:
    settlement = get_for_user_or_404(Settlement.objects, request.user, code=code)
    require_capability(request.user, "settlement.edit")
    form = SettlementForm(request.POST or None, instance=settlement)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_settlement(
                settlement=settlement,
                by=request.user,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
                **form.changes(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The settlement was saved."))
            return redirect("core:settlement", code=settlement.code)
    return render(request, "core/settlement_edit.html", {"settlement": settlement, "form": form})


@login_required
def task_progress(request: HttpRequest, task: str) -> HttpResponse:
    progress = get_for_user_or_404(TaskProgress.objects, request.user, uuid=task)
    template = "core/task.html#progress" if request.htmx else "core/task.html"  # type: ignore[attr-defined]
    return render(request, template, {"task": progress})


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For the load balancer: the process answers and the database is reachable."""
    Settlement.objects.exists()
    return JsonResponse({"status": "ok"})
