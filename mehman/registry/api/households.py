"""Households over HTTP: find and list, register with members, read, correct."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from mehman.core import api
from mehman.core.models import Settlement
from mehman.core.permissions import get_for_user_or_404
from mehman.registry import queries, services
from mehman.registry.api.access import EDIT, log_protected, sees_protected
from mehman.registry.api.serializers import (
    IF_MATCH,
    REFERENCE,
    DocumentFields,
    EditFields,
    HouseholdOutput,
    HouseholdSummaryOutput,
    MemberFields,
    correction_arguments,
    document_arguments,
    error_responses,
    etag_header,
    optional_text,
)
from mehman.registry.models import (
    Household,
    HouseholdStatus,
    IdentityDocument,
    Individual,
    SpecificNeed,
)


def _household_response(request: Request, household: Household, *, status: int = 200) -> Response:
    """The household with its members, their documents and needs, and its version as ETag."""
    household = get_for_user_or_404(
        Household.objects.select_related("settlement", "head", "merged_into"),
        request.user,
        pk=household.pk,
    )
    prefetch_related_objects(
        [household],
        Prefetch("members__documents", IdentityDocument.objects.all()),
        Prefetch("members__needs", SpecificNeed.objects.select_related("code__parent")),
    )
    members = queries.members_in_order(household)
    household.shown_members = members  # type: ignore[attr-defined]
    context = {"sees_protected": sees_protected(request)}
    data = HouseholdOutput(household, context=context).data
    log_protected(request, household, [need for m in members for need in m.needs.all()])
    headers = {"ETag": api.etag(household.version)}
    if status == 201:
        headers["Location"] = reverse(
            "api:registry:household_detail", kwargs={"reference": household.reference}
        )
    return Response(data, status=status, headers=headers)


def _settlement_for(request: Request, code: str) -> Settlement:
    """The settlement named by its code, or the user's only one."""
    settlements = Settlement.objects.for_user(request.user).filter(is_active=True)
    if code:
        found = settlements.filter(code=code.strip().upper()).first()
        if found is None:
            raise ValidationError(
                {"settlement": ValidationError(_("Unknown settlement."), code="settlement")}
            )
        return found
    mine = list(settlements[:2])
    if len(mine) != 1:
        raise ValidationError(
            {
                "settlement": ValidationError(
                    _("Name the settlement by its code, e.g. TJ."), code="required"
                )
            }
        )
    return mine[0]


class HouseholdListApi(api.Api):
    class Query(api.Serializer):
        q = serializers.CharField(
            required=False,
            allow_blank=True,
            help_text=_("A name, reference number, document number or phone."),
        )
        father = serializers.CharField(
            required=False, allow_blank=True, help_text=_("Father's name of a member.")
        )
        year = serializers.IntegerField(
            required=False,
            min_value=1200,
            max_value=2200,
            help_text=_("Year of birth of a member, Gregorian or Jalali (e.g. 1365)."),
        )
        status = serializers.ChoiceField(choices=HouseholdStatus.choices, required=False)
        block = serializers.CharField(required=False, allow_blank=True)
        page = serializers.IntegerField(required=False, min_value=1)

        class Meta:
            ref_name = "HouseholdQuery"

    Output = HouseholdSummaryOutput

    @extend_schema(
        operation_id="household_list",
        summary=_("Find and list households"),
        parameters=[Query],
        responses={
            200: api.page_of(HouseholdSummaryOutput, "HouseholdPage"),
            **error_responses(400),
        },
    )
    def get(self, request: Request) -> Response:
        """Households in your scope; with ``q``, ``father`` or ``year`` the best matches first."""
        query = self.Query(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        households = Household.objects.for_user(request.user)
        found = queries.filter_households(households, params)
        text, father, year = params.get("q", ""), params.get("father", ""), params.get("year")
        if text or father or year:
            people = Individual.objects.for_user(request.user)
            result = queries.search(people, households, text, father=father, year=year)
            found = queries.in_rank_order(found, result.household_ids)
        else:
            found = found.order_by("reference")
        return api.paginate(
            request,
            self,
            queries.household_list(found),
            lambda page: self.Output(page, many=True).data,
        )


class HouseholdRegisterApi(api.Api):
    capability = EDIT
    field_names = {"number_typed": "number"}

    class Input(api.Serializer):
        class Member(MemberFields):
            documents = DocumentFields(many=True, required=False)

            class Meta:
                ref_name = "RegisterMemberInput"

        settlement = serializers.CharField(
            max_length=8,
            required=False,
            allow_blank=True,
            help_text=_("Settlement code; may be left out if you work in one settlement."),
        )
        status = serializers.ChoiceField(
            choices=HouseholdStatus.choices,
            required=False,
            help_text=_("applicant (default) or resident."),
        )
        phone = optional_text(32)
        block = optional_text(20)
        address = optional_text(200)
        registered_on = api.DateField(required=False, allow_null=True)
        consent_given = serializers.BooleanField(required=False)
        consent_on = api.DateField(required=False, allow_null=True)
        consent_note = optional_text(300)
        members = Member(many=True, help_text=_("Every member, exactly one of them the head."))

        class Meta:
            ref_name = "HouseholdRegisterInput"

    @extend_schema(
        operation_id="household_register",
        summary=_("Register a household with its members"),
        parameters=[etag_header(201)],
        request=Input,
        responses={201: HouseholdOutput, **error_responses(400, 404)},
    )
    def post(self, request: Request) -> Response:
        """A household is registered with all its members at once (and their documents)."""
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        settlement = _settlement_for(request, data.pop("settlement", ""))
        members = [dict(member) for member in data.pop("members")]
        documents = {
            index: [document_arguments(doc) for doc in docs]
            for index, member in enumerate(members)
            if (docs := member.pop("documents", None))
        }
        household = services.register_household(
            settlement=settlement, members=members, documents=documents, by=request.user, **data
        )
        return _household_response(request, household, status=201)


class HouseholdDetailApi(api.Api):
    @extend_schema(
        operation_id="household_detail",
        summary=_("A household with its members, documents and needs"),
        parameters=[REFERENCE, etag_header(200)],
        responses={200: HouseholdOutput, **error_responses(404)},
    )
    def get(self, request: Request, reference: str) -> Response:
        """The ETag header carries the household's version, for If-Match on PATCH."""
        household = get_for_user_or_404(Household.objects, request.user, reference=reference)
        return _household_response(request, household)


class HouseholdUpdateApi(api.Api):
    capability = EDIT

    class Input(EditFields):
        block = optional_text(20)
        address = optional_text(200)
        phone = optional_text(32)
        registered_on = api.DateField(required=False)
        consent_given = serializers.BooleanField(required=False)
        consent_on = api.DateField(required=False, allow_null=True)
        consent_note = optional_text(300)

        class Meta:
            ref_name = "HouseholdUpdateInput"

    @extend_schema(
        operation_id="household_update",
        summary=_("Correct household fields, with a reason"),
        parameters=[REFERENCE, IF_MATCH, etag_header(200)],
        request=Input,
        responses={200: HouseholdOutput, **error_responses(400, 404, 412, 428)},
    )
    def patch(self, request: Request, reference: str) -> Response:
        """Send only the fields that change, the reason, and the version you read."""
        household = get_for_user_or_404(Household.objects, request.user, reference=reference)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.correct(
            record=household,
            by=request.user,
            **correction_arguments(request, serializer.validated_data),
        )
        return _household_response(request, household)
