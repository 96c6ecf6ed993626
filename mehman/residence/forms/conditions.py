"""Forms of the list of agreement conditions: a new condition and a condition reworded.

Nothing here saves: ``mehman.residence.services.conditions`` checks the code and the words.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mehman.core.forms import LTR, LocalizedIntegerField
from mehman.residence.models import AgreementCondition

DETAILS = ("text_fa", "text_en", "position", "standard")


class ConditionForm(forms.Form):
    """The words of a condition in both languages, its place in the list, and whether new
    agreements include it by default."""

    text_fa = forms.CharField(
        label=_("Text (Persian)"),
        widget=forms.Textarea(attrs={"rows": 3, "dir": "rtl", "lang": "fa"}),
    )
    text_en = forms.CharField(
        label=_("Text (English)"),
        widget=forms.Textarea(attrs={"rows": 3, "dir": "ltr", "lang": "en"}),
    )
    position = LocalizedIntegerField(
        label=_("Order in the list"),
        min_value=0,
        max_value=32767,
        initial=100,
        help_text=_("The list is read in this order, smallest first."),
    )
    standard = forms.BooleanField(
        label=_("In every new agreement"),
        required=False,
        initial=True,
        help_text=_("Chosen by default when a term is started."),
    )

    def details(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in DETAILS}


class NewConditionForm(ConditionForm):
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        widget=forms.TextInput(attrs={**LTR, "autocomplete": "off"}),
        help_text=_(
            "A short name in Latin letters, digits, hyphens or underscores; kept for good."
        ),
    )
    field_order = ["code", "text_fa", "text_en", "position", "standard"]


class EditConditionForm(ConditionForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, condition: AgreementCondition, **kwargs: Any) -> None:
        initial = {name: getattr(condition, name) for name in DETAILS}
        initial["version"] = condition.version
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
