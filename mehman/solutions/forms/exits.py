"""Forms of the exit: how and when the household (or some of its members) left, who heads
whom afterwards, where those who stay live; and the follow-ups after it.

Nothing here saves: ``mehman.solutions.services.exits`` checks the rules.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mehman.core import dates, digits
from mehman.core.forms import JalaliDateField, with_blank
from mehman.housing.models import Unit
from mehman.solutions.forms.cases import MemberField, MembersField, VersionedForm, active_members
from mehman.solutions.models import EXIT_TYPES, SolutionsCase

REACHED_CHOICES = [
    ("yes", _("Reached")),
    ("no", _("Could not be reached")),
]


class UnitField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """Vacant homes by reference, with how many they hold."""

    def label_from_instance(self, obj: Any) -> str:
        return str(
            _("%(unit)s: holds %(capacity)s persons; rooms: %(rooms)s")
            % {
                "unit": obj.reference,
                "capacity": digits.localize_digits(str(obj.capacity)),
                "rooms": digits.localize_digits(str(obj.rooms)),
            }
        )


class ExitForm(VersionedForm):
    exit_type = forms.ChoiceField(
        label=_("How they left"),
        choices=with_blank([(c.value, c.label) for c in EXIT_TYPES]),
    )
    exit_on = JalaliDateField(label=_("Exit date"))
    members = MembersField(
        label=_("Members leaving"),
        required=False,
        help_text=_("None ticked: the whole household leaves."),
    )
    new_head = MemberField(
        label=_("Who heads the members leaving"),
        required=False,
        help_text=_("Needed when some members leave without the head."),
    )
    staying_head = MemberField(
        label=_("Who heads the members who stay"),
        required=False,
        help_text=_("Needed when the head leaves and some members stay."),
    )
    move_remaining_to = UnitField(
        label=_("The members who stay move to"),
        queryset=Unit.objects.none(),
        to_field_name="reference",
        required=False,
        empty_label=_("They keep their home"),
        help_text=_("A vacant home of the settlement, e.g. a smaller one: theirs is then freed."),
    )
    offer_home = forms.BooleanField(
        label=_("Offer the freed home to the next household on the waitlist"),
        required=False,
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, case: SolutionsCase, **kwargs: Any) -> None:
        super().__init__(*args, record=case, **kwargs)
        members = active_members(case.household)
        self.active_count = members.count()
        for name in ("members", "new_head", "staying_head"):
            self.fields[name].queryset = members  # type: ignore[attr-defined]
        self.fields["move_remaining_to"].queryset = (  # type: ignore[attr-defined]
            Unit.objects.vacant()
            .filter(settlement=case.settlement_id)
            .order_by("capacity", "reference")
        )
        if not self.is_bound:
            self.initial.update({"exit_on": dates.today(), "offer_home": True})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        unit = data.get("move_remaining_to")
        leaving = data.get("members") or []
        staying = self.active_count - len(leaving) if leaving else 0
        if unit is not None and staying and unit.capacity < staying:
            self.add_error(
                "move_remaining_to",
                forms.ValidationError(
                    _("%(unit)s holds %(capacity)s persons; %(staying)s stay."),
                    code="too_small",
                    params={
                        "unit": unit.reference,
                        "capacity": digits.localize_digits(str(unit.capacity)),
                        "staying": digits.localize_digits(str(staying)),
                    },
                ),
            )
        return data

    def exit_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "exit_type": data["exit_type"],
            "exit_on": data["exit_on"],
            "members": list(data["members"]) or None,
            "new_head": data["new_head"],
            "staying_head": data["staying_head"],
            "move_remaining_to": data["move_remaining_to"],
            "offer_home": data["offer_home"],
            "note": data["note"],
            "expected_version": data["version"],
        }


class FollowUpForm(forms.Form):
    reached = forms.ChoiceField(
        label=_("Was the household reached?"), choices=REACHED_CHOICES, widget=forms.RadioSelect
    )
    outcome = forms.CharField(label=_("What was found"), widget=forms.Textarea(attrs={"rows": 3}))
    done_on = JalaliDateField(label=_("Followed up on"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["done_on"] = dates.today()
