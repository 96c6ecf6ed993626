"""Offers of vacant units over HTTP: the vacancies with the households that fit them, offering
a unit, and recording the household's answer (acceptance admits it and moves it in).

These name households: analysts get 404, as do partner staff.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from mehman.core import api
from mehman.housing import services
from mehman.housing.api.access import (
    ALLOCATE,
    ANSWER,
    HousingApi,
    body_application,
    in_settlement,
    key,
    offer_for,
    offers,
    unit_for,
)
from mehman.housing.api.serializers import (
    OFFER,
    UNIT,
    CandidateOutput,
    OfferOutput,
    VacancyOutput,
    settlement_query_field,
)
from mehman.housing.models import Offer, OfferStatus, Unit
from mehman.partners.api.serializers import error_responses


def _limit(default: int, most: int) -> serializers.IntegerField:
    return serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=most,
        default=default,
        help_text=_("How many households at most."),
    )


def candidates_of(units: Sequence[Unit], limit: int) -> dict[int, list[dict[str, Any]]]:
    """For each unit, the top-ranked waitlisted households that fit it."""
    found = services.candidates_for_units(units, limit=limit)
    return {
        pk: [{"application": a, "needs_step_free": needs} for a, needs in pairs]
        for pk, pairs in found.items()
    }


def offer_response(request: Request, offer: Offer, *, status: int = 200) -> Response:
    offer = offer_for(request, offer.uuid)
    headers = {}
    if status == 201:
        headers["Location"] = reverse("api:housing:offer_detail", kwargs={"uuid": offer.uuid})
    return Response(OfferOutput(offer).data, status=status, headers=headers)


class VacancyListApi(HousingApi):
    personal = True

    class Query(api.Serializer):
        settlement = settlement_query_field()
        limit = _limit(3, 20)
        page = serializers.IntegerField(required=False, min_value=1)

        class Meta:
            ref_name = "HousingVacancyQuery"

    @extend_schema(
        operation_id="housing_vacancy_list",
        summary=_("Vacant units, each with the households that fit it best"),
        parameters=[Query],
        responses={
            200: api.page_of(VacancyOutput, "HousingVacancyPage"),
            **error_responses(400),
        },
    )
    def get(self, request: Request) -> Response:
        """Habitable units nobody lives in and not held for an offer; for each, the
        top-ranked waitlisted households whose members it holds (step-free where needed)."""
        query = self.Query(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        vacant = (
            in_settlement(Unit.objects.for_user(request.user), params.get("settlement", ""))
            .vacant()
            .select_related("settlement", "block")
            .order_by("settlement__code", "block__code", "number")
        )

        def render(page: Sequence[Any]) -> Any:
            chosen = candidates_of(page, params["limit"])
            for unit in page:
                unit.candidates = chosen[unit.pk]
            return VacancyOutput(page, many=True).data

        return api.paginate(request, self, vacant, render)


class UnitCandidatesApi(HousingApi):
    personal = True

    class Query(api.Serializer):
        limit = _limit(10, 50)

        class Meta:
            ref_name = "HousingCandidateQuery"

    @extend_schema(
        operation_id="housing_unit_candidates",
        summary=_("The waitlisted households that fit a unit, in rank order"),
        parameters=[UNIT, Query],
        responses={200: CandidateOutput(many=True), **error_responses(400, 404)},
    )
    def get(self, request: Request, reference: str) -> Response:
        """All their members within its capacity, and a step-free unit for a household that
        needs one; households already holding an offer are left out."""
        unit = unit_for(request, reference)
        query = self.Query(data=request.query_params)
        query.is_valid(raise_exception=True)
        found = services.candidates_for(unit, limit=query.validated_data["limit"])
        rows = [{"application": a, "needs_step_free": needs} for a, needs in found]
        return Response(CandidateOutput(rows, many=True).data)


class UnitOfferApi(HousingApi):
    capability = ALLOCATE
    personal = True

    class Input(api.Serializer):
        application = serializers.CharField(
            max_length=20, help_text=_("The waitlisted application, e.g. TJ-A00042.")
        )
        respond_by = api.DateField(
            required=False, allow_null=True, help_text=_("By default in MEHMAN_OFFER_DAYS.")
        )
        skip_reason = serializers.CharField(
            max_length=300,
            required=False,
            allow_blank=True,
            help_text=_("Why households ranked higher are passed over (required if any)."),
        )

        class Meta:
            ref_name = "HousingUnitOfferInput"

    @extend_schema(
        operation_id="housing_unit_offer",
        summary=_("Offer a vacant unit to a waitlisted household"),
        parameters=[UNIT],
        request=Input,
        responses={201: OfferOutput, **error_responses(400, 404)},
    )
    def post(self, request: Request, reference: str) -> Response:
        """The unit is held until the household answers. It must fit the household (code
        too_small or step_free); passing over households ranked higher needs a reason
        (code rank_order)."""
        unit = unit_for(request, reference)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        application = body_application(request, data.pop("application"))
        offer = services.offer_unit(unit=unit, application=application, by=request.user, **data)
        return offer_response(request, offer, status=201)


class OfferListApi(HousingApi):
    personal = True

    class Query(api.Serializer):
        settlement = settlement_query_field()
        status = serializers.ChoiceField(choices=OfferStatus.choices, required=False)
        unit = serializers.CharField(required=False, allow_blank=True)
        page = serializers.IntegerField(required=False, min_value=1)

        class Meta:
            ref_name = "HousingOfferQuery"

    @extend_schema(
        operation_id="housing_offer_list",
        summary=_("List offers of units"),
        parameters=[Query],
        responses={200: api.page_of(OfferOutput, "HousingOfferPage"), **error_responses(400)},
    )
    def get(self, request: Request) -> Response:
        """Latest first; by status (open: awaiting the household's answer) or unit."""
        query = self.Query(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        found = in_settlement(offers().for_user(request.user), params.get("settlement", ""))
        if params.get("status"):
            found = found.filter(status=params["status"])
        if unit := key(params.get("unit", "")):
            found = found.filter(unit__reference=unit)
        found = found.order_by("-offered_on", "-pk")
        return api.paginate(request, self, found, lambda page: OfferOutput(page, many=True).data)


class OfferDetailApi(HousingApi):
    personal = True

    @extend_schema(
        operation_id="housing_offer_detail",
        summary=_("An offer of a unit"),
        parameters=[OFFER],
        responses={200: OfferOutput, **error_responses(404)},
    )
    def get(self, request: Request, uuid: Any) -> Response:
        """The unit, the household, and its answer if given."""
        return offer_response(request, offer_for(request, uuid))


class OfferAcceptApi(HousingApi):
    capability = ANSWER
    personal = True
    field_names = {"day": "answered_on"}

    class Input(api.Serializer):
        answered_on = api.DateField(required=False, allow_null=True, source="day")

        class Meta:
            ref_name = "HousingOfferAcceptInput"

    @extend_schema(
        operation_id="housing_offer_accept",
        summary=_("Record that the household accepts the unit offered"),
        parameters=[OFFER],
        request=Input,
        responses={200: OfferOutput, **error_responses(400, 404)},
    )
    def post(self, request: Request, uuid: Any) -> Response:
        """The household is admitted, becomes a resident and moves into the unit, all at
        once; an offer already answered is refused (code answered)."""
        offer = offer_for(request, uuid)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.accept_unit_offer(offer=offer, by=request.user, **serializer.validated_data)
        return offer_response(request, offer)


class OfferDeclineApi(HousingApi):
    capability = ANSWER
    personal = True

    class Input(api.Serializer):
        reason = serializers.CharField(max_length=300, allow_blank=True)
        back_to_waitlist = serializers.BooleanField(
            default=True, help_text=_("The household keeps its score and returns to the list.")
        )

        class Meta:
            ref_name = "HousingOfferDeclineInput"

    @extend_schema(
        operation_id="housing_offer_decline",
        summary=_("Record that the household declines the unit offered"),
        parameters=[OFFER],
        request=Input,
        responses={200: OfferOutput, **error_responses(400, 404)},
    )
    def post(self, request: Request, uuid: Any) -> Response:
        """With the household's reason; the unit is free again."""
        offer = offer_for(request, uuid)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.decline_unit_offer(offer=offer, by=request.user, **serializer.validated_data)
        return offer_response(request, offer)
