"""Forms of bulk conversion: which households, under what policy; reversing and discarding
with a reason; committing (a click)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from mehman.core import dates
from mehman.core.forms import JalaliDateField, LocalizedIntegerField
from mehman.residence.models import Priority


class ConversionFilterForm(forms.Form):
    """Which resident households without a term are converted."""

    blocks = forms.MultipleChoiceField(
        label=_("Blocks"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: every block."),
    )
    resident_before = JalaliDateField(
        label=_("Registered on or before"),
        required=False,
        help_text=_("Only households living here since this date or longer."),
    )
    min_size = LocalizedIntegerField(label=_("Smallest household (members)"), required=False)
    max_size = LocalizedIntegerField(label=_("Largest household (members)"), required=False)

    def __init__(self, *args: Any, blocks: Sequence[str], **kwargs: Any) -> None:
        """``blocks``: the block codes of the settlement's resident households."""
        super().__init__(*args, **kwargs)
        self.fields["blocks"].choices = [(code, code) for code in blocks]  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        """The filters as the service takes them (only those given)."""
        data = self.cleaned_data
        chosen: dict[str, Any] = {}
        if data.get("blocks"):
            chosen["blocks"] = list(data["blocks"])
        if data.get("resident_before"):
            chosen["resident_before"] = data["resident_before"].isoformat()
        for name in ("min_size", "max_size"):
            if data.get(name) is not None:
                chosen[name] = data[name]
        return chosen

    def valid_filters(self) -> dict[str, Any]:
        """The filters typed correctly, even if others are not (for the live count)."""
        self.is_valid()  # fields with errors are left out of cleaned_data
        return self.filters()


class ConversionForm(ConversionFilterForm):
    """The households, and the policy of their terms."""

    term_months = LocalizedIntegerField(
        label=_("Term length (months)"),
        help_text=_("From the start date to the latest end."),
    )
    stagger_years = LocalizedIntegerField(
        label=_("Spread the ends over (years)"),
        help_text=_(
            "The ends are spread evenly over the last years of the term, so that not every "
            "household's term ends at once. 0: every term ends after its full length."
        ),
    )
    start_on = JalaliDateField(label=_("Terms start on"))
    priorities = forms.MultipleChoiceField(
        label=_("Later ends for"),
        required=False,
        choices=Priority.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Households that have lived here longest end earliest; each rule a household "
            "matches puts it later in the schedule."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("term_months", int(settings.MEHMAN_TERM_MONTHS))
        initial.setdefault("stagger_years", 2)
        initial.setdefault("start_on", dates.today())
        super().__init__(*args, **kwargs)

    def policy(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "term_months": data["term_months"],
            "stagger_years": data["stagger_years"],
            "start_on": data["start_on"],
            "priorities": list(data.get("priorities") or []),
        }


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CommitForm(forms.Form):
    """Committing needs only the click: the page says what it does."""
