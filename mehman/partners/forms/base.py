"""What the partners forms share: widget attributes, blank choices, numbers and word lists.

Forms check formats and offer only the choices in the user's scope; the services
in ``mehman.partners.services`` check the rules and save.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from mehman.core.forms import (
    LTR,
    PHONE,
    JalaliDateField,
    LocalizedDecimalField,
    LocalizedIntegerField,
    show_service_error,
    with_blank,
)
from mehman.core.models import Settlement
from mehman.partners.models import Organisation

__all__ = [
    "ANY",
    "LTR",
    "PHONE",
    "JalaliDateField",
    "LocalizedDecimalField",
    "LocalizedIntegerField",
    "WordListField",
    "json_list_has",
    "organisation_field",
    "settlement_field",
    "show_service_error",
    "with_blank",
    "yes_no_choices",
]

ANY = _("Any")

# Words in a list are separated by commas (Latin or Persian), semicolons or new lines.
_WORD_SEPARATORS = re.compile(r"[,،;؛\n]+")


def json_list_has(field: str, word: str, *, whole: bool = True) -> Q:
    """Rows whose JSON list ``field`` holds ``word`` (an item, or part of one).

    Case-insensitive; matches both how PostgreSQL keeps JSON (characters as typed)
    and how SQLite does (non-Latin characters escaped as ``\\uXXXX``).
    """
    escaped, raw = json.dumps(word), json.dumps(word, ensure_ascii=False)
    if not whole:
        escaped, raw = escaped[1:-1], raw[1:-1]
    return Q(**{f"{field}__icontains": raw}) | Q(**{f"{field}__icontains": escaped})


def yes_no_choices(yes: Any, no: Any) -> list[tuple[str, Any]]:
    return with_blank([("yes", yes), ("no", no)], ANY)


class WordListField(forms.CharField):
    """Several short words typed in one box, separated by commas or new lines."""

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        if isinstance(value, list | tuple):
            return [str(v).strip() for v in value if str(v).strip()]
        text = super().to_python(value) or ""
        return [word.strip() for word in _WORD_SEPARATORS.split(text) if word.strip()]

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return ", ".join(str(v) for v in value)
        return value


class OrganisationChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        organisation: Organisation = obj
        if organisation.acronym and organisation.acronym != organisation.name:
            return f"{organisation.name} ({organisation.acronym})"
        return organisation.name


class SettlementChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class SettlementMultipleChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


def organisation_field(
    label: Any, organisations: QuerySet[Organisation], *, required: bool = True
) -> OrganisationChoiceField:
    return OrganisationChoiceField(
        label=label, queryset=organisations, to_field_name="uuid", required=required
    )


def settlement_field(label: Any, settlements: QuerySet[Settlement]) -> SettlementChoiceField:
    return SettlementChoiceField(label=label, queryset=settlements, to_field_name="code")


def settlements_field(
    label: Any, settlements: QuerySet[Settlement], *, required: bool = True
) -> SettlementMultipleChoiceField:
    return SettlementMultipleChoiceField(
        label=label,
        queryset=settlements,
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
        required=required,
    )


class VersionedForm(forms.Form):
    """An edit form carrying the version of the record it was opened on."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if "version" in self.errors:
            # A hidden field's error would not show: say it where the user sees it.
            raise ValidationError(
                _("The page was out of date. Reload it and try again."), code="version"
            )
        return cleaned

    def version_value(self) -> int:
        return int(self.cleaned_data["version"])


def field_values(form: forms.Form, names: tuple[str, ...]) -> dict[str, Any]:
    """The cleaned values of the named fields the form has."""
    return {name: form.cleaned_data[name] for name in names if name in form.fields}
