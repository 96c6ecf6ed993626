"""Referrals and second-approver decisions of a case over HTTP.

A case's referrals to partners (list, each with its overdue flag; refer), the worklist of
overdue referrals, and the decisions that need a second approver (list, request, decide). The
partner answers a referral through the assistance endpoints (/api/v1/referrals/<uuid>/).
Reading needs ``solutions.view``, referring and asking ``solutions.manage``, deciding
``solutions.approve``; without the capability, or out of scope, 404.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from mehman.core import api
from mehman.core.api_schema import enum_field, error_responses, optional_text
from mehman.housing.api.access import key
from mehman.partners.api.access import organisation_for
from mehman.solutions import queries, services
from mehman.solutions.api.access import (
    APPROVE,
    MANAGE,
    SolutionsApi,
    case_for,
    lookup_uuid,
)
from mehman.solutions.api.serializers import (
    APPROVAL,
    CASE,
    ApprovalOutput,
    CaseReferralOutput,
)
from mehman.solutions.models import (
    Approval,
    ApprovalKind,
    ApprovalStatus,
    CaseReferral,
    ServiceType,
)

_REFERRAL_RELATED = ("case", "referral__organisation", "referral__household")
_APPROVAL_RELATED = ("case__household", "requested_by", "decided_by")


def approvals() -> Any:
    return Approval.objects.select_related(*_APPROVAL_RELATED)


def approval_for(request: Request, uuid: UUID) -> Approval:
    found: Approval = lookup_uuid(request, approvals(), uuid)
    return found


# --- Referrals to partners ----------------------------------------------------------------------


class CaseReferralsApi(SolutionsApi):
    @extend_schema(
        operation_id="solutions_case_referrals",
        summary=_("The referrals of a case"),
        parameters=[CASE],
        responses={200: CaseReferralOutput(many=True), **error_responses(404)},
    )
    def get(self, request: Request, reference: str) -> Response:
        """Latest first, each with the partner's answer and whether it is overdue: open after
        its follow-up date."""
        case = case_for(request, reference)
        found = CaseReferral.objects.filter(case=case).select_related(*_REFERRAL_RELATED)
        found = found.order_by("-referral__referred_on", "-pk")
        return Response(CaseReferralOutput(found, many=True).data)


class ReferralReferApi(SolutionsApi):
    capability = MANAGE
    # The referral's own rules speak of its follow-up date as due_on.
    field_names = {"due_on": "follow_up_on"}

    class Input(api.Serializer):
        organisation = serializers.UUIDField(help_text=_("The partner organisation (UUID)."))
        service_type = enum_field(ServiceType.choices, "SolutionsServiceType")
        service = optional_text(200)
        reason = optional_text(4000)
        follow_up_on = api.DateField(
            allow_null=True, help_text=_("Overdue after this day until closed with an outcome.")
        )
        consent_given = serializers.BooleanField(required=False, default=False)
        consent_override = optional_text(300)
        referred_on = api.DateField(
            required=False, allow_null=True, help_text=_("Today if left out.")
        )

        class Meta:
            ref_name = "SolutionsReferralInput"

    @extend_schema(
        operation_id="solutions_referral_refer",
        summary=_("Refer a case's household to a partner"),
        parameters=[CASE],
        request=Input,
        responses={201: CaseReferralOutput, **error_responses(400, 404)},
    )
    def post(self, request: Request, reference: str) -> Response:
        """With the household's consent or a written reason to go without, and a follow-up
        date (code follow_up); the case must be open (code closed)."""
        case = case_for(request, reference)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        organisation = organisation_for(request, data.pop("organisation"))
        link = services.refer_to_partner(
            case=case, by=request.user, organisation=organisation, **data
        )
        found = CaseReferral.objects.select_related(*_REFERRAL_RELATED).get(pk=link.pk)
        return Response(CaseReferralOutput(found).data, status=201)


class ReferralOverdueListApi(SolutionsApi):
    class Query(api.Serializer):
        settlement = serializers.CharField(
            required=False, allow_blank=True, help_text=_("A settlement code, e.g. TJ.")
        )
        organisation = serializers.UUIDField(required=False)
        page = serializers.IntegerField(required=False, min_value=1)

        class Meta:
            ref_name = "SolutionsReferralOverdueQuery"

    @extend_schema(
        operation_id="solutions_referral_overdue_list",
        summary=_("The worklist of overdue case referrals"),
        parameters=[Query],
        responses={
            200: api.page_of(CaseReferralOutput, "SolutionsCaseReferralPage"),
            **error_responses(400),
        },
    )
    def get(self, request: Request) -> Response:
        """Open after their follow-up date, the longest overdue first, until the partner's
        outcome is recorded."""
        query = self.Query(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        found = queries.overdue_referrals(base=CaseReferral.objects.for_user(request.user))
        if code := key(params.get("settlement", "")):
            found = found.filter(case__settlement__code=code)
        if params.get("organisation"):
            found = found.filter(referral__organisation__uuid=params["organisation"])
        found = found.select_related(*_REFERRAL_RELATED)
        render = lambda page: CaseReferralOutput(page, many=True).data  # noqa: E731
        return api.paginate(request, self, found, render)


# --- Second-approver decisions ------------------------------------------------------------------


class ApprovalListApi(SolutionsApi):
    class Query(api.Serializer):
        settlement = serializers.CharField(
            required=False, allow_blank=True, help_text=_("A settlement code, e.g. TJ.")
        )
        status = enum_field(ApprovalStatus.choices, "SolutionsApprovalStatus", required=False)
        kind = enum_field(ApprovalKind.choices, "SolutionsApprovalKind", required=False)
        page = serializers.IntegerField(required=False, min_value=1)

        class Meta:
            ref_name = "SolutionsApprovalQuery"

    @extend_schema(
        operation_id="solutions_approval_list",
        summary=_("List decisions asked of a second approver"),
        parameters=[Query],
        responses={
            200: api.page_of(ApprovalOutput, "SolutionsApprovalPage"),
            **error_responses(400),
        },
    )
    def get(self, request: Request) -> Response:
        """Latest asked first; status pending is the managers' worklist."""
        query = self.Query(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        found = approvals().for_user(request.user)
        if code := key(params.get("settlement", "")):
            found = found.filter(case__settlement__code=code)
        for name in ("status", "kind"):
            if params.get(name):
                found = found.filter(**{name: params[name]})
        found = found.order_by("-requested_on", "-pk")
        render = lambda page: ApprovalOutput(page, many=True).data  # noqa: E731
        return api.paginate(request, self, found, render)


class CaseApprovalsApi(SolutionsApi):
    @extend_schema(
        operation_id="solutions_case_approvals",
        summary=_("The decisions asked on a case"),
        parameters=[CASE],
        responses={200: ApprovalOutput(many=True), **error_responses(404)},
    )
    def get(self, request: Request, reference: str) -> Response:
        """Latest asked first, pending or decided."""
        case = case_for(request, reference)
        found = approvals().filter(case=case).order_by("-requested_on", "-pk")
        return Response(ApprovalOutput(found, many=True).data)


class ApprovalRequestApi(SolutionsApi):
    capability = MANAGE

    class Input(api.Serializer):
        kind = enum_field(ApprovalKind.choices, "SolutionsApprovalKind")
        justification = serializers.CharField(max_length=4000, allow_blank=True)

        class Meta:
            ref_name = "SolutionsApprovalRequestInput"

    @extend_schema(
        operation_id="solutions_approval_request",
        summary=_("Ask a second approver for a decision on a case"),
        parameters=[CASE],
        request=Input,
        responses={201: ApprovalOutput, **error_responses(400, 404)},
    )
    def post(self, request: Request, reference: str) -> Response:
        """A decision of the case's pathway (code pathway), with its justification (code
        required), one at a time (code pending)."""
        case = case_for(request, reference)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        approval = services.request_approval(
            case=case, by=request.user, kind=data["kind"], justification=data["justification"]
        )
        return Response(ApprovalOutput(approval_for(request, approval.uuid)).data, status=201)


class ApprovalDecideApi(SolutionsApi):
    capability = APPROVE

    class Input(api.Serializer):
        approve = serializers.BooleanField(help_text=_("true: approve; false: reject."))
        note = optional_text(300)

        class Meta:
            ref_name = "SolutionsApprovalDecideInput"

    @extend_schema(
        operation_id="solutions_approval_decide",
        summary=_("Approve or reject a decision asked on a case"),
        parameters=[APPROVAL],
        request=Input,
        responses={200: ApprovalOutput, **error_responses(400, 404)},
    )
    def post(self, request: Request, uuid: UUID) -> Response:
        """By a settlement manager other than the one who asked (code same_person); a
        rejection gives its reason (code required); once only (code decided)."""
        approval = approval_for(request, uuid)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.decide_approval(
            approval=approval, by=request.user, approve=data["approve"], note=data.get("note", "")
        )
        return Response(ApprovalOutput(approval_for(request, uuid)).data)


urlpatterns: list[URLPattern] = [
    path(
        "solutions/cases/<str:reference>/referrals/",
        api.by_method(get=CaseReferralsApi, post=ReferralReferApi),
        name="case_referrals",
    ),
    path(
        "solutions/referrals/overdue/",
        ReferralOverdueListApi.as_view(),
        name="referral_overdue_list",
    ),
    path(
        "solutions/cases/<str:reference>/approvals/",
        api.by_method(get=CaseApprovalsApi, post=ApprovalRequestApi),
        name="case_approvals",
    ),
    path("solutions/approvals/", ApprovalListApi.as_view(), name="approval_list"),
    path(
        "solutions/approvals/<uuid:uuid>/decide/",
        ApprovalDecideApi.as_view(),
        name="approval_decide",
    ),
]
