"""Forms of the registry pages that change records: registration and the action pages.

Forms check what one form can see (formats, dates, which choices are offered);
the services in ``mehman.registry.services`` check the rules and save. Nothing
here saves: the model forms skip ``_post_clean`` so the instance is never touched.
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from mehman.core import dates, names
from mehman.core.forms import JalaliDateField, LocalizedIntegerField
from mehman.core.models import Settlement
from mehman.registry import services
from mehman.registry.models import (
    WG_DOMAINS,
    DocumentType,
    Household,
    HouseholdStatus,
    IdentityDocument,
    Individual,
    Relationship,
    Sex,
    SpecificNeedCode,
)

_LTR = {"dir": "ltr"}
_PHONE = {"dir": "ltr", "inputmode": "tel", "autocomplete": "off"}
# The oldest Gregorian birth year a clerk may type; 1300-1499 are Jalali years.
FIRST_GREGORIAN_YEAR = 1900
SCAN_MAX_BYTES = 5 * 1024 * 1024
# What a scan may be, recognised by its first bytes (never by its name).
SCAN_SIGNATURES = (
    (b"%PDF-", "pdf"),
    (b"\xff\xd8\xff", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
)


def show_service_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's error on the form: on a field the form has, otherwise on top."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


class _NoSave:
    """Model forms used for their fields only: the service validates and saves."""

    def _post_clean(self) -> None:
        pass


def _blank(choices: Any, label: Any = "---------") -> list[tuple[Any, Any]]:
    return [("", label), *choices]


# --- People ------------------------------------------------------------------------------


class PersonForm(_NoSave, forms.ModelForm):  # type: ignore[type-arg]
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
            "given_name_latin": forms.TextInput(attrs=_LTR),
            "family_name_latin": forms.TextInput(attrs=_LTR),
            "phone": forms.TextInput(attrs=_PHONE),
        }

    wg_fields = tuple(name for name, _label in WG_DOMAINS)
    field_order = [*Meta.fields[: Meta.fields.index("birth_date") + 1], "birth_year"]

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
        if year is None:
            return None
        jalali = year in dates.JALALI_YEARS_IN_GREGORIAN_FIELD
        if not jalali and not FIRST_GREGORIAN_YEAR <= year <= dates.today().year:
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
        choices=_blank(DocumentType.choices, _("None")),
        required=False,
    )
    doc_number = forms.CharField(
        label=_("Document number"), max_length=64, required=False, widget=forms.TextInput(_LTR)
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
        label=_("Phone"), max_length=32, required=False, widget=forms.TextInput(_PHONE)
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


class DuplicatesConfirmForm(forms.Form):
    different_people = forms.BooleanField(
        label=_("I have compared them: these are different people"),
        error_messages={"required": _("Tick this box to register them anyway.")},
    )


# --- Life events ----------------------------------------------------------------------------


def _member_field(label: Any, *, required: bool = True) -> forms.ModelChoiceField[Individual]:
    return forms.ModelChoiceField(
        label=label,
        queryset=Individual.objects.none(),
        to_field_name="uuid",
        required=required,
    )


def _relationship_field(label: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=[c for c in Relationship.choices if c[0] != Relationship.HEAD],
        initial=Relationship.OTHER_RELATIVE,
    )


class BirthForm(forms.Form):
    given_name = forms.CharField(label=_("Given name"), max_length=80)
    family_name = forms.CharField(
        label=_("Family name"),
        max_length=80,
        required=False,
        help_text=_("Left empty: the father's (or mother's) family name."),
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=_blank(Sex.choices))
    birth_date = JalaliDateField(label=_("Date of birth"))
    mother = _member_field(_("Mother"), required=False)
    father = _member_field(_("Father"), required=False)

    def __init__(self, *args: Any, household: Household, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        living = household.active_members()
        self.fields["mother"].queryset = living.filter(sex="F")  # type: ignore[attr-defined]
        self.fields["father"].queryset = living.filter(sex="M")  # type: ignore[attr-defined]

    def clean_family_name(self) -> str | None:
        return self.cleaned_data["family_name"].strip() or None


class DeathForm(forms.Form):
    died_on = JalaliDateField(label=_("Date of death"))
    new_head = _member_field(_("New head of household"), required=False)

    def __init__(self, *args: Any, person: Individual, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        household = person.household
        if household.head_id == person.pk:
            others = household.active_members().exclude(pk=person.pk)
            self.fields["new_head"].queryset = others  # type: ignore[attr-defined]
        else:
            del self.fields["new_head"]


class MarriageForm(forms.Form):
    """The person moves into the spouse's household, found by its reference number."""

    spouse_household = forms.CharField(
        label=_("Spouse's household"),
        max_length=20,
        help_text=_(
            "Its reference number, e.g. TJ-000123; this household's own for a marriage inside it."
        ),
        widget=forms.TextInput(_LTR),
    )
    spouse = _member_field(_("Spouse"))
    married_on = JalaliDateField(label=_("Date of marriage"))
    new_head = _member_field(_("New head of this household"), required=False)

    def __init__(
        self,
        *args: Any,
        person: Individual,
        households: QuerySet[Household],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        typed = self.data.get("spouse_household") or self.initial.get("spouse_household") or ""
        key = names.reference_key(str(typed))
        self.spouse_home = (
            households.select_related("head").filter(reference=key).first() if key else None
        )
        if self.spouse_home is not None:
            spouses = self.spouse_home.active_members().exclude(pk=person.pk)
            self.fields["spouse"].queryset = spouses  # type: ignore[attr-defined]
        household = person.household
        if household.head_id == person.pk:
            others = household.active_members().exclude(pk=person.pk)
            self.fields["new_head"].queryset = others  # type: ignore[attr-defined]
        else:
            del self.fields["new_head"]

    def clean_spouse_household(self) -> str:
        if self.spouse_home is None:
            raise ValidationError(_("No household with this reference number."), code="missing")
        return self.spouse_home.reference


class SplitForm(forms.Form):
    members = forms.ModelMultipleChoiceField(
        label=_("Members who leave"),
        queryset=Individual.objects.none(),
        to_field_name="uuid",
        widget=forms.CheckboxSelectMultiple,
    )
    new_head = _member_field(_("Head of the new household"))
    block = forms.CharField(label=_("Block"), max_length=20, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    phone = forms.CharField(
        label=_("Phone"), max_length=32, required=False, widget=forms.TextInput(_PHONE)
    )

    def __init__(self, *args: Any, household: Household, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        movable = household.active_members().exclude(Q(pk=household.head_id))
        self.fields["members"].queryset = movable  # type: ignore[attr-defined]
        self.fields["new_head"].queryset = movable  # type: ignore[attr-defined]


class MergeForm(forms.Form):
    """Another household of the same settlement joins this one, which keeps its head."""

    other = forms.CharField(
        label=_("Household to merge into this one"),
        max_length=20,
        help_text=_("Its reference number, e.g. TJ-000123. It is closed and kept on record."),
        widget=forms.TextInput(_LTR),
    )
    former_head_relationship = _relationship_field(
        _("Its head's relationship to this household's head")
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, household: Household, households: QuerySet[Household], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.household = household
        self.households = households
        self.absorb: Household | None = None

    def clean_other(self) -> Household:
        key = names.reference_key(self.cleaned_data["other"])
        found = self.households.filter(reference=key).exclude(pk=self.household.pk).first()
        if not key or found is None:
            raise ValidationError(
                _("No other household with this reference number."), code="missing"
            )
        self.absorb = found
        return found


class ChangeHeadForm(forms.Form):
    new_head = _member_field(_("New head of household"))
    former_head_relationship = _relationship_field(
        _("The former head's relationship to the new head")
    )

    def __init__(self, *args: Any, household: Household, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        others = household.active_members().exclude(Q(pk=household.head_id))
        self.fields["new_head"].queryset = others  # type: ignore[attr-defined]


# --- Documents, needs, notes -------------------------------------------------------------


class DocumentForm(_NoSave, forms.ModelForm):  # type: ignore[type-arg]
    issued_on = JalaliDateField(label=_("Issued on"), required=False)
    expires_on = JalaliDateField(label=_("Expires on"), required=False)
    scan = forms.FileField(
        label=_("Scan"),
        required=False,
        help_text=_("A photo (JPEG, PNG) or a PDF of at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )

    class Meta:
        model = IdentityDocument
        fields = [
            "doc_type",
            "number_typed",
            "issued_on",
            "expires_on",
            "cycle",
            "province",
            "purpose",
            "visa_type",
            "occupation",
            "scan",
        ]
        widgets = {"number_typed": forms.TextInput(attrs=_LTR)}

    def clean_scan(self) -> Any:
        scan = self.cleaned_data.get("scan")
        if not scan:
            return None
        if scan.size > SCAN_MAX_BYTES:
            raise ValidationError(_("The scan is larger than 5 MB."), code="too_large")
        head = scan.read(16)
        scan.seek(0)
        kind = next((ext for magic, ext in SCAN_SIGNATURES if head.startswith(magic)), None)
        if kind is None:
            raise ValidationError(_("The scan must be a JPEG or PNG photo or a PDF."), code="type")
        # Stored under the detected type, never the uploaded name.
        scan.name = f"scan.{kind}"
        return scan

    def document(self) -> dict[str, Any]:
        """The keyword arguments of ``services.add_document`` (without ``person`` and ``by``)."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


def need_choices(user: Any) -> list[tuple[Any, Any]]:
    """Active specific-need codes grouped by category; protected ones for protection staff only."""
    codes = SpecificNeedCode.objects.filter(is_active=True).select_related("parent")
    if not user.has_capability("protection.view"):
        codes = codes.filter(sensitive=False).exclude(parent__sensitive=True)
    groups: dict[str, list[tuple[str, str]]] = {}
    labels: dict[str, str] = {}
    for code in codes:
        category = code.parent or code
        labels[category.code] = category.label
        label = code.label if code.code in code.label else f"{code.code} · {code.label}"
        groups.setdefault(category.code, []).append((code.code, label))
    return _blank([(f"{labels[key]} ({key})", sorted(groups[key])) for key in sorted(groups)])


class NeedForm(forms.Form):
    code = forms.ChoiceField(label=_("Specific need"))
    recorded_on = JalaliDateField(label=_("Recorded on"), required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = need_choices(user)  # type: ignore[attr-defined]

    def clean_code(self) -> SpecificNeedCode:
        return SpecificNeedCode.objects.get(code=self.cleaned_data["code"])


class ResolveNeedForm(forms.Form):
    resolved_on = JalaliDateField(label=_("Resolved on"), required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class CaseNoteForm(forms.Form):
    body = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 6}))


# --- Corrections --------------------------------------------------------------------------


def _correction_field(field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    if isinstance(field, models.DateField):
        return JalaliDateField(label=capfirst(field.verbose_name), required=not field.blank)
    formfield: forms.Field | None = field.formfield(**kwargs)
    return formfield


class CorrectionForm(_NoSave, forms.ModelForm):  # type: ignore[type-arg]
    """The correctable fields of a record, shown with their values; a reason is required."""

    reason = forms.CharField(
        label=_("Reason for the correction"),
        max_length=300,
        help_text=_("Kept in the record's history and on the timeline."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["version"] = self.instance.version

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if not self.errors and not self.changes():
            raise ValidationError(_("Nothing was changed."), code="unchanged")
        return cleaned

    def changes(self) -> dict[str, Any]:
        """Only the fields whose value differs from the record."""
        return {
            name: self.cleaned_data[name]
            for name in self._meta.fields or ()
            if self.cleaned_data[name] != getattr(self.instance, name)
        }

    def current_values(self) -> list[tuple[forms.BoundField, Any]]:
        """Each field beside the value now on record, as the user reads it."""
        rows = []
        for name in self._meta.fields or ():
            value: Any = getattr(self.instance, name)
            display = getattr(self.instance, f"get_{name}_display", None)
            if display is not None:
                value = display() if value not in (None, "") else ""
            elif isinstance(value, date):
                value = dates.format_date(value)
            elif isinstance(value, bool):
                value = _("Yes") if value else _("No")
            rows.append((self[name], value))
        return rows


def correction_form_class(
    model: type[Household | Individual | IdentityDocument],
) -> type[CorrectionForm]:
    form = forms.modelform_factory(
        model,
        form=CorrectionForm,
        fields=services.CORRECTABLE[model],
        formfield_callback=_correction_field,
    )
    return cast("type[CorrectionForm]", form)
