"""The waitlist over HTTP: the ranked list with each score's breakdown, a what-if
preview of other weights, the weights' versions and their publication, and the
eligibility rules (read only here; managers edit them on their page)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from mehman.core import api
from mehman.intake import queries, scoring, services
from mehman.intake.api.access import RULES, waitlist_settlement
from mehman.intake.api.serializers import (
    PreviewOutput,
    RuleOutput,
    WaitlistEntryOutput,
    WeightsOutput,
    settlement_field,
    weights_field,
)
from mehman.intake.models import Application, WeightSet
from mehman.intake.services.ranking import clean_weights
from mehman.partners.api.access import settlement_for
from mehman.partners.api.serializers import error_responses


class SettlementQuery(api.Serializer):
    settlement = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=_("Settlement code, e.g. TJ; may be left out if you work in one settlement."),
    )


class PageQuery(SettlementQuery):
    page = serializers.IntegerField(required=False, min_value=1)


def _settlement_of(request: Request, query: type[api.Serializer]) -> Any:
    found = query(data=request.query_params)
    found.is_valid(raise_exception=True)
    return waitlist_settlement(request, found.validated_data.get("settlement", ""))


def _weights(raw: Mapping[str, Any]) -> dict[str, Decimal]:
    """The weights as typed, checked by the service's rules; errors name ``weights.<code>``."""
    try:
        return clean_weights(raw)
    except ValidationError as exc:
        raise ValidationError(
            {f"weights.{code}": errors for code, errors in exc.error_dict.items()}
        ) from exc


class WaitlistListApi(api.Api):
    class Query(PageQuery):
        class Meta:
            ref_name = "WaitlistQuery"

    @extend_schema(
        operation_id="waitlist_list",
        summary=_("The waitlist, in rank order"),
        parameters=[Query],
        responses={
            200: api.page_of(WaitlistEntryOutput, "WaitlistPage"),
            **error_responses(400, 404),
        },
    )
    def get(self, request: Request) -> Response:
        """Highest score first, ties to the earlier submission; each with its months waited,
        household size and the score line by line."""
        settlement = _settlement_of(request, self.Query)
        found = (
            Application.objects.ranked()
            .for_user(request.user)
            .filter(settlement=settlement)
            .select_related("household")
            .order_by("rank", "submitted_at", "pk")
        )
        weights = services.current_weights(settlement)
        labels = queries.criterion_labels()
        protected = queries.protected_categories()

        def render(page: Sequence[Any]) -> Any:
            for application in page:
                application.breakdown = queries.breakdown(
                    application, weights, user=request.user, labels=labels, protected=protected
                )
            return WaitlistEntryOutput(page, many=True).data

        return api.paginate(request, self, found, render)


class WaitlistPreviewApi(api.Api):
    capability = RULES

    class Input(api.Serializer):
        settlement = settlement_field()
        weights = weights_field(required=False)

        class Meta:
            ref_name = "WaitlistPreviewInput"

    @extend_schema(
        operation_id="waitlist_preview",
        summary=_("Preview the waitlist under other weights (saves nothing)"),
        request=Input,
        responses={200: PreviewOutput, **error_responses(400)},
    )
    def post(self, request: Request) -> Response:
        """The weights sent replace those in force for this preview only; every household
        on the waitlist with its new and current place and score."""
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        settlement = settlement_for(request, data.get("settlement", ""))
        weights = {
            **services.current_weights(settlement).as_decimals(),
            **_weights(data.get("weights", {})),
        }
        placed = services.placements(settlement, weights)
        references = dict(
            Application.objects.filter(pk__in=[p.id for p in placed]).values_list("pk", "reference")
        )

        def points(value: int | None) -> Decimal | None:
            return None if value is None else scoring.from_centi(value)

        rows = [
            {
                "reference": references[p.id],
                "rank": p.rank,
                "old_rank": p.old_rank,
                "score": points(p.score),
                "old_score": points(p.old_score),
            }
            for p in placed
        ]
        preview = {
            "settlement": settlement.code,
            "weights": {code: str(value) for code, value in sorted(weights.items())},
            "moved": sum(1 for p in placed if (p.rank, p.score) != (p.old_rank, p.old_score)),
            "placements": rows,
        }
        return Response(PreviewOutput(preview).data)


class WeightsListApi(api.Api):
    class Query(PageQuery):
        class Meta:
            ref_name = "WeightsQuery"

    @extend_schema(
        operation_id="weights_list",
        summary=_("The weights' versions, the one in force first"),
        parameters=[Query],
        responses={200: api.page_of(WeightsOutput, "WeightsPage"), **error_responses(400, 404)},
    )
    def get(self, request: Request) -> Response:
        """Each version with the reason it was published; a settlement starts with the
        directorate's published defaults (version 1)."""
        settlement = _settlement_of(request, self.Query)
        services.current_weights(settlement)
        found = (
            WeightSet.objects.for_user(request.user)
            .filter(settlement=settlement)
            .select_related("settlement", "created_by")
            .order_by("-number")
        )
        return api.paginate(request, self, found, lambda page: WeightsOutput(page, many=True).data)


class WeightsPublishApi(api.Api):
    capability = RULES

    class Input(api.Serializer):
        settlement = settlement_field()
        weights = weights_field(help_text=_("The criteria that change; the others are kept."))
        note = serializers.CharField(max_length=300, allow_blank=True)

        class Meta:
            ref_name = "WeightsPublishInput"

    @extend_schema(
        operation_id="weights_publish",
        summary=_("Publish new weights"),
        request=Input,
        responses={201: WeightsOutput, **error_responses(400)},
    )
    def post(self, request: Request) -> Response:
        """A new version, with the reason for the change, takes effect at once and re-ranks
        the waitlist (each move is kept in the rank history)."""
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        settlement = settlement_for(request, data.get("settlement", ""))
        published = services.publish_weights(
            settlement=settlement,
            weights=_weights(data["weights"]),
            note=data["note"],
            by=request.user,
        )
        return Response(WeightsOutput(published).data, status=201)


class RuleListApi(api.Api):
    class Query(SettlementQuery):
        class Meta:
            ref_name = "RuleQuery"

    @extend_schema(
        operation_id="rule_list",
        summary=_("The eligibility rules applications are screened against"),
        parameters=[Query],
        responses={200: RuleOutput(many=True), **error_responses(400, 404)},
    )
    def get(self, request: Request) -> Response:
        """In order, active or not, each with its message in Persian and English."""
        settlement = _settlement_of(request, self.Query)
        return Response(RuleOutput(services.active_rules(settlement), many=True).data)
