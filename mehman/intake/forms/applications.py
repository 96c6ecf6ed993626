"""Forms of the application pages: the list's filters, starting and correcting an
application, and the small forms of its transitions (an offer, a reason, an appeal).

Nothing here saves: ``mehman.intake.services`` checks the rules and the status machine.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from mehman.core import digits, names
from mehman.core.forms import LTR, JalaliDateField, LocalizedIntegerField, with_blank
from mehman.intake.models import Application, ApplicationStatus, Channel, CurrentHousing
from mehman.intake.services.status import normalise_reference
from mehman.partners.models import Organisation
from mehman.registry.models import DocumentType, Household

ANY = _("Any")


# --- The list --------------------------------------------------------------------------------


class ApplicationFilterForm(forms.Form):
    """Narrow the list of applications (a GET form)."""

    q = forms.CharField(
        label=_("Application or household number"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=with_blank(ApplicationStatus.choices, ANY)
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=with_blank(Channel.choices, ANY)
    )

    def filter(self, applications: QuerySet[Application]) -> QuerySet[Application]:
        if not self.is_bound or not self.is_valid():
            return applications
        data = self.cleaned_data
        if data["status"]:
            applications = applications.filter(status=data["status"])
        if data["status"] == ApplicationStatus.WAITLISTED:
            applications = applications.order_by("rank", "id")
        if data["channel"]:
            applications = applications.filter(channel=data["channel"])
        typed = digits.to_ascii(data["q"] or "").strip().upper()
        if typed:
            applications = applications.filter(
                Q(reference=normalise_reference(typed))
                | Q(household__reference=names.reference_key(typed) or typed)
                | Q(reference__icontains=typed)
                | Q(household__reference__icontains=typed)
            )
        return applications


# --- Starting and correcting -----------------------------------------------------------------


class OrganisationChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class ApplicationDetailsForm(forms.Form):
    """What the clerk records at the interview; the service checks it."""

    applied_on = JalaliDateField(
        label=_("Application date"), required=False, help_text=_("Leave empty for today.")
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=with_blank(Channel.choices))
    referred_by = OrganisationChoiceField(
        label=_("Referring partner"),
        queryset=Organisation.objects.none(),
        to_field_name="uuid",
        required=False,
        help_text=_("Required when a partner referred the household."),
    )
    current_housing = forms.ChoiceField(
        label=_("Current housing"), choices=with_blank(CurrentHousing.choices)
    )
    current_place = forms.CharField(
        label=_("Current place of living"),
        max_length=200,
        help_text=_("City, village or district."),
    )
    reasons = forms.CharField(
        label=_("Reasons for applying"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    documents_seen = forms.MultipleChoiceField(
        label=_("Documents seen at the interview"),
        choices=DocumentType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    monthly_income = LocalizedIntegerField(
        label=_("Monthly income (rial)"),
        required=False,
        min_value=0,
        help_text=_("Leave empty if unknown; 0 means no income."),
    )
    eviction_risk = forms.BooleanField(label=_("Facing eviction or homeless"), required=False)
    consent_given = forms.BooleanField(
        label=_("The household consents to the processing of its data"), required=False
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["referred_by"].queryset = organisations  # type: ignore[attr-defined]

    def details(self) -> dict[str, Any]:
        """The cleaned details, named as the services take them."""
        data = self.cleaned_data
        details = {
            "channel": data["channel"],
            "referred_by": data["referred_by"],
            "current_housing": data["current_housing"],
            "current_place": data["current_place"],
            "reasons": data["reasons"],
            "documents_seen": list(data["documents_seen"]),
            "monthly_income": data["monthly_income"],
            "eviction_risk": data["eviction_risk"],
            "consent_given": data["consent_given"],
        }
        if data["applied_on"] is not None:  # left empty: today, or as recorded before
            details["applied_on"] = data["applied_on"]
        return details

    def check_partner_serves(self, household: Household | None) -> None:
        """The referring partner must work in the household's settlement."""
        partner = self.cleaned_data.get("referred_by")
        if partner is None or household is None:
            return
        if not partner.settlements.filter(pk=household.settlement_id).exists():
            self.add_error(
                "referred_by", _("This partner does not work in the household's settlement.")
            )


class NewApplicationForm(ApplicationDetailsForm):
    household = forms.CharField(
        label=_("Household reference number"),
        max_length=40,
        widget=forms.TextInput(attrs={**LTR, "autocomplete": "off", "placeholder": "TJ-000123"}),
    )
    field_order = ["household"]

    def __init__(self, *args: Any, households: QuerySet[Household], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.households = households

    def clean_household(self) -> Household:
        typed = self.cleaned_data["household"]
        key = names.reference_key(typed) or digits.to_ascii(typed).strip().upper()
        found = self.households.select_related("settlement").filter(reference=key).first()
        if found is None:
            raise forms.ValidationError(
                _("No household with this reference number in your settlements."),
                code="household",
            )
        return found

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        household = cleaned.get("household")
        self.check_partner_serves(household if isinstance(household, Household) else None)
        return cleaned


class EditApplicationForm(ApplicationDetailsForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=300,
        required=False,
        help_text=_("Required once the application has been screened."),
    )

    def __init__(self, *args: Any, application: Application, **kwargs: Any) -> None:
        kwargs.setdefault("initial", initial_of(application))
        super().__init__(*args, **kwargs)
        self.application = application

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.check_partner_serves(self.application.household)
        return cleaned


def initial_of(application: Application) -> dict[str, Any]:
    return {
        "version": application.version,
        "applied_on": application.applied_on,
        "channel": application.channel,
        "referred_by": application.referred_by.uuid if application.referred_by else None,
        "current_housing": application.current_housing,
        "current_place": application.current_place,
        "reasons": application.reasons,
        "documents_seen": list(application.documents_seen),
        "monthly_income": application.monthly_income,
        "eviction_risk": application.eviction_risk,
        "consent_given": application.consent_given,
    }


# --- Transitions -----------------------------------------------------------------------------


class ConfirmForm(forms.Form):
    """A transition that needs nothing but the click."""


class OfferForm(forms.Form):
    place = forms.CharField(
        label=_("Home offered"),
        max_length=200,
        help_text=_("Block and unit, e.g. B-12."),
    )
    respond_by = JalaliDateField(
        label=_("Answer due by"),
        required=False,
        help_text=_("Leave empty for the usual period."),
    )
    skip_reason = forms.CharField(
        label=_("Why households ranked higher are passed over"),
        max_length=300,
        required=False,
        help_text=_("Required when households rank higher on the waitlist."),
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("The household's reason"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    back_to_waitlist = forms.BooleanField(
        label=_("Back on the waitlist, keeping its score"), required=False, initial=True
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 3})
    )


class AppealForm(forms.Form):
    grounds = forms.CharField(
        label=_("Grounds of appeal"), widget=forms.Textarea(attrs={"rows": 4})
    )


UPHELD_CHOICES = [
    ("yes", _("Upheld: the appeal succeeds")),
    ("no", _("Dismissed: the decision stands")),
]


class DecideAppealForm(forms.Form):
    upheld = forms.ChoiceField(label=_("Outcome"), choices=UPHELD_CHOICES, widget=forms.RadioSelect)
    decision = forms.CharField(
        label=_("Decision and its reasons"), widget=forms.Textarea(attrs={"rows": 4})
    )
