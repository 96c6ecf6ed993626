"""Forms of the activity pages (5W): the list's filters, an activity and its targets."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from mehman.core.models import Settlement
from mehman.partners.forms.base import (
    ANY,
    JalaliDateField,
    LocalizedIntegerField,
    VersionedForm,
    organisation_field,
    settlement_field,
    with_blank,
)
from mehman.partners.models import (
    BRACKET_TAGS,
    TARGET_KEYS,
    Activity,
    ActivityStatus,
    Organisation,
    Sector,
)

SEXES = (("f", _("Female")), ("m", _("Male")))


class ActivityFilterForm(forms.Form):
    organisation = forms.ChoiceField(label=_("Organisation"), required=False)
    sector = forms.ChoiceField(
        label=_("Sector"), required=False, choices=with_blank(Sector.choices, ANY)
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=with_blank(ActivityStatus.choices, ANY)
    )
    settlement = forms.ChoiceField(label=_("Settlement"), required=False)

    def __init__(
        self, data: Any, *, organisations: list[Organisation], settlements: list[Settlement]
    ) -> None:
        super().__init__(data)
        self.fields["organisation"].choices = with_blank(  # type: ignore[attr-defined]
            [(str(o.uuid), o.name) for o in organisations], ANY
        )
        self.fields["settlement"].choices = with_blank(  # type: ignore[attr-defined]
            [(s.code, s.name) for s in settlements], ANY
        )

    def filter(self, activities: QuerySet[Activity]) -> QuerySet[Activity]:
        if not self.is_bound or not self.is_valid():
            return activities
        data = self.cleaned_data
        if data["organisation"]:
            activities = activities.filter(
                Q(organisation__uuid=data["organisation"]) | Q(funder__uuid=data["organisation"])
            )
        if data["sector"]:
            activities = activities.filter(sector=data["sector"])
        if data["status"]:
            activities = activities.filter(status=data["status"])
        if data["settlement"]:
            activities = activities.filter(settlement__code=data["settlement"])
        return activities


class _ActivityFields(forms.Form):
    """The activity's details and its targets: households, then people by sex and age."""

    funder = organisation_field(
        _("Funding organisation"), Organisation.objects.none(), required=False
    )
    sector = forms.ChoiceField(label=_("Sector"), choices=with_blank(Sector.choices))
    name = forms.CharField(label=_("Activity"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    block = forms.CharField(label=_("Block"), max_length=20, required=False)
    starts_on = JalaliDateField(label=_("Start date"))
    ends_on = JalaliDateField(label=_("End date"), required=False)
    works_with_residents = forms.BooleanField(
        label=_("Volunteers work with residents"),
        required=False,
        initial=True,
        help_text=_("Volunteers assigned to it must have completed safeguarding."),
    )
    target_hh = LocalizedIntegerField(label=_("Households"), required=False, min_value=0)

    DETAILS = (
        "funder",
        "sector",
        "name",
        "description",
        "block",
        "starts_on",
        "ends_on",
        "works_with_residents",
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for sex, sex_label in SEXES:
            for bracket, tag in BRACKET_TAGS.items():
                self.fields[f"target_{sex}_{tag}"] = LocalizedIntegerField(
                    label=_("%(sex)s aged %(bracket)s") % {"sex": sex_label, "bracket": bracket},
                    required=False,
                    min_value=0,
                )
        for key in TARGET_KEYS:
            field = self.fields[f"target_{key}"]
            field.widget.attrs.update({"dir": "ltr", "aria-label": str(field.label)})
        self.fields["funder"].queryset = organisations  # type: ignore[attr-defined]

    def target_rows(self) -> list[tuple[Any, list[forms.BoundField]]]:
        """The grid of people targeted: one row per sex, one column per age bracket."""
        return [
            (label, [self[f"target_{sex}_{tag}"] for tag in BRACKET_TAGS.values()])
            for sex, label in SEXES
        ]

    @staticmethod
    def brackets() -> list[str]:
        return list(BRACKET_TAGS)

    def detail_fields(self) -> list[forms.BoundField]:
        return [f for f in self.visible_fields() if not f.name.startswith("target_")]

    def targets(self) -> dict[str, int]:
        return {key: self.cleaned_data.get(f"target_{key}") or 0 for key in TARGET_KEYS}

    def details(self) -> dict[str, Any]:
        return {
            **{name: self.cleaned_data[name] for name in self.DETAILS},
            "targets": self.targets(),
        }


class ActivityForm(_ActivityFields):
    organisation = organisation_field(_("Implementing organisation"), Organisation.objects.none())
    settlement = settlement_field(_("Settlement"), Settlement.objects.none())

    field_order = ["organisation", "funder", "settlement"]

    def __init__(
        self,
        data: Any = None,
        *,
        organisations: QuerySet[Organisation],
        settlements: QuerySet[Settlement],
    ) -> None:
        super().__init__(data, organisations=organisations)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["settlement"].queryset = settlements  # type: ignore[attr-defined]
        if not self.is_bound and len(settlements) == 1:
            self.initial["settlement"] = settlements[0]


class ActivityEditForm(VersionedForm, _ActivityFields):
    def __init__(
        self, data: Any = None, *, activity: Activity, organisations: QuerySet[Organisation]
    ) -> None:
        initial: dict[str, Any] = {name: getattr(activity, name) for name in self.DETAILS}
        initial["funder"] = activity.funder
        initial["version"] = activity.version
        for key in TARGET_KEYS:
            initial[f"target_{key}"] = activity.target(key)
        super().__init__(data, organisations=organisations, initial=initial)
