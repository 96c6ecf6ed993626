"""Forms of the pledge pages: the list's filters, a pledge, what arrives and where it is kept."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from mehman.core.models import Settlement
from mehman.partners.forms.base import (
    ANY,
    LTR,
    JalaliDateField,
    LocalizedDecimalField,
    LocalizedIntegerField,
    organisation_field,
    settlement_field,
    with_blank,
    yes_no_choices,
)
from mehman.partners.models import (
    GiftKind,
    HouseholdCriterion,
    Organisation,
    Pledge,
    PledgeStatus,
    Sector,
)


class PledgeFilterForm(forms.Form):
    donor = forms.ChoiceField(label=_("Donor"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=with_blank(PledgeStatus.choices, ANY)
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=with_blank(GiftKind.choices, ANY)
    )
    restricted = forms.ChoiceField(
        label=_("Restriction"),
        required=False,
        choices=yes_no_choices(_("Restricted"), _("Unrestricted")),
    )

    def __init__(self, data: Any, *, donors: list[Organisation]) -> None:
        super().__init__(data)
        self.fields["donor"].choices = with_blank(  # type: ignore[attr-defined]
            [(str(o.uuid), o.name) for o in donors], ANY
        )

    def filter(self, pledges: QuerySet[Pledge]) -> QuerySet[Pledge]:
        if not self.is_bound or not self.is_valid():
            return pledges
        data = self.cleaned_data
        if data["donor"]:
            pledges = pledges.filter(donor__uuid=data["donor"])
        if data["status"]:
            pledges = pledges.filter(status=data["status"])
        if data["kind"]:
            pledges = pledges.filter(kind=data["kind"])
        restricted = ~Q(restricted_sector="") | ~Q(restricted_to="")
        if data["restricted"] == "yes":
            pledges = pledges.filter(restricted)
        elif data["restricted"] == "no":
            pledges = pledges.exclude(restricted)
        return pledges


class PledgeForm(forms.Form):
    donor = organisation_field(_("Donor"), Organisation.objects.none())
    settlement = settlement_field(_("Settlement"), Settlement.objects.none())
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=GiftKind.choices,
        initial=GiftKind.IN_KIND,
        widget=forms.RadioSelect,
    )
    item = forms.CharField(
        label=_("Item"),
        max_length=200,
        required=False,
        help_text=_("For a gift in kind: what is given (winter kit, blanket, rice)."),
    )
    unit = forms.CharField(
        label=_("Unit"),
        max_length=40,
        required=False,
        help_text=_("For a gift in kind: kit, blanket, sack, kg."),
    )
    quantity = LocalizedDecimalField(
        label=_("Quantity"),
        max_digits=16,
        decimal_places=2,
        help_text=_("For cash: the amount in rials."),
    )
    value = LocalizedIntegerField(
        label=_("Value (rials)"),
        required=False,
        min_value=0,
        help_text=_("For a gift in kind: its estimated worth."),
    )
    pledged_on = JalaliDateField(label=_("Pledged on"), required=False)
    expected_on = JalaliDateField(label=_("Expected on"), required=False)
    restricted_sector = forms.ChoiceField(
        label=_("Only for the sector"),
        required=False,
        choices=with_blank(Sector.choices, _("No restriction")),
    )
    restricted_to = forms.ChoiceField(
        label=_("Only for households"),
        required=False,
        choices=with_blank(HouseholdCriterion.choices, _("No restriction")),
    )
    restricted_need = forms.CharField(
        label=_("Specific need code"),
        max_length=16,
        required=False,
        widget=forms.TextInput(LTR),
        help_text=_("When the gift is only for households with a specific need, e.g. DS-BD."),
    )
    restriction_note = forms.CharField(
        label=_("Restriction in the donor's words"), max_length=300, required=False
    )

    def __init__(
        self,
        data: Any = None,
        *,
        donors: QuerySet[Organisation],
        settlements: QuerySet[Settlement],
    ) -> None:
        super().__init__(data)
        self.fields["donor"].queryset = donors  # type: ignore[attr-defined]
        self.fields["settlement"].queryset = settlements  # type: ignore[attr-defined]
        if not self.is_bound and len(settlements) == 1:
            self.initial["settlement"] = settlements[0]

    def pledge_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        del data["donor"], data["settlement"]
        return data


class ReceiveForm(forms.Form):
    quantity = LocalizedDecimalField(label=_("Quantity received"), max_digits=16, decimal_places=2)
    received_on = JalaliDateField(label=_("Received on"), required=False)
    value = LocalizedIntegerField(
        label=_("Value (rials)"),
        required=False,
        min_value=0,
        help_text=_("Left empty: in proportion to the pledge's value."),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class StoreForm(forms.Form):
    place = forms.CharField(label=_("Stored at"), max_length=120, required=False)
    stored_on = JalaliDateField(label=_("Stored on"), required=False)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=300, required=False)
