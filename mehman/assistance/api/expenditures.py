"""Donated money or goods spent on work orders, over HTTP: list and record.

Spending is shown to settlement staff; recording it is for managers
(``assistance.spend``). Partner staff read neither.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from mehman.assistance import services
from mehman.assistance.api.access import SPEND, donation_for, household_for
from mehman.assistance.api.serializers import ExpenditureOutput
from mehman.assistance.models import Expenditure
from mehman.core import api
from mehman.core.names import reference_key
from mehman.partners.api.access import organisation_for
from mehman.partners.api.serializers import error_responses, quantity_field, rials_field
from mehman.partners.models import Sector

_RELATED = ("donation__pledge__donor", "household", "contractor")


class ExpenditureListApi(api.Api):
    class Query(api.Serializer):
        donation = serializers.UUIDField(required=False)
        household = serializers.CharField(
            required=False, allow_blank=True, help_text=_("A reference number, e.g. TJ-000123.")
        )
        sector = serializers.ChoiceField(choices=Sector.choices, required=False)
        page = serializers.IntegerField(required=False, min_value=1)

        class Meta:
            ref_name = "ExpenditureQuery"

    @extend_schema(
        operation_id="expenditure_list",
        summary=_("List spending on work"),
        parameters=[Query],
        responses={
            200: api.page_of(ExpenditureOutput, "ExpenditurePage"),
            **error_responses(400),
        },
    )
    def get(self, request: Request) -> Response:
        """Latest first: each work order, the donation it drew on and the household it served."""
        query = self.Query(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        found = Expenditure.objects.for_user(request.user)
        if params.get("donation"):
            found = found.filter(donation__uuid=params["donation"])
        if text := params.get("household", "").strip():
            found = found.filter(household__reference=reference_key(text) or text)
        if params.get("sector"):
            found = found.filter(sector=params["sector"])
        found = found.select_related(*_RELATED).order_by("-spent_on", "-pk")
        return api.paginate(
            request, self, found, lambda page: ExpenditureOutput(page, many=True).data
        )


class ExpenditureRecordApi(api.Api):
    capability = SPEND

    class Input(api.Serializer):
        donation = serializers.UUIDField()
        work_order = serializers.CharField(max_length=40)
        description = serializers.CharField(max_length=300)
        sector = serializers.ChoiceField(choices=Sector.choices)
        amount = rials_field(required=False, help_text=_("Rials spent; for goods, their worth."))
        quantity = quantity_field(
            required=False, allow_null=True, help_text=_("Goods used, in the pledge's unit.")
        )
        spent_on = api.DateField(required=False, allow_null=True)
        household = serializers.CharField(
            max_length=20,
            required=False,
            allow_blank=True,
            help_text=_("The household that benefited; required by restricted gifts."),
        )
        contractor = serializers.UUIDField(
            required=False, allow_null=True, help_text=_("The contractor or volunteer group.")
        )

        class Meta:
            ref_name = "ExpenditureRecordInput"

    @extend_schema(
        operation_id="expenditure_record",
        summary=_("Record donated money or goods spent on a work order"),
        request=Input,
        responses={201: ExpenditureOutput, **error_responses(400)},
    )
    def post(self, request: Request) -> Response:
        """Only as the donor allowed, and never more than what is left (else code exhausted)."""
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        household = data.pop("household", "")
        contractor = data.pop("contractor", None)
        spending = services.record_expenditure(
            donation=donation_for(request, data.pop("donation")),
            household=household_for(request, household) if household.strip() else None,
            contractor=organisation_for(request, contractor, "contractor") if contractor else None,
            by=request.user,
            **data,
        )
        return Response(ExpenditureOutput(spending).data, status=201)
