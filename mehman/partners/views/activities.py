"""Activity pages (5W): the list, planning and changing an activity, moving its status.

An activity's own page, with what reached whom, is ``assistance:activity``.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mehman.core.permissions import get_for_user_or_404
from mehman.partners import services
from mehman.partners.forms.activities import (
    ActivityEditForm,
    ActivityFilterForm,
    ActivityForm,
)
from mehman.partners.models import (
    ACTIVITY_TRANSITIONS,
    Activity,
    ActivityStatus,
    Organisation,
)
from mehman.partners.views._common import (
    act,
    can_manage,
    data,
    page_of,
    post_and_return,
    require_manage,
    settlements_of,
)


def _activity(request: HttpRequest, uuid: UUID) -> Activity:
    return get_for_user_or_404(
        Activity.objects.select_related("organisation", "funder", "settlement"),
        request.user,
        uuid=uuid,
    )


def _page(activity: Activity) -> str:
    return reverse("assistance:activity", args=[activity.uuid])


def transitions(activity: Activity) -> list[tuple[str, str]]:
    """The statuses the activity may move to next, as (code, label), in the code list's order."""
    allowed = ACTIVITY_TRANSITIONS.get(activity.status, frozenset())
    return [(code, str(label)) for code, label in ActivityStatus.choices if code in allowed]


@require_GET
@login_required
def activity_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    activities = Activity.objects.for_user(user)
    form = ActivityFilterForm(
        request.GET or None,
        organisations=list(Organisation.objects.for_user(user).order_by("name_en")),
        settlements=list(settlements_of(request)),
    )
    page = page_of(
        request,
        form.filter(activities)
        .select_related("organisation", "funder", "settlement")
        .order_by("-starts_on", "name", "pk"),
    )
    manage = can_manage(request)
    for activity in page:
        activity.next_statuses = transitions(activity) if manage else []
    context = {
        "form": form,
        "page_obj": page,
        "can_manage": manage,
        "several_settlements": len(form.fields["settlement"].choices) > 2,  # type: ignore[attr-defined]
    }
    return render(request, "partners/activity_list.html", context)


@login_required
def activity_create(request: HttpRequest) -> HttpResponse:
    require_manage(request)
    user: Any = request.user
    organisations = Organisation.objects.for_user(user).filter(is_active=True)
    form = ActivityForm(
        data(request), organisations=organisations, settlements=settlements_of(request)
    )
    return act(
        request,
        form,
        title=_("Plan an activity"),
        perform=lambda d: services.plan_activity(
            organisation=d["organisation"],
            settlement=d["settlement"],
            by=user,
            **form.details(),
        ),
        done=_("The activity was planned."),
        then=_page,
        back=reverse("partners:activities"),
        template="partners/activity_form.html",
    )


@login_required
def activity_edit(request: HttpRequest, activity: UUID) -> HttpResponse:
    require_manage(request)
    found = _activity(request, activity)
    form = ActivityEditForm(
        data(request), activity=found, organisations=Organisation.objects.for_user(request.user)
    )
    return act(
        request,
        form,
        title=_("Change the activity"),
        perform=lambda d: services.update_activity(
            activity=found, by=request.user, version=form.version_value(), **form.details()
        ),
        done=_("The activity was saved."),
        then=_page,
        back=reverse("partners:activities"),
        template="partners/activity_form.html",
        activity=found,
        next_statuses=transitions(found),
    )


@require_POST
@login_required
def activity_status(request: HttpRequest, activity: UUID) -> HttpResponse:
    require_manage(request)
    found = _activity(request, activity)
    return post_and_return(
        request,
        perform=lambda: services.change_activity_status(
            activity=found, status=request.POST.get("status", ""), by=request.user
        ),
        done=_("The activity's status was changed."),
        back=reverse("partners:activities"),
    )


urlpatterns = [
    path("activities/", activity_list, name="activities"),
    path("activities/new/", activity_create, name="activity_create"),
    path("activities/<uuid:activity>/edit/", activity_edit, name="activity_edit"),
    path("activities/<uuid:activity>/status/", activity_status, name="activity_status"),
]
