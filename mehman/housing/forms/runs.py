"""Forms of batch allocation: starting a run, changing one proposal, discarding a run."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from mehman.core import digits
from mehman.housing.models import Unit

ALL_UNITS = "all"
SOME_BLOCKS = "blocks"
NO_UNIT = "none"


class StartRunForm(forms.Form):
    """Which vacancies the run fills: all of the settlement's, or those of chosen blocks."""

    scope = forms.ChoiceField(
        label=_("Vacancies to fill"),
        choices=[
            (ALL_UNITS, _("Every vacant unit of the settlement")),
            (SOME_BLOCKS, _("Only the vacant units of the blocks chosen below")),
        ],
        widget=forms.RadioSelect,
        initial=ALL_UNITS,
    )
    blocks = forms.MultipleChoiceField(
        label=_("Blocks"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=300,
        required=False,
        help_text=_("Why this run, e.g. the renovation phase it follows."),
    )

    def __init__(self, *args: Any, vacancies: Sequence[tuple[str, int]], **kwargs: Any) -> None:
        """``vacancies``: each block having vacancies, with how many."""
        super().__init__(*args, **kwargs)
        self.fields["blocks"].choices = [  # type: ignore[attr-defined]
            (
                code,
                ngettext("%(block)s (%(count)s vacancy)", "%(block)s (%(count)s vacancies)", count)
                % {"block": code, "count": digits.localize(count)},
            )
            for code, count in vacancies
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("scope") == SOME_BLOCKS and not cleaned.get("blocks"):
            self.add_error("blocks", _("Choose at least one block."))
        return cleaned

    def chosen_blocks(self) -> list[str] | None:
        """The block codes chosen, or ``None`` for every vacancy of the settlement."""
        if self.cleaned_data.get("scope") != SOME_BLOCKS:
            return None
        return list(self.cleaned_data.get("blocks") or [])


def unit_label(unit: Unit) -> str:
    text = ngettext(
        "%(unit)s · block %(block)s · holds %(capacity)s person",
        "%(unit)s · block %(block)s · holds %(capacity)s persons",
        unit.capacity,
    ) % {
        "unit": unit.reference,
        "block": unit.block.code,
        "capacity": digits.localize(unit.capacity),
    }
    if unit.step_free:
        text = gettext("%(unit)s · step-free") % {"unit": text}
    return str(text)


class EditProposalForm(forms.Form):
    """Another of the run's free vacancies, or none, and why."""

    unit = forms.ChoiceField(label=_("Unit proposed"))
    reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the proposal and shown to whoever commits the run."),
    )

    def __init__(
        self, *args: Any, units: Sequence[Unit], current: Unit | None, **kwargs: Any
    ) -> None:
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("unit", current.reference if current else NO_UNIT)
        super().__init__(*args, **kwargs)
        self._units = {u.reference: u for u in units}
        self.fields["unit"].choices = [  # type: ignore[attr-defined]
            (NO_UNIT, _("No unit: the household is not placed in this run")),
            *((u.reference, unit_label(u)) for u in units),
        ]

    def chosen_unit(self) -> Unit | None:
        return self._units.get(self.cleaned_data["unit"])


class DiscardRunForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the run is discarded"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CommitRunForm(forms.Form):
    """Committing needs only the click: the confirmation page says what it does."""
