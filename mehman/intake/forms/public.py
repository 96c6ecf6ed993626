"""The applicant's status page form: the application number and the PIN from the receipt."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from mehman.core import digits
from mehman.core.forms import LTR
from mehman.intake.services.status import normalise_reference

_PIN_ATTRS = {**LTR, "inputmode": "numeric", "autocomplete": "off"}


class StatusForm(forms.Form):
    reference = forms.CharField(
        label=_("Application number"),
        max_length=32,
        help_text=_("As printed on your receipt, for example TJ-A00042."),
        widget=forms.TextInput(attrs={**LTR, "autocomplete": "off", "autocapitalize": "off"}),
    )
    pin = forms.CharField(
        label=_("PIN"),
        max_length=16,
        help_text=_("The number printed under the application number on your receipt."),
        widget=forms.PasswordInput(attrs=_PIN_ATTRS),
    )

    def clean_reference(self) -> str:
        return normalise_reference(self.cleaned_data["reference"])

    def clean_pin(self) -> str:
        """Persian or Arabic digits as typed on a phone, spaces ignored."""
        pin = digits.to_ascii(digits.strip_bidi_marks(self.cleaned_data["pin"]))
        pin = "".join(pin.split())
        if not (pin.isascii() and pin.isdigit()):
            raise ValidationError(_("The PIN is made of digits only."), code="pin")
        return pin
