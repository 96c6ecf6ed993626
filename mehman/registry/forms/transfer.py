"""Forms of the household import and export pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mehman.core.forms import LocalizedIntegerField
from mehman.core.models import Settlement
from mehman.registry import exports, imports
from mehman.registry.forms.base import with_blank
from mehman.registry.models import HouseholdStatus, Sex
from mehman.registry.queries import AGE_GROUPS

# Large enough for a national registry's settlement (about a million rows of CSV).
MAX_UPLOAD_BYTES = 200 * 1024 * 1024
EXTENSIONS = (".csv", ".xlsx")


def _settlement_choices(user: Any) -> list[tuple[str, str]]:
    return [(s.code, str(s)) for s in Settlement.objects.for_user(user).filter(is_active=True)]


class ImportForm(forms.Form):
    """The settlement is chosen from the user's own; a code from elsewhere is not found (404)."""

    settlement = forms.CharField(label=_("Settlement"), widget=forms.Select)
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (UTF-8) or Excel (.xlsx), one row per person."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    status = forms.ChoiceField(
        label=_("Households are"),
        choices=[(s.value, s.label) for s in imports.IMPORTABLE_STATUSES],
        initial=HouseholdStatus.APPLICANT,
        help_text=_("Unless the file's status column says otherwise."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["settlement"].widget.choices = _settlement_choices(user)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB."),
                code="too_large",
                params={"limit": MAX_UPLOAD_BYTES // (1024 * 1024)},
            )
        if Path(upload.name or "").suffix.lower() not in EXTENSIONS:
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."), code="extension")
        return upload


class ExportForm(forms.Form):
    """What to export: a settlement (or all the user's) and the household list's filters."""

    settlement = forms.CharField(
        label=_("Settlement"),
        required=False,
        widget=forms.Select,
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[(exports.XLSX, _("Excel (.xlsx)")), (exports.CSV, _("CSV (UTF-8)"))],
        initial=exports.XLSX,
    )
    hxl = forms.BooleanField(
        label=_("Add HXL hashtags under the header"),
        required=False,
        help_text=_("For humanitarian data tools (Humanitarian Exchange Language)."),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=with_blank(HouseholdStatus.choices, _("Any")),
    )
    block = forms.CharField(label=_("Block"), required=False, max_length=20)
    head_sex = forms.ChoiceField(
        label=_("Head of household"),
        required=False,
        choices=with_blank(Sex.choices, _("Any")),
    )
    age_group = forms.ChoiceField(
        label=_("Has a member aged"),
        required=False,
        choices=with_blank(((group, group) for group in AGE_GROUPS), _("Any")),
    )
    size_min = LocalizedIntegerField(
        label=_("At least this many members"), required=False, min_value=1
    )
    size_max = LocalizedIntegerField(
        label=_("At most this many members"), required=False, min_value=1
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["settlement"].widget.choices = with_blank(
            _settlement_choices(user), _("All my settlements")
        )

    def filters(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name]
            for name in exports.FILTERS
            if self.cleaned_data.get(name) not in (None, "")
        }
