"""Forms of the volunteer pages: the roster's filters, a volunteer's details and
safeguarding record, assignments and hours."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from mehman.core.models import Settlement
from mehman.partners.forms.base import (
    ANY,
    PHONE,
    JalaliDateField,
    LocalizedDecimalField,
    VersionedForm,
    WordListField,
    json_list_has,
    organisation_field,
    settlement_field,
    with_blank,
    yes_no_choices,
)
from mehman.partners.models import (
    Activity,
    ActivityStatus,
    BackgroundCheck,
    Organisation,
    Volunteer,
)

SEX_CHOICES = [("F", _("Female")), ("M", _("Male"))]


class VolunteerFilterForm(forms.Form):
    organisation = forms.ChoiceField(label=_("Organisation"), required=False)
    skill = forms.CharField(label=_("Skill"), required=False, max_length=60)
    language = forms.CharField(label=_("Language"), required=False, max_length=40)
    safeguarding = forms.ChoiceField(
        label=_("Safeguarding"),
        required=False,
        choices=with_blank([("complete", _("Complete")), ("incomplete", _("Incomplete"))], ANY),
    )
    active = forms.ChoiceField(
        label=_("Active"), required=False, choices=yes_no_choices(_("Active"), _("Inactive"))
    )

    def __init__(self, data: Any, *, organisations: list[Organisation]) -> None:
        super().__init__(data)
        choices = with_blank([(str(o.uuid), o.name) for o in organisations], ANY)
        self.fields["organisation"].choices = choices  # type: ignore[attr-defined]

    def filter(self, volunteers: QuerySet[Volunteer]) -> QuerySet[Volunteer]:
        if not self.is_bound or not self.is_valid():
            return volunteers
        data = self.cleaned_data
        if data["organisation"]:
            volunteers = volunteers.filter(organisation__uuid=data["organisation"])
        if skill := data["skill"].strip():
            volunteers = volunteers.filter(json_list_has("skills", skill, whole=False))
        if language := data["language"].strip():
            volunteers = volunteers.filter(json_list_has("languages", language))
        if data["safeguarding"]:
            safeguarded = Volunteer.objects.safeguarded().values("pk")
            if data["safeguarding"] == "complete":
                volunteers = volunteers.filter(pk__in=safeguarded)
            else:
                volunteers = volunteers.exclude(pk__in=safeguarded)
        if data["active"]:
            volunteers = volunteers.filter(is_active=data["active"] == "yes")
        return volunteers


class _VolunteerFields(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=160, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=with_blank(SEX_CHOICES))
    phone = forms.CharField(
        label=_("Phone"), max_length=32, required=False, widget=forms.TextInput(PHONE)
    )
    skills = WordListField(label=_("Skills"), required=False, help_text=_("Separated by commas."))
    languages = WordListField(
        label=_("Languages"), required=False, help_text=_("Separated by commas.")
    )
    availability = forms.CharField(label=_("Availability"), max_length=200, required=False)
    code_of_conduct_signed_on = JalaliDateField(
        label=_("Code of conduct signed on"), required=False
    )
    psea_trained_on = JalaliDateField(label=_("PSEA training completed on"), required=False)
    background_check = forms.ChoiceField(
        label=_("Background check"), choices=BackgroundCheck.choices
    )
    background_checked_on = JalaliDateField(label=_("Background check date"), required=False)

    DETAILS = (
        "name",
        "sex",
        "phone",
        "skills",
        "languages",
        "availability",
        "code_of_conduct_signed_on",
        "psea_trained_on",
        "background_check",
        "background_checked_on",
    )

    def details(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.DETAILS}


class VolunteerForm(_VolunteerFields):
    organisation = organisation_field(_("Organisation"), Organisation.objects.none())
    settlement = settlement_field(_("Settlement"), Settlement.objects.none())

    field_order = ["organisation", "settlement"]

    def __init__(
        self,
        data: Any = None,
        *,
        organisations: QuerySet[Organisation],
        settlements: QuerySet[Settlement],
    ) -> None:
        super().__init__(data)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["settlement"].queryset = settlements  # type: ignore[attr-defined]
        if not self.is_bound and len(settlements) == 1:
            self.initial["settlement"] = settlements[0]


class VolunteerEditForm(VersionedForm, _VolunteerFields):
    is_active = forms.BooleanField(label=_("Active"), required=False)

    def __init__(self, data: Any = None, *, volunteer: Volunteer) -> None:
        initial = {name: getattr(volunteer, name) for name in self.DETAILS}
        initial.update(is_active=volunteer.is_active, version=volunteer.version)
        super().__init__(data, initial=initial)

    def details(self) -> dict[str, Any]:
        return {**super().details(), "is_active": self.cleaned_data["is_active"]}


class ActivityChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        activity: Activity = obj
        return f"{activity.name} · {activity.organisation.short_name}"


class AssignForm(forms.Form):
    """An open activity of the volunteer's settlement."""

    activity = ActivityChoiceField(
        label=_("Activity"), queryset=Activity.objects.none(), to_field_name="uuid"
    )
    role = forms.CharField(label=_("Role"), max_length=120, required=False)
    starts_on = JalaliDateField(
        label=_("From"), required=False, help_text=_("Left empty: today, or the activity's start.")
    )
    ends_on = JalaliDateField(label=_("To"), required=False)

    def __init__(
        self, data: Any = None, *, volunteer: Volunteer, activities: QuerySet[Activity]
    ) -> None:
        super().__init__(data)
        open_here = (
            activities.filter(settlement=volunteer.settlement)
            .exclude(status__in=[ActivityStatus.COMPLETED, ActivityStatus.CANCELLED])
            .select_related("organisation")
        )
        self.fields["activity"].queryset = open_here  # type: ignore[attr-defined]


class HoursForm(forms.Form):
    worked_on = JalaliDateField(label=_("Date"))
    hours = LocalizedDecimalField(label=_("Hours"), max_digits=5, decimal_places=2)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
