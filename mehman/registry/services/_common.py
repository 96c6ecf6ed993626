"""Pieces every registry service uses: saving with history, events, keys, locks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from mehman.core import dates, events, names
from mehman.core.digits import to_ascii_digits
from mehman.core.models import Settlement
from mehman.core.services import save_recorded
from mehman.registry.models import (
    Household,
    HouseholdEvent,
    HouseholdSerial,
    HouseholdStatus,
    IdentityDocument,
    Individual,
    NameVariant,
)

# What a member record may carry when it is created or corrected.
INDIVIDUAL_FIELDS = (
    "given_name",
    "family_name",
    "father_name",
    "grandfather_name",
    "given_name_latin",
    "family_name_latin",
    "sex",
    "birth_date",
    "birth_date_estimated",
    "marital_status",
    "relationship",
    "nationality",
    "education",
    "occupation",
    "wg_seeing",
    "wg_hearing",
    "wg_walking",
    "wg_remembering",
    "wg_self_care",
    "wg_communicating",
    "phone",
)
HOUSEHOLD_FIELDS = (
    "block",
    "address",
    "phone",
    "registered_on",
    "consent_given",
    "consent_on",
    "consent_note",
)
DOCUMENT_FIELDS = (
    "number_typed",
    "issued_on",
    "expires_on",
    "cycle",
    "province",
    "purpose",
    "visa_type",
    "occupation",
)
CORRECTABLE: dict[type[Model], tuple[str, ...]] = {
    Household: HOUSEHOLD_FIELDS,
    Individual: INDIVIDUAL_FIELDS,
    IdentityDocument: DOCUMENT_FIELDS,
}
REGISTRABLE_STATUSES = (HouseholdStatus.APPLICANT, HouseholdStatus.RESIDENT)
REFERENCE_WIDTH = 6
SKELETON_LENGTH = 80  # the columns' width; "x" becomes "ks", so a skeleton may grow


# --- Small pieces ------------------------------------------------------------------------


def _by(by: Any) -> Any:
    return by if getattr(by, "is_authenticated", False) else None


def _save(instance: Model, by: Any, reason: StrOrPromise = "", *, bump: bool = True) -> None:
    """Save with a history row naming the user and the reason."""
    save_recorded(instance, by, str(reason), bump=bump)


def _event(household: Household, kind: events.EventKind, by: Any, **params: Any) -> None:
    events.record(HouseholdEvent, aggregate=household, kind=kind, by=by, **params)


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Model):
        return str(value.pk)
    return value


def set_search_keys(person: Individual) -> None:
    """Derive the indexed search keys of a person from the names as typed."""
    person.given_key = names.name_key(person.given_name)
    person.family_key = names.name_key(person.family_name)
    person.father_key = names.name_key(person.father_name)
    latin = " ".join(p for p in (person.given_name_latin, person.family_name_latin) if p)
    person.latin_key = names.fold(latin)
    person.phone_key = names.phone_key(person.phone)
    # Consonant skeletons, one key across scripts, for duplicate detection's candidates.
    person.given_skel = names.skeleton(person.given_name)[:SKELETON_LENGTH]
    person.father_skel = names.skeleton(person.father_name)[:SKELETON_LENGTH]
    person.family_skel = names.skeleton(person.family_name)[:SKELETON_LENGTH]
    person.latin_skel = names.skeleton(person.given_name_latin)[:SKELETON_LENGTH]


def _set_household_keys(household: Household) -> None:
    """The phone's search key, and the block with Latin digits however it was typed."""
    household.phone_key = names.phone_key(household.phone)
    household.block = to_ascii_digits(household.block).strip()


def remember_names(keys: Iterable[str]) -> None:
    """Add new name keys, with their one-letter deletions, to the typo index."""
    wanted = {k for k in keys if k}
    if not wanted:
        return
    known = set(
        NameVariant.objects.filter(variant__in=wanted, key__in=wanted).values_list("key", flat=True)
    )
    rows = [
        NameVariant(variant=variant, key=key)
        for key in wanted - known
        for variant in names.deletions(key)
    ]
    NameVariant.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)


def _person_keys(person: Individual) -> tuple[str, ...]:
    return (person.given_key, person.family_key, person.father_key)


def _lock(household: Household) -> Household:
    return Household.objects.select_for_update().get(pk=household.pk)


def _lock_person(person: Individual) -> Individual:
    return Individual.objects.select_for_update().select_related("household").get(pk=person.pk)


def _check_version(record: Any, expected_version: int | None) -> None:
    if expected_version is not None and record.version != expected_version:
        raise ValidationError(
            _("Someone else changed this record meanwhile. Reload it and try again."),
            code="stale",
        )


def _refresh_size(household: Household) -> None:
    size = household.active_members().count()
    Household.objects.filter(pk=household.pk).update(size=size)
    household.size = size


def next_reference(settlement: Settlement) -> str:
    """The next free reference number of a settlement, e.g. ``TJ-004512``."""
    serial, _created = HouseholdSerial.objects.select_for_update().get_or_create(
        settlement=settlement
    )
    serial.last += 1
    serial.save(update_fields=["last"])
    return format_reference(settlement.code, serial.last)


def _check_birth_date(person: Individual) -> None:
    if person.birth_date and person.birth_date > dates.today():
        raise ValidationError(
            {
                "birth_date": ValidationError(
                    _("A date of birth cannot be in the future."), code="future_birth"
                )
            }
        )


def _build_person(household: Household, data: Mapping[str, Any]) -> Individual:
    unknown = set(data) - set(INDIVIDUAL_FIELDS)
    if unknown:
        raise ValueError(f"unknown member fields: {sorted(unknown)}")
    person = Individual(household=household, **data)
    if not person.given_name.strip():
        raise ValidationError(
            {"given_name": ValidationError(_("Every member needs a given name."), code="name")}
        )
    set_search_keys(person)
    _check_birth_date(person)
    person.full_clean(exclude=["household", "given_key"])
    return person


def _member_label(person: Individual) -> str:
    return person.given_name


def format_reference(code: str, serial: int) -> str:
    """A household's reference number: the settlement code and a zero-padded serial."""
    return f"{code}-{serial:0{REFERENCE_WIDTH}d}"
