"""Synthetic population: a tool for trainers, testers and benchmarks (administrators only)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from mehman.core import digits, services
from mehman.core.models import TaskProgress, TaskStatus
from mehman.core.permissions import get_for_user_or_404, require_capability
from mehman.demo.forms import SyntheticForm
from mehman.demo.tasks import export_path, generate_synthetic


@login_required
def synthetic(request: HttpRequest) -> HttpResponse:
    require_capability(request.user, "tools.synthetic")
    form = SyntheticForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        households, seed = form.cleaned_data["households"], form.cleaned_data["seed"]
        progress = services.start_progress(
            kind="demo.synthetic",
            title=_("Synthetic population: %(n)s households") % {"n": digits.localize(households)},
            total=households,
            by=request.user,
        )
        generate_synthetic.enqueue(str(progress.uuid), households, seed)
        return redirect("core:task", task=progress.uuid)
    return render(request, "demo/synthetic.html", {"form": form})


@login_required
def synthetic_download(request: HttpRequest, task: str) -> FileResponse:
    require_capability(request.user, "tools.synthetic")
    progress = get_for_user_or_404(
        TaskProgress.objects.filter(kind="demo.synthetic", status=TaskStatus.DONE),
        request.user,
        uuid=task,
    )
    path = export_path(str(progress.uuid))
    if not path.exists():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename="synthetic-population.csv")
