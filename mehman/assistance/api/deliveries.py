"""Deliveries over HTTP: list them, record one, give out a donation to a list of households.

Partner staff list and record only their organisation's deliveries to the
households referred to it under a live data-sharing agreement.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from mehman.assistance import services
from mehman.assistance.api.access import (
    PORTAL,
    RECORD,
    HasAnyCapability,
    donation_for,
    household_for,
    households_for,
)
from mehman.assistance.api.serializers import DeliveryOutput
from mehman.assistance.models import Delivery
from mehman.core import api
from mehman.core.names import reference_key
from mehman.partners.api.access import activity_for
from mehman.partners.api.serializers import (
    error_responses,
    optional_text,
    quantity_field,
    rials_field,
)

_RELATED = ("household", "activity", "organisation", "donation__pledge")


class DeliveryListApi(api.Api):
    class Query(api.Serializer):
        activity = serializers.UUIDField(required=False)
        donation = serializers.UUIDField(required=False)
        household = serializers.CharField(
            required=False, allow_blank=True, help_text=_("A reference number, e.g. TJ-000123.")
        )
        delivered_from = api.DateField(required=False, help_text=_("From this day (included)."))
        delivered_to = api.DateField(required=False, help_text=_("To this day (included)."))
        page = serializers.IntegerField(required=False, min_value=1)

        class Meta:
            ref_name = "DeliveryQuery"

    @extend_schema(
        operation_id="delivery_list",
        summary=_("List deliveries to households"),
        parameters=[Query],
        responses={200: api.page_of(DeliveryOutput, "DeliveryPage"), **error_responses(400)},
    )
    def get(self, request: Request) -> Response:
        """Latest first. Partner staff see their own deliveries to households shared with them."""
        query = self.Query(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        found = Delivery.objects.for_user(request.user)
        if params.get("activity"):
            found = found.filter(activity__uuid=params["activity"])
        if params.get("donation"):
            found = found.filter(donation__uuid=params["donation"])
        if text := params.get("household", "").strip():
            found = found.filter(household__reference=reference_key(text) or text)
        if params.get("delivered_from"):
            found = found.filter(delivered_on__gte=params["delivered_from"])
        if params.get("delivered_to"):
            found = found.filter(delivered_on__lte=params["delivered_to"])
        found = found.select_related(*_RELATED).order_by("-delivered_on", "-pk")
        return api.paginate(request, self, found, lambda page: DeliveryOutput(page, many=True).data)


class DeliveryRecordApi(api.Api):
    permission_classes = [*api.Api.permission_classes, HasAnyCapability]
    capabilities = (RECORD, PORTAL)

    class Input(api.Serializer):
        household = serializers.CharField(
            max_length=20, help_text=_("Reference number, e.g. TJ-000123.")
        )
        activity = serializers.UUIDField()
        donation = serializers.UUIDField(
            required=False,
            allow_null=True,
            help_text=_(
                "The donation the goods come from, if any; the donor's restrictions apply."
            ),
        )
        item = optional_text(200)
        unit = optional_text(40)
        quantity = quantity_field(required=False)
        value = rials_field(required=False)
        delivered_on = api.DateField(required=False, allow_null=True)

        class Meta:
            ref_name = "DeliveryRecordInput"

    @extend_schema(
        operation_id="delivery_record",
        summary=_("Record what a household received"),
        request=Input,
        responses={201: DeliveryOutput, **error_responses(400)},
    )
    def post(self, request: Request) -> Response:
        """Goods, cash or a service from an ongoing activity in the household's settlement;
        from a donation only where the donor allowed (else code restricted_household)."""
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        household = household_for(request, data.pop("household"))
        activity = activity_for(request, data.pop("activity"))
        donation = data.pop("donation", None)
        delivery = services.record_delivery(
            household=household,
            activity=activity,
            donation=donation_for(request, donation) if donation else None,
            by=request.user,
            **data,
        )
        return Response(DeliveryOutput(delivery).data, status=201)


class DistributionRecordApi(api.Api):
    capability = RECORD

    class Input(api.Serializer):
        donation = serializers.UUIDField()
        activity = serializers.UUIDField()
        households = serializers.ListField(
            child=serializers.CharField(max_length=20),
            min_length=1,
            max_length=1000,
            help_text=_("Reference numbers, e.g. TJ-000123."),
        )
        quantity_each = quantity_field(required=False)
        delivered_on = api.DateField(required=False, allow_null=True)

        class Meta:
            ref_name = "DistributionRecordInput"

    @extend_schema(
        operation_id="distribution_record",
        summary=_("Give out a donation to a list of households"),
        request=Input,
        responses={201: DeliveryOutput(many=True), **error_responses(400)},
    )
    def post(self, request: Request) -> Response:
        """All or nothing: one household the donor did not allow, or too little left,
        refuses the whole list."""
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(serializer.validated_data)
        deliveries = services.distribute_donation(
            donation=donation_for(request, data.pop("donation")),
            activity=activity_for(request, data.pop("activity")),
            households=households_for(request, data.pop("households")),
            by=request.user,
            **data,
        )
        return Response(DeliveryOutput(deliveries, many=True).data, status=201)
