"""Activities (5W) over HTTP: list, plan, read, change, move through their status.

Activities are aggregates: analysts read them nationally, partner staff those
their organisation implements or funds. Who each one reached is in the
assistance API (``activities/<uuid>/reach/``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from mehman.core import api
from mehman.core.permissions import get_for_user_or_404
from mehman.partners import services
from mehman.partners.api.access import MANAGE, organisation_for, settlement_for
from mehman.partners.api.serializers import (
    IF_MATCH,
    ActivityOutput,
    EditFields,
    Targets,
    error_responses,
    etag_header,
    optional,
    optional_text,
)
from mehman.partners.models import Activity, ActivityStatus, Sector

_RELATED = ("organisation", "funder", "settlement")


def _activity(request: Request, uuid: Any) -> Activity:
    return get_for_user_or_404(Activity.objects.select_related(*_RELATED), request.user, uuid=uuid)


def _activity_response(request: Request, activity: Activity, *, status: int = 200) -> Response:
    activity = _activity(request, activity.uuid)
    headers = {"ETag": api.etag(activity.version)}
    if status == 201:
        headers["Location"] = reverse(
            "api:partners:activity_detail", kwargs={"uuid": activity.uuid}
        )
    return Response(ActivityOutput(activity).data, status=status, headers=headers)


class ActivityFields(api.Serializer):
    funder = serializers.UUIDField(
        required=False, allow_null=True, help_text=_("The funding organisation, if other.")
    )
    sector = serializers.ChoiceField(choices=Sector.choices)
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    block = optional_text(20)
    starts_on = api.DateField()
    ends_on = api.DateField(required=False, allow_null=True)
    works_with_residents = serializers.BooleanField(
        required=False,
        help_text=_("Volunteers assigned to it must have completed safeguarding (default)."),
    )
    targets = Targets(required=False)


def _arguments(request: Request, data: dict[str, Any]) -> dict[str, Any]:
    """The service's keyword arguments: organisations named by UUID, targets as a dict."""
    if "funder" in data:
        funder = data.pop("funder")
        data["funder"] = organisation_for(request, funder, "funder") if funder else None
    if "targets" in data:
        data["targets"] = dict(data["targets"])
    return data


class ActivityListApi(api.Api):
    class Query(api.Serializer):
        organisation = serializers.UUIDField(
            required=False, help_text=_("Implemented or funded by this organisation.")
        )
        sector = serializers.ChoiceField(choices=Sector.choices, required=False)
        status = serializers.ChoiceField(choices=ActivityStatus.choices, required=False)
        settlement = serializers.CharField(
            required=False, allow_blank=True, help_text=_("A settlement code, e.g. TJ.")
        )
        page = serializers.IntegerField(required=False, min_value=1)

        class Meta:
            ref_name = "ActivityQuery"

    @extend_schema(
        operation_id="activity_list",
        summary=_("List activities (5W)"),
        parameters=[Query],
        responses={200: api.page_of(ActivityOutput, "ActivityPage"), **error_responses(400)},
    )
    def get(self, request: Request) -> Response:
        """Latest start first. Partner staff see what their organisation implements or funds."""
        query = self.Query(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        found = Activity.objects.for_user(request.user)
        if params.get("organisation"):
            uuid = params["organisation"]
            found = found.filter(Q(organisation__uuid=uuid) | Q(funder__uuid=uuid))
        if params.get("sector"):
            found = found.filter(sector=params["sector"])
        if params.get("status"):
            found = found.filter(status=params["status"])
        if code := params.get("settlement", "").strip():
            found = found.filter(settlement__code=code.upper())
        found = found.select_related(*_RELATED).order_by("-starts_on", "name", "pk")
        return api.paginate(request, self, found, lambda page: ActivityOutput(page, many=True).data)


class ActivityPlanApi(api.Api):
    capability = MANAGE

    class Input(ActivityFields):
        organisation = serializers.UUIDField(help_text=_("The implementing organisation."))
        settlement = serializers.CharField(
            max_length=8,
            required=False,
            allow_blank=True,
            help_text=_("Settlement code; may be left out if you work in one settlement."),
        )

        class Meta:
            ref_name = "ActivityPlanInput"

    @extend_schema(
        operation_id="activity_plan",
        summary=_("Plan an activity"),
        parameters=[etag_header(201)],
        request=Input,
        responses={201: ActivityOutput, **error_responses(400)},
    )
    def post(self, request: Request) -> Response:
        """An activity says who does what, where, when and for how many people."""
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = _arguments(request, dict(serializer.validated_data))
        organisation = organisation_for(request, data.pop("organisation"))
        settlement = settlement_for(request, data.pop("settlement", ""))
        activity = services.plan_activity(
            organisation=organisation, settlement=settlement, by=request.user, **data
        )
        return _activity_response(request, activity, status=201)


class ActivityDetailApi(api.Api):
    @extend_schema(
        operation_id="activity_detail",
        summary=_("An activity"),
        parameters=[etag_header(200)],
        responses={200: ActivityOutput, **error_responses(404)},
    )
    def get(self, request: Request, uuid: Any) -> Response:
        """The ETag header carries the activity's version, for If-Match on PATCH."""
        return _activity_response(request, _activity(request, uuid))


class ActivityUpdateApi(api.Api):
    capability = MANAGE

    class Input(ActivityFields, EditFields):
        class Meta:
            ref_name = "ActivityUpdateInput"

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            optional(self)

    @extend_schema(
        operation_id="activity_update",
        summary=_("Change what an activity plans"),
        parameters=[IF_MATCH, etag_header(200)],
        request=Input,
        responses={200: ActivityOutput, **error_responses(400, 404, 412, 428)},
    )
    def patch(self, request: Request, uuid: Any) -> Response:
        """Send only the fields that change and the version you read; targets sent
        replace all targets."""
        activity = _activity(request, uuid)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = _arguments(request, dict(serializer.validated_data))
        version = api.expected_version(request, data.pop("version", None))
        services.update_activity(activity=activity, by=request.user, version=version, **data)
        return _activity_response(request, activity)


class ActivityStatusChangeApi(api.Api):
    capability = MANAGE

    class Input(api.Serializer):
        status = serializers.ChoiceField(choices=ActivityStatus.choices)

        class Meta:
            ref_name = "ActivityStatusChangeInput"

    @extend_schema(
        operation_id="activity_status_change",
        summary=_("Move an activity to another status"),
        request=Input,
        responses={200: ActivityOutput, **error_responses(400, 404)},
    )
    def post(self, request: Request, uuid: Any) -> Response:
        """Planned → ongoing → completed, or cancelled before completion (else code
        transition)."""
        activity = _activity(request, uuid)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.change_activity_status(
            activity=activity, status=serializer.validated_data["status"], by=request.user
        )
        return _activity_response(request, activity)
