"""Standards compliance over HTTP: the settlement and each block measured against the
standards table, red/amber/green, with the source of each target; and the units crowded or
beyond reach of water or a toilet. No household is named, so analysts read it too."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from mehman.core import api
from mehman.core.permissions import get_for_user_or_404
from mehman.housing.api.access import HousingApi, key, site_settlement
from mehman.housing.api.serializers import settlement_query_field
from mehman.housing.compliance import Status, compliance
from mehman.housing.models import Block
from mehman.partners.api.serializers import error_responses

_FIGURE = {"max_digits": 12, "decimal_places": 1, "allow_null": True}


class TargetOutput(api.Serializer):
    key = serializers.CharField(help_text=_("The row of the standards table."))
    comparator = serializers.ChoiceField(choices=[">=", ">", "<=", "<"])
    target = serializers.DecimalField(max_digits=12, decimal_places=1)
    unit = serializers.CharField(help_text=_("persons, m, m2, %…"))
    source = serializers.CharField(help_text=_("Where the target comes from."))

    class Meta:
        ref_name = "HousingStandardTarget"


class IndicatorOutput(api.Serializer):
    key = serializers.CharField()
    label = serializers.CharField(help_text=_("In your language."))
    value = serializers.DecimalField(**_FIGURE, help_text=_("Null when not measured."))
    rating = serializers.ChoiceField(
        source="status",
        choices=[s.value for s in Status],
        help_text=_(
            "green: meets the target; amber: close to it; red: misses it; grey: not measured."
        ),
    )
    rating_label = serializers.CharField(source="status_label")
    target = TargetOutput()
    criterion = TargetOutput(
        allow_null=True,
        help_text=_("For a share of households: the standard each household is held to."),
    )
    count = serializers.IntegerField(
        allow_null=True, help_text=_("Persons, or households meeting.")
    )
    of = serializers.IntegerField(allow_null=True, help_text=_("Taps, toilets…, or households."))
    note = serializers.CharField()

    class Meta:
        ref_name = "HousingIndicator"


class ScopeOutput(api.Serializer):
    block = serializers.CharField(
        source="block.reference", allow_null=True, help_text=_("Null: the whole settlement.")
    )
    population = serializers.IntegerField(help_text=_("Persons housed."))
    households = serializers.IntegerField(help_text=_("Households housed."))
    crowded = serializers.IntegerField(help_text=_("Units below the living-space standard."))
    beyond_water = serializers.IntegerField()
    beyond_toilet = serializers.IntegerField()
    indicators = IndicatorOutput(many=True, source="indicator_list")

    class Meta:
        ref_name = "HousingComplianceScope"


class UnitFigureOutput(api.Serializer):
    unit = serializers.CharField(source="unit.reference")
    occupants = serializers.IntegerField(allow_null=True)
    m2_per_person = serializers.DecimalField(max_digits=7, decimal_places=1, allow_null=True)
    water_m = serializers.FloatField(allow_null=True)
    toilet_m = serializers.FloatField(allow_null=True)

    class Meta:
        ref_name = "HousingUnitFigures"


class UnmeasuredOutput(api.Serializer):
    key = serializers.CharField(source="standard.key")
    label = serializers.CharField()
    why = serializers.CharField()
    source = serializers.CharField(source="standard.source")

    class Meta:
        ref_name = "HousingUnmeasured"


class ComplianceOutput(api.Serializer):
    settlement = serializers.CharField(source="settlement.code")
    summary = ScopeOutput(help_text=_("The settlement, or the block asked for."))
    settlement_summary = ScopeOutput()
    blocks = ScopeOutput(many=True)
    crowded = UnitFigureOutput(many=True, help_text=_("Most crowded first."))
    beyond_water = UnitFigureOutput(many=True, help_text=_("Farthest first; none at all first."))
    beyond_toilet = UnitFigureOutput(many=True)
    not_measured = UnmeasuredOutput(many=True)

    class Meta:
        ref_name = "HousingCompliance"


def _scope(scope: Any) -> Any:
    shown: dict[str, Any] = {
        "block": scope.block,
        "population": scope.population,
        "households": scope.households,
        "crowded": scope.crowded,
        "beyond_water": scope.beyond_water,
        "beyond_toilet": scope.beyond_toilet,
        "indicator_list": list(scope.indicators.values()),
    }
    return shown


class StandardsApi(HousingApi):
    class Query(api.Serializer):
        settlement = settlement_query_field()
        block = serializers.CharField(
            required=False, allow_blank=True, help_text=_("A block code, e.g. B01.")
        )

        class Meta:
            ref_name = "HousingStandardsQuery"

    @extend_schema(
        operation_id="housing_standards",
        summary=_("Standards compliance of a settlement, block by block"),
        parameters=[Query],
        responses={200: ComplianceOutput, **error_responses(400, 404)},
    )
    def get(self, request: Request) -> Response:
        """Persons per tap, handpump, toilet and shower; living space per person; distance
        to water and a toilet; households with their own toilet: each rated green (meets the
        target), amber (close) or red, with the source of its target."""
        query = self.Query(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        settlement = site_settlement(request, params.get("settlement", ""))
        block = None
        if code := key(params.get("block", "")):
            block = get_for_user_or_404(
                Block.objects, request.user, settlement=settlement, code=code
            )
        report = compliance(settlement, request.user, block=block)
        shown = {
            "settlement": report.settlement,
            "summary": _scope(report.summary),
            "settlement_summary": _scope(report.settlement_summary),
            "blocks": [_scope(scope) for scope in report.blocks],
            "crowded": report.crowded,
            "beyond_water": report.beyond_water,
            "beyond_toilet": report.beyond_toilet,
            "not_measured": report.not_measured,
        }
        return Response(ComplianceOutput(shown).data)
