"""Forms of the vacancy and offer pages: their filters, offering a unit to one of the
households that fit it, and the household's answer (acceptance or decline).

Nothing here saves: ``mehman.housing.services`` checks the unit, the household and the
rank order (passing over households ranked higher needs a reason).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from mehman.core import digits
from mehman.core.forms import JalaliDateField, with_blank
from mehman.core.models import Settlement
from mehman.housing.models import Block, Offer, OfferStatus, Unit
from mehman.intake.models import Application
from mehman.intake.services.status import normalise_reference

ANY = _("Any")
# The offers list's extra status choice: open offers whose answer is overdue.
OVERDUE = "overdue"


def _settlement_field(settlements: Sequence[Settlement]) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Settlement"), required=False, choices=[(s.code, s.name) for s in settlements]
    )


class VacancyFilterForm(forms.Form):
    """Narrow the vacancies (a GET form): a national user also picks the settlement."""

    block = forms.ChoiceField(label=_("Block"), required=False)

    def __init__(
        self, data: Any, *, blocks: Sequence[Block], settlements: Sequence[Settlement]
    ) -> None:
        super().__init__(data)
        self.fields["block"].choices = with_blank(  # type: ignore[attr-defined]
            [(b.code, f"{b.code} · {b.name}" if b.name else b.code) for b in blocks], ANY
        )
        if len(settlements) > 1:
            self.fields = {"settlement": _settlement_field(settlements), **self.fields}

    def filter(self, units: QuerySet[Unit]) -> QuerySet[Unit]:
        if not self.is_bound or not self.is_valid() or not self.cleaned_data["block"]:
            return units
        return units.filter(block__code=self.cleaned_data["block"])


class OfferFilterForm(forms.Form):
    """Narrow the list of offers (a GET form)."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=with_blank([*OfferStatus.choices, (OVERDUE, _("Answer overdue"))], ANY),
    )

    def __init__(self, data: Any, *, settlements: Sequence[Settlement]) -> None:
        super().__init__(data)
        if len(settlements) > 1:
            self.fields = {"settlement": _settlement_field(settlements), **self.fields}

    def filter(self, offers: QuerySet[Offer], *, today: Any) -> QuerySet[Offer]:
        if not self.is_bound or not self.is_valid():
            return offers
        data = self.cleaned_data
        if data.get("settlement"):
            offers = offers.filter(settlement__code=data["settlement"])
        if data["status"] == OVERDUE:
            offers = offers.filter(status=OfferStatus.OPEN, respond_by__lt=today)
        elif data["status"]:
            offers = offers.filter(status=data["status"])
        return offers


class OfferForm(forms.Form):
    """The household chosen among those that fit the unit, and when its answer is due."""

    application = forms.CharField(
        label=_("Household offered the unit"),
        max_length=40,
        error_messages={"required": _("Choose the household to offer the unit to.")},
    )
    respond_by = JalaliDateField(label=_("Answer due by"))
    skip_reason = forms.CharField(
        label=_("Why households ranked higher are passed over"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when households rank higher on the waitlist."),
    )

    def __init__(self, data: Any, *, candidates: Sequence[Application], **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.candidates = {a.reference: a for a in candidates}

    def clean_application(self) -> Application:
        typed = digits.strip_bidi_marks(self.cleaned_data["application"]).strip()
        chosen = self.candidates.get(normalise_reference(typed))
        if chosen is None:
            raise forms.ValidationError(
                _("Choose one of the waitlisted households listed: they fit this unit."),
                code="not_a_candidate",
            )
        return chosen


class AcceptForm(forms.Form):
    day = JalaliDateField(label=_("Accepted and moved in on"), help_text=_("Not later than today."))


BACK_CHOICES = [
    ("yes", _("Yes: it goes back to the waitlist and keeps its score")),
    ("no", _("No: its application is closed")),
]


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("The household's reason"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    back_to_waitlist = forms.TypedChoiceField(
        label=_("Back on the waitlist?"),
        choices=BACK_CHOICES,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        initial="yes",
    )
