"""Batch allocation runs over HTTP: start one (solved in the background), read its figures and
proposals with the reasons for each, change a proposal with a reason, commit it into offers
or discard it. Runs name households: analysts get 404."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from mehman.core import api
from mehman.housing import reasons, services, tasks
from mehman.housing.api.access import (
    ALLOCATE,
    COMMIT,
    HousingApi,
    body_unit,
    in_settlement,
    run_for,
    site_settlement,
)
from mehman.housing.api.serializers import (
    APPLICATION,
    RUN,
    RunOutput,
    RunSummaryOutput,
    settlement_query_field,
)
from mehman.housing.models import AllocationRun, Proposal, RunStatus, Unit
from mehman.intake.services.status import normalise_reference
from mehman.partners.api.serializers import (
    IF_MATCH,
    EditFields,
    error_responses,
    etag_header,
)

_PROPOSAL_RELATED = ("application__household", "unit", "greedy_unit", "offer")


def run_response(request: Request, run: AllocationRun, *, status: int = 200) -> Response:
    """The run as it is now: figures, vacancies and every proposal, its version as ETag."""
    run = run_for(request, run.reference)
    shown: Any = run
    shown.vacancy_count = len(run.unit_ids)
    shown.unit_references = list(
        Unit.objects.filter(pk__in=run.unit_ids)
        .order_by("reference")
        .values_list("reference", flat=True)
    )
    shown.proposal_rows = list(
        Proposal.objects.for_user(request.user)
        .filter(run=run)
        .select_related(*_PROPOSAL_RELATED)
        .order_by("rank", "pk")
    )
    for proposal in shown.proposal_rows:
        proposal.reason_rows = [
            {**reason, "text": reasons.sentence(reason)} for reason in proposal.reasons
        ]
    headers = {"ETag": api.etag(run.version)}
    if status in (201, 202):
        headers["Location"] = reverse("api:housing:run_detail", kwargs={"reference": run.reference})
    return Response(RunOutput(shown).data, status=status, headers=headers)


class RunListApi(HousingApi):
    personal = True

    class Query(api.Serializer):
        settlement = settlement_query_field()
        status = serializers.ChoiceField(choices=RunStatus.choices, required=False)
        page = serializers.IntegerField(required=False, min_value=1)

        class Meta:
            ref_name = "HousingRunQuery"

    @extend_schema(
        operation_id="housing_run_list",
        summary=_("List batch allocation runs"),
        parameters=[Query],
        responses={
            200: api.page_of(RunSummaryOutput, "HousingRunPage"),
            **error_responses(400),
        },
    )
    def get(self, request: Request) -> Response:
        """Latest first, with their figures (objective, greedy baseline, bound and gaps)."""
        query = self.Query(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        found = in_settlement(
            AllocationRun.objects.for_user(request.user), params.get("settlement", "")
        )
        if params.get("status"):
            found = found.filter(status=params["status"])
        found = found.select_related("settlement", "progress", "created_by", "decided_by")

        def render(page: Any) -> Any:
            for run in page:
                run.vacancy_count = len(run.unit_ids)
            return RunSummaryOutput(page, many=True).data

        return api.paginate(request, self, found.order_by("-created_at", "-pk"), render)


class RunStartApi(HousingApi):
    capability = ALLOCATE
    personal = True

    class Input(api.Serializer):
        settlement = serializers.CharField(
            max_length=8,
            required=False,
            allow_blank=True,
            help_text=_("Settlement code; may be left out if you work in one settlement."),
        )
        units = serializers.ListField(
            child=serializers.CharField(max_length=32),
            required=False,
            help_text=_("The vacant units to allocate; left out, every vacant unit."),
        )
        note = serializers.CharField(max_length=300, required=False, allow_blank=True)

        class Meta:
            ref_name = "HousingRunStartInput"

    @extend_schema(
        operation_id="housing_run_start",
        summary=_("Start a batch allocation of vacant units to the waitlist"),
        parameters=[etag_header(202)],
        request=Input,
        responses={202: RunOutput, **error_responses(400)},
    )
    def post(self, request: Request) -> Response:
        """The optimiser runs in the background: follow ``progress`` (or read the run) until
        its status is proposed. Refused without a vacancy (code no_vacancy) or a household
        waiting (code no_waitlist)."""
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        settlement = site_settlement(request, data.get("settlement", ""))
        units = None
        if "units" in data:
            units = [body_unit(request, text, "units") for text in data["units"]]
        run = services.start_run(
            settlement=settlement, by=request.user, units=units, note=data.get("note", "")
        )
        tasks.solve_allocation.enqueue(str(run.uuid))
        return run_response(request, run, status=202)


class RunDetailApi(HousingApi):
    personal = True

    @extend_schema(
        operation_id="housing_run_detail",
        summary=_("A batch allocation run: its figures and every proposal with its reasons"),
        parameters=[RUN, etag_header(200)],
        responses={200: RunOutput, **error_responses(404)},
    )
    def get(self, request: Request, reference: str) -> Response:
        """In rank order, each household with the unit proposed (or none), the unit a
        rank-order allocation would give, and why. The ETag carries the run's version, for
        If-Match when changing a proposal."""
        return run_response(request, run_for(request, reference))


class RunProposalUpdateApi(HousingApi):
    capability = ALLOCATE
    personal = True

    class Input(EditFields):
        unit = serializers.CharField(
            max_length=32,
            allow_null=True,
            help_text=_("A vacancy of the run, e.g. TJ-B01-003; null to place nobody there."),
        )
        reason = serializers.CharField(max_length=300, help_text=_("Why the proposal changes."))

        class Meta:
            ref_name = "HousingProposalUpdateInput"

    @extend_schema(
        operation_id="housing_run_proposal_update",
        summary=_("Change the unit proposed to a household"),
        parameters=[RUN, APPLICATION, IF_MATCH, etag_header(200)],
        request=Input,
        responses={200: RunOutput, **error_responses(400, 404, 412, 428)},
    )
    def patch(self, request: Request, reference: str, application: str) -> Response:
        """With the reason and the run's version you read. The unit must be one of the run's
        vacancies (code not_in_run), fit the household (code unfit) and not be proposed to
        another (code taken); the answer is the run with its figures updated."""
        run = run_for(request, reference)
        proposal = (
            Proposal.objects.for_user(request.user)
            .select_related("run", "application")
            .filter(run=run, application__reference=normalise_reference(application))
            .first()
        )
        if proposal is None:
            raise Http404
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = api.expected_version(request, data.pop("version", None))
        unit = body_unit(request, data["unit"]) if data["unit"] else None
        services.edit_proposal(
            proposal=proposal,
            unit=unit,
            by=request.user,
            reason=data["reason"],
            expected_version=version,
        )
        return run_response(request, run)


class RunCommitApi(HousingApi):
    capability = COMMIT
    personal = True

    @extend_schema(
        operation_id="housing_run_commit",
        summary=_("Commit a run: offer each proposed household its unit"),
        parameters=[RUN],
        request=None,
        responses={200: RunOutput, **error_responses(400, 404, 412)},
    )
    def post(self, request: Request, reference: str) -> Response:
        """All the offers or none, in rank order. If the waitlist or the vacancies changed
        since the run, nothing is offered: 412 (code stale), start a new run."""
        run = run_for(request, reference)
        services.commit_run(run=run, by=request.user)
        return run_response(request, run)


class RunDiscardApi(HousingApi):
    capability = ALLOCATE
    personal = True

    class Input(api.Serializer):
        reason = serializers.CharField(max_length=300, allow_blank=True)

        class Meta:
            ref_name = "HousingRunDiscardInput"

    @extend_schema(
        operation_id="housing_run_discard",
        summary=_("Discard a run that was not committed"),
        parameters=[RUN],
        request=Input,
        responses={200: RunOutput, **error_responses(400, 404)},
    )
    def post(self, request: Request, reference: str) -> Response:
        """With the reason; nothing is offered."""
        run = run_for(request, reference)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.discard_run(run=run, by=request.user, **serializer.validated_data)
        return run_response(request, run)
