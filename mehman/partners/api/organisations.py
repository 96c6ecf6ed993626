"""Organisations over HTTP: list, register, read, change; their agreements (MoU and
data sharing): list, record, revoke."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
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
    require_partner_work,
    settlements_for,
    visible_settlement_ids,
)
from mehman.partners.api.serializers import (
    IF_MATCH,
    AgreementOutput,
    DataAgreementOutput,
    EditFields,
    OrganisationOutput,
    OrganisationSummaryOutput,
    error_responses,
    etag_header,
    optional,
    optional_text,
    sectors_field,
    settlements_field,
)
from mehman.partners.models import (
    Agreement,
    DataCategory,
    DataSharingAgreement,
    Organisation,
    OrganisationType,
    Sector,
)


def _organisation(request: Request, uuid: Any) -> Organisation:
    return get_for_user_or_404(Organisation.objects, request.user, uuid=uuid)


def _organisation_response(
    request: Request, organisation: Organisation, *, status: int = 200
) -> Response:
    organisation = get_for_user_or_404(
        Organisation.objects.prefetch_related("settlements"), request.user, pk=organisation.pk
    )
    headers = {"ETag": api.etag(organisation.version)}
    if status == 201:
        headers["Location"] = reverse(
            "api:partners:organisation_detail", kwargs={"uuid": organisation.uuid}
        )
    return Response(OrganisationOutput(organisation).data, status=status, headers=headers)


class OrganisationFields(api.Serializer):
    name_fa = serializers.CharField(max_length=200)
    name_en = serializers.CharField(max_length=200)
    acronym = optional_text(20)
    org_type = serializers.ChoiceField(choices=OrganisationType.choices)
    sectors = sectors_field(required=False)
    settlements = settlements_field(required=False)
    phone = optional_text(32)
    email = optional_text(254)
    address = optional_text(300)
    website = optional_text(200)
    notes = serializers.CharField(required=False, allow_blank=True)


class OrganisationListApi(api.Api):
    class Query(api.Serializer):
        type = serializers.ChoiceField(choices=OrganisationType.choices, required=False)
        sector = serializers.ChoiceField(choices=Sector.choices, required=False)
        settlement = serializers.CharField(
            required=False, allow_blank=True, help_text=_("A settlement code, e.g. TJ.")
        )
        q = serializers.CharField(
            required=False, allow_blank=True, help_text=_("Part of a name or acronym.")
        )
        page = serializers.IntegerField(required=False, min_value=1)

        class Meta:
            ref_name = "OrganisationQuery"

    @extend_schema(
        operation_id="organisation_list",
        summary=_("List organisations"),
        parameters=[Query],
        responses={
            200: api.page_of(OrganisationSummaryOutput, "OrganisationPage"),
            **error_responses(400),
        },
    )
    def get(self, request: Request) -> Response:
        """Organisations working in your settlements; partner staff see their own."""
        query = self.Query(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        found = Organisation.objects.for_user(request.user)
        if params.get("type"):
            found = found.filter(org_type=params["type"])
        if params.get("sector"):
            # The JSON list's text holds each code in quotes (works on SQLite and PostgreSQL).
            found = found.filter(sectors__icontains=f'"{params["sector"]}"')
        if code := params.get("settlement", "").strip():
            found = found.filter(settlements__code=code.upper())
        if text := params.get("q", "").strip():
            found = found.filter(
                Q(name_fa__icontains=text) | Q(name_en__icontains=text) | Q(acronym__iexact=text)
            )
        found = found.distinct().prefetch_related("settlements").order_by("name_en", "pk")
        return api.paginate(
            request,
            self,
            found,
            lambda page: OrganisationSummaryOutput(page, many=True).data,
        )


class OrganisationRegisterApi(api.Api):
    capability = MANAGE

    class Input(OrganisationFields):
        class Meta:
            ref_name = "OrganisationRegisterInput"

    @extend_schema(
        operation_id="organisation_register",
        summary=_("Register an organisation"),
        parameters=[etag_header(201)],
        request=Input,
        responses={201: OrganisationOutput, **error_responses(400)},
    )
    def post(self, request: Request) -> Response:
        """An organisation is known by its names in both languages and its type."""
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        settlements = settlements_for(request, data.pop("settlements", []))
        organisation = services.register_organisation(
            by=request.user, settlements=settlements, **data
        )
        return _organisation_response(request, organisation, status=201)


class OrganisationDetailApi(api.Api):
    @extend_schema(
        operation_id="organisation_detail",
        summary=_("An organisation"),
        parameters=[etag_header(200)],
        responses={200: OrganisationOutput, **error_responses(404)},
    )
    def get(self, request: Request, uuid: Any) -> Response:
        """The ETag header carries the organisation's version, for If-Match on PATCH."""
        return _organisation_response(request, _organisation(request, uuid))


class OrganisationUpdateApi(api.Api):
    capability = MANAGE

    class Input(OrganisationFields, EditFields):
        is_active = serializers.BooleanField(required=False)

        class Meta:
            ref_name = "OrganisationUpdateInput"

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            optional(self)

    @extend_schema(
        operation_id="organisation_update",
        summary=_("Change an organisation's details"),
        parameters=[IF_MATCH, etag_header(200)],
        request=Input,
        responses={200: OrganisationOutput, **error_responses(400, 404, 412, 428)},
    )
    def patch(self, request: Request, uuid: Any) -> Response:
        """Send only the fields that change and the version you read. Settlements you do
        not work in stay as they are."""
        organisation = _organisation(request, uuid)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = api.expected_version(request, data.pop("version", None))
        settlements = None
        if "settlements" in data:
            chosen = settlements_for(request, data.pop("settlements"))
            visible = visible_settlement_ids(request)
            kept = [s for s in organisation.settlements.all() if s.pk not in visible]
            settlements = kept + chosen
        services.update_organisation(
            organisation=organisation,
            by=request.user,
            version=version,
            settlements=settlements,
            **data,
        )
        return _organisation_response(request, organisation)


# --- Agreements ---------------------------------------------------------------------------------


class _AgreementFields(api.Serializer):
    settlements = settlements_field(required=False)
    valid_from = api.DateField()
    valid_to = api.DateField()
    signed_on = api.DateField(required=False, allow_null=True)
    reference = optional_text(40)


class AgreementListApi(api.Api):
    @extend_schema(
        operation_id="agreement_list",
        summary=_("An organisation's memoranda of understanding"),
        responses={200: AgreementOutput(many=True), **error_responses(404)},
    )
    def get(self, request: Request, uuid: Any) -> Response:
        """Latest first, each with its state as of today."""
        require_partner_work(request)
        organisation = _organisation(request, uuid)
        agreements = (
            Agreement.objects.for_user(request.user)
            .filter(organisation=organisation)
            .prefetch_related("settlements")
        )
        return Response(AgreementOutput(agreements, many=True).data)


class AgreementRecordApi(api.Api):
    capability = MANAGE

    class Input(_AgreementFields):
        title = serializers.CharField(max_length=200)
        scope = serializers.CharField()
        sectors = sectors_field(required=False)

        class Meta:
            ref_name = "AgreementRecordInput"

    @extend_schema(
        operation_id="agreement_record",
        summary=_("Record a memorandum of understanding"),
        request=Input,
        responses={201: AgreementOutput, **error_responses(400, 404)},
    )
    def post(self, request: Request, uuid: Any) -> Response:
        """It states its scope, settlements and validity (both days included)."""
        organisation = _organisation(request, uuid)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        settlements = settlements_for(request, data.pop("settlements", []))
        agreement = services.record_agreement(
            organisation=organisation, by=request.user, settlements=settlements, **data
        )
        return Response(AgreementOutput(agreement).data, status=201)


class DataAgreementListApi(api.Api):
    @extend_schema(
        operation_id="data_agreement_list",
        summary=_("An organisation's data-sharing agreements"),
        responses={200: DataAgreementOutput(many=True), **error_responses(404)},
    )
    def get(self, request: Request, uuid: Any) -> Response:
        """Partner staff read referred households only under one live today."""
        require_partner_work(request)
        organisation = _organisation(request, uuid)
        agreements = (
            DataSharingAgreement.objects.for_user(request.user)
            .filter(organisation=organisation)
            .prefetch_related("settlements")
        )
        return Response(DataAgreementOutput(agreements, many=True).data)


class DataAgreementRecordApi(api.Api):
    capability = MANAGE

    class Input(_AgreementFields):
        purpose = serializers.CharField(max_length=300)
        categories = serializers.ListField(
            child=serializers.ChoiceField(choices=DataCategory.choices), required=False
        )

        class Meta:
            ref_name = "DataAgreementRecordInput"

    @extend_schema(
        operation_id="data_agreement_record",
        summary=_("Record a data-sharing agreement"),
        request=Input,
        responses={201: DataAgreementOutput, **error_responses(400, 404)},
    )
    def post(self, request: Request, uuid: Any) -> Response:
        """It names the settlements, the data and the period it covers."""
        organisation = _organisation(request, uuid)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        settlements = settlements_for(request, data.pop("settlements", []))
        agreement = services.record_data_agreement(
            organisation=organisation,
            by=request.user,
            settlements=settlements,
            categories=data.pop("categories", []),
            **data,
        )
        return Response(DataAgreementOutput(agreement).data, status=201)


class _RevokeInput(api.Serializer):
    reason = serializers.CharField(max_length=300, allow_blank=True)
    revoked_on = api.DateField(
        required=False, allow_null=True, help_text=_("The first day it no longer holds; today.")
    )


class AgreementRevokeApi(api.Api):
    capability = MANAGE

    class Input(_RevokeInput):
        class Meta:
            ref_name = "AgreementRevokeInput"

    @extend_schema(
        operation_id="agreement_revoke",
        summary=_("Revoke a memorandum of understanding"),
        request=Input,
        responses={200: AgreementOutput, **error_responses(400, 404)},
    )
    def post(self, request: Request, uuid: Any) -> Response:
        """Revoking ends the agreement from the given day, with a reason."""
        agreement = get_for_user_or_404(Agreement.objects, request.user, uuid=uuid)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        revoked = services.revoke_agreement(
            agreement=agreement, by=request.user, reason=data["reason"], on=data.get("revoked_on")
        )
        return Response(AgreementOutput(revoked).data)


class DataAgreementRevokeApi(api.Api):
    capability = MANAGE

    class Input(_RevokeInput):
        class Meta:
            ref_name = "DataAgreementRevokeInput"

    @extend_schema(
        operation_id="data_agreement_revoke",
        summary=_("Revoke a data-sharing agreement"),
        request=Input,
        responses={200: DataAgreementOutput, **error_responses(400, 404)},
    )
    def post(self, request: Request, uuid: Any) -> Response:
        """From that day partner staff no longer read the households it shared."""
        agreement = get_for_user_or_404(DataSharingAgreement.objects, request.user, uuid=uuid)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        revoked = services.revoke_agreement(
            agreement=agreement, by=request.user, reason=data["reason"], on=data.get("revoked_on")
        )
        return Response(DataAgreementOutput(revoked).data)
