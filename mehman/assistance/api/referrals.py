"""Referrals over HTTP: list, refer a household, read one, accept, decline, close.

Partner staff read and answer only open referrals to their organisation in a
settlement covered by a data-sharing agreement live today: when it ends, the
referral is 404 from the next request on.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from mehman.assistance import services
from mehman.assistance.api.access import PORTAL, RECORD, HasAnyCapability, household_for
from mehman.assistance.api.serializers import ReferralOutput
from mehman.assistance.models import Referral, ReferralStatus
from mehman.core import api
from mehman.core.names import reference_key
from mehman.core.permissions import get_for_user_or_404
from mehman.partners.api.access import organisation_for
from mehman.partners.api.serializers import error_responses, optional_text
from mehman.partners.models import Sector


def _referral(request: Request, uuid: Any) -> Referral:
    return get_for_user_or_404(
        Referral.objects.select_related("household", "organisation"), request.user, uuid=uuid
    )


class ReferralListApi(api.Api):
    class Query(api.Serializer):
        status = serializers.ChoiceField(choices=ReferralStatus.choices, required=False)
        organisation = serializers.UUIDField(required=False)
        household = serializers.CharField(
            required=False, allow_blank=True, help_text=_("A reference number, e.g. TJ-000123.")
        )
        overdue = serializers.BooleanField(
            allow_null=True, default=None, help_text=_("true: open and past the follow-up date.")
        )
        page = serializers.IntegerField(required=False, min_value=1)

        class Meta:
            ref_name = "ReferralQuery"

    @extend_schema(
        operation_id="referral_list",
        summary=_("List referrals"),
        parameters=[Query],
        responses={200: api.page_of(ReferralOutput, "ReferralPage"), **error_responses(400)},
    )
    def get(self, request: Request) -> Response:
        """Latest first. Partner staff see the open referrals shared with them."""
        query = self.Query(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        found = Referral.objects.for_user(request.user)
        if params.get("status"):
            found = found.filter(status=params["status"])
        if params.get("organisation"):
            found = found.filter(organisation__uuid=params["organisation"])
        if text := params.get("household", "").strip():
            found = found.filter(household__reference=reference_key(text) or text)
        if params.get("overdue") is True:
            found = found.overdue()
        elif params.get("overdue") is False:
            found = found.exclude(pk__in=Referral.objects.overdue().values("pk"))
        found = found.select_related("household", "organisation").order_by("-referred_on", "-pk")
        return api.paginate(request, self, found, lambda page: ReferralOutput(page, many=True).data)


class ReferralReferApi(api.Api):
    capability = RECORD

    class Input(api.Serializer):
        household = serializers.CharField(
            max_length=20, help_text=_("Reference number, e.g. TJ-000123.")
        )
        organisation = serializers.UUIDField()
        sector = serializers.ChoiceField(choices=Sector.choices)
        service = serializers.CharField(max_length=200)
        reason = serializers.CharField(required=False, allow_blank=True)
        due_on = api.DateField(required=False, allow_null=True, help_text=_("Follow up by."))
        consent_given = serializers.BooleanField(required=False)
        consent_override = optional_text(300)
        referred_on = api.DateField(required=False, allow_null=True)

        class Meta:
            ref_name = "ReferralReferInput"

    @extend_schema(
        operation_id="referral_refer",
        summary=_("Refer a household to an organisation"),
        request=Input,
        responses={201: ReferralOutput, **error_responses(400)},
    )
    def post(self, request: Request) -> Response:
        """With the household's consent, or a written reason to refer without it, to an
        organisation working in its settlement."""
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        referral = services.refer_household(
            household=household_for(request, data.pop("household")),
            organisation=organisation_for(request, data.pop("organisation")),
            by=request.user,
            **data,
        )
        return Response(ReferralOutput(referral).data, status=201)


class ReferralDetailApi(api.Api):
    @extend_schema(
        operation_id="referral_detail",
        summary=_("A referral"),
        responses={200: ReferralOutput, **error_responses(404)},
    )
    def get(self, request: Request, uuid: Any) -> Response:
        """Partner staff read it while it is open and shared with them."""
        return Response(ReferralOutput(_referral(request, uuid)).data)


class _Answer(api.Api):
    permission_classes = [*api.Api.permission_classes, HasAnyCapability]
    capabilities = (RECORD, PORTAL)


class ReferralAcceptApi(_Answer):
    @extend_schema(
        operation_id="referral_accept",
        summary=_("Accept a referral"),
        request=None,
        responses={200: ReferralOutput, **error_responses(400, 404)},
    )
    def post(self, request: Request, uuid: Any) -> Response:
        """The organisation takes the household on (a referral still waiting only)."""
        referral = services.accept_referral(referral=_referral(request, uuid), by=request.user)
        return Response(ReferralOutput(referral).data)


class ReferralDeclineApi(_Answer):
    class Input(api.Serializer):
        reason = serializers.CharField(max_length=300, allow_blank=True)

        class Meta:
            ref_name = "ReferralDeclineInput"

    @extend_schema(
        operation_id="referral_decline",
        summary=_("Decline a referral"),
        request=Input,
        responses={200: ReferralOutput, **error_responses(400, 404)},
    )
    def post(self, request: Request, uuid: Any) -> Response:
        """The organisation cannot help, and says why."""
        referral = _referral(request, uuid)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        declined = services.decline_referral(
            referral=referral, by=request.user, reason=serializer.validated_data["reason"]
        )
        return Response(ReferralOutput(declined).data)


class ReferralCloseApi(_Answer):
    class Input(api.Serializer):
        outcome = serializers.CharField(allow_blank=True)

        class Meta:
            ref_name = "ReferralCloseInput"

    @extend_schema(
        operation_id="referral_close",
        summary=_("Close an accepted referral with its outcome"),
        request=Input,
        responses={200: ReferralOutput, **error_responses(400, 404)},
    )
    def post(self, request: Request, uuid: Any) -> Response:
        """Closed on today's date; a closed referral is no longer shared with the partner."""
        referral = _referral(request, uuid)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        closed = services.close_referral(
            referral=referral, by=request.user, outcome=serializer.validated_data["outcome"]
        )
        return Response(ReferralOutput(closed).data)
