"""What the housing endpoints answer: the site, who lives where, surveys and works, offers and
allocation runs; and the OpenAPI pieces they share."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from mehman.core import api
from mehman.core.models import TaskStatus
from mehman.housing.models import (
    EndReason,
    FacilityKind,
    Heating,
    MoveReason,
    OfferStatus,
    PhotoStage,
    RunStatus,
    UnitState,
    WorkKind,
    WorkPhoto,
    WorkPriority,
    WorkStatus,
)
from mehman.partners.api.serializers import OrganisationRef


def path_reference(description: Any, name: str = "reference") -> OpenApiParameter:
    return OpenApiParameter(name, str, OpenApiParameter.PATH, description=description)


def path_uuid(description: Any) -> OpenApiParameter:
    return OpenApiParameter("uuid", str, OpenApiParameter.PATH, description=description)


UNIT = path_reference(_("Unit reference, e.g. TJ-B01-003."))
FACILITY = path_reference(_("Facility reference, e.g. TJ-F0007."))
WORK = path_reference(_("Work order reference, e.g. TJ-W00012."))
RUN = path_reference(_("Allocation run reference, e.g. TJ-R0003."))
HOUSEHOLD = path_reference(_("Household reference, e.g. TJ-000123."))
APPLICATION = path_reference(_("Application number, e.g. TJ-A00042."), "application")
SURVEY = path_uuid(_("The survey's UUID."))
OFFER = path_uuid(_("The offer's UUID."))


def settlement_query_field() -> serializers.CharField:
    return serializers.CharField(
        required=False, allow_blank=True, help_text=_("A settlement code, e.g. TJ.")
    )


def flag_field(help_text: Any) -> serializers.BooleanField:
    """A yes/no filter: left out, it does not filter."""
    return serializers.BooleanField(required=False, allow_null=True, help_text=help_text)


def area_field(**kwargs: Any) -> serializers.DecimalField:
    kwargs.setdefault("help_text", _("m², a decimal string, one decimal."))
    return serializers.DecimalField(max_digits=7, decimal_places=1, **kwargs)


class BlankAsNull(serializers.CharField):  # type: ignore[misc]
    """Text that is empty when there is nothing to show (or nothing you may see): null."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> str | None:
        return str(value) or None


# --- Site -----------------------------------------------------------------------------------------


class BlockOutput(api.Serializer):
    reference = serializers.CharField()
    settlement = serializers.CharField(source="settlement.code")
    code = serializers.CharField()
    name = serializers.CharField()
    x = serializers.FloatField(help_text=_("Metres east on the site plan."))
    y = serializers.FloatField(help_text=_("Metres north on the site plan."))
    note = serializers.CharField()
    units = serializers.IntegerField(source="unit_count")
    facilities = serializers.IntegerField(source="facility_count")

    class Meta:
        ref_name = "HousingBlock"


class UnitOutput(api.Serializer):
    """A unit as the site plan sees it (read from ``mehman.housing.queries.UnitRow``)."""

    reference = serializers.CharField(source="unit.reference")
    uuid = serializers.UUIDField(source="unit.uuid")
    settlement = serializers.CharField(source="unit.settlement.code")
    block = serializers.CharField(source="unit.block.reference")
    number = serializers.IntegerField(source="unit.number")
    street = serializers.CharField(source="unit.street")
    x = serializers.FloatField(source="unit.x")
    y = serializers.FloatField(source="unit.y")
    floor_area = area_field(source="unit.floor_area")
    rooms = serializers.IntegerField(source="unit.rooms")
    ground_floor = serializers.BooleanField(source="unit.ground_floor")
    ramp = serializers.BooleanField(source="unit.ramp")
    step_free = serializers.BooleanField(
        source="unit.step_free", help_text=_("On the ground floor with a ramp or level entrance.")
    )
    own_tap = serializers.BooleanField(source="unit.own_tap")
    own_toilet = serializers.BooleanField(source="unit.own_toilet")
    heating = serializers.ChoiceField(source="unit.heating", choices=Heating.choices)
    electricity = serializers.BooleanField(source="unit.electricity")
    state = serializers.ChoiceField(source="unit.state", choices=UnitState.choices)
    condition = serializers.IntegerField(
        source="unit.condition", allow_null=True, help_text=_("0 to 100, from the latest survey.")
    )
    surveyed_on = api.DateField(source="unit.surveyed_on", allow_null=True)
    capacity = serializers.IntegerField(
        source="unit.capacity", help_text=_("Persons, by the living-space standard.")
    )
    occupied = serializers.BooleanField()
    occupants = serializers.IntegerField(
        allow_null=True, help_text=_("Members of the household living there; null if none.")
    )
    household = BlankAsNull(
        source="household_reference",
        help_text=_("The household living there; null if none or not shown to you."),
    )
    held = serializers.BooleanField(help_text=_("Offered to a household awaiting its answer."))
    vacant = serializers.BooleanField(help_text=_("Habitable, nobody living there, not held."))
    m2_per_person = serializers.DecimalField(
        max_digits=7, decimal_places=1, allow_null=True, help_text=_("Covered space per occupant.")
    )
    crowded = serializers.BooleanField(help_text=_("Below the living-space standard."))
    water_m = serializers.FloatField(
        allow_null=True, help_text=_("Metres to the nearest working water point; 0: own tap.")
    )
    toilet_m = serializers.FloatField(
        allow_null=True, help_text=_("Metres to the nearest working toilet; 0: own toilet.")
    )
    version = serializers.IntegerField(source="unit.version")

    class Meta:
        ref_name = "HousingUnit"


class FacilityOutput(api.Serializer):
    reference = serializers.CharField()
    uuid = serializers.UUIDField()
    settlement = serializers.CharField(source="settlement.code")
    block = serializers.CharField(source="block.reference", allow_null=True)
    kind = serializers.ChoiceField(choices=FacilityKind.choices)
    name = serializers.CharField()
    x = serializers.FloatField()
    y = serializers.FloatField()
    capacity = serializers.IntegerField()
    capacity_unit = serializers.CharField(help_text=_("What the capacity counts, translated."))
    in_service = serializers.BooleanField()
    condition = serializers.IntegerField(allow_null=True)
    surveyed_on = api.DateField(allow_null=True)
    note = serializers.CharField()
    version = serializers.IntegerField()

    class Meta:
        ref_name = "HousingFacility"


class OccupancyOutput(api.Serializer):
    uuid = serializers.UUIDField()
    unit = serializers.CharField(source="unit.reference")
    household = serializers.CharField(source="household.reference")
    started_on = api.DateField()
    ended_on = api.DateField(allow_null=True, help_text=_("Null while the household lives there."))
    reason = serializers.ChoiceField(choices=MoveReason.choices)
    end_reason = serializers.ChoiceField(choices=EndReason.choices, allow_blank=True)
    note = serializers.CharField()
    application = serializers.CharField(source="application.reference", allow_null=True)

    class Meta:
        ref_name = "HousingOccupancy"


# --- Surveys and works ----------------------------------------------------------------------------


class SurveyOutput(api.Serializer):
    uuid = serializers.UUIDField()
    settlement = serializers.CharField(source="settlement.code")
    unit = serializers.CharField(source="unit.reference", allow_null=True)
    facility = serializers.CharField(source="facility.reference", allow_null=True)
    surveyed_on = api.DateField()
    items = serializers.DictField(
        child=serializers.CharField(),
        help_text=_("Rating by checklist item: good, fair, poor or na."),
    )
    score = serializers.IntegerField(help_text=_("0 to 100."))
    note = serializers.CharField()
    surveyed_by = serializers.CharField(source="surveyed_by.username", allow_null=True)

    class Meta:
        ref_name = "HousingSurvey"


WORK_ACTIONS = ("approve", "start", "complete", "cancel")


class WorkPhotoOutput(api.Serializer):
    uuid = serializers.UUIDField()
    stage = serializers.ChoiceField(choices=PhotoStage.choices)
    caption = serializers.CharField()
    taken_on = api.DateField()
    url = serializers.SerializerMethodField(help_text=_("Served to staff who may read the work."))

    class Meta:
        ref_name = "HousingWorkPhoto"

    def get_url(self, photo: WorkPhoto) -> str:
        return reverse("housing:work_photo_file", args=[photo.uuid])


class WorkOrderOutput(api.Serializer):
    reference = serializers.CharField()
    uuid = serializers.UUIDField()
    settlement = serializers.CharField(source="settlement.code")
    unit = serializers.CharField(source="unit.reference", allow_null=True)
    facility = serializers.CharField(source="facility.reference", allow_null=True)
    survey = serializers.UUIDField(source="survey.uuid", allow_null=True)
    kind = serializers.ChoiceField(choices=WorkKind.choices)
    title = serializers.CharField()
    description = serializers.CharField()
    priority = serializers.ChoiceField(choices=WorkPriority.choices)
    status = serializers.ChoiceField(choices=WorkStatus.choices)
    estimate = serializers.IntegerField(help_text=_("Rials."))
    actual_cost = serializers.IntegerField(allow_null=True, help_text=_("Rials."))
    funder = OrganisationRef(allow_null=True)
    contractor = OrganisationRef(allow_null=True)
    planned_start = api.DateField(allow_null=True)
    planned_end = api.DateField(allow_null=True)
    started_on = api.DateField(allow_null=True)
    completed_on = api.DateField(allow_null=True)
    cancel_reason = serializers.CharField()
    condition_before = serializers.IntegerField(allow_null=True)
    condition_after = serializers.IntegerField(allow_null=True)
    capacity_before = serializers.IntegerField(allow_null=True)
    capacity_after = serializers.IntegerField(allow_null=True)
    beds_added = serializers.IntegerField(help_text=_("Persons more the unit holds after it."))
    photos = WorkPhotoOutput(many=True, help_text=_("Before and after the work."))
    version = serializers.IntegerField()
    actions = serializers.ListField(
        child=serializers.CharField(),
        help_text=_(
            "The steps you may take now: approve, start, complete, cancel (POST …/<action>/)."
        ),
    )

    class Meta:
        ref_name = "HousingWorkOrder"


# --- Offers ---------------------------------------------------------------------------------------


class CandidateOutput(api.Serializer):
    application = serializers.CharField(source="application.reference")
    household = serializers.CharField(source="application.household.reference")
    household_size = serializers.IntegerField(source="application.household.size")
    rank = serializers.IntegerField(source="application.rank", allow_null=True)
    score = serializers.DecimalField(
        source="application.score", max_digits=10, decimal_places=2, allow_null=True
    )
    needs_step_free = serializers.BooleanField(
        help_text=_("A member cannot manage steps (walking difficulty or physical disability).")
    )

    class Meta:
        ref_name = "HousingCandidate"


class VacancyOutput(api.Serializer):
    reference = serializers.CharField()
    settlement = serializers.CharField(source="settlement.code")
    block = serializers.CharField(source="block.reference")
    floor_area = area_field()
    rooms = serializers.IntegerField()
    capacity = serializers.IntegerField()
    step_free = serializers.BooleanField()
    condition = serializers.IntegerField(allow_null=True)
    candidates = CandidateOutput(
        many=True, help_text=_("The top-ranked waitlisted households that fit, in rank order.")
    )

    class Meta:
        ref_name = "HousingVacancy"


class OfferOutput(api.Serializer):
    uuid = serializers.UUIDField()
    settlement = serializers.CharField(source="settlement.code")
    unit = serializers.CharField(source="unit.reference")
    application = serializers.CharField(source="application.reference")
    household = serializers.CharField(source="application.household.reference")
    status = serializers.ChoiceField(choices=OfferStatus.choices)
    offered_on = api.DateField()
    respond_by = api.DateField()
    answered_on = api.DateField(allow_null=True)
    run = serializers.CharField(source="run.reference", allow_null=True)
    version = serializers.IntegerField()

    class Meta:
        ref_name = "HousingOffer"


# --- Allocation runs ------------------------------------------------------------------------------


class ProgressOutput(api.Serializer):
    uuid = serializers.UUIDField()
    status = serializers.ChoiceField(choices=TaskStatus.choices)
    percent = serializers.IntegerField()
    message = serializers.CharField()

    class Meta:
        ref_name = "HousingRunProgress"


class ReasonOutput(api.Serializer):
    code = serializers.CharField(
        help_text=_(
            "rank, fits, accessible, family, family_split, smallest_fit or not_placed "
            "(see mehman.housing.allocation)."
        )
    )
    params = serializers.DictField(help_text=_("The figures behind the reason."))
    text = serializers.CharField(help_text=_("The reason as a sentence, in your language."))

    class Meta:
        ref_name = "HousingProposalReason"


class ProposalOutput(api.Serializer):
    application = serializers.CharField(source="application.reference")
    household = serializers.CharField(source="application.household.reference")
    household_size = serializers.IntegerField(source="application.household.size")
    rank = serializers.IntegerField(allow_null=True)
    unit = serializers.CharField(source="unit.reference", allow_null=True)
    greedy_unit = serializers.CharField(
        source="greedy_unit.reference",
        allow_null=True,
        help_text=_("The unit a rank-order allocation would give."),
    )
    reasons = ReasonOutput(many=True, source="reason_rows")
    edited = serializers.BooleanField()
    edit_reason = serializers.CharField()
    offer = serializers.UUIDField(source="offer.uuid", allow_null=True)

    class Meta:
        ref_name = "HousingProposal"


class RunSummaryOutput(api.Serializer):
    reference = serializers.CharField()
    uuid = serializers.UUIDField()
    settlement = serializers.CharField(source="settlement.code")
    status = serializers.ChoiceField(choices=RunStatus.choices)
    vacancies = serializers.IntegerField(source="vacancy_count")
    figures = serializers.DictField(
        help_text=_(
            "objective, greedy_objective, bound, bound_proven, gap, greedy_gap, solve_s, "
            "placed, greedy_placed, waste, groups_together, edits…"
        )
    )
    note = serializers.CharField()
    started_by = serializers.CharField(source="created_by.username", allow_null=True)
    started_at = serializers.DateTimeField(source="created_at")
    decided_by = serializers.CharField(source="decided_by.username", allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    progress = ProgressOutput(allow_null=True)
    version = serializers.IntegerField()

    class Meta:
        ref_name = "HousingRunSummary"


class RunOutput(RunSummaryOutput):
    units = serializers.ListField(
        child=serializers.CharField(), source="unit_references", help_text=_("The vacancies.")
    )
    weights = serializers.DictField(child=serializers.IntegerField())
    proposals = ProposalOutput(many=True, source="proposal_rows")

    class Meta:
        ref_name = "HousingRun"
