"""Forms of the term and review pages: the list's filters, starting a term by hand, the
agreement (conditions, signature and scan), the exit plan, a review, and the exit.

Nothing here saves: ``mehman.residence.services.terms`` checks the rules and the status. The
forms that change a term carry its version, so an edit made on a stale page is refused.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from mehman.core import dates, digits
from mehman.core.forms import JalaliDateField, LocalizedIntegerField, with_blank
from mehman.residence.models import (
    OPEN_TERM_STATUSES,
    AgreementCondition,
    Decision,
    ExitReason,
    Pathway,
    Progress,
    ResidenceTerm,
    TermOrigin,
    TermStatus,
)

ANY = _("Any")
ENDING_SOON_DAYS = 90
ENDING_CHOICES = [
    ("soon", _("Ending within 90 days")),
    ("past", _("Past the planned end")),
]


# --- The list ------------------------------------------------------------------------------


class TermFilterForm(forms.Form):
    """Narrow the list of terms (a GET form)."""

    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=with_blank(TermStatus.choices, ANY)
    )
    pathway = forms.ChoiceField(
        label=_("Pathway"), required=False, choices=with_blank(Pathway.choices, ANY)
    )
    ending = forms.ChoiceField(
        label=_("Planned end"), required=False, choices=with_blank(ENDING_CHOICES, ANY)
    )
    origin = forms.ChoiceField(
        label=_("How it began"), required=False, choices=with_blank(TermOrigin.choices, ANY)
    )
    block = forms.ChoiceField(label=_("Block"), required=False, choices=[("", ANY)])
    household = forms.CharField(
        label=_("Household number"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
    )
    review_overdue = forms.BooleanField(label=_("Review overdue"), required=False)

    def __init__(self, *args: Any, blocks: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["block"].choices = with_blank([(b, b) for b in blocks], ANY)  # type: ignore[attr-defined]

    def filter(self, terms: QuerySet[ResidenceTerm]) -> QuerySet[ResidenceTerm]:
        if not self.is_bound or not self.is_valid():
            return terms
        data = self.cleaned_data
        today = dates.today()
        for name in ("status", "pathway", "origin"):
            if data[name]:
                terms = terms.filter(**{name: data[name]})
        if data["block"]:
            terms = terms.filter(household__block=data["block"])
        if data["household"]:
            typed = digits.to_ascii(data["household"]).strip().upper()
            terms = terms.filter(household__reference=typed)
        if data["ending"] == "soon":
            terms = terms.filter(
                status__in=OPEN_TERM_STATUSES,
                planned_end__gte=today,
                planned_end__lte=today + timedelta(days=ENDING_SOON_DAYS),
            )
        elif data["ending"] == "past":
            terms = terms.filter(status__in=OPEN_TERM_STATUSES, planned_end__lt=today)
        if data["review_overdue"]:
            terms = terms.filter(status__in=OPEN_TERM_STATUSES, next_review_on__lt=today)
        return terms


class ReviewFilterForm(forms.Form):
    """Narrow the reviews worklist (a GET form)."""

    due = forms.ChoiceField(
        label=_("Due"),
        required=False,
        choices=[
            ("", ANY),
            ("overdue", _("Overdue")),
            ("fortnight", _("Due within the notice period")),
        ],
    )
    block = forms.ChoiceField(label=_("Block"), required=False, choices=[("", ANY)])
    household = forms.CharField(
        label=_("Household number"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, blocks: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["block"].choices = with_blank([(b, b) for b in blocks], ANY)  # type: ignore[attr-defined]

    def values(self) -> dict[str, str]:
        if not self.is_bound or not self.is_valid():
            return {"due": "", "block": "", "household": ""}
        household = digits.to_ascii(self.cleaned_data["household"]).strip().upper()
        return {**self.cleaned_data, "household": household}


# --- Pieces shared by the forms of one term --------------------------------------------------


class VersionedForm(forms.Form):
    """Carries the term's version from the page the user saw."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, term: ResidenceTerm | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if term is not None and not self.is_bound:
            self.initial["version"] = term.version


def condition_choices() -> list[tuple[str, str]]:
    return [(c.code, c.text) for c in AgreementCondition.objects.active()]


def standard_conditions() -> list[str]:
    return list(
        AgreementCondition.objects.active().filter(standard=True).values_list("code", flat=True)
    )


class ConditionsField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


def _exit_plan_field() -> forms.CharField:
    return forms.CharField(
        label=_("Exit plan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The steps agreed towards the durable solution."),
    )


# --- Starting a term by hand ------------------------------------------------------------------


class StartTermForm(forms.Form):
    started_on = JalaliDateField(label=_("Start"))
    months = LocalizedIntegerField(
        label=_("Length (months)"),
        required=False,
        min_value=1,
        max_value=120,
        help_text=_("Or give the planned end below."),
    )
    planned_end = JalaliDateField(label=_("Planned end"), required=False)
    conditions = ConditionsField(label=_("Conditions of the agreement"))
    pathway = forms.ChoiceField(label=_("Intended durable solution"), choices=Pathway.choices)
    exit_plan = _exit_plan_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["conditions"].choices = condition_choices()  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial.setdefault("started_on", dates.today())
            self.initial.setdefault("months", int(settings.MEHMAN_TERM_MONTHS))
            self.initial.setdefault("conditions", standard_conditions())
            self.initial.setdefault("pathway", Pathway.UNDECIDED)

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if data.get("planned_end"):
            data["months"] = None
        return data


# --- The agreement ---------------------------------------------------------------------------


class ConditionsForm(VersionedForm):
    conditions = ConditionsField(label=_("Conditions of the agreement"))

    def __init__(self, *args: Any, term: ResidenceTerm | None = None, **kwargs: Any) -> None:
        super().__init__(*args, term=term, **kwargs)
        self.fields["conditions"].choices = condition_choices()  # type: ignore[attr-defined]
        if term is not None and not self.is_bound:
            self.initial["conditions"] = [item.get("code") for item in term.conditions]


class AgreementForm(VersionedForm):
    signed_on = JalaliDateField(label=_("Signed on"))
    scan = forms.FileField(
        label=_("Scan of the signed agreement"),
        required=False,
        help_text=_("PDF, JPEG or PNG, up to 10 MB."),
    )

    def __init__(self, *args: Any, term: ResidenceTerm | None = None, **kwargs: Any) -> None:
        super().__init__(*args, term=term, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("signed_on", dates.today())


class PlanForm(VersionedForm):
    pathway = forms.ChoiceField(label=_("Intended durable solution"), choices=Pathway.choices)
    exit_plan = _exit_plan_field()

    def __init__(self, *args: Any, term: ResidenceTerm | None = None, **kwargs: Any) -> None:
        super().__init__(*args, term=term, **kwargs)
        if term is not None and not self.is_bound:
            self.initial.update({"pathway": term.pathway, "exit_plan": term.exit_plan})


# --- A review ---------------------------------------------------------------------------------


class ReviewForm(VersionedForm):
    """The server decides what each decision needs; the page hides what it does not."""

    held_on = JalaliDateField(label=_("Held on"))
    progress = forms.ChoiceField(
        label=_("Progress against the exit plan"),
        choices=Progress.choices,
        widget=forms.RadioSelect,
    )
    progress_note = forms.CharField(
        label=_("How the plan progressed"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    remarks = forms.CharField(
        label=_("Remarks"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    decision = forms.ChoiceField(
        label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect
    )
    new_end = JalaliDateField(
        label=_("New planned end"),
        required=False,
        help_text=_("Needed to extend the term."),
    )
    reason = forms.CharField(
        label=_("Reason for the decision"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed to extend the term or to begin the exit."),
    )

    def __init__(self, *args: Any, term: ResidenceTerm | None = None, **kwargs: Any) -> None:
        super().__init__(*args, term=term, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("held_on", dates.today())


# --- The exit ---------------------------------------------------------------------------------


class BeginExitForm(VersionedForm):
    reason = forms.CharField(
        label=_("Reason for beginning the exit"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class EndTermForm(VersionedForm):
    exit_reason = forms.ChoiceField(
        label=_("How the household left"), choices=with_blank(ExitReason.choices)
    )
    exit_on = JalaliDateField(label=_("Exit date"))
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args: Any, term: ResidenceTerm | None = None, **kwargs: Any) -> None:
        super().__init__(*args, term=term, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("exit_on", dates.today())
