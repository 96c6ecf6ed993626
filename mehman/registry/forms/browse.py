"""The household list's search box and filters (a GET form: nothing here changes data)."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from mehman.core import dates, digits
from mehman.core.forms import LocalizedIntegerField
from mehman.core.models import Settlement
from mehman.registry import queries
from mehman.registry.forms.base import is_birth_year, with_blank
from mehman.registry.models import HouseholdStatus, Sex, SpecificNeedCode

ANY = _("Any")
EXPIRY_CHOICES = with_blank(
    [
        ("expired", _("Expired")),
        ("30", _("Expiring within 30 days")),
        ("60", _("Expiring within 60 days")),
        ("90", _("Expiring within 90 days")),
    ],
    ANY,
)
EXAMPLE_BIRTH = date(1986, 6, 1)


class HouseholdFilterForm(forms.Form):
    """Search by what a clerk types, then narrow by household facts.

    Choices depend on the user: their settlements, the blocks they see, and the
    specific-need categories they may know of (protected ones need protection.view).
    """

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Reference number, document number, phone or name."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    father = forms.CharField(label=_("Father's name"), required=False, max_length=80)
    year = LocalizedIntegerField(
        label=_("Year of birth"),
        required=False,
        help_text=_("Jalali or Gregorian."),
    )
    settlement = forms.ChoiceField(label=_("Settlement"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=with_blank(HouseholdStatus.choices, ANY)
    )
    block = forms.ChoiceField(label=_("Block"), required=False)
    size_min = LocalizedIntegerField(label=_("Members from"), required=False, min_value=1)
    size_max = LocalizedIntegerField(label=_("Members up to"), required=False, min_value=1)
    age_group = forms.ChoiceField(label=_("With a member aged"), required=False)
    head_sex = forms.ChoiceField(
        label=_("Sex of the head"), required=False, choices=with_blank(Sex.choices, ANY)
    )
    need = forms.ChoiceField(label=_("Open specific need"), required=False)
    document_expiry = forms.ChoiceField(
        label=_("Documents"), required=False, choices=EXPIRY_CHOICES
    )

    def __init__(
        self,
        data: Any,
        *,
        user: Any,
        settlements: list[Settlement],
        households: Any,
    ) -> None:
        super().__init__(data)
        self.several_settlements = len(settlements) > 1
        if self.several_settlements:
            self._choices("settlement", with_blank([(s.code, s.name) for s in settlements], ANY))
        else:
            del self.fields["settlement"]
        self._choices(
            "age_group",
            with_blank([(g, digits.localize_digits(g)) for g in queries.AGE_GROUPS], ANY),
        )
        self._choices(
            "block",
            with_blank([(b, digits.localize_digits(b)) for b in queries.blocks(households)], ANY),
        )
        categories = SpecificNeedCode.objects.filter(parent__isnull=True, is_active=True)
        if not user.has_capability("protection.view"):
            categories = categories.filter(sensitive=False)
        self._choices(
            "need",
            with_blank(
                [("any", _("Any specific need"))]
                + [(c.code, f"{c.code} · {c.label}") for c in categories],
                ANY,
            ),
        )
        # An example in the user's calendar and digits: ۱۳۶۵ in Persian, 1986 in English.
        self.fields["year"].widget.attrs["placeholder"] = dates.format_date(EXAMPLE_BIRTH)[:4]

    def _choices(self, name: str, choices: list[tuple[str, Any]]) -> None:
        cast(forms.ChoiceField, self.fields[name]).choices = choices

    def clean_year(self) -> int | None:
        year: int | None = self.cleaned_data.get("year")
        if year is not None and not is_birth_year(year):
            raise forms.ValidationError(
                _("Enter a year of birth, Jalali (e.g. 1365) or Gregorian (e.g. 1986)."),
                code="year",
            )
        return year

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        low, high = cleaned.get("size_min"), cleaned.get("size_max")
        if low is not None and high is not None and low > high:
            self.add_error("size_max", _("The upper bound is below the lower bound."))
        return cleaned

    SEARCH_FIELDS = ("q", "father", "year")

    def search_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.SEARCH_FIELDS]

    def filter_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in self.SEARCH_FIELDS]

    def is_search(self) -> bool:
        return any(self._value(name) for name in self.SEARCH_FIELDS)

    def is_filtered(self) -> bool:
        """Something was typed or chosen in the filters (kept open on the page)."""
        names = [name for name in self.fields if name not in self.SEARCH_FIELDS]
        return self.is_bound and any(self.data.get(name) for name in names)

    def search(self, individuals: Any, households: Any) -> queries.SearchResult | None:
        """What the search box, father's name and year find, or None without a search."""
        if not self.is_search():
            return None
        return queries.search(
            individuals,
            households,
            self._value("q") or "",
            father=self._value("father") or "",
            year=self._value("year"),
        )

    def filter(self, households: Any) -> Any:
        """``households`` narrowed by the valid filters; an invalid one is left out."""
        if code := self._value("settlement"):
            households = households.filter(settlement__code=code)
        params = {
            name: self._value(name)
            for name in (
                "status",
                "block",
                "size_min",
                "size_max",
                "age_group",
                "head_sex",
                "need",
                "document_expiry",
            )
        }
        return queries.filter_households(households, params)

    def _value(self, name: str) -> Any:
        """The cleaned value of a field, or None if it is absent or was refused."""
        if not self.is_bound or name not in self.fields:
            return None
        self.is_valid()  # fills cleaned_data once
        if name in self.errors:
            return None
        return self.cleaned_data.get(name)
