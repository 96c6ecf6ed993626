"""Bulk conversions over HTTP: list and prepare (a preview), read one with its ends per
quarter and its schedule, commit it or reverse it (background work, 202 with progress), or
discard a preview. Everything needs ``residence.manage``; otherwise, or out of scope, 404."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from mehman.core import api, dates
from mehman.core.api_schema import error_responses
from mehman.core.permissions import get_for_user_or_404
from mehman.housing.api.access import in_settlement, key, site_settlement
from mehman.residence.models import ConversionRun, ConversionStatus, Priority
from mehman.residence.queries.conversion import quarter_counts, schedule_rows
from mehman.residence.services import conversion as services

MANAGE = "residence.manage"
REFERENCE = OpenApiParameter(
    "reference", str, OpenApiParameter.PATH, description=_("The conversion, e.g. TJ-C001.")
)
# A plain string: choice sets named "status" collide in the schema's enum names.
STATUS_HELP = ", ".join(ConversionStatus.values)
_RELATED = ("settlement", "progress", "created_by", "committed_by", "reversed_by")


class ConversionApi(api.Api):
    capability = MANAGE


def run_for(request: Request, reference: str) -> ConversionRun:
    return get_for_user_or_404(
        ConversionRun.objects.select_related(*_RELATED), request.user, reference=key(reference)
    )


# --- Output ---------------------------------------------------------------------------------------


class ProgressOutput(api.Serializer):
    uuid = serializers.UUIDField()
    status = serializers.CharField()
    done = serializers.IntegerField()
    total = serializers.IntegerField()
    percent = serializers.IntegerField()
    message = serializers.CharField()

    class Meta:
        ref_name = "ResidenceConversionProgress"


class QuarterOutput(api.Serializer):
    label = serializers.CharField(help_text=_("The quarter in the reader's calendar."))
    count = serializers.IntegerField()

    class Meta:
        ref_name = "ResidenceConversionQuarter"


class ScheduleOutput(api.Serializer):
    household = serializers.CharField()
    planned_end = serializers.DateField()

    class Meta:
        ref_name = "ResidenceConversionScheduleItem"


def _name(user: Any) -> str | None:
    return str(user) if user is not None else None


class ConversionSummaryOutput(api.Serializer):
    reference = serializers.CharField()
    settlement = serializers.CharField(source="settlement.code")
    status = serializers.CharField(help_text=STATUS_HELP)
    filters = serializers.DictField(help_text=_("blocks, resident_before, min_size, max_size."))
    policy = serializers.DictField(help_text=_("term_months, stagger_years, start_on, priorities."))
    households = serializers.IntegerField()
    figures = serializers.DictField(
        help_text=_(
            "first_end, last_end, priorities (households matching each rule), created, "
            "skipped, revoked."
        )
    )
    created_at = serializers.DateTimeField()
    created_by = serializers.SerializerMethodField()
    committed_at = serializers.DateTimeField(allow_null=True)
    committed_by = serializers.SerializerMethodField()
    reversible_until = serializers.DateField(allow_null=True)
    reversed_at = serializers.DateTimeField(allow_null=True)
    reversed_by = serializers.SerializerMethodField()
    reason = serializers.CharField()
    message = serializers.CharField()
    progress = ProgressOutput(allow_null=True)

    class Meta:
        ref_name = "ResidenceConversionSummary"

    def get_created_by(self, run: ConversionRun) -> str | None:
        return _name(run.created_by)

    def get_committed_by(self, run: ConversionRun) -> str | None:
        return _name(run.committed_by)

    def get_reversed_by(self, run: ConversionRun) -> str | None:
        return _name(run.reversed_by)


class ConversionOutput(ConversionSummaryOutput):
    quarters = QuarterOutput(many=True, help_text=_("Terms ending per quarter."))
    schedule = ScheduleOutput(many=True, help_text=_("Each household and its end, in order."))

    class Meta:
        ref_name = "ResidenceConversion"


def run_response(request: Request, run: ConversionRun, *, status: int = 200) -> Response:
    """The conversion as it is now, with its ends per quarter and its schedule."""
    run = run_for(request, run.reference)
    shown: Any = run
    shown.quarters = [{"label": label, "count": count} for label, count in quarter_counts(run)]
    shown.schedule = [
        {"household": reference, "planned_end": end} for reference, end in schedule_rows(run)
    ]
    headers = {"ETag": api.etag(run.version)}
    if status in (201, 202):
        headers["Location"] = reverse(
            "api:residence:conversion_detail", kwargs={"reference": run.reference}
        )
    return Response(ConversionOutput(shown).data, status=status, headers=headers)


# --- Endpoints ------------------------------------------------------------------------------------


class ConversionListApi(ConversionApi):
    class Query(api.Serializer):
        settlement = serializers.CharField(required=False, allow_blank=True)
        status = serializers.CharField(required=False, allow_blank=True, help_text=STATUS_HELP)
        page = serializers.IntegerField(required=False, min_value=1)

        class Meta:
            ref_name = "ResidenceConversionQuery"

    @extend_schema(
        operation_id="residence_conversion_list",
        summary=_("List bulk conversions"),
        parameters=[Query],
        responses={
            200: api.page_of(ConversionSummaryOutput, "ResidenceConversionPage"),
            **error_responses(400),
        },
    )
    def get(self, request: Request) -> Response:
        """Latest first, with their policy and figures."""
        query = self.Query(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        found = in_settlement(
            ConversionRun.objects.for_user(request.user), params.get("settlement", "")
        )
        if params.get("status"):
            found = found.filter(status=params["status"])
        found = found.select_related(*_RELATED).order_by("-created_at", "-pk")
        return api.paginate(
            request, self, found, lambda page: ConversionSummaryOutput(page, many=True).data
        )


class ConversionPrepareApi(ConversionApi):
    class Input(api.Serializer):
        settlement = serializers.CharField(max_length=8, required=False, allow_blank=True)
        blocks = serializers.ListField(child=serializers.CharField(max_length=20), required=False)
        resident_before = api.DateField(required=False, allow_null=True)
        min_size = serializers.IntegerField(required=False, allow_null=True, min_value=1)
        max_size = serializers.IntegerField(required=False, allow_null=True, min_value=1)
        term_months = serializers.IntegerField(required=False)
        stagger_years = serializers.IntegerField(required=False, default=2)
        start_on = api.DateField(required=False)
        priorities = serializers.ListField(
            child=serializers.ChoiceField(choices=Priority.choices), required=False, default=list
        )

        class Meta:
            ref_name = "ResidenceConversionPrepareInput"

    @extend_schema(
        operation_id="residence_conversion_prepare",
        summary=_("Prepare a bulk conversion (a preview of the schedule)"),
        request=Input,
        responses={201: ConversionOutput, **error_responses(400)},
    )
    def post(self, request: Request) -> Response:
        """Nothing changes but the preview: commit it to start the terms. Refused when no
        household matches (code none_eligible) or the stagger leaves too short a term (code
        stagger_too_long)."""
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        settlement = site_settlement(request, data.get("settlement", ""))
        filters = {
            name: data[name]
            for name in ("blocks", "resident_before", "min_size", "max_size")
            if data.get(name) not in (None, "", [])
        }
        run = services.prepare_conversion(
            settlement=settlement,
            by=request.user,
            filters=filters,
            term_months=data.get("term_months") or int(settings.MEHMAN_TERM_MONTHS),
            stagger_years=data["stagger_years"],
            start_on=data.get("start_on") or dates.today(),
            priorities=list(data["priorities"]),
        )
        return run_response(request, run, status=201)


class ConversionDetailApi(ConversionApi):
    @extend_schema(
        operation_id="residence_conversion_detail",
        summary=_("A bulk conversion: policy, figures, ends per quarter and the schedule"),
        parameters=[REFERENCE],
        responses={200: ConversionOutput, **error_responses(404)},
    )
    def get(self, request: Request, reference: str) -> Response:
        """While it is committed or reversed in the background, ``progress`` says how far."""
        return run_response(request, run_for(request, reference))


class ConversionCommitApi(ConversionApi):
    @extend_schema(
        operation_id="residence_conversion_commit",
        summary=_("Commit a previewed conversion: start every household's term"),
        parameters=[REFERENCE],
        request=None,
        responses={202: ConversionOutput, **error_responses(400, 404)},
    )
    def post(self, request: Request, reference: str) -> Response:
        """In the background: follow ``progress`` (or read the conversion) until its status is
        committed, or failed (every term started withdrawn)."""
        run = services.start_commit(run=run_for(request, reference), by=request.user)
        return run_response(request, run, status=202)


class ReasonInput(api.Serializer):
    reason = serializers.CharField(max_length=300, allow_blank=True)

    class Meta:
        ref_name = "ResidenceConversionReasonInput"


class ConversionReverseApi(ConversionApi):
    @extend_schema(
        operation_id="residence_conversion_reverse",
        summary=_("Reverse a committed conversion within its grace period"),
        parameters=[REFERENCE],
        request=ReasonInput,
        responses={202: ConversionOutput, **error_responses(400, 404)},
    )
    def post(self, request: Request, reference: str) -> Response:
        """With the reason; in the background. Refused after the grace period (code
        grace_over) or when a term has moved on (code moved_on)."""
        run = run_for(request, reference)
        serializer = ReasonInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        run = services.start_reverse(
            run=run, by=request.user, reason=serializer.validated_data["reason"]
        )
        return run_response(request, run, status=202)


class ConversionDiscardApi(ConversionApi):
    @extend_schema(
        operation_id="residence_conversion_discard",
        summary=_("Discard a previewed (or failed) conversion"),
        parameters=[REFERENCE],
        request=ReasonInput,
        responses={200: ConversionOutput, **error_responses(400, 404)},
    )
    def post(self, request: Request, reference: str) -> Response:
        """With the reason; no term is started."""
        run = run_for(request, reference)
        serializer = ReasonInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.discard_conversion(
            run=run, by=request.user, reason=serializer.validated_data["reason"]
        )
        return run_response(request, run)


urlpatterns: list[URLPattern] = [
    path(
        "residence/conversions/",
        api.by_method(get=ConversionListApi, post=ConversionPrepareApi),
        name="conversion_list",
    ),
    path(
        "residence/conversions/<str:reference>/",
        ConversionDetailApi.as_view(),
        name="conversion_detail",
    ),
    path(
        "residence/conversions/<str:reference>/commit/",
        ConversionCommitApi.as_view(),
        name="conversion_commit",
    ),
    path(
        "residence/conversions/<str:reference>/reverse/",
        ConversionReverseApi.as_view(),
        name="conversion_reverse",
    ),
    path(
        "residence/conversions/<str:reference>/discard/",
        ConversionDiscardApi.as_view(),
        name="conversion_discard",
    ),
]
