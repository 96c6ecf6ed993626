"""What the residence endpoints for terms and reviews answer, and the OpenAPI pieces they share.

(The conversion and document endpoints keep their serializers in their own modules.)
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema_field
from rest_framework import serializers

from mehman.core import api, dates
from mehman.core.api_schema import enum_field
from mehman.residence.models import (
    Decision,
    ExitReason,
    Pathway,
    Progress,
    ResidenceTerm,
    ReviewStatus,
    TermOrigin,
    TermStatus,
)

TERM = OpenApiParameter(
    "reference", str, OpenApiParameter.PATH, description=_("Term reference, e.g. TJ-T00042.")
)
REVIEW = OpenApiParameter("uuid", str, OpenApiParameter.PATH, description=_("The review's UUID."))


class ConditionOutput(api.Serializer):
    """A condition of the maintained list."""

    code = serializers.CharField()
    text = serializers.CharField(help_text=_("In your language."))
    text_fa = serializers.CharField()
    text_en = serializers.CharField()
    position = serializers.IntegerField(help_text=_("The list is read in this order."))
    standard = serializers.BooleanField(help_text=_("Chosen by default when a term is started."))
    in_use = serializers.BooleanField(
        source="is_active", help_text=_("Offered to new agreements (false: retired).")
    )

    class Meta:
        ref_name = "ResidenceCondition"


class TermConditionOutput(api.Serializer):
    """A condition as the term's agreement keeps it: the words agreed, whatever the list
    says now."""

    code = serializers.CharField()
    fa = serializers.CharField()
    en = serializers.CharField()

    class Meta:
        ref_name = "ResidenceTermCondition"


class ReviewOutput(api.Serializer):
    uuid = serializers.UUIDField()
    term = serializers.CharField(source="term.reference")
    household = serializers.CharField(source="term.household.reference")
    status = enum_field(
        ReviewStatus.choices, "ResidenceReviewStatus", help_text=_("open: due; done: decided.")
    )
    due_on = api.DateField()
    held_on = api.DateField(allow_null=True)
    progress = serializers.ChoiceField(choices=Progress.choices, allow_blank=True)
    progress_note = serializers.CharField()
    remarks = serializers.CharField()
    decision = serializers.ChoiceField(choices=Decision.choices, allow_blank=True)
    new_end = api.DateField(allow_null=True, help_text=_("The new planned end (extensions)."))
    reason = serializers.CharField()
    reviewer = serializers.CharField(source="reviewer.username", allow_null=True)

    class Meta:
        ref_name = "ResidenceReview"


class ReviewsSummaryOutput(api.Serializer):
    done = serializers.IntegerField(help_text=_("Reviews decided."))
    open = ReviewOutput(allow_null=True, help_text=_("The review due now, if any."))
    last = ReviewOutput(allow_null=True, help_text=_("The latest review decided, if any."))

    class Meta:
        ref_name = "ResidenceReviewsSummary"


def review_horizon() -> date:
    """Reviews falling due by this day are on the worklist (MEHMAN_REVIEW_NOTICE_DAYS)."""
    return dates.today() + timedelta(days=int(settings.MEHMAN_REVIEW_NOTICE_DAYS))


def _review_due(term: ResidenceTerm) -> bool:
    return bool(term.is_open and term.next_review_on and term.next_review_on <= review_horizon())


class TermSummaryOutput(api.Serializer):
    reference = serializers.CharField()
    uuid = serializers.UUIDField()
    settlement = serializers.CharField(source="settlement.code")
    household = serializers.CharField(source="household.reference")
    status = enum_field(TermStatus.choices, "ResidenceTermStatus")
    origin = serializers.ChoiceField(choices=TermOrigin.choices)
    started_on = api.DateField()
    planned_end = api.DateField()
    first_end = api.DateField(help_text=_("The end first agreed, before any extension."))
    next_review_on = api.DateField(allow_null=True)
    review_due = serializers.SerializerMethodField(
        help_text=_("Open, with its next review within MEHMAN_REVIEW_NOTICE_DAYS or overdue.")
    )
    extensions = serializers.IntegerField(help_text=_("Extensions used."))
    extensions_allowed = serializers.SerializerMethodField(
        help_text=_("The most the policy allows (MEHMAN_MAX_EXTENSIONS).")
    )
    pathway = serializers.ChoiceField(choices=Pathway.choices)
    agreement_signed_on = api.DateField(allow_null=True)
    version = serializers.IntegerField()

    class Meta:
        ref_name = "ResidenceTermSummary"

    def get_review_due(self, term: ResidenceTerm) -> bool:
        return _review_due(term)

    def get_extensions_allowed(self, term: ResidenceTerm) -> int:
        return int(settings.MEHMAN_MAX_EXTENSIONS)


class TermOutput(TermSummaryOutput):
    review_months = serializers.IntegerField(help_text=_("Months between reviews."))
    conditions = TermConditionOutput(many=True)
    exit_plan = serializers.CharField()
    agreement_scan = serializers.SerializerMethodField(
        help_text=_("Whether a scan of the signed agreement is kept.")
    )
    application = serializers.CharField(source="application.reference", allow_null=True)
    conversion = serializers.CharField(source="conversion.reference", allow_null=True)
    exit_reason = serializers.ChoiceField(choices=ExitReason.choices, allow_blank=True)
    exit_on = api.DateField(allow_null=True)
    exit_note = serializers.CharField()
    reviews = serializers.SerializerMethodField()
    links = serializers.SerializerMethodField(help_text=_("Where to act on the term."))

    class Meta:
        ref_name = "ResidenceTerm"

    def get_agreement_scan(self, term: ResidenceTerm) -> bool:
        return bool(term.agreement_scan)

    @extend_schema_field(ReviewsSummaryOutput)
    def get_reviews(self, term: ResidenceTerm) -> Any:
        reviews = list(term.reviews.select_related("term__household", "reviewer"))
        done = [review for review in reviews if review.status == ReviewStatus.DONE]
        opened = next((r for r in reviews if r.status == ReviewStatus.OPEN), None)
        last = max(done, key=lambda r: (r.held_on, r.pk)) if done else None
        summary = {"done": len(done), "open": opened, "last": last}
        return ReviewsSummaryOutput(summary).data

    @extend_schema_field(serializers.DictField(child=serializers.CharField()))
    def get_links(self, term: ResidenceTerm) -> dict[str, str]:
        names = ("agreement", "conditions", "reviews", "begin_exit", "end")
        return {
            name: reverse(f"api:residence:term_{name}", kwargs={"reference": term.reference})
            for name in names
        }


class DueOutput(api.Serializer):
    """A review due: an open review, or a term whose next review falls within the notice."""

    term = serializers.CharField(source="term.reference")
    household = serializers.CharField(source="term.household.reference")
    settlement = serializers.CharField(source="term.settlement.code")
    status = enum_field(TermStatus.choices, "ResidenceTermStatus", source="term.status")
    planned_end = api.DateField(source="term.planned_end")
    extensions = serializers.IntegerField(source="term.extensions")
    due_on = api.DateField()
    overdue = serializers.BooleanField()
    review = serializers.UUIDField(
        source="review.uuid", allow_null=True, help_text=_("The open review, if one is open.")
    )

    class Meta:
        ref_name = "ResidenceReviewDue"
