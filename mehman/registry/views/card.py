"""The printable household card: a PDF with the reference number and a QR code of it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils import translation
from django.views.decorators.http import require_GET

from mehman.core import dates, digits, pdf, qr
from mehman.core.permissions import get_for_user_or_404
from mehman.registry.models import Household, Individual
from mehman.registry.queries import members_in_order

# Printed sizes (``?size=a5``); the default fits an A6 card.
SIZES = ("a6", "a5")


@dataclass(frozen=True)
class CardRow:
    person: Individual

    @property
    def birth_year(self) -> str:
        """Read while the card renders, so in the card's calendar and digits."""
        return birth_year(self.person)


def birth_year(person: Individual) -> str:
    """The year of birth in the active calendar and digits (Jalali for Persian)."""
    if person.birth_date is None:
        return ""
    if (translation.get_language() or "").startswith("fa"):
        year = int(dates.to_jalali(person.birth_date).year)
    else:
        year = person.birth_date.year
    return digits.localize_digits(str(year))


def card_context(household: Household, *, size: str = "") -> dict[str, Any]:
    """What the card shows: living members only, and no protected information."""
    members = [p for p in members_in_order(household) if p.is_active]
    return {
        "household": household,
        "rows": [CardRow(person) for person in members],
        "qr": qr.qr_data_uri(household.reference),  # the reference number only
        "issued_on": dates.today(),
        "size": size if size in SIZES else SIZES[0],
    }


@login_required
@require_GET
def card(request: HttpRequest, reference: str) -> HttpResponse:
    household = get_for_user_or_404(
        Household.objects.select_related("settlement", "head"), request.user, reference=reference
    )
    context = card_context(household, size=request.GET.get("size", ""))
    return pdf.pdf_response(
        pdf.render_pdf("registry/card.html", context), filename=household.reference
    )


urlpatterns = [
    path("households/<str:reference>/card.pdf", card, name="card"),
]
