"""Volunteers over HTTP: the roster, their safeguarding record, assignments to
activities and the hours they give. Volunteers are people: settlement staff read
them; partner staff and analysts do not."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from mehman.core import api
from mehman.core.permissions import get_for_user_or_404
from mehman.partners import services
from mehman.partners.api.access import (
    MANAGE,
    activity_for,
    organisation_for,
    require_volunteers,
    sees_volunteers,
    settlement_for,
)
from mehman.partners.api.serializers import (
    IF_MATCH,
    AssignmentOutput,
    EditFields,
    HoursOutput,
    VolunteerOutput,
    error_responses,
    etag_header,
    optional,
    optional_text,
)
from mehman.partners.models import BackgroundCheck, Volunteer, VolunteerAssignment


def _volunteer(request: Request, uuid: Any) -> Volunteer:
    require_volunteers(request)
    return get_for_user_or_404(
        Volunteer.objects.select_related("organisation", "settlement"), request.user, uuid=uuid
    )


def _volunteer_response(request: Request, volunteer: Volunteer, *, status: int = 200) -> Response:
    volunteer = _volunteer(request, volunteer.uuid)
    headers = {"ETag": api.etag(volunteer.version)}
    if status == 201:
        headers["Location"] = reverse(
            "api:partners:volunteer_detail", kwargs={"uuid": volunteer.uuid}
        )
    return Response(VolunteerOutput(volunteer).data, status=status, headers=headers)


def _words() -> serializers.ListField:
    return serializers.ListField(
        child=serializers.CharField(max_length=60), required=False, max_length=30
    )


class VolunteerFields(api.Serializer):
    name = serializers.CharField(max_length=160)
    sex = serializers.ChoiceField(choices=Volunteer._meta.get_field("sex").choices)
    phone = optional_text(32)
    skills = _words()
    languages = _words()
    availability = optional_text(200)
    code_of_conduct_signed_on = api.DateField(required=False, allow_null=True)
    psea_trained_on = api.DateField(required=False, allow_null=True)
    background_check = serializers.ChoiceField(choices=BackgroundCheck.choices, required=False)
    background_checked_on = api.DateField(required=False, allow_null=True)


class VolunteerListApi(api.Api):
    class Query(api.Serializer):
        organisation = serializers.UUIDField(required=False)
        safeguarded = serializers.BooleanField(
            allow_null=True,
            default=None,
            help_text=_("true: only those cleared to work with residents; false: the others."),
        )
        page = serializers.IntegerField(required=False, min_value=1)

        class Meta:
            ref_name = "VolunteerQuery"

    @extend_schema(
        operation_id="volunteer_list",
        summary=_("List volunteers"),
        parameters=[Query],
        responses={200: api.page_of(VolunteerOutput, "VolunteerPage"), **error_responses(400)},
    )
    def get(self, request: Request) -> Response:
        """Volunteers of your settlements, by name, with what each still lacks to work
        with residents."""
        query = self.Query(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        found = Volunteer.objects.for_user(request.user)
        if not sees_volunteers(request.user):
            found = found.none()
        if params.get("organisation"):
            found = found.filter(organisation__uuid=params["organisation"])
        cleared = Volunteer.objects.safeguarded().values("pk")
        if params.get("safeguarded") is True:
            found = found.filter(pk__in=cleared)
        elif params.get("safeguarded") is False:
            found = found.exclude(pk__in=cleared)
        found = found.select_related("organisation", "settlement").order_by("name", "pk")
        return api.paginate(
            request, self, found, lambda page: VolunteerOutput(page, many=True).data
        )


class VolunteerRegisterApi(api.Api):
    capability = MANAGE

    class Input(VolunteerFields):
        organisation = serializers.UUIDField()
        settlement = serializers.CharField(
            max_length=8,
            required=False,
            allow_blank=True,
            help_text=_("Settlement code; may be left out if you work in one settlement."),
        )

        class Meta:
            ref_name = "VolunteerRegisterInput"

    @extend_schema(
        operation_id="volunteer_register",
        summary=_("Register a volunteer"),
        parameters=[etag_header(201)],
        request=Input,
        responses={201: VolunteerOutput, **error_responses(400)},
    )
    def post(self, request: Request) -> Response:
        """A volunteer gives time through an organisation that works in the settlement."""
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        organisation = organisation_for(request, data.pop("organisation"))
        settlement = settlement_for(request, data.pop("settlement", ""))
        volunteer = services.register_volunteer(
            organisation=organisation, settlement=settlement, by=request.user, **data
        )
        return _volunteer_response(request, volunteer, status=201)


class VolunteerDetailApi(api.Api):
    @extend_schema(
        operation_id="volunteer_detail",
        summary=_("A volunteer"),
        parameters=[etag_header(200)],
        responses={200: VolunteerOutput, **error_responses(404)},
    )
    def get(self, request: Request, uuid: Any) -> Response:
        """The ETag header carries the volunteer's version, for If-Match on PATCH."""
        return _volunteer_response(request, _volunteer(request, uuid))


class VolunteerUpdateApi(api.Api):
    capability = MANAGE

    class Input(VolunteerFields, EditFields):
        is_active = serializers.BooleanField(required=False)

        class Meta:
            ref_name = "VolunteerUpdateInput"

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            optional(self)

    @extend_schema(
        operation_id="volunteer_update",
        summary=_("Change a volunteer's details or safeguarding record"),
        parameters=[IF_MATCH, etag_header(200)],
        request=Input,
        responses={200: VolunteerOutput, **error_responses(400, 404, 412, 428)},
    )
    def patch(self, request: Request, uuid: Any) -> Response:
        """Send only the fields that change and the version you read."""
        volunteer = _volunteer(request, uuid)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = api.expected_version(request, data.pop("version", None))
        services.update_volunteer(volunteer=volunteer, by=request.user, version=version, **data)
        return _volunteer_response(request, volunteer)


class AssignmentListApi(api.Api):
    @extend_schema(
        operation_id="assignment_list",
        summary=_("A volunteer's assignments"),
        responses={200: AssignmentOutput(many=True), **error_responses(404)},
    )
    def get(self, request: Request, uuid: Any) -> Response:
        """Latest first."""
        volunteer = _volunteer(request, uuid)
        assignments = (
            VolunteerAssignment.objects.for_user(request.user)
            .filter(volunteer=volunteer)
            .select_related("volunteer", "activity")
        )
        return Response(AssignmentOutput(assignments, many=True).data)


class VolunteerAssignApi(api.Api):
    capability = MANAGE

    class Input(api.Serializer):
        activity = serializers.UUIDField()
        role = optional_text(120)
        starts_on = api.DateField(required=False, allow_null=True)
        ends_on = api.DateField(required=False, allow_null=True)

        class Meta:
            ref_name = "VolunteerAssignInput"

    @extend_schema(
        operation_id="volunteer_assign",
        summary=_("Assign a volunteer to an activity"),
        request=Input,
        responses={201: AssignmentOutput, **error_responses(400, 404)},
    )
    def post(self, request: Request, uuid: Any) -> Response:
        """A volunteer works with residents only after signing the code of conduct,
        completing PSEA training and clearing a background check (else code
        safeguarding)."""
        volunteer = _volunteer(request, uuid)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        activity = activity_for(request, data.pop("activity"))
        assignment = services.assign_volunteer(
            volunteer=volunteer, activity=activity, by=request.user, **data
        )
        return Response(AssignmentOutput(assignment).data, status=201)


class HoursRecordApi(api.Api):
    capability = MANAGE

    class Input(api.Serializer):
        worked_on = api.DateField()
        hours = serializers.DecimalField(
            max_digits=5, decimal_places=2, help_text=_("e.g. 3.5; at most 24 in a day.")
        )
        note = optional_text(200)

        class Meta:
            ref_name = "HoursRecordInput"

    @extend_schema(
        operation_id="hours_record",
        summary=_("Record the hours a volunteer gave on a day"),
        request=Input,
        responses={201: HoursOutput, **error_responses(400, 404)},
    )
    def post(self, request: Request, uuid: Any) -> Response:
        """Hours are given on a past day within the assignment, at most 24 in a day."""
        require_volunteers(request)
        assignment = get_for_user_or_404(
            VolunteerAssignment.objects.select_related("volunteer__organisation", "activity"),
            request.user,
            uuid=uuid,
        )
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = services.record_hours(
            assignment=assignment, by=request.user, **serializer.validated_data
        )
        return Response(HoursOutput(entry).data, status=201)
