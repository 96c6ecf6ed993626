"""Forms recording what reached households: one delivery, a distribution round,
attendance, and a donation spent on a work order.

Households are typed by reference number (Persian or Arabic-Indic digits
accepted) and looked up only among those the user may record for, so a
reference outside them reads exactly like one that does not exist.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from mehman.core import digits, names
from mehman.core.forms import (
    JalaliDateField,
    LocalizedDecimalField,
    LocalizedIntegerField,
    show_service_error,
    with_blank,
)
from mehman.partners.models import Donation, GiftKind, Organisation, Sector
from mehman.registry.models import Household, Individual

# A reference number inside typed text: letters, an optional dash, digits.
_REFERENCE = re.compile(r"[A-Za-z]{2,8}\s*[-/]?\s*[0-9]{1,9}")
_SEPARATORS = re.compile(r"[\s,،;؛«»\"'“”]+")
# Quotes copied around a reference («TJ-۰۰۰۱۲۳», "TJ-000123").
_QUOTES = "«»\"'“”"

MISSING = _("No household with this reference number.")
NOT_SHARED = _(
    "No household with this reference number is referred to your organisation "
    "under a live data-sharing agreement."
)


def missing_message(partner: bool) -> Any:
    """The same words whether the household does not exist or is not the user's to see."""
    return NOT_SHARED if partner else MISSING


# --- Fields ----------------------------------------------------------------------------------


class HouseholdReferenceField(forms.CharField):
    """A household typed by its reference number (``TJ-000123``, ``tj 123``, «TJ-۰۰۰۱۲۳»),
    cleaned to the household among ``households``."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off", "spellcheck": "false"}),
        )
        kwargs.setdefault("help_text", _("Its reference number, e.g. TJ-000123."))
        super().__init__(**kwargs)
        self.households: QuerySet[Household] = Household.objects.none()
        self.missing: Any = MISSING

    def clean(self, value: Any) -> Household | None:
        text = super().clean(value)
        if not text:
            return None
        found = find_household(self.households, text)
        if found is None:
            raise ValidationError(self.missing, code="missing")
        return found


def find_household(households: QuerySet[Household], text: str) -> Household | None:
    typed = digits.strip_bidi_marks(str(text)).strip().strip(_QUOTES).strip()
    key = names.reference_key(typed)
    if not key:
        return None
    return households.select_related("settlement").filter(reference=key).first()


def _households_field(form: forms.Form, households: QuerySet[Household], partner: bool) -> None:
    field = form.fields["household"]
    field.households = households  # type: ignore[attr-defined]
    field.missing = missing_message(partner)  # type: ignore[attr-defined]


class DonationChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A donation named by its pledge, donor, item and what is left of it."""

    def label_from_instance(self, obj: Any) -> str:
        pledge = obj.pledge
        return str(
            _("%(pledge)s · %(donor)s · %(item)s: %(left)s %(unit)s left")
            % {
                "pledge": pledge.reference,
                "donor": pledge.donor.short_name,
                "item": pledge.item_label,
                "left": digits.localize(digits.plain(obj.remaining_quantity)),
                "unit": pledge.unit_label,
            }
        )


def _quantity_field(label: Any, **kwargs: Any) -> LocalizedDecimalField:
    return LocalizedDecimalField(
        label=label, max_digits=16, decimal_places=2, min_value=Decimal("0.01"), **kwargs
    )


# Where a service's error about the donor's restriction or the amount left belongs.
ERROR_FIELDS = {
    "restricted_household": "household",
    "household_required": "household",
    "not_shared": "household",
    "household_status": "household",
    "restricted_sector": "sector",
    "before_received": "spent_on",
}


def show_error(form: forms.BaseForm, error: ValidationError) -> None:
    """A service's error on the field it is about when the form has it, else on top."""
    if hasattr(error, "error_dict"):
        show_service_error(form, error)
        return
    for item in error.error_list:
        name = ERROR_FIELDS.get(item.code or "")
        form.add_error(name if name in form.fields else None, item)


# --- One delivery ----------------------------------------------------------------------------


class DeliveryForm(forms.Form):
    household = HouseholdReferenceField(label=_("Household"))
    item = forms.CharField(
        label=_("Item or service"),
        max_length=200,
        required=False,
        help_text=_("Left empty with a donation: the donated item."),
    )
    unit = forms.CharField(label=_("Unit"), max_length=40, required=False)
    quantity = _quantity_field(_("Quantity"), initial=1)
    value = LocalizedIntegerField(label=_("Value (rials)"), required=False, min_value=0)
    delivered_on = JalaliDateField(label=_("Delivered on"))
    donation = DonationChoiceField(
        label=_("From a donation"),
        queryset=Donation.objects.none(),
        to_field_name="uuid",
        required=False,
        help_text=_("Goods from a donation go only to the households the donor allowed."),
    )

    def __init__(
        self,
        *args: Any,
        households: QuerySet[Household],
        donations: QuerySet[Donation],
        partner: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _households_field(self, households, partner)
        self.fields["donation"].queryset = donations  # type: ignore[attr-defined]

    def delivery(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["value"] = data["value"] or 0
        return data


# --- A distribution round --------------------------------------------------------------------


class DistributeForm(forms.Form):
    """The households of a round: typed references, all residents of a block, or both."""

    donation = DonationChoiceField(
        label=_("Donation"), queryset=Donation.objects.none(), to_field_name="uuid"
    )
    quantity_each = _quantity_field(_("Quantity per household"), initial=1)
    delivered_on = JalaliDateField(label=_("Date of the distribution"))
    references = forms.CharField(
        label=_("Households"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "dir": "ltr", "spellcheck": "false"}),
        help_text=_("Reference numbers, one per line or separated by spaces or commas."),
    )
    block = forms.ChoiceField(
        label=_("All resident households in block"),
        required=False,
        help_text=_("Added to the households typed above."),
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        donations: QuerySet[Donation],
        households: QuerySet[Household],
        residents: QuerySet[Household],
        blocks: list[str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["donation"].queryset = donations  # type: ignore[attr-defined]
        self.fields["block"].choices = with_blank(  # type: ignore[attr-defined]
            [(b, digits.localize_digits(b)) for b in blocks]
        )
        self.households = households
        self.residents = residents

    def clean_references(self) -> list[str]:
        text = digits.to_ascii_digits(digits.strip_bidi_marks(self.cleaned_data["references"]))
        keys = [names.reference_key(m) for m in _REFERENCE.findall(text)]
        leftover = _SEPARATORS.sub(" ", _REFERENCE.sub(" ", text)).strip()
        if leftover:
            raise ValidationError(
                _("Not a reference number: %(text)s"),
                code="invalid",
                params={"text": leftover[:60]},
            )
        return list(dict.fromkeys(k for k in keys if k))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        keys = data.get("references")
        block = data.get("block")
        if keys is None:
            return data
        found = {h.reference: h for h in self.households.filter(reference__in=keys)}
        missing = [k for k in keys if k not in found]
        if missing:
            self.add_error(
                "references",
                ValidationError(
                    _("No household with these reference numbers: %(references)s"),
                    code="missing",
                    params={"references": ", ".join(missing)},
                ),
            )
            return data
        chosen = [found[k] for k in keys]
        if block:
            known = set(found)
            chosen += [
                h
                for h in self.residents.filter(block=block).order_by("reference")
                if h.reference not in known
            ]
        if not chosen:
            raise ValidationError(
                _("Type the households' reference numbers or choose a block."), code="empty"
            )
        data["households"] = chosen
        return data


# --- Attendance ------------------------------------------------------------------------------


class HouseholdLookupForm(forms.Form):
    """The first step of attendance: find the household whose members attended."""

    household = HouseholdReferenceField(label=_("Household"))

    def __init__(self, *args: Any, households: QuerySet[Household], partner: bool) -> None:
        super().__init__(*args)
        _households_field(self, households, partner)


class MembersField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.describe: Callable[[Individual], str] = str

    def label_from_instance(self, obj: Any) -> str:
        return self.describe(obj)


class AttendanceForm(forms.Form):
    household = HouseholdReferenceField(label=_("Household"), widget=forms.HiddenInput)
    attended_on = JalaliDateField(label=_("Date"))
    people = MembersField(
        label=_("Members who attended"),
        queryset=Individual.objects.none(),
        to_field_name="uuid",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        households: QuerySet[Household],
        partner: bool,
        shows_names: Callable[[Household], bool],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _households_field(self, households, partner)
        typed = self.data.get("household") or self.initial.get("household") or ""
        self.found = find_household(households, str(typed)) if typed else None
        if self.found is None:
            return
        members = list(self.found.active_members().order_by("id"))
        numbers = {person.pk: n for n, person in enumerate(members, start=1)}
        named = shows_names(self.found)
        field = self.fields["people"]
        field.queryset = self.found.active_members().order_by("id")  # type: ignore[attr-defined]
        field.describe = (  # type: ignore[attr-defined]
            (lambda p: p.full_name)
            if named
            else (lambda p: str(_("Member %(number)s") % {"number": numbers.get(p.pk, "")}))
        )


# --- Spending on work ------------------------------------------------------------------------


class SpendForm(forms.Form):
    work_order = forms.CharField(
        label=_("Work order number"), max_length=40, widget=forms.TextInput({"dir": "ltr"})
    )
    description = forms.CharField(label=_("Work done"), max_length=300)
    sector = forms.ChoiceField(label=_("Sector"), choices=with_blank(Sector.choices))
    contractor = forms.ModelChoiceField(
        label=_("Contractor or volunteer group"),
        queryset=Organisation.objects.none(),
        to_field_name="uuid",
        required=False,
    )
    amount = LocalizedIntegerField(label=_("Amount (rials)"), min_value=1)
    quantity = _quantity_field(_("Quantity"))
    spent_on = JalaliDateField(label=_("Spent on"))
    household = HouseholdReferenceField(label=_("Household that benefited"), required=False)

    def __init__(
        self,
        *args: Any,
        donation: Donation,
        households: QuerySet[Household],
        contractors: QuerySet[Organisation],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        pledge = donation.pledge
        _households_field(self, households, partner=False)
        self.fields["contractor"].queryset = contractors  # type: ignore[attr-defined]
        if pledge.kind == GiftKind.CASH:
            del self.fields["quantity"]
        else:
            amount = self.fields["amount"]
            amount.label = _("Value (rials)")
            amount.required = False
            amount.help_text = _("Left empty: the donation's value of the quantity used.")
            self.fields["quantity"].help_text = pledge.unit_label
        if pledge.restricted_to:
            household = self.fields["household"]
            household.required = True
            household.help_text = _(
                "Required: the donor gave this only to certain households. "
                "Its reference number, e.g. TJ-000123."
            )

    def spending(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "work_order": data["work_order"],
            "description": data["description"],
            "sector": data["sector"],
            "contractor": data["contractor"],
            "amount": data["amount"] or 0,
            "quantity": data.get("quantity"),
            "spent_on": data["spent_on"],
            "household": data["household"],
        }
