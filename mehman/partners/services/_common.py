"""Pieces every partners service uses."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from mehman.core import dates, digits, events
from mehman.core.services import save_recorded
from mehman.partners.models import Organisation, OrganisationEvent, Sector

__all__ = ["check_period", "check_sectors", "check_version", "record_event", "save_recorded"]


def record_event(
    organisation: Organisation, kind: events.EventKind, by: Any, **params: Any
) -> None:
    events.record(OrganisationEvent, aggregate=organisation, kind=kind, by=by, **params)


def check_sectors(sectors: Iterable[str], field: str = "sectors") -> list[str]:
    known = set(Sector.values)
    chosen = [s for s in dict.fromkeys(sectors) if s]
    unknown = [s for s in chosen if s not in known]
    if unknown:
        raise ValidationError(
            {
                field: ValidationError(
                    _("Unknown sector: %(codes)s."),
                    code="sector",
                    params={"codes": ", ".join(unknown)},
                )
            }
        )
    return chosen


def check_version(record: Any, version: int | None) -> None:
    """Refuse an edit made on a stale copy of the record (someone saved in between)."""
    if version is not None and int(version) != record.version:
        raise ValidationError(
            _("Someone else changed this record while you were editing. Reload and try again."),
            code="stale",
        )


def check_period(start: date | None, end: date | None, *, end_field: str = "valid_to") -> None:
    if start is not None and end is not None and end < start:
        raise ValidationError(
            {end_field: ValidationError(_("The end date is before the start date."), code="period")}
        )


def jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return value


def today() -> date:
    return dates.today()


def positive_decimal(value: Any, field: str = "quantity") -> Decimal:
    """A quantity as typed (Persian or Arabic digits and separators accepted), above zero."""
    try:
        number = Decimal(digits.to_ascii(str(value)).replace(",", ""))
    except InvalidOperation as exc:
        raise ValidationError(
            {field: ValidationError(_("Enter a number."), code="number")}
        ) from exc
    if number <= 0:
        raise ValidationError(
            {field: ValidationError(_("Enter a number above zero."), code="positive")}
        )
    return number
