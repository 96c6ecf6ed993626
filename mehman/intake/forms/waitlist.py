"""Forms of the waitlist pages: the waitlist's filters, the what-if weights, and one
eligibility rule.

Nothing here saves: ``mehman.intake.services`` checks the rules (the weights form asks
the ranking service to read the numbers, so a weight is checked in one place).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mehman.core import dates, digits
from mehman.core.forms import (
    LTR,
    LocalizedDecimalInput,
    LocalizedIntegerField,
    with_blank,
)
from mehman.core.models import Settlement
from mehman.intake import eligibility, scoring
from mehman.intake.models import ApplicationQuerySet, Channel, EligibilityRule
from mehman.intake.services.ranking import clean_weights
from mehman.intake.services.status import normalise_reference
from mehman.registry.models import SpecificNeedCode

ANY = _("Any")
# The need filter's choice for "any protected need", for readers who may not know which.
PROTECTED = "protected"


class WaitlistFilterForm(forms.Form):
    """Narrow the waitlist (a GET form). Readers without protection access may filter on
    protected needs only as a whole, never on one of them."""

    q = forms.CharField(
        label=_("Application number"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={**LTR, "autocomplete": "off"}),
    )
    need = forms.ChoiceField(label=_("Specific need"), required=False)
    size_min = LocalizedIntegerField(label=_("Members, at least"), required=False, min_value=0)
    size_max = LocalizedIntegerField(label=_("Members, at most"), required=False, min_value=0)
    months_min = LocalizedIntegerField(
        label=_("Months waited, at least"), required=False, min_value=0, max_value=1200
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=with_blank(Channel.choices, ANY)
    )
    female_head = forms.BooleanField(label=_("Woman head of household"), required=False)

    def __init__(
        self,
        data: Any,
        *,
        categories: list[SpecificNeedCode],
        protected: frozenset[str],
        sees_protected: bool,
        settlements: list[Settlement],
    ) -> None:
        super().__init__(data)
        self.protected = protected
        self.sees_protected = sees_protected
        shown = [(c.code, c.label) for c in categories if sees_protected or c.code not in protected]
        if not sees_protected and protected:
            shown.append((PROTECTED, str(_("A protected need (confidential)"))))
        self.fields["need"].choices = with_blank(shown, ANY)  # type: ignore[attr-defined]
        self.several_settlements = len(settlements) > 1
        if self.several_settlements:
            self.fields = {
                "settlement": forms.ChoiceField(
                    label=_("Settlement"),
                    required=False,
                    choices=[(s.code, s.name) for s in settlements],
                ),
                **self.fields,
            }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("size_min"), data.get("size_max")
        if low is not None and high is not None and low > high:
            self.add_error("size_max", _("The largest size is below the smallest."))
        return data

    def filter(self, applications: ApplicationQuerySet) -> ApplicationQuerySet:
        if not self.is_bound or not self.is_valid():
            return applications
        data = self.cleaned_data
        if data["q"]:
            typed = digits.to_ascii(digits.strip_bidi_marks(data["q"])).strip()
            applications = applications.filter(
                Q(reference__icontains=typed) | Q(reference=normalise_reference(typed))
            )
        if data["need"] == PROTECTED:
            protected = Q()
            for code in self.protected:
                protected |= Q(need_categories__contains=f",{code},")
            applications = applications.filter(protected) if protected else applications.none()
        elif data["need"]:
            applications = applications.filter(need_categories__contains=f",{data['need']},")
        if data["size_min"] is not None:
            applications = applications.filter(household_size__gte=data["size_min"])
        if data["size_max"] is not None:
            applications = applications.filter(household_size__lte=data["size_max"])
        if data["months_min"]:
            # Submitted on or before this day: at least that many full months waited today.
            latest = dates.add_months(dates.today(), -data["months_min"])
            applications = applications.filter(submitted_at__date__lte=latest)
        if data["channel"]:
            applications = applications.filter(channel=data["channel"])
        if data["female_head"]:
            applications = applications.filter(f_female_head=True)
        return applications

    @property
    def is_filtered(self) -> bool:
        return self.is_bound and any(
            self.data.get(name) for name in self.fields if name != "settlement"
        )


# --- What-if: the weights -------------------------------------------------------------------


def weight_field(code: str) -> str:
    """The form field of a criterion: ``need:SV`` → ``w_need_SV``."""
    return "w_" + code.replace(":", "_")


class WeightsForm(forms.Form):
    """One number per published criterion and per specific-need category, and the reason
    the weights change (needed to publish, not to preview)."""

    note = forms.CharField(
        label=_("Reason for the change"),
        max_length=300,
        required=False,
        help_text=_("Needed to publish; kept with the new version of the weights."),
    )

    def __init__(
        self,
        data: Any = None,
        *,
        current: Mapping[str, Decimal],
        labels: Mapping[str, tuple[str, str]],
        categories: list[SpecificNeedCode],
    ) -> None:
        super().__init__(data)
        note = self.fields.pop("note")
        self.codes: dict[str, str] = {}
        codes = [c.code for c in scoring.CRITERIA]
        codes += [scoring.need_code(c.code) for c in categories]
        for code in codes:
            name = weight_field(code)
            label, per = labels.get(code, (code, ""))
            self.codes[name] = code
            self.fields[name] = forms.CharField(
                label=label,
                help_text=per,
                max_length=20,
                initial=current.get(code, Decimal(0)),
                widget=LocalizedDecimalInput(attrs={**LTR, "class": "text-end"}),
            )
        self.fields["note"] = note
        self.weights: dict[str, Decimal] = {}

    def weight_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.codes]

    @property
    def previewable(self) -> bool:
        """Every weight was read, so the preview can show (even when publishing is refused)."""
        return self.is_bound and len(self.weights) == len(self.codes)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # scoring.parse_weight reads any digits and drops direction marks.
        typed = {code: data[name] for name, code in self.codes.items() if name in data}
        try:
            self.weights = clean_weights(typed)
        except ValidationError as error:
            for code, errors in error.error_dict.items():
                self.add_error(weight_field(code) if code in typed else None, errors)
        return data


# --- One eligibility rule -----------------------------------------------------------------


class RuleForm(forms.Form):
    """A rule's messages, whether it is in force, its place in the order and its
    parameters (for the kinds that take any)."""

    message_fa = forms.CharField(
        label=_("Message when not met (Persian)"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    message_en = forms.CharField(
        label=_("Message when not met (English)"),
        max_length=300,
        widget=forms.Textarea(attrs={**LTR, "rows": 2}),
    )
    is_active = forms.BooleanField(label=_("Active: screenings check this rule"), required=False)
    position = LocalizedIntegerField(
        label=_("Order"),
        min_value=0,
        max_value=32767,
        help_text=_("Rules are checked and listed from the smallest number up."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, data: Any = None, *, kind: str, rule: EligibilityRule | None) -> None:
        initial: dict[str, Any] = {"is_active": True, "position": 0}
        if rule is not None:
            initial = {
                "message_fa": rule.message_fa,
                "message_en": rule.message_en,
                "is_active": rule.is_active,
                "position": rule.position,
                "version": rule.version,
                **rule.params,
            }
        super().__init__(data, initial=initial)
        self.param_names = [name for name, _label in eligibility.PARAMETERS.get(kind, ())]
        for name, label in eligibility.PARAMETERS.get(kind, ()):
            self.fields[name] = LocalizedIntegerField(
                label=label, required=False, min_value=0, max_value=99
            )

    def rule_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "message_fa": data["message_fa"],
            "message_en": data["message_en"],
            "is_active": data["is_active"],
            "position": data["position"],
            "params": {n: data[n] for n in self.param_names if data.get(n) is not None},
            "expected_version": data["version"],
        }
