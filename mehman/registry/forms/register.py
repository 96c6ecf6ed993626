"""The registration wizard's forms: the household and its members, one row each.

Forms check what one form can see (formats, dates, which choices are offered);
``services.register_household`` checks the rules and saves. Nothing here saves:
the model forms skip ``_post_clean`` so the instance is never touched.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from mehman.core import dates, names
from mehman.core.forms import JalaliDateField, LocalizedIntegerField
from mehman.core.models import Settlement
from mehman.registry import duplicates, services
from mehman.registry.forms.base import LTR, PHONE, NoSave, is_birth_year, with_blank
from mehman.registry.models import (
    WG_DOMAINS,
    DocumentType,
    HouseholdStatus,
    Individual,
    Relationship,
)


class PersonForm(NoSave, forms.ModelForm):  # type: ignore[type-arg]
    """A member as registered: names as typed, birth date or only the year, WG questions."""

    birth_date = JalaliDateField(label=_("Date of birth"), required=False)
    birth_year = LocalizedIntegerField(
        label=_("Only the year is known"),
        required=False,
        help_text=_("Year of birth, Jalali (e.g. 1364) or Gregorian (e.g. 1985)."),
    )

    class Meta:
        model = Individual
        fields = [
            "given_name",
            "family_name",
            "father_name",
            "grandfather_name",
            "given_name_latin",
            "family_name_latin",
            "sex",
            "birth_date",
            "relationship",
            "marital_status",
            "education",
            "occupation",
            *(name for name, _label in WG_DOMAINS),
            "phone",
        ]
        widgets = {
            "given_name_latin": forms.TextInput(attrs=LTR),
            "family_name_latin": forms.TextInput(attrs=LTR),
            "phone": forms.TextInput(attrs=PHONE),
        }

    wg_fields = tuple(name for name, _label in WG_DOMAINS)
    # Four to a row: names; sex, date of birth and its "only the year" side by side;
    # then the Latin spelling and the rest.
    field_order = [
        "given_name",
        "family_name",
        "father_name",
        "grandfather_name",
        "sex",
        "birth_date",
        "birth_year",
        "relationship",
        "given_name_latin",
        "family_name_latin",
        "marital_status",
        "education",
    ]

    def __init__(self, *args: Any, head_allowed: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in WG_DOMAINS:
            self.fields[name].label = label
        if not head_allowed:
            field = self.fields["relationship"]
            field.choices = [  # type: ignore[attr-defined]
                c
                for c in field.choices  # type: ignore[attr-defined]
                if c[0] != Relationship.HEAD
            ]

    def clean_birth_year(self) -> int | None:
        year: int | None = self.cleaned_data.get("birth_year")
        if year is not None and not is_birth_year(year):
            raise ValidationError(
                _("Type a Jalali year such as 1364 or a Gregorian year such as 1985."),
                code="year",
            )
        return year

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if cleaned.get("birth_date") and cleaned.get("birth_year"):
            self.add_error("birth_year", _("Give either the date of birth or the year, not both."))
        return cleaned

    @property
    def wg_bound_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.wg_fields]

    @property
    def main_bound_fields(self) -> list[forms.BoundField]:
        return [f for f in self.visible_fields() if f.name not in self.wg_fields]

    def member_data(self) -> dict[str, Any]:
        """The member as the services take it (``INDIVIDUAL_FIELDS``)."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        year = self.cleaned_data.get("birth_year")
        data["birth_date_estimated"] = year is not None
        if year is not None:
            data["birth_date"] = dates.midyear(year)
        return data


class RegistrationMemberForm(PersonForm):
    """One row of the registration formset: a member and, optionally, one document."""

    doc_type = forms.ChoiceField(
        label=_("Identity document"),
        choices=with_blank(DocumentType.choices, _("None")),
        required=False,
    )
    doc_number = forms.CharField(
        label=_("Document number"), max_length=64, required=False, widget=forms.TextInput(LTR)
    )
    doc_expires_on = JalaliDateField(label=_("Document expires on"), required=False)

    document_fields = ("doc_type", "doc_number", "doc_expires_on")

    @property
    def main_bound_fields(self) -> list[forms.BoundField]:
        return [f for f in super().main_bound_fields if f.name not in self.document_fields]

    @property
    def document_bound_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.document_fields]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        doc_type, number = cleaned.get("doc_type"), cleaned.get("doc_number", "").strip()
        if doc_type and not number:
            self.add_error("doc_number", _("Type the number of the document."))
        elif number and not doc_type:
            self.add_error("doc_type", _("Choose the type of the document."))
        elif doc_type:
            try:
                services.validate_document_number(doc_type, names.document_key(number))
            except ValidationError as error:
                self.add_error("doc_number", error.messages)
        return cleaned

    def documents(self) -> list[dict[str, Any]]:
        if not self.cleaned_data.get("doc_type"):
            return []
        return [
            {
                "doc_type": self.cleaned_data["doc_type"],
                "number_typed": self.cleaned_data["doc_number"],
                "expires_on": self.cleaned_data.get("doc_expires_on"),
            }
        ]


MAX_MEMBERS = 30


class BaseMemberFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        kwargs: dict[str, Any] = super().get_form_kwargs(index)
        if index == 0:
            kwargs["initial"] = {"relationship": Relationship.HEAD}
        return kwargs

    def filled_forms(self) -> list[RegistrationMemberForm]:
        """The rows the clerk filled in (empty extra rows are left out)."""
        return [f for f in self.forms if f.has_changed() or f is self.forms[0]]


MemberFormSet = cast(
    "type[BaseMemberFormSet]",
    forms.formset_factory(
        RegistrationMemberForm,
        formset=BaseMemberFormSet,
        extra=0,
        min_num=1,
        validate_min=True,
        max_num=MAX_MEMBERS,
        validate_max=True,
    ),
)
MEMBERS_PREFIX = "members"


class RegistrationForm(forms.Form):
    """The household part of the registration wizard."""

    settlement = forms.ModelChoiceField(
        label=_("Settlement"), queryset=Settlement.objects.none(), empty_label=None
    )
    status = forms.ChoiceField(
        label=_("Registered as"),
        choices=[(s.value, s.label) for s in (HouseholdStatus.APPLICANT, HouseholdStatus.RESIDENT)],
        initial=HouseholdStatus.APPLICANT,
    )
    phone = forms.CharField(
        label=_("Phone"), max_length=32, required=False, widget=forms.TextInput(PHONE)
    )
    block = forms.CharField(label=_("Block"), max_length=20, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    consent_given = forms.BooleanField(
        label=_("The household consents to the processing of its data"), required=False
    )
    consent_note = forms.CharField(
        label=_("Consent record"),
        max_length=300,
        required=False,
        help_text=_("How consent was given, e.g. signed form number or witness."),
    )

    def __init__(self, *args: Any, settlements: QuerySet[Settlement], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["settlement"]
        field.queryset = settlements  # type: ignore[attr-defined]
        if len(settlements) == 1:
            field.initial = settlements[0]

    def registration(self, members: BaseMemberFormSet) -> dict[str, Any]:
        """The keyword arguments of ``services.register_household`` (without ``by``)."""
        rows = members.filled_forms()
        return {
            **self.cleaned_data,
            "members": [row.member_data() for row in rows],
            "documents": {i: row.documents() for i, row in enumerate(rows) if row.documents()},
        }


class DuplicateDecisionsForm(forms.Form):
    """What the clerk decided about each likely match: one required choice per match.

    The fields are named ``match-<row>-<uuid of the person on file>``; the view builds them
    from the matches it found again, in the user's scope, so a posted name for anyone else is
    never read.
    """

    DECISIONS = (
        (duplicates.SAME, _("Same person — don't register, open the record on file")),
        (duplicates.REVIEW, _("Register, and ask a reviewer")),
        (duplicates.DIFFERENT, _("Different people — register")),
    )

    def __init__(self, *args: Any, keys: Sequence[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key in keys:
            self.fields[key] = forms.ChoiceField(
                label=_("Is this the same person?"),
                choices=self.DECISIONS,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                error_messages={"required": _("Choose what to do about this record.")},
            )

    @staticmethod
    def key(row: int, person: Individual) -> str:
        return f"match-{row}-{person.uuid}"
