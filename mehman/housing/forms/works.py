"""Forms of the survey and works pages: a condition checklist, the works list's filters,
a work order's plan, the steps of its status machine, photos and spending a donation.

Nothing here saves: ``mehman.housing.services.works`` checks the rules and the status.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from mehman.core import digits
from mehman.core.forms import (
    JalaliDateField,
    LocalizedDecimalField,
    LocalizedIntegerField,
    show_service_error,
    with_blank,
)
from mehman.housing.checklists import RATING_LABELS, Item, items_for
from mehman.housing.models import (
    OPEN_WORK,
    Block,
    Heating,
    PhotoStage,
    WorkKind,
    WorkOrder,
    WorkPriority,
    WorkStatus,
)
from mehman.partners.models import Donation, GiftKind, Organisation

ANY = _("Any")
ITEM_PREFIX = "item_"


class OrganisationChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A partner organisation, chosen by its UUID and shown by its name."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


# --- Choosing what a survey or a work order is about -----------------------------------------


class SubjectForm(forms.Form):
    """A unit's or a facility's number, typed in any digits (a GET form)."""

    reference = forms.CharField(
        label=_("Unit or facility number"),
        max_length=32,
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
        help_text=_("For example TJ-B01-001 (a unit) or TJ-F0001 (a facility)."),
    )

    def typed(self) -> str:
        return digits.to_ascii(self.cleaned_data["reference"]).strip().upper()


# --- Condition survey ------------------------------------------------------------------------


class SurveyForm(forms.Form):
    """One radio group per checklist item; items left unrated were not looked at."""

    surveyed_on = JalaliDateField(label=_("Surveyed on"))
    note = forms.CharField(
        label=_("Remarks"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, unit: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items: tuple[Item, ...] = items_for(unit=unit)
        for item in self.items:
            self.fields[f"{ITEM_PREFIX}{item.code}"] = forms.ChoiceField(
                label=item.label,
                choices=list(RATING_LABELS.items()),
                required=False,
                widget=forms.RadioSelect,
            )

    def rows(self) -> list[tuple[Item, forms.BoundField]]:
        """Each checklist item beside its radio group, in the checklist's order."""
        return [(item, self[f"{ITEM_PREFIX}{item.code}"]) for item in self.items]

    def ratings(self) -> dict[str, str]:
        return {
            item.code: self.cleaned_data[f"{ITEM_PREFIX}{item.code}"]
            for item in self.items
            if self.cleaned_data.get(f"{ITEM_PREFIX}{item.code}")
        }


# --- The list --------------------------------------------------------------------------------


class BlockChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.code)


class WorkFilterForm(forms.Form):
    """Narrow the list of work orders (a GET form)."""

    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=with_blank(WorkStatus.choices, ANY)
    )
    kind = forms.ChoiceField(
        label=_("Kind of work"), required=False, choices=with_blank(WorkKind.choices, ANY)
    )
    priority = forms.ChoiceField(
        label=_("Priority"), required=False, choices=with_blank(WorkPriority.choices, ANY)
    )
    funder = OrganisationChoiceField(
        label=_("Funder"),
        queryset=Organisation.objects.none(),
        to_field_name="uuid",
        required=False,
        empty_label=ANY,
    )
    contractor = OrganisationChoiceField(
        label=_("Contractor or volunteer group"),
        queryset=Organisation.objects.none(),
        to_field_name="uuid",
        required=False,
        empty_label=ANY,
    )
    block = BlockChoiceField(
        label=_("Block"),
        queryset=Block.objects.none(),
        to_field_name="uuid",
        required=False,
        empty_label=ANY,
    )
    open_only = forms.BooleanField(label=_("Open work orders only"), required=False)

    def __init__(
        self,
        *args: Any,
        organisations: QuerySet[Organisation],
        blocks: QuerySet[Block],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["funder"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["contractor"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["block"].queryset = blocks  # type: ignore[attr-defined]

    def filter(self, orders: QuerySet[WorkOrder]) -> QuerySet[WorkOrder]:
        if not self.is_bound or not self.is_valid():
            return orders
        data = self.cleaned_data
        for name in ("status", "kind", "priority", "funder", "contractor"):
            if data[name]:
                orders = orders.filter(**{name: data[name]})
        if data["block"]:
            orders = orders.filter(Q(unit__block=data["block"]) | Q(facility__block=data["block"]))
        if data["open_only"]:
            orders = orders.filter(status__in=OPEN_WORK)
        return orders


# --- A work order's plan ---------------------------------------------------------------------


class WorkOrderForm(forms.Form):
    """What is to be done, by whom, paid by whom, when and for about how much."""

    kind = forms.ChoiceField(label=_("Kind of work"), choices=with_blank(WorkKind.choices))
    title = forms.CharField(label=_("Work"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=WorkPriority.choices)
    estimate = LocalizedIntegerField(
        label=_("Cost estimate (rials)"),
        min_value=0,
        required=False,
        help_text=_("Needed before the work can be approved."),
    )
    funder = OrganisationChoiceField(
        label=_("Funder"),
        queryset=Organisation.objects.none(),
        to_field_name="uuid",
        required=False,
    )
    contractor = OrganisationChoiceField(
        label=_("Contractor or volunteer group"),
        queryset=Organisation.objects.none(),
        to_field_name="uuid",
        required=False,
    )
    planned_start = JalaliDateField(label=_("Planned start"), required=False)
    planned_end = JalaliDateField(label=_("Planned end"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        organisations: QuerySet[Organisation],
        order: WorkOrder | None = None,
        **kwargs: Any,
    ) -> None:
        if order is not None:
            kwargs.setdefault("initial", {}).update(
                {
                    "title": order.title,
                    "description": order.description,
                    "priority": order.priority,
                    "estimate": order.estimate,
                    "funder": order.funder.uuid if order.funder else None,
                    "contractor": order.contractor.uuid if order.contractor else None,
                    "planned_start": order.planned_start,
                    "planned_end": order.planned_end,
                    "version": order.version,
                }
            )
        super().__init__(*args, **kwargs)
        self.fields["funder"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["contractor"].queryset = organisations  # type: ignore[attr-defined]
        if order is not None:
            del self.fields["kind"]  # the kind of a work order is not changed afterwards
        else:
            del self.fields["version"]

    def plan(self) -> dict[str, Any]:
        """The cleaned plan, named as the services take it (the kind only when new)."""
        data = self.cleaned_data
        plan = {
            "title": data["title"],
            "description": data["description"],
            "priority": data["priority"],
            "estimate": data["estimate"] or 0,
            "funder": data["funder"],
            "contractor": data["contractor"],
            "planned_start": data["planned_start"],
            "planned_end": data["planned_end"],
        }
        if "kind" in self.fields:
            plan["kind"] = data["kind"]
        return plan


# --- The steps of a work order ---------------------------------------------------------------


class StepForm(forms.Form):
    """The form of one step of a work order: it knows the order, and gives the service's
    keyword arguments."""

    def __init__(self, *args: Any, order: WorkOrder, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order = order

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class ApproveForm(StepForm):
    """Approving asks nothing more: the estimate is on the order."""


class StartForm(StepForm):
    day = JalaliDateField(label=_("Started on"))


IMPROVEMENT_FLAGS = ("ramp", "own_tap", "own_toilet", "electricity")


class CompleteForm(StepForm):
    """The actual cost and what the work changed; a facility has no floor area or fittings."""

    day = JalaliDateField(label=_("Completed on"))
    actual_cost = LocalizedIntegerField(label=_("Actual cost (rials)"), min_value=0)
    condition_after = LocalizedIntegerField(
        label=_("Condition score after the work"),
        min_value=0,
        max_value=100,
        required=False,
        help_text=_("0 to 100; leave empty if not assessed."),
    )
    floor_area_after = LocalizedDecimalField(
        label=_("New floor area (m²)"),
        max_digits=7,
        decimal_places=1,
        min_value=Decimal("1"),
        required=False,
        help_text=_("Only if the work changed it; the capacity follows the standard."),
    )
    ramp = forms.BooleanField(label=_("A ramp or level entrance was built"), required=False)
    own_tap = forms.BooleanField(label=_("An own tap was fitted"), required=False)
    own_toilet = forms.BooleanField(label=_("An own toilet was built"), required=False)
    electricity = forms.BooleanField(label=_("Electricity was connected"), required=False)
    heating = forms.ChoiceField(
        label=_("Heating now"),
        required=False,
        choices=with_blank(Heating.choices, _("Unchanged")),
    )

    def __init__(self, *args: Any, order: WorkOrder, **kwargs: Any) -> None:
        super().__init__(*args, order=order, **kwargs)
        if order.unit is None:
            for name in ("floor_area_after", *IMPROVEMENT_FLAGS, "heating"):
                del self.fields[name]

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        improvements: dict[str, Any] = {name: True for name in IMPROVEMENT_FLAGS if data.get(name)}
        if data.get("heating"):
            improvements["heating"] = data["heating"]
        return {
            "day": data["day"],
            "actual_cost": data["actual_cost"],
            "condition_after": data["condition_after"],
            "floor_area_after": data.get("floor_area_after"),
            "improvements": improvements,
        }


class CancelForm(StepForm):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=300)


# --- Photos ----------------------------------------------------------------------------------


class PhotoForm(forms.Form):
    stage = forms.ChoiceField(label=_("When"), choices=PhotoStage.choices, widget=forms.RadioSelect)
    image = forms.ImageField(
        label=_("Photo"), widget=forms.ClearableFileInput(attrs={"accept": "image/*"})
    )
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)
    taken_on = JalaliDateField(label=_("Taken on"))


# --- Spending a donation ---------------------------------------------------------------------


class DonationChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A donation shown by its pledge, its donor and what is left of it."""

    def label_from_instance(self, obj: Any) -> str:
        pledge = obj.pledge
        return str(
            _("%(pledge)s · %(donor)s · %(item)s: %(left)s %(unit)s left")
            % {
                "pledge": pledge.reference,
                "donor": pledge.donor.name,
                "item": pledge.item_label,
                "left": digits.localize(
                    obj.remaining_value
                    if pledge.kind == GiftKind.CASH
                    else digits.plain(obj.remaining_quantity)
                ),
                "unit": pledge.unit_label,
            }
        )


# Where a service's error about the donation belongs on the spending form.
SPEND_ERROR_FIELDS = {
    "exhausted": "amount",
    "positive": "amount",
    "before_received": "spent_on",
    "restricted_sector": "donation",
    "household_required": "donation",
    "restricted_household": "donation",
    "settlement": "donation",
    "cancelled": "donation",
}


class SpendForm(forms.Form):
    """Money (or goods) from a donation of the work's settlement, paid for this work."""

    donation = DonationChoiceField(
        label=_("Donation"), queryset=Donation.objects.none(), to_field_name="uuid"
    )
    amount = LocalizedIntegerField(
        label=_("Amount (rials)"),
        min_value=1,
        required=False,
        help_text=_("For money. For goods, leave empty: the donation's value of the quantity."),
    )
    quantity = LocalizedDecimalField(
        label=_("Quantity of goods"),
        max_digits=16,
        decimal_places=2,
        min_value=Decimal("0.01"),
        required=False,
        help_text=_("Only for donated goods, in the pledge's unit."),
    )
    description = forms.CharField(label=_("Work paid for"), max_length=300)
    spent_on = JalaliDateField(label=_("Spent on"))

    def __init__(self, *args: Any, donations: QuerySet[Donation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["donation"].queryset = donations  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        donation = data.get("donation")
        if donation is None:
            return data
        cash = donation.pledge.kind == GiftKind.CASH
        if cash and not data.get("amount"):
            self.add_error("amount", _("Give the amount spent."))
        if not cash and not data.get("quantity"):
            self.add_error("quantity", _("Give the quantity used."))
        return data

    def spending(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "donation": data["donation"],
            "amount": data["amount"] or 0,
            "quantity": data["quantity"],
            "description": data["description"],
            "spent_on": data["spent_on"],
        }

    def show_error(self, error: ValidationError) -> None:
        """A service's error on the field it is about when the form has it, else on top."""
        if hasattr(error, "error_dict"):
            show_service_error(self, error)
            return
        donation = self.cleaned_data.get("donation")
        goods = donation is not None and donation.pledge.kind != GiftKind.CASH
        for item in error.error_list:
            name = SPEND_ERROR_FIELDS.get(item.code or "")
            if name == "amount" and goods:
                name = "quantity"
            self.add_error(name if name in self.fields else None, item)
