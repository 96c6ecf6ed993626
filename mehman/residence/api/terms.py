"""Residence terms over HTTP (``/api/v1/residence/``): terms and their agreements, reviews and
their decisions, the worklist of reviews due, the exit and the end; and the maintained list of
agreement conditions.

One APIView per operation, calling the same services as the pages. Terms are named by their
references (TJ-T00042), reviews by UUID. Reading needs ``residence.view``; reviews, the
agreement, conditions, the exit plan and the exit ``residence.review``; starting a term by
hand ``residence.manage``. Without the capability, or out of scope, 404. Every pattern has an
entry in tests/matrix_residence_terms_api.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from mehman.core import api, dates, digits
from mehman.core.api_schema import (
    IF_MATCH,
    enum_field,
    error_responses,
    etag_header,
    optional_text,
)
from mehman.core.names import reference_key
from mehman.core.permissions import get_for_user_or_404
from mehman.registry.models import Household
from mehman.residence import services
from mehman.residence.api.serializers import (
    REVIEW,
    TERM,
    ConditionOutput,
    DueOutput,
    ReviewOutput,
    TermConditionOutput,
    TermOutput,
    TermSummaryOutput,
    review_horizon,
)
from mehman.residence.models import (
    OPEN_TERM_STATUSES,
    AgreementCondition,
    Decision,
    ExitReason,
    Pathway,
    Progress,
    ResidenceTerm,
    Review,
    ReviewStatus,
    TermQuerySet,
    TermStatus,
)

VIEW = "residence.view"
REVIEW_CAP = "residence.review"
MANAGE = "residence.manage"


class ResidenceApi(api.Api):
    """Base of the residence endpoints: ``residence.view`` unless a view names another."""

    capability = VIEW


def key(text: str) -> str:
    return digits.to_ascii(text or "").strip().upper()


# --- Records named in the URL or the body ---------------------------------------------------


def terms() -> TermQuerySet:
    found: TermQuerySet = ResidenceTerm.objects.select_related("settlement", "household")
    return found


def term_for(request: Request, reference: str) -> ResidenceTerm:
    return get_for_user_or_404(
        terms().select_related("application", "conversion"), request.user, reference=key(reference)
    )


def review_for(request: Request, uuid: UUID) -> Review:
    return get_for_user_or_404(
        Review.objects.select_related("term__household", "term__settlement", "reviewer"),
        request.user,
        uuid=uuid,
    )


def body_household(request: Request, text: str) -> Household:
    wanted = reference_key(text)
    found = (
        Household.objects.for_user(request.user)
        .select_related("settlement")
        .filter(reference=wanted)
        if wanted
        else Household.objects.none()
    ).first()
    if found is None:
        raise ValidationError(
            {
                "household": ValidationError(
                    _("No household %(reference)s in your scope."),
                    code="unknown",
                    params={"reference": text},
                )
            }
        )
    return found


def term_response(request: Request, term: ResidenceTerm, *, status: int = 200) -> Response:
    """The term as it is now, with its version as ETag."""
    term = term_for(request, term.reference)
    headers = {"ETag": api.etag(term.version)}
    if status == 201:
        headers["Location"] = reverse(
            "api:residence:term_detail", kwargs={"reference": term.reference}
        )
    return Response(TermOutput(term).data, status=status, headers=headers)


def codes_field() -> serializers.ListField:
    return serializers.ListField(
        child=serializers.SlugField(max_length=40),
        help_text=_("Codes from the list of conditions (GET residence/conditions/)."),
    )


# --- Terms ----------------------------------------------------------------------------------


class TermListApi(ResidenceApi):
    class Query(api.Serializer):
        settlement = serializers.CharField(
            required=False, allow_blank=True, help_text=_("A settlement code, e.g. TJ.")
        )
        status = enum_field(
            [*TermStatus.choices, ("open", _("Any open term"))],
            "ResidenceTermStatusFilter",
            required=False,
            help_text=_("open: every term still binding its household."),
        )
        pathway = serializers.ChoiceField(choices=Pathway.choices, required=False)
        household = serializers.CharField(
            required=False, allow_blank=True, help_text=_("Household reference, e.g. TJ-000123.")
        )
        ending_within = serializers.IntegerField(
            required=False,
            min_value=0,
            max_value=3650,
            help_text=_("Open terms whose planned end falls within this many days (or passed)."),
        )
        review_due = serializers.BooleanField(
            required=False,
            allow_null=True,
            default=None,
            help_text=_("Open terms with a review due within the notice period or overdue."),
        )
        page = serializers.IntegerField(required=False, min_value=1)

        class Meta:
            ref_name = "ResidenceTermQuery"

    @extend_schema(
        operation_id="residence_term_list",
        summary=_("List residence terms"),
        parameters=[Query],
        responses={
            200: api.page_of(TermSummaryOutput, "ResidenceTermPage"),
            **error_responses(400),
        },
    )
    def get(self, request: Request) -> Response:
        """By planned end, soonest first; by status, pathway, household, ending soon or with a
        review due."""
        query = self.Query(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        found = terms().for_user(request.user)
        if code := key(params.get("settlement", "")):
            found = found.filter(settlement__code=code)
        if status := params.get("status"):
            found = (
                found.filter(status__in=OPEN_TERM_STATUSES)
                if status == "open"
                else found.filter(status=status)
            )
        if pathway := params.get("pathway"):
            found = found.filter(pathway=pathway)
        if text := (params.get("household") or "").strip():
            found = found.filter(household__reference=reference_key(text) or key(text))
        if params.get("ending_within") is not None:
            until = dates.today() + timedelta(days=params["ending_within"])
            found = found.filter(status__in=OPEN_TERM_STATUSES, planned_end__lte=until)
        if params.get("review_due") is not None:
            due = Q(next_review_on__lte=review_horizon()) | Q(reviews__status=ReviewStatus.OPEN)
            found = (
                found.filter(due, status__in=OPEN_TERM_STATUSES)
                if params["review_due"]
                else found.exclude(due)
            )
            found = found.distinct()
        found = found.order_by("planned_end", "pk")
        render = lambda page: TermSummaryOutput(page, many=True).data  # noqa: E731
        return api.paginate(request, self, found, render)


class TermStartApi(ResidenceApi):
    capability = MANAGE

    class Input(api.Serializer):
        household = serializers.CharField(
            max_length=20, help_text=_("A resident household, e.g. TJ-000123.")
        )
        started_on = api.DateField(
            required=False, allow_null=True, help_text=_("Today if left out.")
        )
        months = serializers.IntegerField(
            required=False,
            min_value=1,
            max_value=120,
            help_text=_("The term's length; MEHMAN_TERM_MONTHS if left out."),
        )
        planned_end = api.DateField(
            required=False, allow_null=True, help_text=_("Instead of months: the planned end.")
        )
        conditions = codes_field()
        pathway = serializers.ChoiceField(choices=Pathway.choices, default=Pathway.UNDECIDED)
        exit_plan = optional_text(4000)

        class Meta:
            ref_name = "ResidenceTermStartInput"

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.fields["conditions"].required = False
            self.fields["conditions"].help_text = _(
                "Codes from the list of conditions; the standard ones if left out."
            )

    @extend_schema(
        operation_id="residence_term_start",
        summary=_("Start a residence term for a resident household"),
        parameters=[etag_header(201)],
        request=Input,
        responses={201: TermOutput, **error_responses(400)},
    )
    def post(self, request: Request) -> Response:
        """One open term per household (code has_term), only for a resident household (code
        not_resident); the standard conditions unless others are named."""
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        household = body_household(request, data.pop("household"))
        term = services.start_term(household=household, by=request.user, **data)
        return term_response(request, term, status=201)


class TermDetailApi(ResidenceApi):
    @extend_schema(
        operation_id="residence_term_detail",
        summary=_("A residence term"),
        parameters=[TERM, etag_header(200)],
        responses={200: TermOutput, **error_responses(404)},
    )
    def get(self, request: Request, reference: str) -> Response:
        """With the conditions agreed, its reviews, extensions used and allowed, the next review
        and the exit; the ETag header carries the version, for If-Match on PATCH."""
        return term_response(request, term_for(request, reference))


class TermPlanUpdateApi(ResidenceApi):
    capability = REVIEW_CAP

    class Input(api.Serializer):
        pathway = serializers.ChoiceField(choices=Pathway.choices, required=False)
        exit_plan = optional_text(4000)
        version = serializers.IntegerField(
            required=False, min_value=1, help_text=_("The version you edited (or If-Match).")
        )

        class Meta:
            ref_name = "ResidenceTermPlanInput"

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            unknown = sorted(set(self.initial_data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    dict.fromkeys(unknown, _("This field cannot be changed here.")),
                    code="not_editable",
                )
            return attrs

    @extend_schema(
        operation_id="residence_term_plan_update",
        summary=_("Change a term's exit plan"),
        parameters=[TERM, IF_MATCH, etag_header(200)],
        request=Input,
        responses={200: TermOutput, **error_responses(400, 404, 412, 428)},
    )
    def patch(self, request: Request, reference: str) -> Response:
        """The durable solution the household aims at and the steps agreed; send the fields
        that change and the version you read."""
        term = term_for(request, reference)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = api.expected_version(request, data.pop("version", None))
        services.update_plan(
            term=term,
            by=request.user,
            pathway=data.get("pathway", term.pathway),
            exit_plan=data.get("exit_plan", term.exit_plan),
            expected_version=version,
        )
        return term_response(request, term)


class TermAgreementApi(ResidenceApi):
    capability = REVIEW_CAP
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    class Input(api.Serializer):
        signed_on = api.DateField(help_text=_("The day the household signed; not in the future."))
        scan = serializers.FileField(
            required=False,
            max_length=200,
            help_text=_("The signed agreement: PDF, JPEG or PNG, at most 10 MB (multipart)."),
        )
        version = api.VersionField()

        class Meta:
            ref_name = "ResidenceTermAgreementInput"

    @extend_schema(
        operation_id="residence_term_agreement",
        summary=_("Record that the household signed its agreement"),
        parameters=[TERM, etag_header(200)],
        request={"application/json": Input, "multipart/form-data": Input},
        responses={200: TermOutput, **error_responses(400, 404)},
    )
    def post(self, request: Request, reference: str) -> Response:
        """The signed date, and the scan if sent as multipart/form-data; once signed, the
        conditions no longer change."""
        term = term_for(request, reference)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.record_agreement(
            term=term,
            by=request.user,
            signed_on=data["signed_on"],
            scan=data.get("scan"),
            expected_version=data.get("version"),
        )
        return term_response(request, term)


class TermConditionsApi(ResidenceApi):
    @extend_schema(
        operation_id="residence_term_conditions",
        summary=_("The conditions of a term's agreement"),
        parameters=[TERM],
        responses={200: TermConditionOutput(many=True), **error_responses(404)},
    )
    def get(self, request: Request, reference: str) -> Response:
        """The words agreed, in both languages, as the term keeps them."""
        term = term_for(request, reference)
        return Response(TermConditionOutput(term.conditions, many=True).data)


class TermConditionsSetApi(ResidenceApi):
    capability = REVIEW_CAP

    class Input(api.Serializer):
        conditions = codes_field()
        version = api.VersionField()

        class Meta:
            ref_name = "ResidenceTermConditionsInput"

    @extend_schema(
        operation_id="residence_term_conditions_set",
        summary=_("Choose the conditions of a term's agreement"),
        parameters=[TERM, etag_header(200)],
        request=Input,
        responses={200: TermOutput, **error_responses(400, 404)},
    )
    def put(self, request: Request, reference: str) -> Response:
        """Until the agreement is signed (code signed); conditions in use only (code
        unknown), at least one."""
        term = term_for(request, reference)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.set_conditions(
            term=term,
            by=request.user,
            conditions=data["conditions"],
            expected_version=data.get("version"),
        )
        return term_response(request, term)


class TermBeginExitApi(ResidenceApi):
    capability = REVIEW_CAP

    class Input(api.Serializer):
        reason = serializers.CharField(max_length=2000, allow_blank=True)
        version = api.VersionField()

        class Meta:
            ref_name = "ResidenceTermBeginExitInput"

    @extend_schema(
        operation_id="residence_term_begin_exit",
        summary=_("Begin a term's exit"),
        parameters=[TERM, etag_header(200)],
        request=Input,
        responses={200: TermOutput, **error_responses(400, 404)},
    )
    def post(self, request: Request, reference: str) -> Response:
        """With the reason (the household announced its return, say); while a review is open
        the exit is decided in the review (code in_review)."""
        term = term_for(request, reference)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.begin_exit(
            term=term, by=request.user, reason=data["reason"], expected_version=data.get("version")
        )
        return term_response(request, term)


class TermEndApi(ResidenceApi):
    capability = REVIEW_CAP

    class Input(api.Serializer):
        exit_reason = serializers.ChoiceField(choices=ExitReason.choices)
        exit_on = api.DateField(help_text=_("The day the household left; not in the future."))
        note = optional_text(300)
        version = api.VersionField()

        class Meta:
            ref_name = "ResidenceTermEndInput"

    @extend_schema(
        operation_id="residence_term_end",
        summary=_("End a term with its recorded exit"),
        parameters=[TERM, etag_header(200)],
        request=Input,
        responses={200: TermOutput, **error_responses(400, 404)},
    )
    def post(self, request: Request, reference: str) -> Response:
        """Only once its exit has begun (code not_ending): how the household left and on what
        day; the household leaves its home and the settlement with it."""
        term = term_for(request, reference)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.end_term(
            term=term,
            by=request.user,
            exit_reason=data["exit_reason"],
            exit_on=data["exit_on"],
            note=data.get("note", ""),
            expected_version=data.get("version"),
        )
        return term_response(request, term)


# --- Reviews --------------------------------------------------------------------------------


def reviews() -> Any:
    return Review.objects.select_related("term__household", "term__settlement", "reviewer")


class TermReviewsApi(ResidenceApi):
    @extend_schema(
        operation_id="residence_term_reviews",
        summary=_("A term's reviews"),
        parameters=[TERM],
        responses={200: ReviewOutput(many=True), **error_responses(404)},
    )
    def get(self, request: Request, reference: str) -> Response:
        """Latest first: the open one (due) and those decided."""
        term = term_for(request, reference)
        found = reviews().filter(term=term).order_by("-due_on", "-pk")
        return Response(ReviewOutput(found, many=True).data)


class TermReviewCompleteApi(ResidenceApi):
    capability = REVIEW_CAP

    class Input(api.Serializer):
        held_on = api.DateField(help_text=_("The day of the review; not in the future."))
        progress = serializers.ChoiceField(choices=Progress.choices)
        progress_note = optional_text(4000)
        remarks = optional_text(4000)
        decision = serializers.ChoiceField(choices=Decision.choices)
        new_end = api.DateField(
            required=False, allow_null=True, help_text=_("The new planned end (extend).")
        )
        reason = serializers.CharField(
            max_length=2000,
            required=False,
            allow_blank=True,
            help_text=_("Required to extend or to begin the exit."),
        )
        version = api.VersionField()

        class Meta:
            ref_name = "ResidenceReviewInput"

    @extend_schema(
        operation_id="residence_term_review_complete",
        summary=_("Complete a term's review with its decision"),
        parameters=[TERM],
        request=Input,
        responses={201: ReviewOutput, **error_responses(400, 404)},
    )
    def post(self, request: Request, reference: str) -> Response:
        """Progress against the exit plan and a decision: continue, extend (a new end and a
        reason, within MEHMAN_MAX_EXTENSIONS and MEHMAN_MAX_EXTENSION_MONTHS; codes
        extension_limit, extension_length) or begin the exit (a reason)."""
        term = term_for(request, reference)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        review = services.complete_review(
            term=term, by=request.user, expected_version=data.pop("version", None), **data
        )
        review = review_for(request, review.uuid)
        headers = {"Location": reverse("api:residence:review_detail", kwargs={"uuid": review.uuid})}
        return Response(ReviewOutput(review).data, status=201, headers=headers)


class ReviewDetailApi(ResidenceApi):
    @extend_schema(
        operation_id="residence_review_detail",
        summary=_("A term's review"),
        parameters=[REVIEW],
        responses={200: ReviewOutput, **error_responses(404)},
    )
    def get(self, request: Request, uuid: UUID) -> Response:
        """Due, or decided with its progress, remarks and decision."""
        return Response(ReviewOutput(review_for(request, uuid)).data)


class Due:
    """One row of the worklist of reviews due."""

    def __init__(self, term: ResidenceTerm, due_on: Any, review: Review | None) -> None:
        self.term = term
        self.due_on = due_on
        self.review = review
        self.overdue = due_on < dates.today()


def reviews_due(user: Any, settlement: str = "") -> list[Due]:
    """Open reviews, and open terms whose next review falls within the notice period or has
    passed, the earliest first (a term appears once)."""
    opened = (
        reviews()
        .filter(status=ReviewStatus.OPEN, term__status__in=OPEN_TERM_STATUSES)
        .for_user(user)
    )
    coming = (
        terms()
        .for_user(user)
        .filter(status__in=OPEN_TERM_STATUSES, next_review_on__lte=review_horizon())
        .exclude(reviews__status=ReviewStatus.OPEN)
    )
    if settlement:
        opened = opened.filter(term__settlement__code=settlement)
        coming = coming.filter(settlement__code=settlement)
    rows = [Due(review.term, review.due_on, review) for review in opened]
    rows += [Due(term, term.next_review_on, None) for term in coming]
    rows.sort(key=lambda row: (row.due_on, row.term.reference))
    return rows


class ReviewDueListApi(ResidenceApi):
    class Query(api.Serializer):
        settlement = serializers.CharField(
            required=False, allow_blank=True, help_text=_("A settlement code, e.g. TJ.")
        )
        page = serializers.IntegerField(required=False, min_value=1)

        class Meta:
            ref_name = "ResidenceReviewDueQuery"

    @extend_schema(
        operation_id="residence_review_due_list",
        summary=_("The worklist of reviews due"),
        parameters=[Query],
        responses={200: api.page_of(DueOutput, "ResidenceReviewDuePage"), **error_responses(400)},
    )
    def get(self, request: Request) -> Response:
        """Reviews due within MEHMAN_REVIEW_NOTICE_DAYS or overdue, the earliest first."""
        query = self.Query(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = reviews_due(request.user, key(query.validated_data.get("settlement", "")))
        paginator = PageNumberPagination()
        page: Sequence[Due] = paginator.paginate_queryset(rows, request, view=self) or []
        return paginator.get_paginated_response(DueOutput(page, many=True).data)


# --- The list of conditions -----------------------------------------------------------------


class ConditionListApi(ResidenceApi):
    class Query(api.Serializer):
        in_use = serializers.BooleanField(
            required=False,
            allow_null=True,
            default=None,
            help_text=_("true: offered to new agreements; false: retired; left out: all."),
        )

        class Meta:
            ref_name = "ResidenceConditionQuery"

    @extend_schema(
        operation_id="residence_condition_list",
        summary=_("The list of agreement conditions"),
        parameters=[Query],
        responses={200: ConditionOutput(many=True), **error_responses(400)},
    )
    def get(self, request: Request) -> Response:
        """In the list's order, in Persian and English; standard ones are chosen by default
        when a term is started."""
        query = self.Query(data=request.query_params)
        query.is_valid(raise_exception=True)
        found = AgreementCondition.objects.for_user(request.user)
        if query.validated_data.get("in_use") is not None:
            found = found.filter(is_active=query.validated_data["in_use"])
        return Response(ConditionOutput(found, many=True).data)


urlpatterns: list[URLPattern] = [
    path(
        "residence/terms/",
        api.by_method(get=TermListApi, post=TermStartApi),
        name="term_list",
    ),
    path(
        "residence/terms/<str:reference>/",
        api.by_method(get=TermDetailApi, patch=TermPlanUpdateApi),
        name="term_detail",
    ),
    path(
        "residence/terms/<str:reference>/agreement/",
        TermAgreementApi.as_view(),
        name="term_agreement",
    ),
    path(
        "residence/terms/<str:reference>/conditions/",
        api.by_method(get=TermConditionsApi, put=TermConditionsSetApi),
        name="term_conditions",
    ),
    path(
        "residence/terms/<str:reference>/reviews/",
        api.by_method(get=TermReviewsApi, post=TermReviewCompleteApi),
        name="term_reviews",
    ),
    path(
        "residence/terms/<str:reference>/begin-exit/",
        TermBeginExitApi.as_view(),
        name="term_begin_exit",
    ),
    path("residence/terms/<str:reference>/end/", TermEndApi.as_view(), name="term_end"),
    path("residence/reviews/due/", ReviewDueListApi.as_view(), name="review_due_list"),
    path("residence/reviews/<uuid:uuid>/", ReviewDetailApi.as_view(), name="review_detail"),
    path("residence/conditions/", ConditionListApi.as_view(), name="condition_list"),
]
