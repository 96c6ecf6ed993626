"""Pledges and donations over HTTP: promised, received, stored, cancelled.

Money is in rials (whole numbers), quantities are decimal strings. Pledges are
read by analysts too; donations by settlement staff and the donor's own staff.
How donations reach households is in the assistance API (``distributions/``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import F
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
    organisation_for,
    require_partner_work,
    sees_partner_work,
    settlement_for,
)
from mehman.partners.api.serializers import (
    DonationOutput,
    PledgeDetailOutput,
    PledgeOutput,
    error_responses,
    optional_text,
    quantity_field,
    rials_field,
)
from mehman.partners.models import (
    Donation,
    GiftKind,
    HouseholdCriterion,
    Pledge,
    PledgeStatus,
    Sector,
)


def _pledge(request: Request, uuid: Any) -> Pledge:
    return get_for_user_or_404(
        Pledge.objects.select_related("donor", "settlement"), request.user, uuid=uuid
    )


def _pledge_response(request: Request, pledge: Pledge, *, status: int = 200) -> Response:
    pledge = _pledge(request, pledge.uuid)
    pledge.totals = services.totals(pledge)  # type: ignore[attr-defined]
    headers = {}
    if status == 201:
        headers["Location"] = reverse("api:partners:pledge_detail", kwargs={"uuid": pledge.uuid})
    return Response(PledgeDetailOutput(pledge).data, status=status, headers=headers)


def _donations(request: Request) -> Any:
    return Donation.objects.for_user(request.user).select_related(
        "pledge__donor", "pledge__settlement"
    )


def _donation(request: Request, uuid: Any) -> Donation:
    require_partner_work(request)
    return get_for_user_or_404(
        Donation.objects.select_related("pledge__donor", "pledge__settlement"),
        request.user,
        uuid=uuid,
    )


class PledgeListApi(api.Api):
    class Query(api.Serializer):
        donor = serializers.UUIDField(required=False)
        status = serializers.ChoiceField(choices=PledgeStatus.choices, required=False)
        kind = serializers.ChoiceField(choices=GiftKind.choices, required=False)
        settlement = serializers.CharField(
            required=False, allow_blank=True, help_text=_("A settlement code, e.g. TJ.")
        )
        page = serializers.IntegerField(required=False, min_value=1)

        class Meta:
            ref_name = "PledgeQuery"

    @extend_schema(
        operation_id="pledge_list",
        summary=_("List pledges"),
        parameters=[Query],
        responses={200: api.page_of(PledgeOutput, "PledgePage"), **error_responses(400)},
    )
    def get(self, request: Request) -> Response:
        """Latest first. Partner staff see their organisation's own pledges."""
        query = self.Query(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        found = Pledge.objects.for_user(request.user)
        if params.get("donor"):
            found = found.filter(donor__uuid=params["donor"])
        for name in ("status", "kind"):
            if params.get(name):
                found = found.filter(**{name: params[name]})
        if code := params.get("settlement", "").strip():
            found = found.filter(settlement__code=code.upper())
        found = found.select_related("donor", "settlement").order_by("-pledged_on", "-pk")
        return api.paginate(request, self, found, lambda page: PledgeOutput(page, many=True).data)


class PledgeRecordApi(api.Api):
    capability = MANAGE

    class Input(api.Serializer):
        donor = serializers.UUIDField()
        settlement = serializers.CharField(
            max_length=8,
            required=False,
            allow_blank=True,
            help_text=_("Settlement code; may be left out if you work in one settlement."),
        )
        kind = serializers.ChoiceField(choices=GiftKind.choices)
        quantity = quantity_field(help_text=_("In the unit; for cash, the rials."))
        item = optional_text(200)
        unit = optional_text(40)
        value = rials_field(required=False, allow_null=True)
        pledged_on = api.DateField(required=False, allow_null=True)
        expected_on = api.DateField(required=False, allow_null=True)
        restricted_sector = serializers.ChoiceField(
            choices=Sector.choices, required=False, allow_blank=True
        )
        restricted_to = serializers.ChoiceField(
            choices=HouseholdCriterion.choices, required=False, allow_blank=True
        )
        restricted_need = optional_text(16)
        restriction_note = optional_text(300)

        class Meta:
            ref_name = "PledgeRecordInput"

    @extend_schema(
        operation_id="pledge_record",
        summary=_("Record a pledge"),
        request=Input,
        responses={201: PledgeDetailOutput, **error_responses(400)},
    )
    def post(self, request: Request) -> Response:
        """A pledge names its donor, what is promised and any restriction the donor sets.
        A cash pledge counts rials: its quantity is its value."""
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        donor = organisation_for(request, data.pop("donor"), "donor")
        settlement = settlement_for(request, data.pop("settlement", ""))
        pledge = services.record_pledge(donor=donor, settlement=settlement, by=request.user, **data)
        return _pledge_response(request, pledge, status=201)


class PledgeDetailApi(api.Api):
    @extend_schema(
        operation_id="pledge_detail",
        summary=_("A pledge, with what was received and used"),
        responses={200: PledgeDetailOutput, **error_responses(404)},
    )
    def get(self, request: Request, uuid: Any) -> Response:
        """Totals are in the pledge's unit and in rials."""
        return _pledge_response(request, _pledge(request, uuid))


class PledgeCancelApi(api.Api):
    capability = MANAGE

    class Input(api.Serializer):
        reason = serializers.CharField(max_length=300, allow_blank=True)

        class Meta:
            ref_name = "PledgeCancelInput"

    @extend_schema(
        operation_id="pledge_cancel",
        summary=_("Cancel a pledge"),
        request=Input,
        responses={200: PledgeDetailOutput, **error_responses(400, 404)},
    )
    def post(self, request: Request, uuid: Any) -> Response:
        """Only a pledge of which nothing has arrived can be cancelled, with a reason."""
        pledge = _pledge(request, uuid)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.cancel_pledge(
            pledge=pledge, by=request.user, reason=serializer.validated_data["reason"]
        )
        return _pledge_response(request, pledge)


# --- Donations ----------------------------------------------------------------------------------


class PledgeDonationListApi(api.Api):
    @extend_schema(
        operation_id="pledge_donation_list",
        summary=_("What arrived against a pledge"),
        responses={200: DonationOutput(many=True), **error_responses(404)},
    )
    def get(self, request: Request, uuid: Any) -> Response:
        """Latest first, each with what is left to use."""
        require_partner_work(request)
        pledge = _pledge(request, uuid)
        return Response(DonationOutput(_donations(request).filter(pledge=pledge), many=True).data)


class DonationReceiveApi(api.Api):
    capability = MANAGE

    class Input(api.Serializer):
        quantity = quantity_field(help_text=_("In the pledge's unit; for cash, the rials."))
        received_on = api.DateField(required=False, allow_null=True)
        value = rials_field(
            required=False,
            allow_null=True,
            help_text=_("Rials, for goods; by default the pledge's value per unit."),
        )
        note = optional_text(300)

        class Meta:
            ref_name = "DonationReceiveInput"

    @extend_schema(
        operation_id="donation_receive",
        summary=_("Record what arrived against a pledge"),
        request=Input,
        responses={201: DonationOutput, **error_responses(400, 404)},
    )
    def post(self, request: Request, uuid: Any) -> Response:
        """What arrives is recorded against its pledge; a cancelled pledge receives nothing."""
        pledge = _pledge(request, uuid)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        donation = services.receive_donation(
            pledge=pledge, by=request.user, **serializer.validated_data
        )
        return Response(DonationOutput(_donation(request, donation.uuid)).data, status=201)


class DonationListApi(api.Api):
    class Query(api.Serializer):
        donor = serializers.UUIDField(required=False)
        settlement = serializers.CharField(
            required=False, allow_blank=True, help_text=_("A settlement code, e.g. TJ.")
        )
        available = serializers.BooleanField(
            allow_null=True,
            default=None,
            help_text=_("true: only donations with something left to use; false: used up."),
        )
        page = serializers.IntegerField(required=False, min_value=1)

        class Meta:
            ref_name = "DonationQuery"

    @extend_schema(
        operation_id="donation_list",
        summary=_("List donations received"),
        parameters=[Query],
        responses={200: api.page_of(DonationOutput, "DonationPage"), **error_responses(400)},
    )
    def get(self, request: Request) -> Response:
        """Latest first, each with what is left to use."""
        query = self.Query(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        found = _donations(request)
        if not sees_partner_work(request.user):
            found = found.none()
        if params.get("donor"):
            found = found.filter(pledge__donor__uuid=params["donor"])
        if code := params.get("settlement", "").strip():
            found = found.filter(pledge__settlement__code=code.upper())
        if params.get("available") is True:
            found = found.filter(used_quantity__lt=F("quantity"))
        elif params.get("available") is False:
            found = found.filter(used_quantity__gte=F("quantity"))
        found = found.order_by("-received_on", "-pk")
        return api.paginate(request, self, found, lambda page: DonationOutput(page, many=True).data)


class DonationStoreApi(api.Api):
    capability = MANAGE
    field_names = {"place": "stored_at"}

    class Input(api.Serializer):
        stored_at = serializers.CharField(
            max_length=120, help_text=_("The store, e.g. Warehouse 1.")
        )
        stored_on = api.DateField(required=False, allow_null=True)

        class Meta:
            ref_name = "DonationStoreInput"

    @extend_schema(
        operation_id="donation_store",
        summary=_("Put goods received in a store"),
        request=Input,
        responses={200: DonationOutput, **error_responses(400, 404)},
    )
    def post(self, request: Request, uuid: Any) -> Response:
        """Goods are stored on or after the day they arrive; cash is not stored."""
        donation = _donation(request, uuid)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.store_donation(
            donation=donation,
            by=request.user,
            place=data["stored_at"],
            stored_on=data.get("stored_on"),
        )
        return Response(DonationOutput(_donation(request, donation.uuid)).data)
