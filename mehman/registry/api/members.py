"""Members over HTTP: list a household's, add one, correct one."""

from __future__ import annotations

from typing import Any

from django.db.models import prefetch_related_objects
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from mehman.core import api
from mehman.core.permissions import get_for_user_or_404
from mehman.registry import queries, services
from mehman.registry.api.access import EDIT, person_for
from mehman.registry.api.serializers import (
    IF_MATCH,
    REFERENCE,
    EditFields,
    MemberFields,
    MemberOutput,
    correction_arguments,
    error_responses,
    etag_header,
)
from mehman.registry.models import Household, Individual


def _member_response(request: Request, person: Individual, *, status: int = 200) -> Response:
    person = get_for_user_or_404(
        Individual.objects.select_related("household"), request.user, pk=person.pk
    )
    headers = {"ETag": api.etag(person.version)}
    return Response(MemberOutput(person).data, status=status, headers=headers)


def _optional(serializer: api.Serializer, names: tuple[str, ...]) -> None:
    for name in names:
        serializer.fields[name].required = False


class MemberListApi(api.Api):
    @extend_schema(
        operation_id="member_list",
        summary=_("The members of a household, head first"),
        parameters=[REFERENCE],
        responses={200: MemberOutput(many=True), **error_responses(404)},
    )
    def get(self, request: Request, reference: str) -> Response:
        """Head first, then living members oldest first, then former members."""
        household = get_for_user_or_404(Household.objects, request.user, reference=reference)
        prefetch_related_objects([household], "members")
        members = queries.members_in_order(household)
        return Response(MemberOutput(members, many=True).data)


class MemberAddApi(api.Api):
    capability = EDIT

    class Input(MemberFields):
        class Meta:
            ref_name = "MemberAddInput"

    @extend_schema(
        operation_id="member_add",
        summary=_("Add a member to a household"),
        parameters=[REFERENCE, etag_header(201)],
        request=Input,
        responses={201: MemberOutput, **error_responses(400, 404)},
    )
    def post(self, request: Request, reference: str) -> Response:
        """A new member joins an open household, as anything but a second head."""
        household = get_for_user_or_404(Household.objects, request.user, reference=reference)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        person = services.add_member(
            household=household, by=request.user, **serializer.validated_data
        )
        return _member_response(request, person, status=201)


class MemberUpdateApi(api.Api):
    capability = EDIT

    class Input(MemberFields, EditFields):
        class Meta:
            ref_name = "MemberUpdateInput"

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            _optional(self, services.INDIVIDUAL_FIELDS)

    @extend_schema(
        operation_id="member_update",
        summary=_("Correct a member's fields, with a reason"),
        parameters=[IF_MATCH, etag_header(200)],
        request=Input,
        responses={200: MemberOutput, **error_responses(400, 404, 412, 428)},
    )
    def patch(self, request: Request, uuid: Any) -> Response:
        """Send only the fields that change, the reason, and the version you read."""
        person = person_for(request, uuid)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.correct(
            record=person,
            by=request.user,
            **correction_arguments(request, serializer.validated_data),
        )
        return _member_response(request, person)
