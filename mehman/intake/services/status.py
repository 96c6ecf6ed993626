"""The public status page: an applicant's reference number and PIN, tried a few times.

Failed tries are counted per number and per address in ``StatusLookup`` (as keyed
hashes); past the limits, further tries are refused until the window has passed,
whether the PIN is right or not, so a PIN cannot be found by guessing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from mehman.core import digits, names
from mehman.intake.models import Application, StatusLookup
from mehman.intake.services.applications import pin_matches


@dataclass(frozen=True)
class Limits:
    per_reference: int
    per_client: int
    window: timedelta


def limits() -> Limits:
    return Limits(
        per_reference=int(getattr(settings, "MEHMAN_STATUS_ATTEMPTS", 5)),
        per_client=int(getattr(settings, "MEHMAN_STATUS_CLIENT_ATTEMPTS", 20)),
        window=timedelta(minutes=int(getattr(settings, "MEHMAN_STATUS_WINDOW_MINUTES", 15))),
    )


def _key(kind: str, value: str) -> str:
    return salted_hmac(f"mehman.intake.status.{kind}", value).hexdigest()[:64]


def normalise_reference(text: str) -> str:
    """``tj-a00042``, ``TJ A۰۰۰۴۲`` → ``TJ-A00042``."""
    folded = names.document_key(digits.to_ascii(text or ""))
    code = folded.rstrip("0123456789").removesuffix("A")
    number = folded[len(code) + 1 :] if folded[len(code) : len(code) + 1] == "A" else ""
    if not code or not number.isdigit():
        return folded
    return f"{code}-A{int(number):05d}"


@dataclass(frozen=True)
class Lookup:
    application: Application | None
    throttled: bool


@transaction.atomic
def look_up(*, reference: str, pin: str, client: str) -> Lookup:
    """The application for this number and PIN, unless too many tries failed lately."""
    rules = limits()
    since = timezone.now() - rules.window
    number = normalise_reference(reference)
    reference_key, client_key = _key("reference", number), _key("client", client or "-")
    failures = StatusLookup.objects.filter(at__gte=since, succeeded=False)
    if (
        failures.filter(reference=reference_key).count() >= rules.per_reference
        or failures.filter(client=client_key).count() >= rules.per_client
    ):
        return Lookup(None, throttled=True)
    typed_pin = digits.to_ascii(pin or "").strip()
    application = Application.objects.select_related("settlement").filter(reference=number).first()
    found = application if application and pin_matches(application, typed_pin) else None
    StatusLookup.objects.create(
        client=client_key, reference=reference_key, succeeded=found is not None
    )
    return Lookup(found, throttled=False)


def forget_old_lookups() -> int:
    """Tries older than a day are no longer needed (run daily)."""
    deleted, _rows = StatusLookup.objects.filter(at__lt=timezone.now() - timedelta(days=1)).delete()
    return deleted
