"""Who the intake endpoints answer, and the records a request names.

Applications, the waitlist, the weights and the rules are read by settlement
staff of the application's settlement (``Application.objects.for_user``);
partner staff and analysts read none of them (404). Starting and carrying an
application is ``intake.apply``; deciding on it ``intake.decide``; weights and
rules ``intake.rules``. A record out of scope is 404, as is an operation the
caller's role does not carry.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework.request import Request

from mehman.core.models import Settlement
from mehman.core.names import reference_key
from mehman.core.permissions import get_for_user_or_404
from mehman.intake.models import ALLOWED_TRANSITIONS, Application, ApplicationStatus
from mehman.intake.services.status import normalise_reference
from mehman.partners.api.access import settlement_for
from mehman.registry.models import Household

APPLY = "intake.apply"
DECIDE = "intake.decide"
RULES = "intake.rules"

S = ApplicationStatus
# The capability that moves an application into each status (screening, offers and
# admission are decided; the household's own steps are recorded by any intake staff).
CAPABILITY_OF_STATUS: dict[str, str] = {
    S.SUBMITTED: APPLY,
    S.ELIGIBLE: DECIDE,
    S.INELIGIBLE: DECIDE,
    S.WAITLISTED: DECIDE,
    S.OFFERED: DECIDE,
    S.ACCEPTED: APPLY,
    S.DECLINED: APPLY,
    S.ADMITTED: DECIDE,
    S.WITHDRAWN: APPLY,
    S.EXPIRED: DECIDE,
    S.APPEAL: APPLY,
}


def reads_intake(user: Any) -> bool:
    """Applications are about people: settlement staff read them, partners and analysts not."""
    return bool(getattr(user, "sees_settlement_records", False))


def require_reader(request: Request) -> None:
    if not reads_intake(request.user):
        raise Http404


def application_for(request: Request, reference: str) -> Application:
    """The application named by its number (any case, any digits), or 404 out of scope."""
    return get_for_user_or_404(
        Application.objects.select_related("household", "settlement", "referred_by"),
        request.user,
        reference=normalise_reference(reference),
    )


def household_for(request: Request, text: str, field: str = "household") -> Household:
    """The household named by its reference number, in the caller's scope."""
    reference = reference_key(text)
    found = (
        Household.objects.for_user(request.user)
        .select_related("settlement")
        .filter(reference=reference)
        .first()
        if reference
        else None
    )
    if found is None:
        raise ValidationError(
            {
                field: ValidationError(
                    _("No household %(reference)s in your scope."),
                    code="unknown",
                    params={"reference": text},
                )
            }
        )
    return found


def waitlist_settlement(request: Request, code: str) -> Settlement:
    """The settlement whose waitlist, weights or rules are read: 404 for those who read
    no applications, and for a settlement out of scope."""
    require_reader(request)
    try:
        return settlement_for(request, code)
    except ValidationError as exc:
        if code.strip():
            raise Http404 from exc
        raise


def next_statuses(user: Any, application: Application) -> list[str]:
    """The statuses this user may move the application to from where it is now."""
    return [
        status
        for status in S.values
        if status in ALLOWED_TRANSITIONS.get(application.status, frozenset())
        and user.has_capability(CAPABILITY_OF_STATUS[status])
    ]


def _can_become(status: str) -> Callable[[Application], bool]:
    return lambda application: application.allowed(status)


# Each operation on an application (its URL's last part): the capability it needs, and
# whether the application's status lets it happen now.
ACTIONS: dict[str, tuple[str, Callable[[Application], bool]]] = {
    "submit": (APPLY, _can_become(S.SUBMITTED)),
    "pin": (APPLY, lambda application: application.status != S.DRAFT and application.is_open),
    "screen": (DECIDE, lambda application: application.status == S.SUBMITTED),
    "waitlist": (DECIDE, lambda application: application.status in (S.ELIGIBLE, S.DECLINED)),
    "offer": (DECIDE, _can_become(S.OFFERED)),
    "accept": (APPLY, _can_become(S.ACCEPTED)),
    "decline": (APPLY, _can_become(S.DECLINED)),
    "admit": (DECIDE, _can_become(S.ADMITTED)),
    "withdraw": (APPLY, _can_become(S.WITHDRAWN)),
    "expire": (DECIDE, _can_become(S.EXPIRED)),
    "appeal": (APPLY, _can_become(S.APPEAL)),
    "decide": (DECIDE, lambda application: application.status == S.APPEAL),
    "refresh": (DECIDE, lambda application: application.is_open),
}


def available_actions(user: Any, application: Application) -> list[str]:
    """The operations this user may take on the application now."""
    return [
        name
        for name, (capability, possible) in ACTIONS.items()
        if possible(application) and user.has_capability(capability)
    ]
