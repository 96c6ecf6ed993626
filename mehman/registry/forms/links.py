"""Forms of the family links between households: linking a related household by its
reference number, and removing a link with a reason.

The forms find the other household among those the user may see; the rules (same
settlement, open households, once per pair, not itself) are the service's.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from mehman.core import names
from mehman.registry.forms.base import LTR, with_blank
from mehman.registry.models import Household, Kinship


class HouseholdLinkForm(forms.Form):
    other = forms.CharField(
        label=_("Related household"),
        max_length=20,
        help_text=_("Its reference number, e.g. TJ-000123."),
        widget=forms.TextInput({**LTR, "autocomplete": "off"}),
    )
    kinship = forms.ChoiceField(label=_("Kinship"), choices=with_blank(Kinship.choices))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, households: QuerySet[Household], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.households = households

    def clean_other(self) -> Household:
        key = names.reference_key(self.cleaned_data["other"])
        found = self.households.filter(reference=key).first() if key else None
        if found is None:
            raise ValidationError(_("No household with this reference number."), code="missing")
        return found


class HouseholdUnlinkForm(forms.Form):
    reason = forms.CharField(label=_("Why is the link removed?"), max_length=300)
