"""What the durable-solutions endpoints answer, and the OpenAPI pieces they share.

A case is named by its reference (TJ-S00001); surveys, milestones, referrals, approvals, exits
and follow-ups by UUID; households by reference, members by UUID, staff by username. Case notes
are protected and never leave through the API.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema_field
from rest_framework import serializers

from mehman.assistance.api.serializers import ReferralOutput
from mehman.core import api, dates
from mehman.core.api_schema import enum_field
from mehman.residence.models import Pathway
from mehman.solutions.models import (
    EXIT_TYPES,
    ApprovalKind,
    ApprovalStatus,
    CaseExit,
    CaseStage,
    ComplementaryPathway,
    FollowUpStatus,
    MilestoneStatus,
    ServiceType,
    SolutionsCase,
)
from mehman.solutions.services.readiness import Readiness

CASE = OpenApiParameter(
    "reference", str, OpenApiParameter.PATH, description=_("Case reference, e.g. TJ-S00042.")
)


def uuid_parameter(description: Any) -> OpenApiParameter:
    return OpenApiParameter("uuid", str, OpenApiParameter.PATH, description=description)


MILESTONE = uuid_parameter(_("The milestone's UUID."))
APPROVAL = uuid_parameter(_("The approval's UUID."))
EXIT = uuid_parameter(_("The exit's UUID."))
FOLLOW_UP = uuid_parameter(_("The follow-up's UUID."))

EXIT_TYPE_CHOICES = [(choice.value, choice.label) for choice in EXIT_TYPES]


def stage_field(**kwargs: Any) -> serializers.ChoiceField:
    return enum_field(CaseStage.choices, "SolutionsCaseStage", **kwargs)


def complementary_field(**kwargs: Any) -> serializers.ChoiceField:
    return enum_field(ComplementaryPathway.choices, "SolutionsComplementaryPathway", **kwargs)


def preferred_field(**kwargs: Any) -> serializers.ChoiceField:
    """The solution the household says it prefers (the pathways' values)."""
    return enum_field(Pathway.choices, "SolutionsPreferredPathway", **kwargs)


def exit_type_field(**kwargs: Any) -> serializers.ChoiceField:
    return enum_field(EXIT_TYPE_CHOICES, "SolutionsExitType", **kwargs)


def username(user: Any) -> str | None:
    return user.username if user is not None else None


# --- Cases ------------------------------------------------------------------------------------


class CaseSummaryOutput(api.Serializer):
    reference = serializers.CharField()
    uuid = serializers.UUIDField()
    settlement = serializers.CharField(source="settlement.code")
    household = serializers.CharField(source="household.reference")
    pathway = serializers.ChoiceField(choices=Pathway.choices)
    complementary = complementary_field(allow_blank=True)
    stage = stage_field()
    owner = serializers.CharField(source="owner.username", allow_null=True)
    opened_on = api.DateField()
    closed_on = api.DateField(allow_null=True)
    close_reason = serializers.CharField()
    version = serializers.IntegerField()

    class Meta:
        ref_name = "SolutionsCaseSummary"


class ReadinessItemOutput(api.Serializer):
    code = serializers.CharField(source="criterion.code")
    text = serializers.CharField(source="criterion.text", help_text=_("In your language."))
    weight = serializers.IntegerField()
    met = serializers.BooleanField(allow_null=True, help_text=_("null: never assessed."))
    assessed_on = api.DateField(allow_null=True)

    class Meta:
        ref_name = "SolutionsReadinessItem"


class TrendPointOutput(api.Serializer):
    on = api.DateField()
    score = serializers.IntegerField()

    class Meta:
        ref_name = "SolutionsReadinessTrendPoint"


class ReadinessOutput(api.Serializer):
    score = serializers.IntegerField(help_text=_("0-100: the weighted share of criteria met."))
    met_weight = serializers.IntegerField()
    total_weight = serializers.IntegerField()
    complete = serializers.BooleanField()
    items = ReadinessItemOutput(many=True)
    trend = TrendPointOutput(many=True, help_text=_("The score on each day assessed."))

    class Meta:
        ref_name = "SolutionsReadiness"


class PathwayChangeOutput(api.Serializer):
    previous = enum_field(
        [("", ""), *Pathway.choices],
        "SolutionsPreviousPathway",
        help_text=_("Empty for the choice made when the case was opened."),
    )
    pathway = serializers.ChoiceField(choices=Pathway.choices)
    complementary = complementary_field(allow_blank=True)
    changed_on = api.DateField()
    reason = serializers.CharField()
    changed_by = serializers.CharField(source="changed_by.username", allow_null=True)

    class Meta:
        ref_name = "SolutionsPathwayChange"


class CaseOutput(CaseSummaryOutput):
    readiness = serializers.SerializerMethodField()
    pathway_history = serializers.SerializerMethodField()
    exit = serializers.SerializerMethodField(help_text=_("The exit's UUID, once recorded."))
    links = serializers.SerializerMethodField()

    class Meta:
        ref_name = "SolutionsCase"

    @extend_schema_field(ReadinessOutput)
    def get_readiness(self, case: SolutionsCase) -> Any:
        result: Readiness = self.context["readiness"]
        trend = [{"on": day, "score": score} for day, score in self.context["trend"]]
        data = {
            "score": result.score,
            "met_weight": result.met_weight,
            "total_weight": result.total_weight,
            "complete": result.complete,
            "items": result.items,
            "trend": trend,
        }
        return ReadinessOutput(data).data

    @extend_schema_field(serializers.UUIDField(allow_null=True))
    def get_exit(self, case: SolutionsCase) -> str | None:
        found = CaseExit.objects.filter(case=case).values_list("uuid", flat=True).first()
        return str(found) if found else None

    @extend_schema_field(PathwayChangeOutput(many=True))
    def get_pathway_history(self, case: SolutionsCase) -> Any:
        changes = case.pathway_changes.select_related("changed_by").order_by("changed_on", "pk")
        return PathwayChangeOutput(changes, many=True).data

    @extend_schema_field(serializers.DictField(child=serializers.CharField()))
    def get_links(self, case: SolutionsCase) -> dict[str, str]:
        names = ("pathway", "stage", "surveys", "milestones", "referrals", "approvals", "exit")
        return {
            name: reverse(f"api:solutions:case_{name}", kwargs={"reference": case.reference})
            for name in names
        }


# --- Surveys and milestones ---------------------------------------------------------------------


class SurveyOutput(api.Serializer):
    uuid = serializers.UUIDField()
    case = serializers.CharField(source="case.reference")
    surveyed_on = api.DateField()
    preferred = preferred_field()
    complementary = complementary_field(allow_blank=True)
    conditions = serializers.CharField()
    respondent = serializers.UUIDField(source="respondent.uuid")
    respondent_name = serializers.CharField(source="respondent.full_name")
    recorded_by = serializers.CharField(source="recorded_by.username", allow_null=True)

    class Meta:
        ref_name = "SolutionsSurvey"


class MilestoneOutput(api.Serializer):
    uuid = serializers.UUIDField()
    case = serializers.CharField(source="case.reference")
    title = serializers.CharField()
    owner = serializers.CharField(source="owner.username")
    due_on = api.DateField()
    status = enum_field(MilestoneStatus.choices, "SolutionsMilestoneStatus")
    done_on = api.DateField(allow_null=True)
    note = serializers.CharField()
    overdue = serializers.BooleanField(source="is_overdue")
    version = serializers.IntegerField()

    class Meta:
        ref_name = "SolutionsMilestone"


# --- Referrals and approvals --------------------------------------------------------------------


class CaseReferralOutput(api.Serializer):
    """A referral made for a case: the partner answers it through /api/v1/referrals/."""

    case = serializers.CharField(source="case.reference")
    service_type = enum_field(ServiceType.choices, "SolutionsServiceType")
    overdue = serializers.BooleanField(source="referral.is_overdue")
    referral = ReferralOutput()

    class Meta:
        ref_name = "SolutionsCaseReferral"


class ApprovalOutput(api.Serializer):
    uuid = serializers.UUIDField()
    case = serializers.CharField(source="case.reference")
    household = serializers.CharField(source="case.household.reference")
    kind = enum_field(ApprovalKind.choices, "SolutionsApprovalKind")
    status = enum_field(ApprovalStatus.choices, "SolutionsApprovalStatus")
    justification = serializers.CharField()
    requested_by = serializers.CharField(source="requested_by.username")
    requested_on = api.DateField()
    decided_by = serializers.CharField(source="decided_by.username", allow_null=True)
    decided_on = api.DateField(allow_null=True)
    decision_note = serializers.CharField()
    version = serializers.IntegerField()

    class Meta:
        ref_name = "SolutionsApproval"


# --- Exits and follow-ups -----------------------------------------------------------------------


class FollowUpOutput(api.Serializer):
    uuid = serializers.UUIDField()
    exit = serializers.UUIDField(source="exit.uuid")
    case = serializers.CharField(source="exit.case.reference")
    household = serializers.CharField(source="exit.household.reference")
    months = serializers.IntegerField()
    due_on = api.DateField()
    status = enum_field(FollowUpStatus.choices, "SolutionsFollowUpStatus")
    overdue = serializers.SerializerMethodField()
    done_on = api.DateField(allow_null=True)
    outcome = serializers.CharField()
    done_by = serializers.CharField(source="done_by.username", allow_null=True)
    version = serializers.IntegerField()

    class Meta:
        ref_name = "SolutionsFollowUp"

    def get_overdue(self, follow_up: Any) -> bool:
        return bool(follow_up.status == FollowUpStatus.DUE and follow_up.due_on < dates.today())


class ExitSummaryOutput(api.Serializer):
    uuid = serializers.UUIDField()
    case = serializers.CharField(source="case.reference")
    settlement = serializers.CharField(source="case.settlement.code")
    pathway = serializers.ChoiceField(choices=Pathway.choices, source="case.pathway")
    exit_type = exit_type_field()
    exit_on = api.DateField()
    household = serializers.CharField(source="household.reference")
    remaining = serializers.CharField(source="remaining.reference", allow_null=True)
    member_count = serializers.IntegerField()
    partial = serializers.BooleanField(source="is_partial")
    freed_unit = serializers.CharField(source="freed_unit.reference", allow_null=True)
    offer = serializers.UUIDField(source="offer.uuid", allow_null=True)
    note = serializers.CharField()
    recorded_by = serializers.CharField(source="recorded_by.username", allow_null=True)

    class Meta:
        ref_name = "SolutionsExitSummary"


class ExitOutput(ExitSummaryOutput):
    members = serializers.SerializerMethodField()
    follow_ups = FollowUpOutput(many=True)

    class Meta:
        ref_name = "SolutionsExit"

    @extend_schema_field(serializers.ListField(child=serializers.UUIDField()))
    def get_members(self, case_exit: Any) -> list[str]:
        return [str(person.uuid) for person in case_exit.members.order_by("pk")]
