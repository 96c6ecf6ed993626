"""Forms of the site pages: the map's controls, the unit and facility lists' filters, new
and corrected units, facilities and blocks, and the small forms of a unit's state and moves.

Nothing here saves: ``mehman.housing.services`` checks the rules (a reason for every
correction, one household per unit, capacity by the standard).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from mehman.core import digits, names
from mehman.core.forms import (
    LTR,
    JalaliDateField,
    LocalizedDecimalField,
    LocalizedIntegerField,
    with_blank,
)
from mehman.housing.models import (
    Block,
    EndReason,
    Facility,
    FacilityKind,
    Heating,
    Unit,
    UnitQuerySet,
    UnitState,
)
from mehman.registry.models import Household

ANY = _("Any")

# --- The map ----------------------------------------------------------------------------------

MODES = [
    ("occupancy", _("Occupancy")),
    ("crowding", _("Crowding (m² per person)")),
    ("condition", _("Condition")),
]
LAYERS = [
    ("units", _("Units")),
    ("facilities", _("Facilities")),
    ("rings", _("Distance to water")),
    ("labels", _("Block labels")),
]
DEFAULT_MODE = "occupancy"


def block_choices(blocks: Iterable[Block]) -> list[tuple[str, str]]:
    return [(b.code, f"{b.code} · {b.name}" if b.name else b.code) for b in blocks]


class MapForm(forms.Form):
    """How the map is drawn (a GET form; JavaScript applies mode and layers without a reload).

    Without a choice of mode the map opens in occupancy colours with every layer shown."""

    block = forms.ChoiceField(label=_("Block"), required=False)
    mode = forms.ChoiceField(label=_("Colour units by"), choices=MODES, widget=forms.RadioSelect)
    layer = forms.MultipleChoiceField(
        label=_("Layers"), choices=LAYERS, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, query: QueryDict, *, blocks: Iterable[Block]) -> None:
        data = query.copy()
        if "mode" not in data:
            data["mode"] = DEFAULT_MODE
            data.setlist("layer", [code for code, _label in LAYERS])
        super().__init__(data)
        self.fields["block"].choices = with_blank(block_choices(blocks), _("All blocks"))  # type: ignore[attr-defined]

    @property
    def chosen_mode(self) -> str:
        self.is_valid()
        return str(self.cleaned_data.get("mode") or DEFAULT_MODE)

    @property
    def chosen_layers(self) -> list[str]:
        self.is_valid()
        chosen = self.cleaned_data.get("layer")
        return list(chosen) if chosen is not None else [code for code, _label in LAYERS]

    @property
    def chosen_block(self) -> str:
        self.is_valid()
        return str(self.cleaned_data.get("block") or "")


# --- Lists ------------------------------------------------------------------------------------


class UnitFilterForm(forms.Form):
    """Narrow the list of units (a GET form)."""

    block = forms.ChoiceField(label=_("Block"), required=False)
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=with_blank(UnitState.choices, ANY)
    )
    vacant = forms.BooleanField(label=_("Vacant only"), required=False)
    crowded = forms.BooleanField(label=_("Crowded only"), required=False)
    step_free = forms.BooleanField(label=_("Step-free only"), required=False)

    def __init__(self, data: Any, *, blocks: QuerySet[Block]) -> None:
        super().__init__(data)
        self.fields["block"].choices = with_blank(block_choices(blocks), ANY)  # type: ignore[attr-defined]

    def filter(self, units: UnitQuerySet) -> UnitQuerySet:
        """What the database can narrow; crowding needs the occupants (``crowded_only``)."""
        if not self.is_bound or not self.is_valid():
            return units
        data = self.cleaned_data
        if data["block"]:
            units = units.filter(block__code=data["block"])
        if data["state"]:
            units = units.filter(state=data["state"])
        if data["vacant"]:
            units = units.vacant()
        if data["step_free"]:
            units = units.filter(ground_floor=True, ramp=True)
        return units

    @property
    def crowded_only(self) -> bool:
        return bool(self.is_bound and self.is_valid() and self.cleaned_data["crowded"])


IN_SERVICE = [("", ANY), ("yes", _("In service")), ("no", _("Out of service"))]


class FacilityFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=with_blank(FacilityKind.choices, ANY)
    )
    in_service = forms.ChoiceField(label=_("In service"), required=False, choices=IN_SERVICE)
    block = forms.ChoiceField(label=_("Block"), required=False)

    def __init__(self, data: Any, *, blocks: QuerySet[Block]) -> None:
        super().__init__(data)
        self.fields["block"].choices = with_blank(block_choices(blocks), ANY)  # type: ignore[attr-defined]

    def filter(self, facilities: QuerySet[Facility]) -> QuerySet[Facility]:
        if not self.is_bound or not self.is_valid():
            return facilities
        data = self.cleaned_data
        if data["kind"]:
            facilities = facilities.filter(kind=data["kind"])
        if data["in_service"]:
            facilities = facilities.filter(in_service=data["in_service"] == "yes")
        if data["block"]:
            facilities = facilities.filter(block__code=data["block"])
        return facilities


# --- Blocks, units and facilities -----------------------------------------------------------


class BlockChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} · {obj.name}" if obj.name else str(obj.code)


def _position(label: Any) -> LocalizedDecimalField:
    return LocalizedDecimalField(label=label, max_digits=8, decimal_places=1, min_value=0)


class VersionedForm(forms.Form):
    """A correction: from the version seen, with the reason kept in the history."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=300,
        required=False,
        help_text=_("Kept in the record's history."),
    )


class BlockForm(forms.Form):
    code = forms.CharField(label=_("Block code"), max_length=12, widget=forms.TextInput(attrs=LTR))
    name = forms.CharField(label=_("Name"), max_length=80, required=False)
    x = _position(_("Label position x (m)"))
    y = _position(_("Label position y (m)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["x"].required = self.fields["y"].required = False

    def details(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "code": data["code"],
            "name": data["name"],
            "x": float(data["x"] or 0),
            "y": float(data["y"] or 0),
        }


class UnitDetailsForm(forms.Form):
    """What a unit has; its capacity follows from the floor area and the standard."""

    street = forms.CharField(label=_("Street"), max_length=80, required=False)
    x = _position(_("Position x (m)"))
    y = _position(_("Position y (m)"))
    floor_area = LocalizedDecimalField(
        label=_("Floor area (m²)"), max_digits=7, decimal_places=1, min_value=1
    )
    rooms = LocalizedIntegerField(label=_("Rooms"), min_value=1, max_value=50)
    ground_floor = forms.BooleanField(label=_("On the ground floor"), required=False)
    ramp = forms.BooleanField(label=_("Ramp or level entrance"), required=False)
    own_tap = forms.BooleanField(label=_("Own tap"), required=False)
    own_toilet = forms.BooleanField(label=_("Own toilet"), required=False)
    heating = forms.ChoiceField(label=_("Heating"), choices=Heating.choices)
    electricity = forms.BooleanField(label=_("Electricity"), required=False)

    DETAILS = (
        "street",
        "floor_area",
        "rooms",
        "ground_floor",
        "ramp",
        "own_tap",
        "own_toilet",
        "heating",
        "electricity",
    )

    def details(self) -> dict[str, Any]:
        """The cleaned details, named as the services take them (positions as floats)."""
        data = self.cleaned_data
        found = {name: data[name] for name in self.DETAILS}
        found.update(x=float(data["x"]), y=float(data["y"]))
        return found


class NewUnitForm(UnitDetailsForm):
    block = BlockChoiceField(
        label=_("Block"), queryset=Block.objects.none(), to_field_name="reference"
    )
    number = LocalizedIntegerField(label=_("Number in the block"), min_value=1, max_value=9999)
    state = forms.ChoiceField(label=_("State"), choices=UnitState.choices)
    field_order = ["block", "number", "street", "x", "y", "floor_area", "rooms"]

    def __init__(self, *args: Any, blocks: QuerySet[Block], **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {"ground_floor": True, "electricity": True, "state": UnitState.READY},
        )
        super().__init__(*args, **kwargs)
        self.fields["block"].queryset = blocks  # type: ignore[attr-defined]


class EditUnitForm(UnitDetailsForm, VersionedForm):
    field_order = [
        "street",
        "x",
        "y",
        "floor_area",
        "rooms",
        *UnitDetailsForm.DETAILS[2:],
        "reason",
    ]

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any) -> None:
        initial = {name: getattr(unit, name) for name in (*self.DETAILS, "x", "y")}
        initial["version"] = unit.version
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)


class FacilityDetailsForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    block = BlockChoiceField(
        label=_("Block"),
        queryset=Block.objects.none(),
        to_field_name="reference",
        required=False,
        help_text=_("Leave empty for a facility serving the whole settlement."),
    )
    x = _position(_("Position x (m)"))
    y = _position(_("Position y (m)"))
    capacity = LocalizedIntegerField(
        label=_("Capacity"),
        min_value=1,
        help_text=_("Taps or toilets it has, pupils, consultations a day, m² of storage…"),
    )
    in_service = forms.BooleanField(label=_("In service"), required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    DETAILS = ("name", "block", "capacity", "in_service", "note")

    def __init__(self, *args: Any, blocks: QuerySet[Block], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["block"].queryset = blocks  # type: ignore[attr-defined]

    def details(self) -> dict[str, Any]:
        data = self.cleaned_data
        found = {name: data[name] for name in self.DETAILS}
        found.update(x=float(data["x"]), y=float(data["y"]))
        return found


class NewFacilityForm(FacilityDetailsForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=with_blank(FacilityKind.choices))
    field_order = ["kind", "name", "block"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"in_service": True})
        super().__init__(*args, **kwargs)


class EditFacilityForm(FacilityDetailsForm, VersionedForm):
    field_order = ["name", "block", "x", "y", "capacity", "in_service", "note", "reason"]

    def __init__(self, *args: Any, facility: Facility, **kwargs: Any) -> None:
        initial = {name: getattr(facility, name) for name in (*self.DETAILS, "x", "y")}
        initial.update(
            version=facility.version,
            block=facility.block.reference if facility.block else None,
        )
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)


# --- A unit's state and who lives there ------------------------------------------------------


class UnitActionForm(forms.Form):
    """A step on one unit: every such form knows the unit and the acting user."""

    def __init__(self, data: Any = None, *, unit: Unit, user: Any) -> None:
        super().__init__(data)
        self.unit = unit
        self.user = user


class UnitStateForm(UnitActionForm):
    state = forms.ChoiceField(label=_("New state"), choices=UnitState.choices)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the unit's history."),
    )

    def __init__(self, data: Any = None, *, unit: Unit, user: Any) -> None:
        super().__init__(data, unit=unit, user=user)
        self.fields["state"].initial = unit.state


class MoveInForm(UnitActionForm):
    """Record a resident household already living in the unit (from before the system)."""

    household = forms.CharField(
        label=_("Household reference number"),
        max_length=40,
        widget=forms.TextInput(attrs={**LTR, "autocomplete": "off", "placeholder": "TJ-000123"}),
    )
    day = JalaliDateField(
        label=_("Living there since"), required=False, help_text=_("Leave empty for today.")
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def clean_household(self) -> Household:
        typed = self.cleaned_data["household"]
        key = names.reference_key(typed) or digits.to_ascii(typed).strip().upper()
        found = Household.objects.for_user(self.user).filter(reference=key).first()
        if found is None:
            raise forms.ValidationError(
                _("No household with this reference number in your settlements."),
                code="household",
            )
        return found


class UnitChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(
            _("%(unit)s — holds %(capacity)s")
            % {"unit": obj.reference, "capacity": digits.localize(obj.capacity)}
        )


class TransferForm(UnitActionForm):
    to = UnitChoiceField(
        label=_("Move to the vacant unit"), queryset=Unit.objects.none(), to_field_name="reference"
    )
    note = forms.CharField(
        label=_("Reason for the transfer"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    day = JalaliDateField(
        label=_("Moved on"), required=False, help_text=_("Leave empty for today.")
    )

    def __init__(self, data: Any = None, *, unit: Unit, user: Any) -> None:
        super().__init__(data, unit=unit, user=user)
        vacant = Unit.objects.for_user(user).vacant()  # type: ignore[attr-defined]
        self.fields["to"].queryset = (  # type: ignore[attr-defined]
            vacant.filter(settlement=unit.settlement_id).exclude(pk=unit.pk).order_by("reference")
        )


class MoveOutForm(UnitActionForm):
    end_reason = forms.ChoiceField(
        label=_("Why the household leaves"),
        choices=with_blank([c for c in EndReason.choices if c[0] != EndReason.TRANSFER]),
    )
    day = JalaliDateField(label=_("Left on"), required=False, help_text=_("Leave empty for today."))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
