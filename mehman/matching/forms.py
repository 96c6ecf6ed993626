"""Forms of the matching pages: the review queue's filters, a reviewer's decision on a pair
(with an optional note), and starting a run in one of the user's settlements.

Nothing here decides: ``mehman.matching.services`` checks the pair's status and merges.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from mehman.core import digits
from mehman.core.forms import with_blank
from mehman.core.models import Settlement
from mehman.matching.models import MatchPair, PairSource, PairStatus

ANY = _("Any")
# The queue shows the pairs to review unless another status is asked for.
ALL = "all"
STATUS_CHOICES = [*PairStatus.choices, (ALL, _("All"))]

# Probability bands: (code, label, lowest, highest-exclusive).
BANDS: tuple[tuple[str, Any, float, float], ...] = (
    ("high", _("Very likely (nine in ten or more)"), 0.9, 2.0),
    ("likely", _("Likely (half to nine in ten)"), 0.5, 0.9),
    ("possible", _("Possible (under half)"), -1.0, 0.5),
)


class PairFilterForm(forms.Form):
    """Narrow the review queue (a GET form)."""

    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_CHOICES)
    source = forms.ChoiceField(
        label=_("Found by"), required=False, choices=with_blank(PairSource.choices, ANY)
    )
    settlement = forms.ChoiceField(label=_("Settlement"), required=False)
    band = forms.ChoiceField(
        label=_("Probability"),
        required=False,
        choices=with_blank([(code, label) for code, label, _low, _high in BANDS], ANY),
    )
    # Set by the links of a run's page; not shown as a field.
    run = forms.CharField(required=False, max_length=32, widget=forms.HiddenInput)

    def __init__(self, *args: Any, settlements: Sequence[Settlement], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["settlement"]
        field.choices = with_blank([(s.code, s.name) for s in settlements], ANY)  # type: ignore[attr-defined]
        if len(settlements) < 2:
            field.widget = forms.HiddenInput()

    def _data(self) -> dict[str, Any]:
        if not self.is_bound or not self.is_valid():
            return {}
        return self.cleaned_data

    @property
    def status_wanted(self) -> str:
        return str(self._data().get("status") or PairStatus.OPEN)

    def narrow(self, pairs: QuerySet[MatchPair]) -> QuerySet[MatchPair]:
        """Every filter but the status (the counts per status are read from this)."""
        data = self._data()
        if data.get("source"):
            pairs = pairs.filter(source=data["source"])
        if data.get("settlement"):
            pairs = pairs.filter(first__household__settlement__code=data["settlement"])
        if data.get("run"):
            pairs = pairs.filter(run__reference=digits.to_ascii(data["run"]).strip().upper())
        for code, _label, low, high in BANDS:
            if data.get("band") == code:
                pairs = pairs.filter(Q(probability__gte=low) & Q(probability__lt=high))
        return pairs

    def by_status(self, pairs: QuerySet[MatchPair]) -> QuerySet[MatchPair]:
        status = self.status_wanted
        return pairs if status == ALL else pairs.filter(status=status)


class DecisionForm(forms.Form):
    """A reviewer's decision on a pair: the button says which; the note is optional."""

    note = forms.CharField(
        label=_("Note"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why you decided so, for whoever reads the history (optional)."),
    )


class StartRunForm(forms.Form):
    """Compare every active person of a settlement with every other."""

    settlement = forms.ModelChoiceField(
        label=_("Settlement"), queryset=Settlement.objects.none(), to_field_name="code"
    )

    def __init__(self, *args: Any, settlements: QuerySet[Settlement], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["settlement"]
        field.queryset = settlements  # type: ignore[attr-defined]
        field.empty_label = None  # type: ignore[attr-defined]
        if not self.is_bound:
            first = settlements.first()
            if first is not None:
                self.initial["settlement"] = first.code
