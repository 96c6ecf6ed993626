"""Residence endpoints under /api/v1/residence/: the document-validity worklist and renewal
campaigns.

Reading needs ``residence.view``; following up and recording renewals ``residence.documents``;
opening a campaign ``residence.manage``. Out of scope or without the capability: 404. The
worklist is always of today: there is no ``on`` parameter.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from mehman.core import api, dates, digits
from mehman.core.api_schema import error_responses
from mehman.core.models import Settlement
from mehman.core.permissions import get_for_user_or_404
from mehman.registry.models import DocumentType
from mehman.residence.models import (
    WATCHED_DOCUMENTS,
    Campaign,
    CampaignTarget,
    ContactOutcome,
    TargetStatus,
)
from mehman.residence.queries.documents import (
    WINDOWS,
    campaign_tallies,
    campaign_tally,
    campaign_targets,
    expiry_counts,
    expiry_worklist,
)
from mehman.residence.services import campaigns as services

VIEW = "residence.view"
DOCUMENTS = "residence.documents"
MANAGE = "residence.manage"

CAMPAIGN = OpenApiParameter("reference", str, OpenApiParameter.PATH, description=_("Campaign"))
TARGET = OpenApiParameter("uuid", str, OpenApiParameter.PATH, description=_("Campaign member"))
WATCHED = [(str(code), label) for code, label in DocumentType.choices if code in WATCHED_DOCUMENTS]


def _settlement(request: Request, code: str) -> Settlement | None:
    """The settlement named by its code among the user's (400 if not), or all of them."""
    if not code.strip():
        return None
    found = Settlement.objects.for_user(request.user).filter(code=code.strip().upper()).first()
    if found is None:
        raise ValidationError(
            {"settlement": ValidationError(_("Unknown settlement."), code="settlement")}
        )
    return found


def _campaign(request: Request, reference: str) -> Campaign:
    return get_for_user_or_404(
        Campaign.objects.select_related("settlement"),
        request.user,
        reference=digits.to_ascii(reference).strip().upper(),
    )


def _target(request: Request, uuid: UUID) -> CampaignTarget:
    return get_for_user_or_404(
        CampaignTarget.objects.select_related(
            "campaign__settlement", "individual", "household", "previous", "renewed"
        ),
        request.user,
        uuid=uuid,
    )


# --- The worklist ----------------------------------------------------------------------------


class ExpiringDocumentOutput(api.Serializer):
    member = serializers.UUIDField(source="member.uuid")
    given_name = serializers.CharField(source="member.given_name")
    family_name = serializers.CharField(source="member.family_name")
    document = serializers.UUIDField(source="document.uuid")
    doc_type = serializers.CharField(source="document.doc_type")
    number = serializers.CharField(source="document.number_typed")
    expires_on = serializers.DateField(source="document.expires_on")
    days_left = serializers.IntegerField(
        source="days", help_text=_("Days until it expires; negative: days overdue.")
    )

    class Meta:
        ref_name = "ResidenceExpiringDocument"


class ExpiringHouseholdOutput(api.Serializer):
    household = serializers.CharField(source="household.reference")
    settlement = serializers.CharField(source="household.settlement.code")
    block = serializers.CharField(source="household.block")
    address = serializers.CharField(source="household.address")
    head = serializers.SerializerMethodField()
    documents = ExpiringDocumentOutput(many=True)

    class Meta:
        ref_name = "ResidenceExpiringHousehold"

    def get_head(self, group: Any) -> str:
        head = group.household.head
        return head.full_name if head else ""


class ExpiryCountsOutput(api.Serializer):
    expired = serializers.IntegerField()
    within_30 = serializers.IntegerField(source="30")
    within_60 = serializers.IntegerField(source="60")
    within_90 = serializers.IntegerField(source="90")

    class Meta:
        ref_name = "ResidenceExpiryCounts"


class ExpiryQuery(api.Serializer):
    settlement = serializers.CharField(
        required=False, allow_blank=True, help_text=_("A settlement code, e.g. TJ.")
    )
    doc_type = serializers.ChoiceField(choices=WATCHED, required=False, allow_blank=True)
    block = serializers.CharField(required=False, allow_blank=True)

    class Meta:
        ref_name = "ResidenceExpiryQuery"

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "on" in self.initial_data:
            raise serializers.ValidationError(
                {"on": _("The worklist is always of today.")}, code="on"
            )
        return attrs


class ExpiryListApi(api.Api):
    capability = VIEW

    class Query(ExpiryQuery):
        window = serializers.ChoiceField(
            choices=[(w, w) for w in WINDOWS],
            required=False,
            help_text=_("expired, 30, 60, 90 (days ahead) or all (expired or within 90)."),
        )
        page = serializers.IntegerField(required=False, min_value=1)

        class Meta:
            ref_name = "ResidenceExpiryListQuery"

    @extend_schema(
        operation_id="residence_expiry_list",
        summary=_("Residence documents expired or expiring, per household"),
        parameters=[Query],
        responses={
            200: api.page_of(ExpiringHouseholdOutput, "ResidenceExpiringHouseholdPage"),
            **error_responses(400),
        },
    )
    def get(self, request: Request) -> Response:
        """Of today: each member's latest Amayesh card, work permit, laissez-passer or visa,
        for active members of resident households; the most urgent household first."""
        query = self.Query(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        groups = expiry_worklist(
            request.user,
            dates.today(),
            window=params.get("window") or "all",
            doc_type=params.get("doc_type") or "",
            settlement=_settlement(request, params.get("settlement", "")),
            block=params.get("block", ""),
        )
        return api.paginate(
            request,
            self,
            groups,  # type: ignore[arg-type]  # a list pages like a queryset
            lambda page: ExpiringHouseholdOutput(page, many=True).data,
        )


class ExpiryCountsApi(api.Api):
    capability = VIEW

    @extend_schema(
        operation_id="residence_expiry_counts",
        summary=_("How many residence documents are expired or expiring"),
        parameters=[ExpiryQuery],
        responses={200: ExpiryCountsOutput, **error_responses(400)},
    )
    def get(self, request: Request) -> Response:
        """Of today; each window includes the shorter ones."""
        query = ExpiryQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        counts = expiry_counts(
            request.user,
            dates.today(),
            doc_type=params.get("doc_type") or "",
            settlement=_settlement(request, params.get("settlement", "")),
            block=params.get("block", ""),
        )
        return Response(ExpiryCountsOutput(counts).data)


# --- Campaigns -------------------------------------------------------------------------------


class TallyOutput(api.Serializer):
    renewed = serializers.IntegerField()
    pending = serializers.IntegerField()
    excused = serializers.IntegerField()
    percent = serializers.IntegerField(help_text=_("Renewed, of those expected to renew."))

    class Meta:
        ref_name = "ResidenceCampaignTally"


class CampaignOutput(api.Serializer):
    reference = serializers.CharField()
    settlement = serializers.CharField(source="settlement.code")
    title = serializers.CharField()
    doc_type = serializers.CharField()
    cycle = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    status = serializers.CharField()
    note = serializers.CharField()
    tally = TallyOutput()

    class Meta:
        ref_name = "ResidenceCampaign"


class TargetOutput(api.Serializer):
    uuid = serializers.UUIDField()
    campaign = serializers.CharField(source="campaign.reference")
    household = serializers.CharField(source="household.reference")
    block = serializers.CharField(source="household.block")
    member = serializers.UUIDField(source="individual.uuid")
    given_name = serializers.CharField(source="individual.given_name")
    family_name = serializers.CharField(source="individual.family_name")
    status = serializers.CharField()
    previous = serializers.CharField(source="previous.number_typed", allow_null=True)
    renewed = serializers.CharField(source="renewed.number_typed", allow_null=True)
    renewed_on = serializers.DateField(allow_null=True)
    contacts = serializers.IntegerField()
    last_contact_on = serializers.DateField(allow_null=True)
    last_outcome = serializers.CharField()
    follow_up_on = serializers.DateField(allow_null=True)
    note = serializers.CharField()

    class Meta:
        ref_name = "ResidenceCampaignTarget"


def _with_tally(campaign: Campaign) -> Campaign:
    campaign.tally = campaign_tally(campaign)[0]  # type: ignore[attr-defined]
    return campaign


class CampaignListApi(api.Api):
    capability = VIEW

    class Query(api.Serializer):
        settlement = serializers.CharField(
            required=False, allow_blank=True, help_text=_("A settlement code, e.g. TJ.")
        )
        page = serializers.IntegerField(required=False, min_value=1)

        class Meta:
            ref_name = "ResidenceCampaignQuery"

    @extend_schema(
        operation_id="residence_campaign_list",
        summary=_("List renewal campaigns"),
        parameters=[Query],
        responses={
            200: api.page_of(CampaignOutput, "ResidenceCampaignPage"),
            **error_responses(400),
        },
    )
    def get(self, request: Request) -> Response:
        """Latest first, each with how many members renewed."""
        query = self.Query(data=request.query_params)
        query.is_valid(raise_exception=True)
        found = Campaign.objects.for_user(request.user).select_related("settlement")
        settlement = _settlement(request, query.validated_data.get("settlement", ""))
        if settlement is not None:
            found = found.filter(settlement=settlement)

        def render(page: Any) -> Any:
            tallies = campaign_tallies(list(page))
            for campaign in page:
                campaign.tally = tallies[campaign.pk]
            return CampaignOutput(page, many=True).data

        return api.paginate(request, self, found.order_by("-starts_on", "-pk"), render)


class CampaignOpenApi(api.Api):
    capability = MANAGE

    class Input(api.Serializer):
        settlement = serializers.CharField(
            required=False, allow_blank=True, help_text=_("A settlement code, e.g. TJ.")
        )
        title = serializers.CharField(max_length=120)
        doc_type = serializers.ChoiceField(choices=WATCHED)
        cycle = serializers.CharField(max_length=20)
        starts_on = api.DateField()
        ends_on = api.DateField()
        note = serializers.CharField(required=False, allow_blank=True)

        class Meta:
            ref_name = "ResidenceCampaignOpenInput"

    @extend_schema(
        operation_id="residence_campaign_open",
        summary=_("Open a renewal campaign"),
        request=Input,
        responses={201: CampaignOutput, **error_responses(400)},
    )
    def post(self, request: Request) -> Response:
        """Every active member of the settlement's resident households who holds the document
        is expected to renew it."""
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        settlement = _settlement(request, data.pop("settlement", ""))
        if settlement is None:
            mine = list(Settlement.objects.for_user(request.user).filter(is_active=True)[:2])
            if len(mine) != 1:
                raise ValidationError(
                    {
                        "settlement": ValidationError(
                            _("Name the settlement by its code, e.g. TJ."), code="required"
                        )
                    }
                )
            settlement = mine[0]
        campaign = services.open_campaign(settlement=settlement, by=request.user, **data)
        return Response(CampaignOutput(_with_tally(campaign)).data, status=201)


class CampaignDetailApi(api.Api):
    capability = VIEW

    @extend_schema(
        operation_id="residence_campaign_detail",
        summary=_("A renewal campaign"),
        parameters=[CAMPAIGN],
        responses={200: CampaignOutput, **error_responses(404)},
    )
    def get(self, request: Request, reference: str) -> Response:
        """With how many members renewed, wait, or are excused."""
        return Response(CampaignOutput(_with_tally(_campaign(request, reference))).data)


class CampaignTargetsApi(api.Api):
    capability = VIEW

    class Query(api.Serializer):
        status = serializers.CharField(
            required=False, allow_blank=True, help_text=_("pending, renewed or excused.")
        )
        block = serializers.CharField(required=False, allow_blank=True)
        due = serializers.BooleanField(
            required=False, help_text=_("Only members waiting with a follow-up due by today.")
        )
        page = serializers.IntegerField(required=False, min_value=1)

        class Meta:
            ref_name = "ResidenceCampaignTargetQuery"

        def validate_status(self, value: str) -> str:
            if value and value not in TargetStatus.values:
                raise serializers.ValidationError(_("Unknown status."), code="invalid_choice")
            return value

    @extend_schema(
        operation_id="residence_campaign_targets",
        summary=_("The members of a renewal campaign"),
        parameters=[CAMPAIGN, Query],
        responses={
            200: api.page_of(TargetOutput, "ResidenceCampaignTargetPage"),
            **error_responses(400, 404),
        },
    )
    def get(self, request: Request, reference: str) -> Response:
        """By block and household; filter by status, block or follow-up due."""
        campaign = _campaign(request, reference)
        query = self.Query(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        found = campaign_targets(
            campaign,
            status=params.get("status") or "",
            block=params.get("block", ""),
            due=bool(params.get("due")),
        ).select_related("campaign")
        return api.paginate(request, self, found, lambda page: TargetOutput(page, many=True).data)


class TargetFollowUpApi(api.Api):
    capability = DOCUMENTS

    class Input(api.Serializer):
        outcome = serializers.ChoiceField(choices=ContactOutcome.choices)
        note = serializers.CharField(required=False, allow_blank=True, max_length=300)
        next_on = api.DateField(required=False, allow_null=True)

        class Meta:
            ref_name = "ResidenceFollowUpInput"

    @extend_schema(
        operation_id="residence_campaign_follow_up",
        summary=_("Record a follow-up with a member who has not renewed"),
        parameters=[TARGET],
        request=Input,
        responses={200: TargetOutput, **error_responses(400, 404)},
    )
    def post(self, request: Request, uuid: UUID) -> Response:
        """Counts the contact; a member no longer waiting is refused (code not_pending)."""
        target = _target(request, uuid)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        target = services.record_follow_up(
            target=target, by=request.user, **serializer.validated_data
        )
        return Response(TargetOutput(target).data)


class TargetRenewalApi(api.Api):
    capability = DOCUMENTS

    class Input(api.Serializer):
        number = serializers.CharField(max_length=64)
        issued_on = api.DateField(required=False, allow_null=True)
        expires_on = api.DateField(required=False, allow_null=True)

        class Meta:
            ref_name = "ResidenceRenewalInput"

    @extend_schema(
        operation_id="residence_campaign_renewal",
        summary=_("Record a member's renewed document"),
        parameters=[TARGET],
        request=Input,
        responses={200: TargetOutput, **error_responses(400, 404)},
    )
    def post(self, request: Request, uuid: UUID) -> Response:
        """The new document is added to the registry with the campaign's cycle."""
        target = _target(request, uuid)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        target = services.record_renewal(
            target=target,
            by=request.user,
            number=data["number"],
            issued_on=data.get("issued_on"),
            expires_on=data.get("expires_on"),
        )
        return Response(TargetOutput(target).data)


urlpatterns: list[URLPattern] = [
    path("residence/documents/expiring/", ExpiryListApi.as_view(), name="expiry_list"),
    path("residence/documents/expiring/counts/", ExpiryCountsApi.as_view(), name="expiry_counts"),
    path(
        "residence/campaigns/",
        api.by_method(get=CampaignListApi, post=CampaignOpenApi),
        name="campaign_list",
    ),
    path(
        "residence/campaigns/members/<uuid:uuid>/follow-up/",
        TargetFollowUpApi.as_view(),
        name="campaign_follow_up",
    ),
    path(
        "residence/campaigns/members/<uuid:uuid>/renewal/",
        TargetRenewalApi.as_view(),
        name="campaign_renewal",
    ),
    path(
        "residence/campaigns/<str:reference>/",
        CampaignDetailApi.as_view(),
        name="campaign_detail",
    ),
    path(
        "residence/campaigns/<str:reference>/members/",
        CampaignTargetsApi.as_view(),
        name="campaign_targets",
    ),
]
