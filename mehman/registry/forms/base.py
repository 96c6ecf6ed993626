"""What the registry's forms share: widget attributes, blank choices, service errors."""

from __future__ import annotations

from mehman.core import dates
from mehman.core.forms import LTR, PHONE, show_service_error, with_blank

__all__ = ["LTR", "PHONE", "show_service_error", "with_blank"]

# The oldest Gregorian birth year a clerk may type; 1300-1499 are Jalali years.
FIRST_GREGORIAN_YEAR = 1900


def is_birth_year(year: int) -> bool:
    """A year of birth a clerk may type: Jalali (1300-1499) or Gregorian up to this year."""
    if year in dates.JALALI_YEARS_IN_GREGORIAN_FIELD:
        return True
    return FIRST_GREGORIAN_YEAR <= year <= dates.today().year


class NoSave:
    """Model forms used for their fields only: the service validates and saves."""

    def _post_clean(self) -> None:
        pass
