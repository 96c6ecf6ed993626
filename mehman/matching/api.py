"""Duplicate detection over HTTP (``/api/v1/matching/``): runs across a settlement's registry
(list, start, read one with its progress) and the pairs they propose (list with filters, read
one with its evidence, confirm, reject, undo a merge).

One APIView per operation, calling the same services as the pages. Runs are named by their
references (TJ-M0001), pairs by UUID. Everything needs ``matching.review``; starting a run
``matching.run``. Without the capability, or out of scope (a pair shows only to those who may
see both of its people), 404. Every pattern has an entry in tests/matrix_matching_api.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from mehman.core import api, digits
from mehman.core.api_schema import enum_field, error_responses, optional_text
from mehman.core.permissions import get_for_user_or_404
from mehman.matching import services
from mehman.matching.models import MatchPair, MatchRun, PairSource, PairStatus, RunStatus
from mehman.matching.views.evidence import percent, verdicts
from mehman.partners.api.access import settlement_for

REVIEW = "matching.review"
RUN = "matching.run"
ALL = "all"

RUN_REFERENCE = OpenApiParameter(
    "reference", str, OpenApiParameter.PATH, description=_("The run, e.g. TJ-M0001.")
)
PAIR = OpenApiParameter("uuid", str, OpenApiParameter.PATH, description=_("The pair's UUID."))
_RUN_RELATED = ("settlement", "started_by", "progress")
_PAIR_RELATED = (
    "first__household__settlement",
    "second__household__settlement",
    "run",
    "decided_by",
)


class MatchingApi(api.Api):
    """Base of the matching endpoints: ``matching.review`` unless a view names another."""

    capability = REVIEW


def key(text: str) -> str:
    return digits.to_ascii(text or "").strip().upper()


def run_for(request: Request, reference: str) -> MatchRun:
    return get_for_user_or_404(
        MatchRun.objects.select_related(*_RUN_RELATED), request.user, reference=key(reference)
    )


def pairs_for(request: Request) -> QuerySet[MatchPair]:
    found: QuerySet[MatchPair] = (
        MatchPair.objects.for_user(request.user)
        .select_related(*_PAIR_RELATED)
        .prefetch_related("first__documents", "second__documents")
    )
    return found


def pair_for(request: Request, uuid: UUID) -> MatchPair:
    return get_for_user_or_404(pairs_for(request), request.user, uuid=uuid)


def _name(user: Any) -> str | None:
    return str(user) if user is not None else None


# --- Output -------------------------------------------------------------------------------------


class ProgressOutput(api.Serializer):
    uuid = serializers.UUIDField()
    status = serializers.CharField()
    done = serializers.IntegerField()
    total = serializers.IntegerField()
    percent = serializers.IntegerField()
    message = serializers.CharField()

    class Meta:
        ref_name = "MatchingRunProgress"


class RunOutput(api.Serializer):
    reference = serializers.CharField()
    settlement = serializers.CharField(source="settlement.code")
    status = serializers.CharField(help_text=", ".join(RunStatus.values))
    model_version = serializers.CharField()
    people = serializers.IntegerField(help_text=_("Active people compared."))
    candidates = serializers.IntegerField(help_text=_("Pairs scored by the model."))
    proposed = serializers.IntegerField(help_text=_("Pairs proposed for review."))
    skipped_rejected = serializers.IntegerField(
        help_text=_("Pairs already judged (different people, or merged): not proposed again.")
    )
    created_at = serializers.DateTimeField()
    started_by = serializers.SerializerMethodField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    error = serializers.CharField()
    progress = ProgressOutput(allow_null=True)

    class Meta:
        ref_name = "MatchingRun"

    def get_started_by(self, run: MatchRun) -> str | None:
        return _name(run.started_by)


class DocumentOutput(api.Serializer):
    doc_type = serializers.CharField()
    number = serializers.CharField(source="number_typed", help_text=_("As typed."))

    class Meta:
        ref_name = "MatchingPersonDocument"


class PersonOutput(api.Serializer):
    uuid = serializers.UUIDField()
    given_name = serializers.CharField()
    father_name = serializers.CharField()
    family_name = serializers.CharField()
    given_name_latin = serializers.CharField()
    family_name_latin = serializers.CharField()
    sex = serializers.CharField(help_text=_("M or F."))
    birth_date = serializers.DateField(allow_null=True)
    birth_date_estimated = serializers.BooleanField()
    phone = serializers.CharField()
    documents = DocumentOutput(many=True)
    status = serializers.CharField(help_text=_("The person's status in the registry."))
    household = serializers.CharField(source="household.reference")
    settlement = serializers.CharField(source="household.settlement.code")

    class Meta:
        ref_name = "MatchingPerson"


class EvidenceOutput(api.Serializer):
    field = serializers.CharField(
        help_text=_("given, father, family, birth_date, sex, document or phone.")
    )
    field_label = serializers.CharField(help_text=_("The field's name in your language."))
    level = serializers.CharField(
        help_text=_("How the two records compare, e.g. exact, typo, null, else.")
    )
    label = serializers.CharField(help_text=_("The level in your language."))
    weight = serializers.FloatField(
        help_text=_("Positive speaks for one person, negative for two (log2 of the odds).")
    )

    class Meta:
        ref_name = "MatchingEvidence"


class PairOutput(api.Serializer):
    uuid = serializers.UUIDField()
    status = serializers.CharField(help_text=", ".join(PairStatus.values))
    probability = serializers.FloatField(help_text=_("That the two records are one person."))
    percent = serializers.SerializerMethodField()
    weight = serializers.FloatField(help_text=_("The pair's match weight."))
    source = serializers.CharField(help_text=", ".join(PairSource.values))
    run = serializers.CharField(source="run.reference", allow_null=True, default=None)
    cluster = serializers.IntegerField(
        allow_null=True, help_text=_("Pairs of one group of people share it.")
    )
    first = PersonOutput(help_text=_("The person registered first: a merge keeps this record."))
    second = PersonOutput(help_text=_("The possible duplicate."))
    evidence = serializers.SerializerMethodField()
    note = serializers.CharField()
    decided_by = serializers.SerializerMethodField()
    decided_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()

    class Meta:
        ref_name = "MatchingPair"

    def get_percent(self, pair: MatchPair) -> int:
        return percent(pair.probability)

    @extend_schema_field(EvidenceOutput(many=True))
    def get_evidence(self, pair: MatchPair) -> list[dict[str, Any]]:
        return [
            {
                "field": v.field,
                "field_label": str(v.field_label),
                "level": v.level,
                "label": str(v.label),
                "weight": v.weight,
            }
            for v in verdicts(pair.evidence)
        ]

    def get_decided_by(self, pair: MatchPair) -> str | None:
        return _name(pair.decided_by)


class PairDetailOutput(PairOutput):
    group = serializers.ListField(
        child=serializers.UUIDField(),
        help_text=_("The other pairs of the same group that you may see."),
    )

    class Meta:
        ref_name = "MatchingPairDetail"


def pair_response(request: Request, pair: MatchPair) -> Response:
    """The pair as it is now, with the other pairs of its group."""
    pair = pair_for(request, pair.uuid)
    shown: Any = pair
    shown.group = (
        list(
            pairs_for(request)
            .filter(cluster=pair.cluster)
            .exclude(pk=pair.pk)
            .values_list("uuid", flat=True)
        )
        if pair.cluster is not None
        else []
    )
    return Response(PairDetailOutput(shown).data, headers={"ETag": api.etag(pair.version)})


def run_response(request: Request, run: MatchRun, *, status: int = 200) -> Response:
    run = run_for(request, run.reference)
    headers = {"ETag": api.etag(run.version)}
    if status == 202:
        headers["Location"] = reverse(
            "api:matching:run_detail", kwargs={"reference": run.reference}
        )
    return Response(RunOutput(run).data, status=status, headers=headers)


# --- Runs ---------------------------------------------------------------------------------------


class RunListApi(MatchingApi):
    class Query(api.Serializer):
        settlement = serializers.CharField(
            required=False, allow_blank=True, help_text=_("A settlement code, e.g. TJ.")
        )
        status = enum_field(RunStatus.choices, "MatchingRunStatus", required=False)
        page = serializers.IntegerField(required=False, min_value=1)

        class Meta:
            ref_name = "MatchingRunQuery"

    @extend_schema(
        operation_id="matching_run_list",
        summary=_("List the runs across the registry"),
        parameters=[Query],
        responses={200: api.page_of(RunOutput, "MatchingRunPage"), **error_responses(400)},
    )
    def get(self, request: Request) -> Response:
        """Latest first, with their figures."""
        query = self.Query(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        found = MatchRun.objects.for_user(request.user).select_related(*_RUN_RELATED)
        if code := key(params.get("settlement", "")):
            found = found.filter(settlement__code=code)
        if params.get("status"):
            found = found.filter(status=params["status"])
        found = found.order_by("-created_at", "-pk")
        return api.paginate(request, self, found, lambda page: RunOutput(page, many=True).data)


class RunStartApi(MatchingApi):
    capability = RUN

    class Input(api.Serializer):
        settlement = serializers.CharField(
            max_length=8,
            required=False,
            allow_blank=True,
            help_text=_("A settlement code, e.g. TJ (may be left out if you have one)."),
        )

        class Meta:
            ref_name = "MatchingRunStartInput"

    @extend_schema(
        operation_id="matching_run_start",
        summary=_("Start a run: compare every active person of a settlement"),
        request=Input,
        responses={202: RunOutput, **error_responses(400)},
    )
    def post(self, request: Request) -> Response:
        """In the background: follow ``progress`` (or read the run) until its status is done
        or failed. Refused while another run of the settlement is queued or running."""
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        settlement = settlement_for(request, serializer.validated_data.get("settlement", ""))
        run = services.start_run(settlement=settlement, by=request.user)
        return run_response(request, run, status=202)


class RunDetailApi(MatchingApi):
    @extend_schema(
        operation_id="matching_run_detail",
        summary=_("A run: its status, progress and figures"),
        parameters=[RUN_REFERENCE],
        responses={200: RunOutput, **error_responses(404)},
    )
    def get(self, request: Request, reference: str) -> Response:
        return run_response(request, run_for(request, reference))


# --- Pairs --------------------------------------------------------------------------------------


class PairListApi(MatchingApi):
    class Query(api.Serializer):
        status = enum_field(
            [*PairStatus.choices, (ALL, _("All"))],
            "MatchingPairStatusFilter",
            required=False,
            help_text=_("open (the default): the pairs to review; all: every pair."),
        )
        source = enum_field(PairSource.choices, "MatchingPairSource", required=False)
        settlement = serializers.CharField(
            required=False, allow_blank=True, help_text=_("A settlement code, e.g. TJ.")
        )
        run = serializers.CharField(
            required=False, allow_blank=True, help_text=_("Pairs found by this run, e.g. TJ-M0001.")
        )
        min_probability = serializers.FloatField(required=False, min_value=0.0, max_value=1.0)
        max_probability = serializers.FloatField(required=False, min_value=0.0, max_value=1.0)
        page = serializers.IntegerField(required=False, min_value=1)

        class Meta:
            ref_name = "MatchingPairQuery"

    @extend_schema(
        operation_id="matching_pair_list",
        summary=_("List possible duplicates"),
        parameters=[Query],
        responses={200: api.page_of(PairOutput, "MatchingPairPage"), **error_responses(400)},
    )
    def get(self, request: Request) -> Response:
        """Most likely first, with both people and the evidence field by field."""
        query = self.Query(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        found = pairs_for(request)
        status = params.get("status") or PairStatus.OPEN
        if status != ALL:
            found = found.filter(status=status)
        if params.get("source"):
            found = found.filter(source=params["source"])
        if code := key(params.get("settlement", "")):
            found = found.filter(first__household__settlement__code=code)
        if reference := key(params.get("run", "")):
            found = found.filter(run__reference=reference)
        if params.get("min_probability") is not None:
            found = found.filter(probability__gte=params["min_probability"])
        if params.get("max_probability") is not None:
            found = found.filter(probability__lte=params["max_probability"])
        found = found.order_by("-probability", "pk")
        return api.paginate(request, self, found, lambda page: PairOutput(page, many=True).data)


class PairDetailApi(MatchingApi):
    @extend_schema(
        operation_id="matching_pair_detail",
        summary=_("A possible duplicate: both people and the evidence"),
        parameters=[PAIR],
        responses={200: PairDetailOutput, **error_responses(404)},
    )
    def get(self, request: Request, uuid: UUID) -> Response:
        return pair_response(request, pair_for(request, uuid))


class NoteInput(api.Serializer):
    note = optional_text(300)

    class Meta:
        ref_name = "MatchingDecisionInput"


Decide = Callable[..., MatchPair]


def _decide(request: Request, uuid: UUID, decide: Decide) -> Response:
    pair = pair_for(request, uuid)
    serializer = NoteInput(data=request.data)
    serializer.is_valid(raise_exception=True)
    decide(pair=pair, by=request.user, note=serializer.validated_data.get("note", ""))
    return pair_response(request, pair)


class PairConfirmApi(MatchingApi):
    @extend_schema(
        operation_id="matching_pair_confirm",
        summary=_("The same person: merge the later record into the one registered first"),
        parameters=[PAIR],
        request=NoteInput,
        responses={200: PairDetailOutput, **error_responses(400, 404)},
    )
    def post(self, request: Request, uuid: UUID) -> Response:
        """Both histories are kept; the merge can be undone. Refused when the pair was already
        decided, or when the registry cannot merge the two records (each error has its code)."""
        return _decide(request, uuid, services.confirm_pair)


class PairRejectApi(MatchingApi):
    @extend_schema(
        operation_id="matching_pair_reject",
        summary=_("Different people: never propose this pair again"),
        parameters=[PAIR],
        request=NoteInput,
        responses={200: PairDetailOutput, **error_responses(400, 404)},
    )
    def post(self, request: Request, uuid: UUID) -> Response:
        """Refused when the pair was merged (undo the merge first) or already rejected."""
        return _decide(request, uuid, services.reject_pair)


class PairUndoApi(MatchingApi):
    @extend_schema(
        operation_id="matching_pair_undo",
        summary=_("Undo a merge: both records are active again"),
        parameters=[PAIR],
        request=NoteInput,
        responses={200: PairDetailOutput, **error_responses(400, 404)},
    )
    def post(self, request: Request, uuid: UUID) -> Response:
        """Only a merged pair."""
        return _decide(request, uuid, services.undo_merge)


urlpatterns: list[URLPattern] = [
    path(
        "matching/runs/",
        api.by_method(get=RunListApi, post=RunStartApi),
        name="run_list",
    ),
    path("matching/runs/<str:reference>/", RunDetailApi.as_view(), name="run_detail"),
    path("matching/pairs/", PairListApi.as_view(), name="pair_list"),
    path("matching/pairs/<uuid:uuid>/", PairDetailApi.as_view(), name="pair_detail"),
    path("matching/pairs/<uuid:uuid>/confirm/", PairConfirmApi.as_view(), name="pair_confirm"),
    path("matching/pairs/<uuid:uuid>/reject/", PairRejectApi.as_view(), name="pair_reject"),
    path("matching/pairs/<uuid:uuid>/undo/", PairUndoApi.as_view(), name="pair_undo"),
]
