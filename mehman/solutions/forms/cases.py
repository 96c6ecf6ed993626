"""Forms of the case page: opening a case, its pathway, stage and caseworker, closing it, the
household's intentions, the plan of milestones, readiness, approvals and case notes.

Nothing here saves: ``mehman.solutions.services`` checks the rules. Forms that change the case
itself carry its version, so an edit made on a stale page is refused.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from mehman.accounts.models import NO_PERSONAL_RECORDS, User
from mehman.core import dates
from mehman.core.forms import JalaliDateField
from mehman.registry.models import Household, Individual
from mehman.residence.models import Pathway
from mehman.solutions.models import (
    OPEN_STAGES,
    ApprovalKind,
    CaseStage,
    ComplementaryPathway,
    ReadinessCriterion,
    SolutionsCase,
)
from mehman.solutions.services.approvals import KIND_PATHWAY

DECISIONS = [("approve", _("Approve")), ("reject", _("Reject"))]


def staff_of(settlement_id: int) -> QuerySet[User]:
    """Active staff working in the settlement who may be named on a case."""
    staff: QuerySet[User] = (
        User.objects.filter(is_active=True, memberships__settlement_id=settlement_id)
        .exclude(role__in=NO_PERSONAL_RECORDS)
        .distinct()
        .order_by("first_name", "username")
    )
    return staff


class StaffField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("to_field_name", "username")
        super().__init__(User.objects.none(), *args, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class MemberField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("to_field_name", "uuid")
        super().__init__(Individual.objects.none(), *args, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name)


class MembersField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    widget = forms.CheckboxSelectMultiple

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("to_field_name", "uuid")
        super().__init__(Individual.objects.none(), *args, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name)


def active_members(household: Household) -> QuerySet[Individual]:
    return household.active_members().order_by("pk")


class VersionedForm(forms.Form):
    """Carries the version of the record from the page the user saw."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, record: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if record is not None and record.pk is not None and not self.is_bound:
            self.initial["version"] = record.version
        if record is None or record.pk is None:
            self.fields["version"].required = False


def _pathway_field(label: Any = None) -> forms.ChoiceField:
    return forms.ChoiceField(label=label or _("Pathway"), choices=Pathway.choices)


def _complementary_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Complementary pathway"),
        choices=ComplementaryPathway.choices,
        required=False,
        help_text=_("Only for resettlement."),
    )


# --- The case ---------------------------------------------------------------------------------


class OpenCaseForm(forms.Form):
    pathway = _pathway_field()
    complementary = _complementary_field()
    owner = StaffField(label=_("Caseworker"), required=False)
    reason = forms.CharField(
        label=_("Why this pathway"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, household: Household, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        staff = staff_of(household.settlement_id)
        self.fields["owner"].queryset = staff  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial.setdefault("pathway", Pathway.UNDECIDED)
            if staff.filter(pk=user.pk).exists():
                self.initial.setdefault("owner", user.username)


class PathwayForm(VersionedForm):
    pathway = _pathway_field()
    complementary = _complementary_field()
    reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, case: SolutionsCase, **kwargs: Any) -> None:
        super().__init__(*args, record=case, **kwargs)
        if not self.is_bound:
            self.initial.update({"pathway": case.pathway, "complementary": case.complementary})


class StageForm(VersionedForm):
    stage = forms.ChoiceField(label=_("Stage"))
    reason = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, case: SolutionsCase, **kwargs: Any) -> None:
        super().__init__(*args, record=case, **kwargs)
        labels = dict(CaseStage.choices)
        self.fields["stage"].choices = [  # type: ignore[attr-defined]
            (stage, labels[stage]) for stage in OPEN_STAGES
        ]
        if not self.is_bound:
            self.initial["stage"] = case.stage


class OwnerForm(VersionedForm):
    owner = StaffField(label=_("Caseworker"))

    def __init__(self, *args: Any, case: SolutionsCase, **kwargs: Any) -> None:
        super().__init__(*args, record=case, **kwargs)
        self.fields["owner"].queryset = staff_of(case.settlement_id)  # type: ignore[attr-defined]
        if not self.is_bound and case.owner is not None:
            self.initial["owner"] = case.owner.username


class CloseCaseForm(VersionedForm):
    reason = forms.CharField(
        label=_("Reason for closing the case"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    closed_on = JalaliDateField(label=_("Closed on"), required=False)

    def __init__(self, *args: Any, case: SolutionsCase, **kwargs: Any) -> None:
        super().__init__(*args, record=case, **kwargs)
        if not self.is_bound:
            self.initial["closed_on"] = dates.today()


# --- Intentions and the plan -------------------------------------------------------------------


class SurveyForm(forms.Form):
    surveyed_on = JalaliDateField(label=_("Date of the survey"))
    respondent = MemberField(label=_("Answered by"))
    preferred = _pathway_field(_("Preferred solution"))
    complementary = _complementary_field()
    conditions = forms.CharField(
        label=_("Conditions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the household says must be true before it would go."),
    )

    def __init__(self, *args: Any, case: SolutionsCase, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["respondent"].queryset = active_members(case.household)  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial["surveyed_on"] = dates.today()
            if case.household.head is not None:
                self.initial["respondent"] = case.household.head.uuid


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Step"), max_length=200)
    owner = StaffField(label=_("Responsible"))
    due_on = JalaliDateField(label=_("Due"))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, case: SolutionsCase, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        staff = staff_of(case.settlement_id)
        self.fields["owner"].queryset = staff  # type: ignore[attr-defined]
        if not self.is_bound:
            owner = case.owner or (user if staff.filter(pk=user.pk).exists() else None)
            if owner is not None:
                self.initial["owner"] = owner.username


class MilestoneDoneForm(forms.Form):
    done_on = JalaliDateField(label=_("Done on"))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["done_on"] = dates.today()


class MilestoneDropForm(forms.Form):
    reason = forms.CharField(label=_("Why the step is dropped"), max_length=300)


# --- Readiness ----------------------------------------------------------------------------------


class ReadinessForm(forms.Form):
    """Every criterion of the pathway's checklist is assessed: ticked is met, not ticked is
    not met."""

    met = forms.MultipleChoiceField(
        label=_("Criteria met"), required=False, widget=forms.CheckboxSelectMultiple
    )
    assessed_on = JalaliDateField(label=_("Assessed on"))

    def __init__(
        self,
        *args: Any,
        criteria: list[ReadinessCriterion],
        met_now: list[str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        self.fields["met"].choices = [  # type: ignore[attr-defined]
            (c.code, f"{c.text} ({c.weight})") for c in criteria
        ]
        if not self.is_bound:
            self.initial.update({"met": met_now, "assessed_on": dates.today()})

    def answers(self) -> dict[str, bool]:
        ticked = set(self.cleaned_data["met"])
        return {c.code: c.code in ticked for c in self.criteria}


# --- Approvals and notes ----------------------------------------------------------------------


class ApprovalRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Decision"), choices=ApprovalKind.choices)
    justification = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, case: SolutionsCase, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            for kind, pathway in KIND_PATHWAY.items():
                if pathway == case.pathway:
                    self.initial["kind"] = kind


class ApprovalDecideForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Reason for the decision"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed to reject."),
    )


class CaseNoteForm(forms.Form):
    body = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 4}))


__all__ = [
    "ApprovalDecideForm",
    "ApprovalRequestForm",
    "CaseNoteForm",
    "CloseCaseForm",
    "MemberField",
    "MembersField",
    "MilestoneDoneForm",
    "MilestoneDropForm",
    "MilestoneForm",
    "OpenCaseForm",
    "OwnerForm",
    "PathwayForm",
    "ReadinessForm",
    "StaffField",
    "StageForm",
    "SurveyForm",
    "VersionedForm",
    "active_members",
    "staff_of",
]
