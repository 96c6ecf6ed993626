"""Forms of the readiness checklist: a new criterion and a criterion reworded or reweighted.

Nothing here saves: ``mehman.solutions.services.criteria`` checks the code, the pathway, the
words and the weight.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mehman.core.forms import LTR, LocalizedIntegerField
from mehman.residence.models import Pathway
from mehman.solutions.models import ReadinessCriterion

DETAILS = ("text_fa", "text_en", "weight", "position")
PATHWAYS = [(value, label) for value, label in Pathway.choices if value != Pathway.UNDECIDED]


class CriterionForm(forms.Form):
    """The words of a criterion in both languages, its weight in the score and its place."""

    text_fa = forms.CharField(
        label=_("Text (Persian)"),
        max_length=200,
        widget=forms.TextInput(attrs={"dir": "rtl", "lang": "fa"}),
    )
    text_en = forms.CharField(
        label=_("Text (English)"),
        max_length=200,
        widget=forms.TextInput(attrs={"dir": "ltr", "lang": "en"}),
    )
    weight = LocalizedIntegerField(
        label=_("Weight"),
        min_value=1,
        max_value=100,
        initial=1,
        help_text=_("How much the criterion counts in the readiness score, from 1."),
    )
    position = LocalizedIntegerField(
        label=_("Order in the list"),
        min_value=0,
        max_value=32767,
        initial=100,
        help_text=_("The list is read in this order, smallest first."),
    )

    def details(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in DETAILS}


class NewCriterionForm(CriterionForm):
    pathway = forms.ChoiceField(label=_("Pathway"), choices=PATHWAYS)
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        widget=forms.TextInput(attrs={**LTR, "autocomplete": "off"}),
        help_text=_(
            "A short name in Latin letters, digits, hyphens or underscores; kept for good."
        ),
    )
    field_order = ["pathway", "code", "text_fa", "text_en", "weight", "position"]


class EditCriterionForm(CriterionForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, criterion: ReadinessCriterion, **kwargs: Any) -> None:
        initial = {name: getattr(criterion, name) for name in DETAILS}
        initial["version"] = criterion.version
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
