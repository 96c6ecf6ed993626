"""Forms of the organisation pages: the directory's filters, an organisation's details,
its contacts, staff accounts and agreements."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from mehman.core.models import Settlement
from mehman.partners.forms.base import (
    ANY,
    LTR,
    PHONE,
    JalaliDateField,
    VersionedForm,
    json_list_has,
    settlements_field,
    with_blank,
    yes_no_choices,
)
from mehman.partners.models import (
    DataCategory,
    Organisation,
    OrganisationType,
    Sector,
)

# --- The directory's filters ------------------------------------------------------------------


class OrganisationFilterForm(forms.Form):
    org_type = forms.ChoiceField(
        label=_("Type"), required=False, choices=with_blank(OrganisationType.choices, ANY)
    )
    sector = forms.ChoiceField(
        label=_("Sector"), required=False, choices=with_blank(Sector.choices, ANY)
    )
    settlement = forms.ChoiceField(label=_("Settlement"), required=False)
    active = forms.ChoiceField(
        label=_("Active"), required=False, choices=yes_no_choices(_("Active"), _("Inactive"))
    )

    def __init__(self, data: Any, *, settlements: list[Settlement]) -> None:
        super().__init__(data)
        choices = with_blank([(s.code, s.name) for s in settlements], ANY)
        self.fields["settlement"].choices = choices  # type: ignore[attr-defined]

    def filter(self, organisations: QuerySet[Organisation]) -> QuerySet[Organisation]:
        if not self.is_bound or not self.is_valid():
            return organisations
        data = self.cleaned_data
        if data["org_type"]:
            organisations = organisations.filter(org_type=data["org_type"])
        if data["sector"]:
            organisations = organisations.filter(json_list_has("sectors", data["sector"]))
        if data["settlement"]:
            organisations = organisations.filter(
                pk__in=Organisation.objects.filter(settlements__code=data["settlement"]).values(
                    "pk"
                )
            )
        if data["active"]:
            organisations = organisations.filter(is_active=data["active"] == "yes")
        return organisations


# --- An organisation's details ----------------------------------------------------------------


class OrganisationForm(forms.Form):
    name_fa = forms.CharField(label=_("Name (Persian)"), max_length=200, required=False)
    name_en = forms.CharField(
        label=_("Name (English)"), max_length=200, required=False, widget=forms.TextInput(LTR)
    )
    acronym = forms.CharField(
        label=_("Acronym"), max_length=20, required=False, widget=forms.TextInput(LTR)
    )
    org_type = forms.ChoiceField(label=_("Type"), choices=with_blank(OrganisationType.choices))
    sectors = forms.MultipleChoiceField(
        label=_("Sectors"),
        choices=Sector.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    settlements = settlements_field(_("Works in"), Settlement.objects.none())
    phone = forms.CharField(
        label=_("Phone"), max_length=32, required=False, widget=forms.TextInput(PHONE)
    )
    email = forms.EmailField(label=_("Email"), required=False, widget=forms.EmailInput(LTR))
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    website = forms.URLField(
        label=_("Website"), required=False, assume_scheme="https", widget=forms.URLInput(LTR)
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    DETAILS = (
        "name_fa",
        "name_en",
        "acronym",
        "org_type",
        "sectors",
        "phone",
        "email",
        "address",
        "website",
        "notes",
    )

    def __init__(self, data: Any = None, *, settlements: QuerySet[Settlement], **kwargs: Any):
        super().__init__(data, **kwargs)
        self.fields["settlements"].queryset = settlements  # type: ignore[attr-defined]

    def details(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.DETAILS}


class OrganisationEditForm(VersionedForm, OrganisationForm):
    is_active = forms.BooleanField(label=_("Active"), required=False)

    def __init__(
        self,
        data: Any = None,
        *,
        organisation: Organisation,
        settlements: QuerySet[Settlement],
    ) -> None:
        initial = {name: getattr(organisation, name) for name in self.DETAILS}
        initial["is_active"] = organisation.is_active
        initial["version"] = organisation.version
        initial["settlements"] = list(
            organisation.settlements.filter(pk__in=settlements.values("pk"))
        )
        super().__init__(data, settlements=settlements, initial=initial)
        self.organisation = organisation
        self.in_scope = settlements

    def details(self) -> dict[str, Any]:
        return {**super().details(), "is_active": self.cleaned_data["is_active"]}

    def all_settlements(self) -> list[Settlement]:
        """The settlements chosen here, and those outside the user's scope, kept as they were."""
        kept = self.organisation.settlements.exclude(pk__in=self.in_scope.values("pk"))
        return [*self.cleaned_data["settlements"], *kept]


# --- Contacts and staff accounts ---------------------------------------------------------------


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120, required=False)
    title = forms.CharField(label=_("Position"), max_length=120, required=False)
    phone = forms.CharField(
        label=_("Phone"), max_length=32, required=False, widget=forms.TextInput(PHONE)
    )
    email = forms.EmailField(label=_("Email"), required=False, widget=forms.EmailInput(LTR))


class StaffAccountField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        full = obj.get_full_name()
        return f"{obj.username} · {full}" if full else str(obj.username)


class StaffLinkForm(forms.Form):
    """A partner staff account of the organisation's settlements, chosen by its username."""

    user = StaffAccountField(
        label=_("Partner staff account"),
        queryset=get_user_model().objects.none(),
        to_field_name="username",
        help_text=_("Accounts with the partner staff role in this organisation's settlements."),
    )

    def __init__(
        self, data: Any = None, *, organisation: Organisation, settlements: QuerySet[Settlement]
    ) -> None:
        super().__init__(data)
        where = organisation.settlements.filter(pk__in=settlements.values("pk"))
        accounts = (
            get_user_model()
            .objects.filter(role="partner", is_active=True, memberships__settlement__in=where)
            .exclude(partner_link__organisation=organisation, partner_link__is_active=True)
            .distinct()
            .order_by("username")
        )
        self.fields["user"].queryset = accounts  # type: ignore[attr-defined]


# --- Agreements -------------------------------------------------------------------------------


class _AgreementForm(forms.Form):
    valid_from = JalaliDateField(label=_("Valid from"))
    valid_to = JalaliDateField(label=_("Valid to"))
    signed_on = JalaliDateField(label=_("Signed on"), required=False)
    reference = forms.CharField(
        label=_("Reference"), max_length=40, required=False, widget=forms.TextInput(LTR)
    )

    def __init__(
        self, data: Any = None, *, organisation: Organisation, settlements: QuerySet[Settlement]
    ) -> None:
        super().__init__(data)
        where = organisation.settlements.filter(pk__in=settlements.values("pk"))
        self.fields["settlements"].queryset = where  # type: ignore[attr-defined]
        if not self.is_bound and len(where) == 1:
            self.initial["settlements"] = list(where)


class AgreementForm(_AgreementForm):
    """A memorandum of understanding."""

    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    scope = forms.CharField(
        label=_("Scope"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    sectors = forms.MultipleChoiceField(
        label=_("Sectors"),
        choices=Sector.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    settlements = settlements_field(_("Settlements"), Settlement.objects.none(), required=False)

    field_order = [
        "title",
        "scope",
        "sectors",
        "settlements",
        "valid_from",
        "valid_to",
        "signed_on",
        "reference",
    ]


class DataAgreementForm(_AgreementForm):
    purpose = forms.CharField(label=_("Purpose"), max_length=300, required=False)
    categories = forms.MultipleChoiceField(
        label=_("Data shared"),
        choices=DataCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Without any category the partner sees the reference number and the members "
            "counted by sex and age. Protected needs and case notes are never shared."
        ),
    )
    settlements = settlements_field(_("Settlements"), Settlement.objects.none(), required=False)

    field_order = [
        "purpose",
        "categories",
        "settlements",
        "valid_from",
        "valid_to",
        "signed_on",
        "reference",
    ]


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason for revoking"), max_length=300, required=False)
    revoked_on = JalaliDateField(
        label=_("Revoked from"), required=False, help_text=_("Left empty: today.")
    )
