"""Form fields for dates and numbers typed in any calendar and digit script."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from mehman.core import dates, digits

# Shown in placeholders and error messages: 1405/01/01 in Persian, 2026-03-21 in English.
EXAMPLE_DATE = date(2026, 3, 21)

_DATE_ATTRS = {"inputmode": "numeric", "dir": "ltr", "autocomplete": "off"}
_NUMBER_ATTRS = {"inputmode": "numeric"}
# A number grouped by threes with Latin commas (after digits.to_ascii): 1,200,000.5
_GROUPED = re.compile(r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")

# Widget attributes for text that is always left to right.
LTR = {"dir": "ltr"}
PHONE = {"dir": "ltr", "inputmode": "tel", "autocomplete": "off"}


def with_blank(choices: Any, label: Any = "---------") -> list[tuple[Any, Any]]:
    """Choices with an empty first option (for filters and optional fields)."""
    return [("", label), *choices]


class JalaliDateInput(forms.TextInput):
    """A text box for a date in the user's calendar, with a numeric keypad on phones."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({**_DATE_ATTRS, **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, date):
            return dates.format_date(value)
        formatted: str | None = super().format_value(value)
        return formatted

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        # Decided at render time: the language changes from one request to the next.
        context["widget"]["attrs"].setdefault("placeholder", dates.format_date(EXAMPLE_DATE))
        return context


class JalaliDateField(forms.Field):
    """A date typed Jalali (Persian) or Gregorian (English), cleaned to a Gregorian ``date``."""

    widget = JalaliDateInput
    default_error_messages = {
        "invalid": _("Enter a valid date, e.g. %(example)s."),
    }

    def to_python(self, value: Any) -> date | None:
        if isinstance(value, str):
            value = value.strip()
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            return dates.parse_date(str(value))
        except ValueError:
            raise ValidationError(
                self.error_messages["invalid"],
                code="invalid",
                params={"example": dates.format_date(EXAMPLE_DATE)},
            ) from None


class LocalizedNumberInput(forms.TextInput):
    """A text box for a whole number, showing it in the active digit style."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({**_NUMBER_ATTRS, **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, int) and not isinstance(value, bool):
            # Digits only, no grouping: a year or a count reads oddly grouped by thousands.
            return digits.localize_digits(str(value))
        formatted: str | None = super().format_value(value)
        return formatted


class LocalizedIntegerField(forms.IntegerField):
    """A whole number typed in Persian, Arabic-Indic or Latin digits, thousands
    separators allowed."""

    widget = LocalizedNumberInput

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str):
            value = digits.strip_bidi_marks(value).strip()
        if value in self.empty_values:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        try:
            return digits.parse_int(str(value))
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class LocalizedDecimalInput(forms.TextInput):
    """A text box for a quantity, showing it in the active digits without trailing zeros."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"inputmode": "decimal", **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, Decimal):
            return digits.localize_digits(str(digits.plain(value)))
        if isinstance(value, int) and not isinstance(value, bool):
            return digits.localize_digits(str(value))
        formatted: str | None = super().format_value(value)
        return formatted


class LocalizedDecimalField(forms.DecimalField):
    """A quantity typed in any digit script; thousands grouped by threes allowed, and the
    Persian decimal separator (٫) read as a point."""

    widget = LocalizedDecimalInput

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            value = digits.to_ascii(digits.strip_bidi_marks(value)).strip()
            if _GROUPED.fullmatch(value):
                value = value.replace(",", "")
        result: Decimal | None = super().to_python(value)
        return result


class SettlementForm(forms.ModelForm):  # type: ignore[type-arg]
    """Details a manager may change; the service records what changed and why."""

    capacity = LocalizedIntegerField(label=_("Capacity (persons)"), min_value=1)
    opened_on = JalaliDateField(label=_("Opened on"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=300,
        required=False,
        help_text=_("Kept in the settlement's history."),
    )

    class Meta:
        from mehman.core.models import Settlement

        model = Settlement
        fields = [
            "name_fa",
            "name_en",
            "province_fa",
            "province_en",
            "capacity",
            "accommodation_type",
            "opened_on",
        ]
        widgets = {
            "name_en": forms.TextInput(attrs={"dir": "ltr"}),
            "province_en": forms.TextInput(attrs={"dir": "ltr"}),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if not self.is_bound:
            self.initial["version"] = self.instance.version

    def _post_clean(self) -> None:
        # The service validates and saves; the form must not touch the instance.
        pass

    def changes(self) -> dict[str, object]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


def show_service_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's error on the form: on a field the form has, otherwise on top."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)
