"""A member's specific needs over HTTP: list, record, resolve.

Protected needs (categories SV, TR, LP, SM) are named only to protection staff,
and each read of one is logged.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from mehman.core import api
from mehman.core.permissions import get_for_user_or_404
from mehman.registry import services
from mehman.registry.api.access import EDIT, log_protected, person_for, sees_protected
from mehman.registry.api.serializers import NeedOutput, error_responses, optional_text
from mehman.registry.models import SpecificNeed, SpecificNeedCode


def _need_response(request: Request, need: SpecificNeed, *, status: int = 200) -> Response:
    need = get_for_user_or_404(
        SpecificNeed.objects.select_related("code__parent", "individual__household__settlement"),
        request.user,
        pk=need.pk,
    )
    log_protected(request, need.individual.household, [need])
    context = {"sees_protected": sees_protected(request)}
    return Response(NeedOutput(need, context=context).data, status=status)


class NeedListApi(api.Api):
    @extend_schema(
        operation_id="need_list",
        summary=_("A member's specific needs"),
        responses={200: NeedOutput(many=True), **error_responses(404)},
    )
    def get(self, request: Request, uuid: Any) -> Response:
        """Protected needs are named only to protection staff; their reads are logged."""
        person = person_for(request, uuid)
        needs = list(
            SpecificNeed.objects.for_user(request.user)
            .filter(individual=person)
            .select_related("code__parent")
        )
        log_protected(request, person.household, needs)
        context = {"sees_protected": sees_protected(request)}
        return Response(NeedOutput(needs, many=True, context=context).data)


class NeedRecordApi(api.Api):
    capability = EDIT

    class Input(api.Serializer):
        code = serializers.CharField(
            max_length=8, help_text=_("UNHCR specific-needs code, e.g. DS-PM.")
        )
        recorded_on = api.DateField(required=False, allow_null=True)
        note = optional_text(300)

        class Meta:
            ref_name = "NeedRecordInput"

    @extend_schema(
        operation_id="need_record",
        summary=_("Record a specific need of a member"),
        request=Input,
        responses={201: NeedOutput, **error_responses(400, 404)},
    )
    def post(self, request: Request, uuid: Any) -> Response:
        """Protected needs (SV, TR, LP, SM) are recorded by protection staff only."""
        person = person_for(request, uuid)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        code = (
            SpecificNeedCode.objects.select_related("parent")
            .filter(code=data["code"].strip().upper())
            .first()
        )
        if code is not None and code.sensitive and not sees_protected(request):
            raise ValidationError(
                {
                    "code": ValidationError(
                        _("Only protection staff record protected needs."), code="protected"
                    )
                }
            )
        need = services.record_need(person=person, by=request.user, **data)
        return _need_response(request, need, status=201)


class NeedResolveApi(api.Api):
    capability = EDIT

    class Input(api.Serializer):
        resolved_on = api.DateField(required=False, allow_null=True)
        note = optional_text(300)

        class Meta:
            ref_name = "NeedResolveInput"

    @extend_schema(
        operation_id="need_resolve",
        summary=_("Resolve a specific need"),
        request=Input,
        responses={200: NeedOutput, **error_responses(400, 404)},
    )
    def post(self, request: Request, uuid: Any) -> Response:
        """A need is resolved on a date no earlier than it was recorded, and stays on record."""
        need = get_for_user_or_404(
            SpecificNeed.objects.select_related("code"), request.user, uuid=uuid
        )
        if need.is_protected and not sees_protected(request):
            raise Http404
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        need = services.resolve_need(need=need, by=request.user, **serializer.validated_data)
        return _need_response(request, need)
