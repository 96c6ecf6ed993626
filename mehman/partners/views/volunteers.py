"""Volunteer pages: the roster, a volunteer's page with safeguarding and assignments,
registering and changing volunteers, assigning them to activities, recording hours.

Partner staff see their own organisation's volunteers; changes need partners.manage.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from mehman.core.permissions import get_for_user_or_404
from mehman.partners import services
from mehman.partners.forms.volunteers import (
    AssignForm,
    HoursForm,
    VolunteerEditForm,
    VolunteerFilterForm,
    VolunteerForm,
)
from mehman.partners.models import (
    Activity,
    Organisation,
    Volunteer,
    VolunteerAssignment,
)
from mehman.partners.views._common import (
    act,
    can_manage,
    data,
    page_of,
    require_manage,
    require_people_reader,
    settlements_of,
)


def _volunteer(request: HttpRequest, uuid: UUID) -> Volunteer:
    return get_for_user_or_404(
        Volunteer.objects.select_related("organisation", "settlement"), request.user, uuid=uuid
    )


def _page(volunteer: Volunteer) -> str:
    return reverse("partners:volunteer", args=[volunteer.uuid])


@require_GET
@login_required
def volunteer_list(request: HttpRequest) -> HttpResponse:
    require_people_reader(request)
    user: Any = request.user
    volunteers = Volunteer.objects.for_user(user)
    organisations = list(Organisation.objects.for_user(user).order_by("name_en"))
    form = VolunteerFilterForm(request.GET or None, organisations=organisations)
    rows = (
        form.filter(volunteers)
        .select_related("organisation", "settlement")
        .annotate(hours_given=Sum("assignments__hours__hours"))
        .order_by("name", "pk")
    )
    context = {
        "form": form,
        "page_obj": page_of(request, rows),
        "can_manage": can_manage(request),
        "several_settlements": len(user.settlement_ids()) != 1,
    }
    return render(request, "partners/volunteer_list.html", context)


@require_GET
@login_required
def volunteer_detail(request: HttpRequest, volunteer: UUID) -> HttpResponse:
    found = _volunteer(request, volunteer)
    assignments = (
        VolunteerAssignment.objects.for_user(request.user)
        .filter(volunteer=found)
        .select_related("activity")
        .prefetch_related("hours")
        .annotate(hours_given=Sum("hours__hours"))
    )
    context = {
        "volunteer": found,
        "gaps": found.safeguarding_gaps(),
        "assignments": assignments,
        "can_manage": can_manage(request),
    }
    return render(request, "partners/volunteer_detail.html", context)


@login_required
def volunteer_create(request: HttpRequest) -> HttpResponse:
    require_manage(request)
    form = VolunteerForm(
        data(request),
        organisations=Organisation.objects.for_user(request.user).filter(is_active=True),
        settlements=settlements_of(request),
    )
    return act(
        request,
        form,
        title=_("Register a volunteer"),
        perform=lambda d: services.register_volunteer(
            organisation=d["organisation"],
            settlement=d["settlement"],
            by=request.user,
            **form.details(),
        ),
        done=_("The volunteer was registered."),
        then=_page,
        back=reverse("partners:volunteers"),
    )


@login_required
def volunteer_edit(request: HttpRequest, volunteer: UUID) -> HttpResponse:
    require_manage(request)
    found = _volunteer(request, volunteer)
    form = VolunteerEditForm(data(request), volunteer=found)
    return act(
        request,
        form,
        title=_("Change the volunteer's details"),
        perform=lambda d: services.update_volunteer(
            volunteer=found, by=request.user, version=form.version_value(), **form.details()
        ),
        done=_("The volunteer was saved."),
        then=_page,
        back=_page(found),
        volunteer=found,
    )


@login_required
def volunteer_assign(request: HttpRequest, volunteer: UUID) -> HttpResponse:
    require_manage(request)
    found = _volunteer(request, volunteer)
    form = AssignForm(
        data(request), volunteer=found, activities=Activity.objects.for_user(request.user)
    )
    return act(
        request,
        form,
        title=_("Assign to an activity"),
        perform=lambda d: services.assign_volunteer(volunteer=found, by=request.user, **d),
        done=_("The volunteer was assigned."),
        then=lambda _result: _page(found),
        back=_page(found),
        template="partners/volunteer_assign.html",
        volunteer=found,
        gaps=found.safeguarding_gaps(),
    )


@login_required
def hours_add(request: HttpRequest, assignment: UUID) -> HttpResponse:
    require_manage(request)
    found = get_for_user_or_404(
        VolunteerAssignment.objects.select_related("volunteer", "activity"),
        request.user,
        uuid=assignment,
    )
    return act(
        request,
        HoursForm(data(request)),
        title=_("Record hours given"),
        perform=lambda d: services.record_hours(assignment=found, by=request.user, **d),
        done=_("The hours were recorded."),
        then=lambda _result: _page(found.volunteer),
        back=_page(found.volunteer),
        volunteer=found.volunteer,
        assignment=found,
    )


urlpatterns = [
    path("volunteers/", volunteer_list, name="volunteers"),
    path("volunteers/new/", volunteer_create, name="volunteer_create"),
    path("volunteers/<uuid:volunteer>/", volunteer_detail, name="volunteer"),
    path("volunteers/<uuid:volunteer>/edit/", volunteer_edit, name="volunteer_edit"),
    path("volunteers/<uuid:volunteer>/assign/", volunteer_assign, name="volunteer_assign"),
    path("assignments/<uuid:assignment>/hours/", hours_add, name="hours_add"),
]
