"""Who lives where, over HTTP: a unit's history, moving a household in, out, or to another
unit. A unit holds one household; these name households, so analysts get 404."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from mehman.core import api
from mehman.housing import services
from mehman.housing.api.access import (
    ALLOCATE,
    HousingApi,
    body_household,
    body_unit,
    household_for,
    unit_for,
)
from mehman.housing.api.serializers import HOUSEHOLD, UNIT, OccupancyOutput
from mehman.housing.models import EndReason, MoveReason, Occupancy
from mehman.partners.api.serializers import error_responses

_OCCUPANCY = ("unit", "household", "application")


def occupancy_response(occupancy: Occupancy, *, status: int = 200) -> Response:
    return Response(OccupancyOutput(occupancy).data, status=status)


class UnitOccupancyApi(HousingApi):
    personal = True

    @extend_schema(
        operation_id="housing_unit_occupancy",
        summary=_("Who lived in a unit, from when to when, and why"),
        parameters=[UNIT],
        responses={200: OccupancyOutput(many=True), **error_responses(404)},
    )
    def get(self, request: Request, reference: str) -> Response:
        """Latest first; the household living there now has no end date."""
        unit = unit_for(request, reference)
        history = (
            Occupancy.objects.for_user(request.user)
            .filter(unit=unit)
            .select_related(*_OCCUPANCY)
            .order_by("-started_on", "-pk")
        )
        return Response(OccupancyOutput(history, many=True).data)


class UnitMoveInApi(HousingApi):
    capability = ALLOCATE
    personal = True
    field_names = {"day": "moved_on"}

    class Input(api.Serializer):
        household = serializers.CharField(
            max_length=20, help_text=_("Reference number, e.g. TJ-000123.")
        )
        reason = serializers.ChoiceField(
            choices=[(r.value, r.label) for r in (MoveReason.RECORDED, MoveReason.EMERGENCY)],
            help_text=_(
                "Households from the waitlist move in by accepting an offer; transfers have "
                "their own operation."
            ),
        )
        moved_on = api.DateField(required=False, allow_null=True, source="day")
        note = serializers.CharField(max_length=300, required=False, allow_blank=True)

        class Meta:
            ref_name = "HousingMoveInInput"

    @extend_schema(
        operation_id="housing_unit_move_in",
        summary=_("Record a resident household living in a unit"),
        parameters=[UNIT],
        request=Input,
        responses={201: OccupancyOutput, **error_responses(400, 404)},
    )
    def post(self, request: Request, reference: str) -> Response:
        """Into a habitable unit nobody lives in (else code occupied or not_habitable), for a
        resident household without a home here (else code housed)."""
        unit = unit_for(request, reference)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(serializer.validated_data)
        household = body_household(request, data.pop("household"))
        occupancy = services.move_in(unit=unit, household=household, by=request.user, **data)
        return occupancy_response(occupancy, status=201)


class HouseholdMoveOutApi(HousingApi):
    capability = ALLOCATE
    personal = True
    field_names = {"day": "moved_out_on"}

    class Input(api.Serializer):
        end_reason = serializers.ChoiceField(
            choices=[(r.value, r.label) for r in EndReason if r != EndReason.TRANSFER]
        )
        moved_out_on = api.DateField(required=False, allow_null=True, source="day")
        note = serializers.CharField(max_length=300, required=False, allow_blank=True)

        class Meta:
            ref_name = "HousingMoveOutInput"

    @extend_schema(
        operation_id="housing_household_move_out",
        summary=_("Record a household leaving its unit"),
        parameters=[HOUSEHOLD],
        request=Input,
        responses={200: OccupancyOutput, **error_responses(400, 404)},
    )
    def post(self, request: Request, reference: str) -> Response:
        """The unit is free for the waitlist again (code not_housed if the household has no
        home recorded here)."""
        household = household_for(request, reference)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        occupancy = services.move_out(
            household=household, by=request.user, **serializer.validated_data
        )
        return occupancy_response(occupancy)


class HouseholdTransferApi(HousingApi):
    capability = ALLOCATE
    personal = True
    field_names = {"day": "moved_on", "to": "unit"}

    class Input(api.Serializer):
        unit = serializers.CharField(max_length=32, help_text=_("The unit it moves to."))
        note = serializers.CharField(max_length=300, help_text=_("Why the household moves."))
        moved_on = api.DateField(required=False, allow_null=True, source="day")

        class Meta:
            ref_name = "HousingTransferInput"

    @extend_schema(
        operation_id="housing_household_transfer",
        summary=_("Move a household to another unit"),
        parameters=[HOUSEHOLD],
        request=Input,
        responses={201: OccupancyOutput, **error_responses(400, 404)},
    )
    def post(self, request: Request, reference: str) -> Response:
        """From its unit to a vacant one that holds it, with the reason; the answer is the
        new occupancy."""
        household = household_for(request, reference)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(serializer.validated_data)
        to = body_unit(request, data.pop("unit"))
        occupancy = services.transfer(household=household, to=to, by=request.user, **data)
        return occupancy_response(occupancy, status=201)
