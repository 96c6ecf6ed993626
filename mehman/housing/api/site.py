"""The site over HTTP: blocks, units (with who lives there, crowding and distances to water
and a toilet) and facilities; adding and correcting them, and a unit's state."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mehman.core import api
from mehman.core.models import Settlement
from mehman.housing import services
from mehman.housing.api.access import (
    MANAGE,
    HousingApi,
    body_block,
    facility_for,
    in_settlement,
    key,
    site_settlement,
    unit_for,
)
from mehman.housing.api.serializers import (
    FACILITY,
    UNIT,
    BlockOutput,
    FacilityOutput,
    UnitOutput,
    area_field,
    flag_field,
    settlement_query_field,
)
from mehman.housing.models import Block, Facility, FacilityKind, Heating, Unit, UnitState
from mehman.housing.queries import UnitRow, unit_rows
from mehman.partners.api.serializers import (
    IF_MATCH,
    EditFields,
    error_responses,
    etag_header,
    optional,
)


def paginate_rows(
    request: Request, view: APIView, rows: Sequence[Any], render: Callable[[Sequence[Any]], Any]
) -> Response:
    """One page of rows computed in Python, with count and links like ``api.paginate``."""
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(rows, request, view=view)
    return paginator.get_paginated_response(render(page or []))


def rows_of(user: Any, units: Any) -> list[UnitRow]:
    """The site-plan rows of the units given (a scoped QuerySet), settlement by settlement."""
    units = units.select_related("settlement")
    ids = set(units.values_list("settlement_id", flat=True).distinct())
    rows: list[UnitRow] = []
    for settlement in Settlement.objects.filter(pk__in=ids).order_by("code"):
        rows.extend(unit_rows(settlement, user, units=units))
    return rows


def unit_response(request: Request, unit: Unit, *, status: int = 200) -> Response:
    """The unit as the caller may see it, with its version as ETag."""
    row = rows_of(request.user, Unit.objects.for_user(request.user).filter(pk=unit.pk))[0]
    headers = {"ETag": api.etag(row.unit.version)}
    if status == 201:
        headers["Location"] = reverse(
            "api:housing:unit_detail", kwargs={"reference": unit.reference}
        )
    return Response(UnitOutput(row).data, status=status, headers=headers)


def facility_response(request: Request, facility: Facility, *, status: int = 200) -> Response:
    facility = facility_for(request, facility.reference)
    headers = {"ETag": api.etag(facility.version)}
    if status == 201:
        headers["Location"] = reverse(
            "api:housing:facility_detail", kwargs={"reference": facility.reference}
        )
    return Response(FacilityOutput(facility).data, status=status, headers=headers)


# --- Blocks ---------------------------------------------------------------------------------------


class BlockListApi(HousingApi):
    class Query(api.Serializer):
        settlement = settlement_query_field()

        class Meta:
            ref_name = "HousingBlockQuery"

    @extend_schema(
        operation_id="housing_block_list",
        summary=_("List the blocks of the site"),
        parameters=[Query],
        responses={200: BlockOutput(many=True), **error_responses(400)},
    )
    def get(self, request: Request) -> Response:
        """By settlement and code, each with its number of units and facilities."""
        query = self.Query(data=request.query_params)
        query.is_valid(raise_exception=True)
        blocks = (
            in_settlement(
                Block.objects.for_user(request.user), query.validated_data.get("settlement", "")
            )
            .select_related("settlement")
            .annotate(
                unit_count=Count("units", distinct=True),
                facility_count=Count("facilities", distinct=True),
            )
            .order_by("settlement__code", "code")
        )
        return Response(BlockOutput(blocks, many=True).data)


# --- Units ----------------------------------------------------------------------------------------


class UnitFields(api.Serializer):
    street = serializers.CharField(max_length=80, required=False, allow_blank=True)
    x = serializers.FloatField(help_text=_("Metres east on the site plan."))
    y = serializers.FloatField(help_text=_("Metres north on the site plan."))
    floor_area = area_field(min_value=1)
    rooms = serializers.IntegerField(min_value=1, max_value=50)
    ground_floor = serializers.BooleanField(required=False)
    ramp = serializers.BooleanField(required=False, help_text=_("Ramp or level entrance."))
    own_tap = serializers.BooleanField(required=False)
    own_toilet = serializers.BooleanField(required=False)
    heating = serializers.ChoiceField(choices=Heating.choices, required=False)
    electricity = serializers.BooleanField(required=False)


class UnitListApi(HousingApi):
    class Query(api.Serializer):
        settlement = settlement_query_field()
        block = serializers.CharField(
            required=False, allow_blank=True, help_text=_("Block reference or code, e.g. B01.")
        )
        state = serializers.ChoiceField(choices=UnitState.choices, required=False)
        vacant = flag_field(_("Habitable, nobody living there and not held for an offer."))
        crowded = flag_field(_("Less space per person than the living-space standard."))
        step_free = flag_field(_("On the ground floor with a ramp or level entrance."))
        page = serializers.IntegerField(required=False, min_value=1)

        class Meta:
            ref_name = "HousingUnitQuery"

    @extend_schema(
        operation_id="housing_unit_list",
        summary=_("List units"),
        parameters=[Query],
        responses={200: api.page_of(UnitOutput, "HousingUnitPage"), **error_responses(400)},
    )
    def get(self, request: Request) -> Response:
        """By settlement, block and number: each unit with its occupants, crowding and distance
        to water and a toilet (households are named only to settlement staff)."""
        query = self.Query(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        units = in_settlement(Unit.objects.for_user(request.user), params.get("settlement", ""))
        if block := key(params.get("block", "")):
            units = units.filter(Q(block__reference=block) | Q(block__code=block))
        if params.get("state"):
            units = units.filter(state=params["state"])
        step_free = Q(ground_floor=True, ramp=True)
        if params.get("step_free") is not None:
            units = units.filter(step_free) if params["step_free"] else units.exclude(step_free)
        rows = rows_of(request.user, units)
        for name in ("vacant", "crowded"):
            if params.get(name) is not None:
                rows = [row for row in rows if getattr(row, name) == params[name]]
        return paginate_rows(request, self, rows, lambda page: UnitOutput(page, many=True).data)


class UnitAddApi(HousingApi):
    capability = MANAGE

    class Input(UnitFields):
        block = serializers.CharField(max_length=32, help_text=_("Block reference, e.g. TJ-B01."))
        number = serializers.IntegerField(min_value=1, help_text=_("Number in the block."))
        state = serializers.ChoiceField(choices=UnitState.choices, required=False)

        class Meta:
            ref_name = "HousingUnitAddInput"

    @extend_schema(
        operation_id="housing_unit_add",
        summary=_("Add a unit to a block"),
        parameters=[etag_header(201)],
        request=Input,
        responses={201: UnitOutput, **error_responses(400)},
    )
    def post(self, request: Request) -> Response:
        """Numbered once in its block; its capacity follows the living-space standard."""
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        block = body_block(request, data.pop("block"))
        unit = services.add_unit(block=block, by=request.user, **data)
        return unit_response(request, unit, status=201)


class UnitDetailApi(HousingApi):
    @extend_schema(
        operation_id="housing_unit_detail",
        summary=_("A unit"),
        parameters=[UNIT, etag_header(200)],
        responses={200: UnitOutput, **error_responses(404)},
    )
    def get(self, request: Request, reference: str) -> Response:
        """The ETag header carries the version, for If-Match on PATCH."""
        return unit_response(request, unit_for(request, reference))


class UnitUpdateApi(HousingApi):
    capability = MANAGE

    class Input(UnitFields, EditFields):
        reason = serializers.CharField(max_length=300, help_text=_("Why the details change."))

        class Meta:
            ref_name = "HousingUnitUpdateInput"

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            optional(self)
            self.fields["reason"].required = True

    @extend_schema(
        operation_id="housing_unit_update",
        summary=_("Correct a unit's details"),
        parameters=[UNIT, IF_MATCH, etag_header(200)],
        request=Input,
        responses={200: UnitOutput, **error_responses(400, 404, 412, 428)},
    )
    def patch(self, request: Request, reference: str) -> Response:
        """Send only the fields that change, the reason and the version you read; the
        capacity follows a new floor area."""
        unit = unit_for(request, reference)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = api.expected_version(request, data.pop("version", None))
        reason = data.pop("reason")
        services.update_unit(
            unit=unit, by=request.user, reason=reason, expected_version=version, **data
        )
        return unit_response(request, unit)


class UnitStateApi(HousingApi):
    capability = MANAGE

    class Input(api.Serializer):
        state = serializers.ChoiceField(choices=UnitState.choices)
        reason = serializers.CharField(max_length=300, allow_blank=True)

        class Meta:
            ref_name = "HousingUnitStateInput"

    @extend_schema(
        operation_id="housing_unit_state",
        summary=_("Change a unit's state (habitable, under works, not habitable, planned)"),
        parameters=[UNIT],
        request=Input,
        responses={200: UnitOutput, **error_responses(400, 404)},
    )
    def post(self, request: Request, reference: str) -> Response:
        """With the reason. A unit someone lives in cannot become not habitable or planned
        (code occupied); one held for an offer stays habitable (code offered)."""
        unit = unit_for(request, reference)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.set_unit_state(unit=unit, by=request.user, **serializer.validated_data)
        return unit_response(request, unit)


# --- Facilities -----------------------------------------------------------------------------------


class FacilityFields(api.Serializer):
    name = serializers.CharField(max_length=120)
    block = serializers.CharField(
        max_length=32,
        required=False,
        allow_null=True,
        help_text=_("Block reference, e.g. TJ-B01; null for none."),
    )
    x = serializers.FloatField()
    y = serializers.FloatField()
    capacity = serializers.IntegerField(
        min_value=1, help_text=_("Taps, toilets, pupils… as the kind counts.")
    )
    in_service = serializers.BooleanField(required=False)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


def _block(request: Request, data: dict[str, Any]) -> None:
    if data.get("block") is not None:
        data["block"] = body_block(request, data["block"])


class FacilityListApi(HousingApi):
    class Query(api.Serializer):
        settlement = settlement_query_field()
        kind = serializers.ChoiceField(choices=FacilityKind.choices, required=False)
        in_service = flag_field(_("Working (true) or out of service (false)."))
        block = serializers.CharField(
            required=False, allow_blank=True, help_text=_("Block reference or code.")
        )
        page = serializers.IntegerField(required=False, min_value=1)

        class Meta:
            ref_name = "HousingFacilityQuery"

    @extend_schema(
        operation_id="housing_facility_list",
        summary=_("List facilities"),
        parameters=[Query],
        responses={
            200: api.page_of(FacilityOutput, "HousingFacilityPage"),
            **error_responses(400),
        },
    )
    def get(self, request: Request) -> Response:
        """Water points, toilets, showers, school, clinic and the others, by kind."""
        query = self.Query(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        found = in_settlement(Facility.objects.for_user(request.user), params.get("settlement", ""))
        if params.get("kind"):
            found = found.filter(kind=params["kind"])
        if params.get("in_service") is not None:
            found = found.filter(in_service=params["in_service"])
        if block := key(params.get("block", "")):
            found = found.filter(Q(block__reference=block) | Q(block__code=block))
        found = found.select_related("settlement", "block").order_by(
            "settlement__code", "kind", "reference"
        )
        return api.paginate(request, self, found, lambda page: FacilityOutput(page, many=True).data)


class FacilityAddApi(HousingApi):
    capability = MANAGE

    class Input(FacilityFields):
        settlement = serializers.CharField(
            max_length=8,
            required=False,
            allow_blank=True,
            help_text=_("Settlement code; may be left out if you work in one settlement."),
        )
        kind = serializers.ChoiceField(choices=FacilityKind.choices)

        class Meta:
            ref_name = "HousingFacilityAddInput"

    @extend_schema(
        operation_id="housing_facility_add",
        summary=_("Place a facility on the site"),
        parameters=[etag_header(201)],
        request=Input,
        responses={201: FacilityOutput, **error_responses(400)},
    )
    def post(self, request: Request) -> Response:
        """With what it offers (its capacity) and where it is."""
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        settlement = site_settlement(request, data.pop("settlement", ""))
        _block(request, data)
        facility = services.add_facility(settlement=settlement, by=request.user, **data)
        return facility_response(request, facility, status=201)


class FacilityDetailApi(HousingApi):
    @extend_schema(
        operation_id="housing_facility_detail",
        summary=_("A facility"),
        parameters=[FACILITY, etag_header(200)],
        responses={200: FacilityOutput, **error_responses(404)},
    )
    def get(self, request: Request, reference: str) -> Response:
        """The ETag header carries the version, for If-Match on PATCH."""
        return facility_response(request, facility_for(request, reference))


class FacilityUpdateApi(HousingApi):
    capability = MANAGE

    class Input(FacilityFields, EditFields):
        reason = serializers.CharField(max_length=300, help_text=_("Why the details change."))

        class Meta:
            ref_name = "HousingFacilityUpdateInput"

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            optional(self)
            self.fields["reason"].required = True

    @extend_schema(
        operation_id="housing_facility_update",
        summary=_("Correct a facility's details"),
        parameters=[FACILITY, IF_MATCH, etag_header(200)],
        request=Input,
        responses={200: FacilityOutput, **error_responses(400, 404, 412, 428)},
    )
    def patch(self, request: Request, reference: str) -> Response:
        """Send only the fields that change, the reason and the version you read; taking a
        water point or toilet out of service changes every unit's distances."""
        facility = facility_for(request, reference)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = api.expected_version(request, data.pop("version", None))
        reason = data.pop("reason")
        _block(request, data)
        services.update_facility(
            facility=facility, by=request.user, reason=reason, expected_version=version, **data
        )
        return facility_response(request, facility)
