"""A case's intentions and plan over HTTP: the household's intention surveys (list, record) and
the milestones of its plan (list, add, complete, drop).

Surveys and milestones are listed under their case's reference; a milestone is completed or
dropped by its UUID. Reading needs ``solutions.view``, changing ``solutions.manage``; without
the capability, or out of scope, 404.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from mehman.core import api
from mehman.core.api_schema import error_responses, optional_text
from mehman.solutions import services
from mehman.solutions.api.access import (
    MANAGE,
    SolutionsApi,
    body_member,
    body_staff,
    case_for,
    lookup_uuid,
)
from mehman.solutions.api.serializers import (
    CASE,
    MILESTONE,
    MilestoneOutput,
    SurveyOutput,
    complementary_field,
    preferred_field,
)
from mehman.solutions.models import IntentionSurvey, Milestone, SolutionsCase


def surveys_of(case: SolutionsCase) -> list[IntentionSurvey]:
    found = IntentionSurvey.objects.filter(case=case).select_related(
        "case", "respondent", "recorded_by"
    )
    return list(found.order_by("-surveyed_on", "-pk"))


def milestones() -> Any:
    return Milestone.objects.select_related("case", "owner")


def milestone_for(request: Request, uuid: UUID) -> Milestone:
    found: Milestone = lookup_uuid(request, milestones(), uuid)
    return found


def milestone_response(request: Request, milestone: Milestone, status: int = 200) -> Response:
    return Response(MilestoneOutput(milestone_for(request, milestone.uuid)).data, status=status)


# --- Intention surveys --------------------------------------------------------------------------


class CaseSurveysApi(SolutionsApi):
    @extend_schema(
        operation_id="solutions_case_surveys",
        summary=_("The intention surveys of a case"),
        parameters=[CASE],
        responses={200: SurveyOutput(many=True), **error_responses(404)},
    )
    def get(self, request: Request, reference: str) -> Response:
        """Latest first: each time the household was asked, what it said it wants."""
        case = case_for(request, reference)
        return Response(SurveyOutput(surveys_of(case), many=True).data)


class SurveyRecordApi(SolutionsApi):
    capability = MANAGE

    class Input(api.Serializer):
        preferred = preferred_field()
        complementary = complementary_field(required=False, allow_blank=True, default="")
        conditions = optional_text(4000)
        respondent = serializers.UUIDField(help_text=_("The member who answered (UUID)."))
        surveyed_on = api.DateField(
            required=False, allow_null=True, help_text=_("Today if left out.")
        )

        class Meta:
            ref_name = "SolutionsSurveyInput"

    @extend_schema(
        operation_id="solutions_survey_record",
        summary=_("Record an intention survey of a case"),
        parameters=[CASE],
        request=Input,
        responses={201: SurveyOutput, **error_responses(400, 404)},
    )
    def post(self, request: Request, reference: str) -> Response:
        """A member of the household (code member) says which solution it prefers and on what
        conditions; the case must be open (code closed)."""
        case = case_for(request, reference)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        respondent = body_member(case, data.pop("respondent"), "respondent")
        survey = services.record_survey(case=case, by=request.user, respondent=respondent, **data)
        found = IntentionSurvey.objects.select_related("case", "respondent", "recorded_by")
        return Response(SurveyOutput(found.get(pk=survey.pk)).data, status=201)


# --- Milestones ---------------------------------------------------------------------------------


class CaseMilestonesApi(SolutionsApi):
    @extend_schema(
        operation_id="solutions_case_milestones",
        summary=_("The milestones of a case's plan"),
        parameters=[CASE],
        responses={200: MilestoneOutput(many=True), **error_responses(404)},
    )
    def get(self, request: Request, reference: str) -> Response:
        """In order of their due dates, with those done or dropped."""
        case = case_for(request, reference)
        found = Milestone.objects.filter(case=case).select_related("case", "owner")
        return Response(MilestoneOutput(found.order_by("due_on", "pk"), many=True).data)


class MilestoneAddApi(SolutionsApi):
    capability = MANAGE

    class Input(api.Serializer):
        title = serializers.CharField(max_length=200, allow_blank=True)
        owner = serializers.CharField(
            required=False,
            allow_blank=True,
            max_length=150,
            help_text=_("Username of who is responsible; yourself if left out."),
        )
        due_on = api.DateField()
        note = optional_text(300)

        class Meta:
            ref_name = "SolutionsMilestoneInput"

    @extend_schema(
        operation_id="solutions_milestone_add",
        summary=_("Add a milestone to a case's plan"),
        parameters=[CASE],
        request=Input,
        responses={201: MilestoneOutput, **error_responses(400, 404)},
    )
    def post(self, request: Request, reference: str) -> Response:
        """What is to be done (code required), by someone working in the settlement (code
        staff), due no earlier than the case was opened (code dates)."""
        case = case_for(request, reference)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        name = data.pop("owner", "").strip()
        owner = body_staff(request, name, "owner") if name else request.user
        milestone = services.add_milestone(case=case, by=request.user, owner=owner, **data)
        return milestone_response(request, milestone, status=201)


class MilestoneCompleteApi(SolutionsApi):
    capability = MANAGE

    class Input(api.Serializer):
        done_on = api.DateField(required=False, allow_null=True, help_text=_("Today if left out."))
        note = optional_text(300)

        class Meta:
            ref_name = "SolutionsMilestoneCompleteInput"

    @extend_schema(
        operation_id="solutions_milestone_complete",
        summary=_("Mark a milestone done"),
        parameters=[MILESTONE],
        request=Input,
        responses={200: MilestoneOutput, **error_responses(400, 404)},
    )
    def post(self, request: Request, uuid: UUID) -> Response:
        """A step still to do (code finished), on a day no later than today (code future)."""
        milestone = milestone_for(request, uuid)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.complete_milestone(
            milestone=milestone,
            by=request.user,
            done_on=data.get("done_on"),
            note=data.get("note", ""),
        )
        return milestone_response(request, milestone)


class MilestoneDropApi(SolutionsApi):
    capability = MANAGE

    class Input(api.Serializer):
        reason = serializers.CharField(max_length=300, allow_blank=True)

        class Meta:
            ref_name = "SolutionsMilestoneDropInput"

    @extend_schema(
        operation_id="solutions_milestone_drop",
        summary=_("Drop a milestone no longer needed"),
        parameters=[MILESTONE],
        request=Input,
        responses={200: MilestoneOutput, **error_responses(400, 404)},
    )
    def post(self, request: Request, uuid: UUID) -> Response:
        """With the reason (code required); a step still to do only (code finished)."""
        milestone = milestone_for(request, uuid)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.drop_milestone(
            milestone=milestone, by=request.user, reason=serializer.validated_data["reason"]
        )
        return milestone_response(request, milestone)


urlpatterns: list[URLPattern] = [
    path(
        "solutions/cases/<str:reference>/surveys/",
        api.by_method(get=CaseSurveysApi, post=SurveyRecordApi),
        name="case_surveys",
    ),
    path(
        "solutions/cases/<str:reference>/milestones/",
        api.by_method(get=CaseMilestonesApi, post=MilestoneAddApi),
        name="case_milestones",
    ),
    path(
        "solutions/milestones/<uuid:uuid>/complete/",
        MilestoneCompleteApi.as_view(),
        name="milestone_complete",
    ),
    path(
        "solutions/milestones/<uuid:uuid>/drop/",
        MilestoneDropApi.as_view(),
        name="milestone_drop",
    ),
]
