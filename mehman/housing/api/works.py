"""Condition surveys and work orders over HTTP: record a survey, open a work order, plan it,
approve, start, complete or cancel it, and pay for it from a donation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import Q
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from mehman.assistance.api.access import donation_for
from mehman.assistance.api.serializers import ExpenditureOutput
from mehman.assistance.models import Expenditure
from mehman.core import api
from mehman.housing import checklists, services
from mehman.housing.api.access import (
    MANAGE,
    SPEND,
    HousingApi,
    body_facility,
    body_survey,
    body_unit,
    in_settlement,
    key,
    survey_for,
    work_for,
)
from mehman.housing.api.serializers import (
    SURVEY,
    WORK,
    WORK_ACTIONS,
    SurveyOutput,
    WorkOrderOutput,
    area_field,
    flag_field,
    settlement_query_field,
)
from mehman.housing.models import (
    OPEN_WORK,
    Heating,
    Survey,
    WorkKind,
    WorkOrder,
    WorkPriority,
    WorkStatus,
)
from mehman.partners.api.access import organisation_for
from mehman.partners.api.serializers import (
    IF_MATCH,
    EditFields,
    error_responses,
    etag_header,
    optional,
    quantity_field,
    rials_field,
)

# The status each step of a work order leads to.
STEP_STATUS = {
    "approve": WorkStatus.APPROVED,
    "start": WorkStatus.IN_PROGRESS,
    "complete": WorkStatus.COMPLETED,
    "cancel": WorkStatus.CANCELLED,
}
_WORK_RELATED = ("settlement", "unit", "facility", "survey", "funder", "contractor")


def _subject(request: Request, data: dict[str, Any]) -> None:
    """The unit or the facility a body names, looked up in the caller's scope."""
    unit, facility = data.pop("unit", ""), data.pop("facility", "")
    data["unit"] = body_unit(request, unit) if unit else None
    data["facility"] = body_facility(request, facility) if facility else None


def work_actions(user: Any, order: WorkOrder) -> list[str]:
    """The steps this user may take on the work order now."""
    if not user.has_capability(MANAGE):
        return []
    return [action for action in WORK_ACTIONS if order.allowed(STEP_STATUS[action])]


def work_response(request: Request, order: WorkOrder, *, status: int = 200) -> Response:
    """The work order as it is now, with its version as ETag."""
    order = work_for(request, order.reference)
    shown: Any = order
    shown.actions = work_actions(request.user, order)
    headers = {"ETag": api.etag(order.version)}
    if status == 201:
        headers["Location"] = reverse(
            "api:housing:work_detail", kwargs={"reference": order.reference}
        )
    return Response(WorkOrderOutput(shown).data, status=status, headers=headers)


# --- Surveys --------------------------------------------------------------------------------------


class SurveyListApi(HousingApi):
    class Query(api.Serializer):
        settlement = settlement_query_field()
        unit = serializers.CharField(required=False, allow_blank=True)
        facility = serializers.CharField(required=False, allow_blank=True)
        page = serializers.IntegerField(required=False, min_value=1)

        class Meta:
            ref_name = "HousingSurveyQuery"

    @extend_schema(
        operation_id="housing_survey_list",
        summary=_("List condition surveys"),
        parameters=[Query],
        responses={200: api.page_of(SurveyOutput, "HousingSurveyPage"), **error_responses(400)},
    )
    def get(self, request: Request) -> Response:
        """Latest first, of a unit or a facility if named."""
        query = self.Query(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        found = in_settlement(Survey.objects.for_user(request.user), params.get("settlement", ""))
        if unit := key(params.get("unit", "")):
            found = found.filter(unit__reference=unit)
        if facility := key(params.get("facility", "")):
            found = found.filter(facility__reference=facility)
        found = found.select_related("settlement", "unit", "facility", "surveyed_by").order_by(
            "-surveyed_on", "-pk"
        )
        return api.paginate(request, self, found, lambda page: SurveyOutput(page, many=True).data)


class SurveyRecordApi(HousingApi):
    capability = MANAGE

    class Input(api.Serializer):
        unit = serializers.CharField(
            max_length=32, required=False, allow_blank=True, help_text=_("A unit reference…")
        )
        facility = serializers.CharField(
            max_length=32, required=False, allow_blank=True, help_text=_("…or a facility's.")
        )
        ratings = serializers.DictField(
            child=serializers.ChoiceField(choices=list(checklists.RATINGS)),
            help_text=_("Rating by checklist item: good, fair, poor or na."),
        )
        surveyed_on = api.DateField(required=False, allow_null=True)
        note = serializers.CharField(required=False, allow_blank=True)

        class Meta:
            ref_name = "HousingSurveyInput"

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            # The checklist of a unit or of a facility: an item of neither is refused by name.
            items = checklists.items_for(unit=not attrs.get("facility"))
            known = {item.code for item in items}
            unknown = sorted(set(attrs.get("ratings", {})) - known)
            if unknown:
                raise serializers.ValidationError(
                    {f"ratings.{code}": _("Not an item of this checklist.") for code in unknown},
                    code="item",
                )
            return attrs

    @extend_schema(
        operation_id="housing_survey_record",
        summary=_("Record a condition survey of a unit or a facility"),
        request=Input,
        responses={201: SurveyOutput, **error_responses(400)},
    )
    def post(self, request: Request) -> Response:
        """Each item rated; the score becomes the condition of what was surveyed (unless a
        later survey is already recorded)."""
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        _subject(request, data)
        survey = services.record_survey(by=request.user, **data)
        return Response(SurveyOutput(survey_for(request, survey.uuid)).data, status=201)


class SurveyDetailApi(HousingApi):
    @extend_schema(
        operation_id="housing_survey_detail",
        summary=_("A condition survey"),
        parameters=[SURVEY],
        responses={200: SurveyOutput, **error_responses(404)},
    )
    def get(self, request: Request, uuid: Any) -> Response:
        """Each item's rating and the score."""
        return Response(SurveyOutput(survey_for(request, uuid)).data)


# --- Work orders ----------------------------------------------------------------------------------


class WorkFields(api.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    priority = serializers.ChoiceField(choices=WorkPriority.choices, required=False)
    estimate = rials_field(required=False, help_text=_("Cost estimate, rials."))
    funder = serializers.UUIDField(
        required=False, allow_null=True, help_text=_("The funding organisation.")
    )
    contractor = serializers.UUIDField(
        required=False, allow_null=True, help_text=_("The contractor or volunteer group.")
    )
    planned_start = api.DateField(required=False, allow_null=True)
    planned_end = api.DateField(required=False, allow_null=True)


def _organisations(request: Request, data: dict[str, Any]) -> None:
    for name in ("funder", "contractor"):
        if data.get(name) is not None:
            data[name] = organisation_for(request, data[name], name)


class WorkListApi(HousingApi):
    class Query(api.Serializer):
        settlement = settlement_query_field()
        status = serializers.ChoiceField(choices=WorkStatus.choices, required=False)
        kind = serializers.ChoiceField(choices=WorkKind.choices, required=False)
        priority = serializers.ChoiceField(choices=WorkPriority.choices, required=False)
        open = flag_field(_("Planned, approved or in progress (true), or finished (false)."))
        unit = serializers.CharField(required=False, allow_blank=True)
        facility = serializers.CharField(required=False, allow_blank=True)
        funder = serializers.UUIDField(required=False)
        page = serializers.IntegerField(required=False, min_value=1)

        class Meta:
            ref_name = "HousingWorkQuery"

    @extend_schema(
        operation_id="housing_work_list",
        summary=_("List work orders"),
        parameters=[Query],
        responses={
            200: api.page_of(WorkOrderOutput, "HousingWorkOrderPage"),
            **error_responses(400),
        },
    )
    def get(self, request: Request) -> Response:
        """Latest first; filter by status, kind, priority, subject or funder."""
        query = self.Query(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        found = in_settlement(
            WorkOrder.objects.for_user(request.user), params.get("settlement", "")
        )
        for name in ("status", "kind", "priority"):
            if params.get(name):
                found = found.filter(**{name: params[name]})
        if params.get("open") is not None:
            is_open = Q(status__in=OPEN_WORK)
            found = found.filter(is_open) if params["open"] else found.exclude(is_open)
        if unit := key(params.get("unit", "")):
            found = found.filter(unit__reference=unit)
        if facility := key(params.get("facility", "")):
            found = found.filter(facility__reference=facility)
        if params.get("funder"):
            found = found.filter(funder__uuid=params["funder"])
        found = (
            found.select_related(*_WORK_RELATED)
            .prefetch_related("photos")
            .order_by("-created_at", "-pk")
        )

        def render(page: Any) -> Any:
            for order in page:
                order.actions = work_actions(request.user, order)
            return WorkOrderOutput(page, many=True).data

        return api.paginate(request, self, found, render)


class WorkOpenApi(HousingApi):
    capability = MANAGE

    class Input(WorkFields):
        unit = serializers.CharField(
            max_length=32, required=False, allow_blank=True, help_text=_("A unit reference…")
        )
        facility = serializers.CharField(
            max_length=32, required=False, allow_blank=True, help_text=_("…or a facility's.")
        )
        kind = serializers.ChoiceField(choices=WorkKind.choices)
        survey = serializers.UUIDField(
            required=False, allow_null=True, help_text=_("The survey that found the need.")
        )

        class Meta:
            ref_name = "HousingWorkOpenInput"

    @extend_schema(
        operation_id="housing_work_open",
        summary=_("Open a work order on a unit or a facility"),
        parameters=[etag_header(201)],
        request=Input,
        responses={201: WorkOrderOutput, **error_responses(400)},
    )
    def post(self, request: Request) -> Response:
        """A repair, a renovation or (for a planned unit) a new build, with its plan."""
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        _subject(request, data)
        _organisations(request, data)
        if data.get("survey") is not None:
            data["survey"] = body_survey(request, data["survey"])
        order = services.open_work_order(by=request.user, **data)
        return work_response(request, order, status=201)


class WorkDetailApi(HousingApi):
    @extend_schema(
        operation_id="housing_work_detail",
        summary=_("A work order"),
        parameters=[WORK, etag_header(200)],
        responses={200: WorkOrderOutput, **error_responses(404)},
    )
    def get(self, request: Request, reference: str) -> Response:
        """With the steps you may take now; the ETag header carries the version."""
        return work_response(request, work_for(request, reference))


class WorkUpdateApi(HousingApi):
    capability = MANAGE

    class Input(WorkFields, EditFields):
        class Meta:
            ref_name = "HousingWorkUpdateInput"

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            optional(self)

    @extend_schema(
        operation_id="housing_work_update",
        summary=_("Change an open work order's plan"),
        parameters=[WORK, IF_MATCH, etag_header(200)],
        request=Input,
        responses={200: WorkOrderOutput, **error_responses(400, 404, 412, 428)},
    )
    def patch(self, request: Request, reference: str) -> Response:
        """Send only the fields that change and the version you read; a finished work order
        cannot change (code finished)."""
        order = work_for(request, reference)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = api.expected_version(request, data.pop("version", None))
        _organisations(request, data)
        services.update_work_order(order=order, by=request.user, expected_version=version, **data)
        return work_response(request, order)


# --- Steps ----------------------------------------------------------------------------------------

View = TypeVar("View", bound=type[api.Api])


def _step(operation_id: str, summary: Promise) -> Callable[[View], View]:
    """The schema of a step's POST: the work order's reference, the view's ``Input`` as the
    body (none without one) and the work order back."""

    def document(view: View) -> View:
        schema = extend_schema(
            operation_id=operation_id,
            summary=summary,
            parameters=[WORK],
            request=getattr(view, "Input", None),
            responses={200: WorkOrderOutput, **error_responses(400, 404)},
        )
        return extend_schema_view(post=schema)(view)

    return document


class _WorkStep(HousingApi):
    capability = MANAGE
    # The step: called with the order, the user and the fields of ``Input``.
    service: Callable[..., WorkOrder]
    Input: type[api.Serializer] | None = None

    def post(self, request: Request, reference: str) -> Response:
        order = work_for(request, reference)
        data: dict[str, Any] = {}
        if self.Input is not None:
            found = self.Input(data=request.data)
            found.is_valid(raise_exception=True)
            data = dict(found.validated_data)
        self.service(order=order, by=request.user, **data)
        return work_response(request, order)


@_step("housing_work_approve", _("Approve a planned work"))
class WorkApproveApi(_WorkStep):
    """Once its cost is estimated (else code estimate on the field estimate)."""

    service = staticmethod(services.approve_work)


@_step("housing_work_start", _("Start an approved work"))
class WorkStartApi(_WorkStep):
    """A renovation or new build takes its unit out of use while it lasts; nobody may live
    there (code occupied)."""

    service = staticmethod(services.start_work)
    field_names = {"day": "started_on"}

    class Input(api.Serializer):
        started_on = api.DateField(required=False, allow_null=True, source="day")

        class Meta:
            ref_name = "HousingWorkStartInput"


class Improvements(api.Serializer):
    ramp = serializers.BooleanField(required=False)
    own_tap = serializers.BooleanField(required=False)
    own_toilet = serializers.BooleanField(required=False)
    heating = serializers.ChoiceField(choices=Heating.choices, required=False)
    electricity = serializers.BooleanField(required=False)

    class Meta:
        ref_name = "HousingUnitImprovements"


@_step("housing_work_complete", _("Complete a work in progress"))
class WorkCompleteApi(_WorkStep):
    """With its actual cost and what it changed; a renovated or newly built unit is habitable
    again and its capacity follows its floor area."""

    service = staticmethod(services.complete_work)
    field_names = {"day": "completed_on"}

    class Input(api.Serializer):
        actual_cost = rials_field(help_text=_("Actual cost, rials."))
        completed_on = api.DateField(required=False, allow_null=True, source="day")
        condition_after = serializers.IntegerField(
            required=False, allow_null=True, min_value=0, max_value=100
        )
        floor_area_after = area_field(
            required=False, allow_null=True, min_value=1, help_text=_("A unit's new floor area.")
        )
        improvements = Improvements(required=False, help_text=_("What the work added to the unit."))

        class Meta:
            ref_name = "HousingWorkCompleteInput"


@_step("housing_work_cancel", _("Cancel a work order"))
class WorkCancelApi(_WorkStep):
    """With the reason; a unit it took out of use becomes habitable again only by a state
    change or a survey."""

    service = staticmethod(services.cancel_work)

    class Input(api.Serializer):
        reason = serializers.CharField(max_length=300, allow_blank=True)

        class Meta:
            ref_name = "HousingWorkCancelInput"


# --- Paying for works -----------------------------------------------------------------------------


class WorkSpendApi(HousingApi):
    capability = MANAGE
    also_needs = (SPEND,)

    class Input(api.Serializer):
        donation = serializers.UUIDField()
        description = serializers.CharField(max_length=300)
        amount = rials_field(required=False, help_text=_("Rials spent; for goods, their worth."))
        quantity = quantity_field(
            required=False, allow_null=True, help_text=_("Goods used, in the pledge's unit.")
        )
        spent_on = api.DateField(required=False, allow_null=True)

        class Meta:
            ref_name = "HousingWorkSpendInput"

    @extend_schema(
        operation_id="housing_work_spend",
        summary=_("Pay for a work order from a donation"),
        parameters=[WORK],
        request=Input,
        responses={201: ExpenditureOutput, **error_responses(400, 404)},
    )
    def post(self, request: Request, reference: str) -> Response:
        """Recorded down to the household living in the unit, within what the donor allowed
        (else code exhausted or restricted); the donor becomes the funder if there is none."""
        order = work_for(request, reference)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        donation = donation_for(request, data.pop("donation"))
        spent = services.spend_on_work(order=order, donation=donation, by=request.user, **data)
        return Response(ExpenditureOutput(spent).data, status=201)


class WorkSpendingApi(HousingApi):
    @extend_schema(
        operation_id="housing_work_spending",
        summary=_("What donations paid for a work order"),
        parameters=[WORK],
        responses={200: ExpenditureOutput(many=True), **error_responses(404)},
    )
    def get(self, request: Request, reference: str) -> Response:
        """Latest first (none shown to analysts: spending names households)."""
        order = work_for(request, reference)
        spent = (
            services.spending_on(order)
            .filter(pk__in=Expenditure.objects.for_user(request.user).values("pk"))
            .select_related("household", "contractor")
            .order_by("-spent_on", "-pk")
        )
        return Response(ExpenditureOutput(spent, many=True).data)
