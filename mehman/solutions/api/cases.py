"""Solutions cases over HTTP (``/api/v1/solutions/cases/``): the caseload, a case with its
readiness score and breakdown, opening a case, changing its pathway and its stage.

One APIView per operation, calling the same services as the pages. Cases are named by their
references (TJ-S00042). Reading needs ``solutions.view``, changing ``solutions.manage``; without
the capability, or out of scope, 404. Every pattern has an entry in
tests/matrix_solutions_api.py.
"""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from mehman.core import api
from mehman.core.api_schema import error_responses, etag_header, optional_text
from mehman.core.names import reference_key
from mehman.housing.api.access import body_household, key
from mehman.registry.models import Household
from mehman.residence.models import Pathway
from mehman.solutions import services
from mehman.solutions.api.access import (
    MANAGE,
    SolutionsApi,
    body_staff,
    case_for,
    case_response,
    cases,
)
from mehman.solutions.api.serializers import (
    CASE,
    CaseOutput,
    CaseSummaryOutput,
    complementary_field,
    stage_field,
)
from mehman.solutions.models import OPEN_STAGES


class CaseListApi(SolutionsApi):
    class Query(api.Serializer):
        settlement = serializers.CharField(
            required=False, allow_blank=True, help_text=_("A settlement code, e.g. TJ.")
        )
        pathway = serializers.ChoiceField(choices=Pathway.choices, required=False)
        stage = stage_field(required=False)
        open = serializers.BooleanField(
            required=False,
            allow_null=True,
            default=None,
            help_text=_("true: cases still being worked on; false: exited or closed."),
        )
        household = serializers.CharField(
            required=False, allow_blank=True, help_text=_("Household reference, e.g. TJ-000123.")
        )
        page = serializers.IntegerField(required=False, min_value=1)

        class Meta:
            ref_name = "SolutionsCaseQuery"

    @extend_schema(
        operation_id="solutions_case_list",
        summary=_("List solutions cases"),
        parameters=[Query],
        responses={
            200: api.page_of(CaseSummaryOutput, "SolutionsCasePage"),
            **error_responses(400),
        },
    )
    def get(self, request: Request) -> Response:
        """Latest opened first; by settlement, pathway, stage, open or not, or household."""
        query = self.Query(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        found = cases().for_user(request.user)
        if code := key(params.get("settlement", "")):
            found = found.filter(settlement__code=code)
        if pathway := params.get("pathway"):
            found = found.filter(pathway=pathway)
        if stage := params.get("stage"):
            found = found.filter(stage=stage)
        if params.get("open") is not None:
            found = (
                found.filter(stage__in=OPEN_STAGES)
                if params["open"]
                else found.exclude(stage__in=OPEN_STAGES)
            )
        if text := (params.get("household") or "").strip():
            found = found.filter(household__reference=reference_key(text) or key(text))
        found = found.order_by("-opened_on", "-pk")
        render = lambda page: CaseSummaryOutput(page, many=True).data  # noqa: E731
        return api.paginate(request, self, found, render)


class CaseOpenApi(SolutionsApi):
    capability = MANAGE

    class Input(api.Serializer):
        household = serializers.CharField(
            max_length=20, help_text=_("A resident household, e.g. TJ-000123.")
        )
        pathway = serializers.ChoiceField(choices=Pathway.choices, default=Pathway.UNDECIDED)
        complementary = complementary_field(required=False, allow_blank=True, default="")
        owner = serializers.CharField(
            required=False,
            allow_blank=True,
            max_length=150,
            help_text=_("The caseworker's username; none if left out."),
        )
        opened_on = api.DateField(
            required=False, allow_null=True, help_text=_("Today if left out.")
        )
        reason = optional_text(300)

        class Meta:
            ref_name = "SolutionsCaseOpenInput"

    @extend_schema(
        operation_id="solutions_case_open",
        summary=_("Open a solutions case for a resident household"),
        parameters=[etag_header(201)],
        request=Input,
        responses={201: CaseOutput, **error_responses(400)},
    )
    def post(self, request: Request) -> Response:
        """One open case per household (code has_case), only for a resident household (code
        not_resident); the caseworker works in its settlement (code staff)."""
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        household: Household = body_household(request, data.pop("household"))
        owner_name = data.pop("owner", "").strip()
        owner = body_staff(request, owner_name, "owner") if owner_name else None
        case = services.open_case(household=household, by=request.user, owner=owner, **data)
        return case_response(request, case, status=201)


class CaseDetailApi(SolutionsApi):
    @extend_schema(
        operation_id="solutions_case_detail",
        summary=_("A solutions case"),
        parameters=[CASE, etag_header(200)],
        responses={200: CaseOutput, **error_responses(404)},
    )
    def get(self, request: Request, reference: str) -> Response:
        """With its readiness score for its pathway, the breakdown by criterion and the trend,
        and the history of its pathway; the ETag header carries the version."""
        return case_response(request, case_for(request, reference))


class CasePathwayChangeApi(SolutionsApi):
    capability = MANAGE

    class Input(api.Serializer):
        pathway = serializers.ChoiceField(choices=Pathway.choices)
        complementary = complementary_field(required=False, allow_blank=True, default="")
        reason = serializers.CharField(max_length=300, allow_blank=True)
        changed_on = api.DateField(
            required=False, allow_null=True, help_text=_("Today if left out.")
        )
        version = api.VersionField()

        class Meta:
            ref_name = "SolutionsCasePathwayInput"

    @extend_schema(
        operation_id="solutions_case_pathway_change",
        summary=_("Change a case's pathway"),
        parameters=[CASE, etag_header(200)],
        request=Input,
        responses={200: CaseOutput, **error_responses(400, 404, 412)},
    )
    def post(self, request: Request, reference: str) -> Response:
        """Only with a reason (code required); each change is kept, and the household's
        residence term follows it."""
        case = case_for(request, reference)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(serializer.validated_data)
        services.change_pathway(
            case=case, by=request.user, expected_version=data.pop("version", None), **data
        )
        return case_response(request, case)


class CaseStageChangeApi(SolutionsApi):
    capability = MANAGE

    class Input(api.Serializer):
        stage = stage_field()
        reason = optional_text(300)
        version = api.VersionField()

        class Meta:
            ref_name = "SolutionsCaseStageInput"

    @extend_schema(
        operation_id="solutions_case_stage_change",
        summary=_("Move a case to another stage"),
        parameters=[CASE, etag_header(200)],
        request=Input,
        responses={200: CaseOutput, **error_responses(400, 404, 412)},
    )
    def post(self, request: Request, reference: str) -> Response:
        """As the stages allow (code transition); beyond assessing the pathway must be decided
        (code undecided); exited is reached by recording the exit (code use_exit)."""
        case = case_for(request, reference)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.change_stage(
            case=case,
            by=request.user,
            stage=data["stage"],
            reason=data.get("reason", ""),
            expected_version=data.get("version"),
        )
        return case_response(request, case)


urlpatterns: list[URLPattern] = [
    path("solutions/cases/", api.by_method(get=CaseListApi, post=CaseOpenApi), name="case_list"),
    path("solutions/cases/<str:reference>/", CaseDetailApi.as_view(), name="case_detail"),
    path(
        "solutions/cases/<str:reference>/pathway/",
        CasePathwayChangeApi.as_view(),
        name="case_pathway",
    ),
    path("solutions/cases/<str:reference>/stage/", CaseStageChangeApi.as_view(), name="case_stage"),
]
