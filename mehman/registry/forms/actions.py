"""Forms of the registry's action pages: life events, documents, needs, notes, corrections.

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
from mehman.core.forms import JalaliDateField
from mehman.registry import services
from mehman.registry.forms.base import LTR, PHONE, NoSave, with_blank
from mehman.registry.models import (
    Household,
    IdentityDocument,
    Individual,
    Relationship,
    Sex,
    SpecificNeedCode,
)

SCAN_MAX_BYTES = 5 * 1024 * 1024
# What a scan may be, recognised by its first bytes (never by its name).
SCAN_SIGNATURES = (
    (b"%PDF-", "pdf"),
    (b"\xff\xd8\xff", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
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


def _offer_new_head(form: forms.Form, person: Individual) -> None:
    """A head who leaves names the next one among the others; anyone else is not asked."""
    household = person.household
    if household.head_id == person.pk:
        others = household.active_members().exclude(pk=person.pk)
        form.fields["new_head"].queryset = others  # type: ignore[attr-defined]
    else:
        del form.fields["new_head"]


class BirthForm(forms.Form):
    given_name = forms.CharField(label=_("Given name"), max_length=80)
    family_name = forms.CharField(
        label=_("Family name"),
        max_length=80,
        required=False,
        help_text=_("Left empty: the father's (or mother's) family name."),
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=with_blank(Sex.choices))
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
        _offer_new_head(self, person)


class MarriageForm(forms.Form):
    """The person moves into the spouse's household, found by its reference number."""

    spouse_household = forms.CharField(
        label=_("Spouse's household"),
        max_length=20,
        help_text=_(
            "Its reference number, e.g. TJ-000123; this household's own for a marriage inside it."
        ),
        widget=forms.TextInput(LTR),
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
        _offer_new_head(self, person)

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
        label=_("Phone"), max_length=32, required=False, widget=forms.TextInput(PHONE)
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
        widget=forms.TextInput(LTR),
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

    def clean_other(self) -> Household:
        key = names.reference_key(self.cleaned_data["other"])
        found = self.households.filter(reference=key).exclude(pk=self.household.pk).first()
        if not key or found is None:
            raise ValidationError(
                _("No other household with this reference number."), code="missing"
            )
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


class DocumentForm(NoSave, forms.ModelForm):  # type: ignore[type-arg]
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
        widgets = {"number_typed": forms.TextInput(attrs=LTR)}

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
        codes = codes.filter(sensitive=False)
    groups: dict[str, list[tuple[str, str]]] = {}
    labels: dict[str, str] = {}
    for code in codes:
        category = code.parent or code
        labels[category.code] = category.label
        label = code.label if code.code in code.label else f"{code.code} · {code.label}"
        groups.setdefault(category.code, []).append((code.code, label))
    return with_blank([(f"{labels[key]} ({key})", sorted(groups[key])) for key in sorted(groups)])


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


class CorrectionForm(NoSave, forms.ModelForm):  # type: ignore[type-arg]
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
