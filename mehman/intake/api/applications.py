"""Applications over HTTP: list, start, read (with the score's breakdown), correct,
and the history of their place on the waitlist."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from mehman.core import api
from mehman.intake import queries, services
from mehman.intake.api.access import (
    APPLY,
    application_for,
    available_actions,
    household_for,
    next_statuses,
)
from mehman.intake.api.serializers import (
    REFERENCE,
    ApplicationOutput,
    ApplicationSummaryOutput,
    ApplicationWithPinOutput,
    RankMoveOutput,
)
from mehman.intake.models import Application, ApplicationStatus, Channel, CurrentHousing
from mehman.partners.api.access import organisation_for
from mehman.partners.api.serializers import (
    IF_MATCH,
    EditFields,
    error_responses,
    etag_header,
    optional,
)
from mehman.registry.models import DocumentType


def _findings(application: Application) -> list[dict[str, Any]]:
    """What each rule found at screening, with its message in the reader's language."""
    persian = (get_language() or "fa").startswith("fa")
    return [
        {
            "kind": found.get("kind", ""),
            "passed": bool(found.get("passed")),
            "message": found.get("message_fa" if persian else "message_en", ""),
            "detail": found.get("detail", ""),
        }
        for found in application.eligibility or []
    ]


def application_response(
    request: Request, application: Application, *, status: int = 200, pin: str | None = None
) -> Response:
    """The application as the caller may see it, with its version as ETag (and the PIN
    just given, if any)."""
    application = application_for(request, application.reference)
    weights = services.current_weights(application.settlement)
    shown: Any = application
    shown.findings = _findings(application)
    shown.breakdown = queries.breakdown(application, weights, user=request.user)
    shown.households_ahead = queries.households_ahead(application)
    shown.next_statuses = next_statuses(request.user, application)
    shown.actions = available_actions(request.user, application)
    headers = {"ETag": api.etag(application.version)}
    if status == 201:
        headers["Location"] = reverse(
            "api:intake:application_detail", kwargs={"reference": application.reference}
        )
    if pin is not None:
        shown.pin = pin
        return Response(ApplicationWithPinOutput(shown).data, status=status, headers=headers)
    return Response(ApplicationOutput(shown).data, status=status, headers=headers)


class ApplicationFields(api.Serializer):
    channel = serializers.ChoiceField(choices=Channel.choices)
    referred_by = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text=_("The referring partner organisation (channel partner)."),
    )
    current_housing = serializers.ChoiceField(choices=CurrentHousing.choices)
    current_place = serializers.CharField(
        max_length=200, allow_blank=True, help_text=_("City, village or district.")
    )
    applied_on = api.DateField(required=False)
    reasons = serializers.CharField(required=False, allow_blank=True)
    documents_seen = serializers.ListField(
        child=serializers.ChoiceField(choices=DocumentType.choices), required=False
    )
    monthly_income = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, help_text=_("Rials; 0 for no income.")
    )
    eviction_risk = serializers.BooleanField(required=False)
    consent_given = serializers.BooleanField(
        required=False, help_text=_("Consent to data processing; needed to submit.")
    )


def _organisation(request: Request, data: dict[str, Any]) -> None:
    if data.get("referred_by") is not None:
        data["referred_by"] = organisation_for(request, data["referred_by"], "referred_by")


class ApplicationListApi(api.Api):
    class Query(api.Serializer):
        status = serializers.ChoiceField(choices=ApplicationStatus.choices, required=False)
        channel = serializers.ChoiceField(choices=Channel.choices, required=False)
        settlement = serializers.CharField(
            required=False, allow_blank=True, help_text=_("A settlement code, e.g. TJ.")
        )
        page = serializers.IntegerField(required=False, min_value=1)

        class Meta:
            ref_name = "ApplicationQuery"

    @extend_schema(
        operation_id="application_list",
        summary=_("List applications"),
        parameters=[Query],
        responses={
            200: api.page_of(ApplicationSummaryOutput, "ApplicationPage"),
            **error_responses(400),
        },
    )
    def get(self, request: Request) -> Response:
        """Latest first: the applications of your settlements (none for partner staff
        and analysts)."""
        query = self.Query(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        found = Application.objects.for_user(request.user)
        for name in ("status", "channel"):
            if params.get(name):
                found = found.filter(**{name: params[name]})
        if code := params.get("settlement", "").strip():
            found = found.filter(settlement__code=code.upper())
        found = found.select_related("household", "settlement").order_by("-applied_on", "-pk")
        return api.paginate(
            request, self, found, lambda page: ApplicationSummaryOutput(page, many=True).data
        )


class ApplicationStartApi(api.Api):
    capability = APPLY

    class Input(ApplicationFields):
        household = serializers.CharField(
            max_length=20, help_text=_("Reference number, e.g. TJ-000123.")
        )

        class Meta:
            ref_name = "ApplicationStartInput"

    @extend_schema(
        operation_id="application_start",
        summary=_("Start an application for a household"),
        parameters=[etag_header(201)],
        request=Input,
        responses={201: ApplicationOutput, **error_responses(400)},
    )
    def post(self, request: Request) -> Response:
        """A draft for a household registered as an applicant, which has no other open
        application; submit it once the household's consent is recorded."""
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        household = household_for(request, data.pop("household"))
        _organisation(request, data)
        application = services.create_application(household=household, by=request.user, **data)
        return application_response(request, application, status=201)


class ApplicationDetailApi(api.Api):
    @extend_schema(
        operation_id="application_detail",
        summary=_("An application, its screening and its score"),
        parameters=[REFERENCE, etag_header(200)],
        responses={200: ApplicationOutput, **error_responses(404)},
    )
    def get(self, request: Request, reference: str) -> Response:
        """With what you may do next; the ETag header carries the version, for If-Match on
        PATCH. Protected needs show as one confidential line without protection access."""
        return application_response(request, application_for(request, reference))


class ApplicationUpdateApi(api.Api):
    capability = APPLY

    class Input(ApplicationFields, EditFields):
        reason = serializers.CharField(
            required=False,
            allow_blank=True,
            max_length=300,
            help_text=_("Why it is corrected: required once the application is screened."),
        )

        class Meta:
            ref_name = "ApplicationUpdateInput"

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            optional(self)

    @extend_schema(
        operation_id="application_update",
        summary=_("Correct an application's details"),
        parameters=[REFERENCE, IF_MATCH, etag_header(200)],
        request=Input,
        responses={200: ApplicationOutput, **error_responses(400, 404, 412, 428)},
    )
    def patch(self, request: Request, reference: str) -> Response:
        """Send only the fields that change and the version you read. A changed criterion
        re-ranks the waitlist."""
        application = application_for(request, reference)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = api.expected_version(request, data.pop("version", None))
        reason = data.pop("reason", "")
        _organisation(request, data)
        services.update_application(
            application=application,
            by=request.user,
            expected_version=version,
            reason=reason,
            **data,
        )
        return application_response(request, application)


class ApplicationRankHistoryApi(api.Api):
    @extend_schema(
        operation_id="application_rank_history",
        summary=_("How an application's place on the waitlist moved, and why"),
        parameters=[REFERENCE],
        responses={200: RankMoveOutput(many=True), **error_responses(404)},
    )
    def get(self, request: Request, reference: str) -> Response:
        """Newest first: every change of place or score, with its cause explained."""
        application = application_for(request, reference)
        return Response(RankMoveOutput(queries.rank_history(application), many=True).data)
