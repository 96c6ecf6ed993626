"""What the intake endpoints answer: applications, score lines, rank moves, the waitlist,
weights and rules; and the OpenAPI pieces they share."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from mehman.core import api
from mehman.intake.api.access import ACTIONS
from mehman.intake.models import (
    AppealSubject,
    ApplicationStatus,
    Channel,
    CurrentHousing,
    RuleKind,
)
from mehman.partners.api.serializers import OrganisationRef
from mehman.registry.models import DocumentType

REFERENCE = OpenApiParameter(
    "reference",
    str,
    OpenApiParameter.PATH,
    description=_("Application number, e.g. TJ-A00042."),
)


def settlement_field() -> serializers.CharField:
    return serializers.CharField(
        max_length=8,
        required=False,
        allow_blank=True,
        help_text=_("Settlement code; may be left out if you work in one settlement."),
    )


def score_field(**kwargs: Any) -> serializers.DecimalField:
    kwargs.setdefault("help_text", _("Points, a decimal string."))
    return serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True, **kwargs)


def weights_field(**kwargs: Any) -> serializers.DictField:
    kwargs.setdefault(
        "help_text",
        _(
            "Points by criterion code (female_head, waiting_month, need:SC, …): 0 to 1000, "
            "two decimals at most."
        ),
    )
    return serializers.DictField(child=serializers.CharField(max_length=20), **kwargs)


# --- Applications -----------------------------------------------------------------------------


class ApplicationSummaryOutput(api.Serializer):
    reference = serializers.CharField()
    household = serializers.CharField(source="household.reference")
    settlement = serializers.CharField(source="settlement.code")
    status = serializers.ChoiceField(choices=ApplicationStatus.choices)
    channel = serializers.ChoiceField(choices=Channel.choices)
    applied_on = api.DateField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    household_size = serializers.IntegerField(help_text=_("Living members, as last read."))
    score = score_field()
    rank = serializers.IntegerField(allow_null=True, help_text=_("Place on the waitlist."))
    version = serializers.IntegerField()

    class Meta:
        ref_name = "ApplicationSummary"


class EligibilityFindingOutput(api.Serializer):
    kind = serializers.ChoiceField(choices=RuleKind.choices)
    passed = serializers.BooleanField()
    message = serializers.CharField(help_text=_("The rule's message, in your language."))
    detail = serializers.CharField(help_text=_("What was found."))

    class Meta:
        ref_name = "EligibilityFinding"


class ScoreLineOutput(api.Serializer):
    label = serializers.CharField(
        help_text=_("The criterion; protected needs are one confidential line for most readers.")
    )
    per = serializers.CharField(help_text=_("What a point is counted per."))
    quantity = serializers.IntegerField()
    weight = serializers.DecimalField(max_digits=10, decimal_places=2)
    points = serializers.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        ref_name = "ScoreLine"


class ApplicationOutput(ApplicationSummaryOutput):
    uuid = serializers.UUIDField()
    referred_by = OrganisationRef(allow_null=True)
    current_housing = serializers.ChoiceField(choices=CurrentHousing.choices)
    current_place = serializers.CharField()
    reasons = serializers.CharField()
    documents_seen = serializers.ListField(
        child=serializers.ChoiceField(choices=DocumentType.choices)
    )
    monthly_income = serializers.IntegerField(allow_null=True, help_text=_("Rials."))
    eviction_risk = serializers.BooleanField()
    consent_given = serializers.BooleanField()
    screened_on = api.DateField(allow_null=True)
    eligibility = EligibilityFindingOutput(
        many=True, source="findings", help_text=_("What each rule found at screening.")
    )
    waitlisted_on = api.DateField(allow_null=True)
    offered_on = api.DateField(allow_null=True)
    offer_place = serializers.CharField()
    respond_by = api.DateField(allow_null=True)
    offer_skip_reason = serializers.CharField()
    answered_on = api.DateField(allow_null=True)
    decline_reason = serializers.CharField()
    admitted_on = api.DateField(allow_null=True)
    closed_reason = serializers.CharField()
    appeal_of = serializers.ChoiceField(choices=AppealSubject.choices, allow_blank=True)
    appeal_reason = serializers.CharField()
    appealed_on = api.DateField(allow_null=True)
    appeal_decision = serializers.CharField()
    households_ahead = serializers.IntegerField(allow_null=True)
    months_waited = serializers.IntegerField(help_text=_("Full months since submission."))
    breakdown = ScoreLineOutput(many=True, help_text=_("The score, line by line."))
    next_statuses = serializers.ListField(
        child=serializers.ChoiceField(choices=ApplicationStatus.choices),
        help_text=_("The statuses you may move the application to now."),
    )
    actions = serializers.ListField(
        child=serializers.ChoiceField(choices=list(ACTIONS)),
        help_text=_("The operations you may take on it now (POST …/<action>/)."),
    )

    class Meta:
        ref_name = "Application"


class ApplicationWithPinOutput(ApplicationOutput):
    pin = serializers.CharField(
        help_text=_(
            "The PIN for the public status page. Shown only in this response: it is "
            "never stored readable, and cannot be read again (issue a new one instead)."
        )
    )

    class Meta:
        ref_name = "ApplicationWithPin"


class RankMoveOutput(api.Serializer):
    at = serializers.DateTimeField()
    reason = serializers.CharField(help_text=_("What caused the re-ranking, in your language."))
    old_rank = serializers.IntegerField(allow_null=True)
    new_rank = serializers.IntegerField(allow_null=True, help_text=_("Null: left the waitlist."))
    old_score = score_field()
    new_score = score_field()
    direction = serializers.ChoiceField(choices=["up", "down", "in", "out", "same"])
    explanation = serializers.CharField()
    weights_number = serializers.IntegerField(help_text=_("The weights version in force."))

    class Meta:
        ref_name = "RankMove"


# --- Waitlist, weights, rules -------------------------------------------------------------------


class WaitlistEntryOutput(api.Serializer):
    rank = serializers.IntegerField()
    reference = serializers.CharField()
    household = serializers.CharField(source="household.reference")
    status = serializers.ChoiceField(
        choices=ApplicationStatus.choices, help_text=_("waitlisted, or appeal (of its score).")
    )
    score = score_field()
    months_waited = serializers.IntegerField()
    household_size = serializers.IntegerField()
    waitlisted_on = api.DateField(allow_null=True)
    breakdown = ScoreLineOutput(many=True)

    class Meta:
        ref_name = "WaitlistEntry"


class PlacementOutput(api.Serializer):
    reference = serializers.CharField()
    rank = serializers.IntegerField()
    old_rank = serializers.IntegerField(allow_null=True)
    score = score_field()
    old_score = score_field()

    class Meta:
        ref_name = "Placement"


class PreviewOutput(api.Serializer):
    settlement = serializers.CharField()
    weights = weights_field(help_text=_("The weights previewed: those in force with yours."))
    moved = serializers.IntegerField(help_text=_("Households whose place or score would change."))
    placements = PlacementOutput(many=True)

    class Meta:
        ref_name = "WaitlistPreview"


class WeightsOutput(api.Serializer):
    settlement = serializers.CharField(source="settlement.code")
    number = serializers.IntegerField(help_text=_("The version; the highest is in force."))
    weights = weights_field()
    note = serializers.CharField()
    published_by = serializers.CharField(source="created_by.username", allow_null=True)
    published_at = serializers.DateTimeField(source="created_at")

    class Meta:
        ref_name = "WeightsVersion"


class RuleOutput(api.Serializer):
    kind = serializers.ChoiceField(choices=RuleKind.choices)
    label = serializers.CharField(source="get_kind_display")
    params = serializers.DictField(child=serializers.IntegerField())
    message_fa = serializers.CharField()
    message_en = serializers.CharField()
    is_active = serializers.BooleanField()
    position = serializers.IntegerField()

    class Meta:
        ref_name = "EligibilityRule"
