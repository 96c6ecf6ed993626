"""The 5W table's filters (a GET form: nothing here changes data). The export takes
the same query string, so what is shown is what is downloaded."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from mehman.core.forms import JalaliDateField, with_blank
from mehman.core.models import Settlement
from mehman.partners.models import Activity, ActivityStatus, Organisation, Sector

ANY = _("Any")


class FiveWFilterForm(forms.Form):
    """Narrow the activities in scope by settlement, organisation, sector, status and
    period. An invalid filter is left out rather than emptying the table."""

    settlement = forms.ChoiceField(label=_("Settlement"), required=False)
    organisation = forms.ChoiceField(
        label=_("Organisation"),
        required=False,
        help_text=_("Implementing or funding."),
    )
    sector = forms.ChoiceField(
        label=_("Sector"), required=False, choices=with_blank(Sector.choices, ANY)
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=with_blank(ActivityStatus.choices, ANY)
    )
    since = JalaliDateField(label=_("Active from"), required=False)
    until = JalaliDateField(label=_("Active until"), required=False)

    def __init__(
        self,
        data: Any,
        *,
        settlements: list[Settlement],
        organisations: list[Organisation],
    ) -> None:
        super().__init__(data)
        self.several_settlements = len(settlements) > 1
        if self.several_settlements:
            self._choices("settlement", with_blank([(s.code, s.name) for s in settlements], ANY))
        else:
            del self.fields["settlement"]
        self._choices(
            "organisation",
            with_blank([(str(o.uuid), o.short_name) for o in organisations], ANY),
        )

    def _choices(self, name: str, choices: list[tuple[str, Any]]) -> None:
        cast(forms.ChoiceField, self.fields[name]).choices = choices

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end of the period is before its start."))
        return cleaned

    def is_filtered(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.fields)

    def filter(self, activities: QuerySet[Activity]) -> QuerySet[Activity]:
        """``activities`` narrowed by the valid filters; a period keeps the activities
        running during any part of it."""
        if code := self._value("settlement"):
            activities = activities.filter(settlement__code=code)
        if organisation := self._value("organisation"):
            activities = activities.filter(
                Q(organisation__uuid=organisation) | Q(funder__uuid=organisation)
            )
        if sector := self._value("sector"):
            activities = activities.filter(sector=sector)
        if status := self._value("status"):
            activities = activities.filter(status=status)
        if since := self._value("since"):
            activities = activities.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=since))
        if until := self._value("until"):
            activities = activities.filter(starts_on__lte=until)
        return activities

    def _value(self, name: str) -> Any:
        """The cleaned value of a field, or None if it is absent or was refused."""
        if not self.is_bound or name not in self.fields:
            return None
        self.is_valid()
        if name in self.errors:
            return None
        return self.cleaned_data.get(name)
