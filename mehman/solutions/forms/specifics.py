"""Forms of what each pathway records (a voluntary return, a resettlement referral, a move into
the city) and of referring the household to a partner.

Nothing here saves: ``mehman.solutions.services`` checks the rules.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from mehman.core import dates
from mehman.core.forms import LTR, JalaliDateField, with_blank
from mehman.partners.models import Organisation
from mehman.solutions.forms.cases import MembersField, VersionedForm, active_members
from mehman.solutions.models import (
    LocalIntegration,
    RepatriationDetails,
    ResettlementCategory,
    ResettlementOutcome,
    ResettlementPriority,
    ResettlementReferral,
    ServiceType,
    SolutionsCase,
)
from mehman.solutions.services.pathways import INTEGRATION_FIELDS, REPATRIATION_FIELDS

CONSENT_CHOICES = [
    ("yes", _("Yes, the household consents to the referral")),
    ("no", _("No: refer without the household's consent")),
]


def _initial_from(form: forms.Form, record: Any, names: tuple[str, ...]) -> None:
    if record is not None and not form.is_bound:
        for name in names:
            form.initial[name] = getattr(record, name)


# --- Voluntary return -------------------------------------------------------------------------


class RepatriationForm(VersionedForm):
    intended_province = forms.CharField(label=_("Intended province"), max_length=80, required=False)
    intended_district = forms.CharField(label=_("Intended district"), max_length=80, required=False)
    deregistered_on = JalaliDateField(label=_("Deregistered on"), required=False)
    laissez_passer_number = forms.CharField(
        label=_("Laissez-passer number"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs=LTR),
    )
    vrf_number = forms.CharField(
        label=_("Voluntary repatriation form number"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs=LTR),
    )
    members_departing = MembersField(label=_("Members departing"), required=False)
    departure_on = JalaliDateField(label=_("Departure date"), required=False)
    crossing_point = forms.CharField(label=_("Crossing point"), max_length=80, required=False)
    cards_surrendered = forms.BooleanField(label=_("Residence cards surrendered"), required=False)
    cards_surrendered_on = JalaliDateField(label=_("Cards surrendered on"), required=False)

    def __init__(
        self, *args: Any, case: SolutionsCase, details: RepatriationDetails | None, **kwargs: Any
    ) -> None:
        super().__init__(*args, record=details, **kwargs)
        self.fields["members_departing"].queryset = active_members(case.household)  # type: ignore[attr-defined]
        _initial_from(self, details, REPATRIATION_FIELDS)
        if details is not None and not self.is_bound:
            self.initial["members_departing"] = [p.uuid for p in details.members_departing.all()]
        elif not self.is_bound:
            self.initial["crossing_point"] = RepatriationDetails._meta.get_field(
                "crossing_point"
            ).get_default()

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in REPATRIATION_FIELDS}


class CounsellingForm(forms.Form):
    held_on = JalaliDateField(label=_("Session held on"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["held_on"] = dates.today()


# --- Resettlement -----------------------------------------------------------------------------


class ResettlementForm(VersionedForm):
    primary_category = forms.ChoiceField(
        label=_("Primary category"), choices=with_blank(ResettlementCategory.choices)
    )
    secondary_category = forms.ChoiceField(
        label=_("Secondary category"), choices=with_blank(ResettlementCategory.choices)
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=ResettlementPriority.choices)
    justification = forms.CharField(
        label=_("Justification"), widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, referral: ResettlementReferral | None, **kwargs: Any) -> None:
        super().__init__(*args, record=referral, **kwargs)
        _initial_from(
            self,
            referral,
            ("primary_category", "secondary_category", "priority", "justification"),
        )
        if referral is None and not self.is_bound:
            self.initial["priority"] = ResettlementPriority.NORMAL


class UnhcrForm(forms.Form):
    referred_on = JalaliDateField(label=_("Referred to UNHCR on"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["referred_on"] = dates.today()


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=with_blank(
            [c for c in ResettlementOutcome.choices if c[0] != ResettlementOutcome.PENDING]
        ),
    )
    outcome_on = JalaliDateField(label=_("Outcome on"))
    note = forms.CharField(label=_("Outcome note"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["outcome_on"] = dates.today()


# --- Local integration ------------------------------------------------------------------------


class IntegrationForm(VersionedForm):
    city = forms.CharField(label=_("City"), max_length=80, required=False)
    city_address = forms.CharField(label=_("Address in the city"), max_length=300, required=False)
    tenancy_start = JalaliDateField(label=_("Tenancy starts"), required=False)
    permits = forms.CharField(
        label=_("Permits"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Work and residence permits held or applied for."),
    )
    schools = forms.CharField(
        label=_("Schools"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Where the children enrol."),
    )
    follow_up_on = JalaliDateField(label=_("Follow up on"), required=False)
    follow_up_note = forms.CharField(
        label=_("Follow-up"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, record: LocalIntegration | None, **kwargs: Any) -> None:
        super().__init__(*args, record=record, **kwargs)
        _initial_from(self, record, INTEGRATION_FIELDS)

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in INTEGRATION_FIELDS}


# --- Referral to a partner ----------------------------------------------------------------------


class OrganisationField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class PartnerReferralForm(forms.Form):
    organisation = OrganisationField(
        label=_("Refer to"), queryset=Organisation.objects.none(), to_field_name="uuid"
    )
    service_type = forms.ChoiceField(label=_("Service"), choices=with_blank(ServiceType.choices))
    service = forms.CharField(
        label=_("Service requested"),
        max_length=200,
        required=False,
        help_text=_("E.g. legal counselling on the return papers; the kind of service if empty."),
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    follow_up_on = JalaliDateField(
        label=_("Follow up by"),
        help_text=_("Past this date an open referral is flagged overdue."),
    )
    consent = forms.ChoiceField(
        label=_("Consent"), choices=CONSENT_CHOICES, widget=forms.RadioSelect, initial="yes"
    )
    consent_override = forms.CharField(
        label=_("Reason to refer without consent"),
        max_length=300,
        required=False,
        help_text=_("Only when the household does not consent: why the referral cannot wait."),
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial["follow_up_on"] = dates.add_months(dates.today(), 1)

    def referral_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        consents = data["consent"] == "yes"
        return {
            "organisation": data["organisation"],
            "service_type": data["service_type"],
            "service": data["service"],
            "reason": data["reason"],
            "follow_up_on": data["follow_up_on"],
            "consent_given": consents,
            "consent_override": "" if consents else data["consent_override"],
        }
