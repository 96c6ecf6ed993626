"""Who the partners endpoints answer, and the records a request body names.

Organisations, activities and pledges are read by every signed-in user through
``for_user``: analysts read them nationally, partner staff their own. The rest
is for the people who work with partners: agreements, donations and volunteers
(people) are not shown to analysts; partner staff see their own organisation's.
A record a body names is looked up in the caller's scope too; one out of scope
is "unknown", in the same words as one that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework.request import Request

from mehman.core.models import Settlement
from mehman.partners.models import Activity, Organisation

MANAGE = "partners.manage"


def sees_volunteers(user: Any) -> bool:
    """Volunteers are people: settlement staff read them, partner staff read their own
    organisation's (``for_user`` narrows it), analysts none — as on the roster page."""
    return sees_partner_work(user)


def sees_partner_work(user: Any) -> bool:
    """Agreements and donations: settlement staff and the partner itself, not analysts."""
    return bool(
        getattr(user, "sees_settlement_records", False)
        or not getattr(user, "has_national_scope", False)
    )


def require_partner_work(request: Request) -> None:
    if not sees_partner_work(request.user):
        raise Http404


def require_volunteers(request: Request) -> None:
    if not sees_volunteers(request.user):
        raise Http404


def _unknown(field: str, message: Any) -> ValidationError:
    return ValidationError({field: ValidationError(message, code="unknown")})


def _settlements(request: Request) -> QuerySet[Settlement]:
    return Settlement.objects.for_user(request.user).filter(is_active=True)


def visible_settlement_ids(request: Request) -> set[int]:
    return set(Settlement.objects.for_user(request.user).values_list("pk", flat=True))


def settlement_for(request: Request, code: str, field: str = "settlement") -> Settlement:
    """The settlement named by its code, or the user's only one."""
    settlements = _settlements(request)
    if code.strip():
        found = settlements.filter(code=code.strip().upper()).first()
        if found is None:
            raise _unknown(field, _("Unknown settlement."))
        return found
    mine = list(settlements[:2])
    if len(mine) != 1:
        raise ValidationError(
            {
                field: ValidationError(
                    _("Name the settlement by its code, e.g. TJ."), code="required"
                )
            }
        )
    return mine[0]


def settlements_for(
    request: Request, codes: Iterable[str], field: str = "settlements"
) -> list[Settlement]:
    """The settlements named by their codes, or the user's only one."""
    wanted = {code.strip().upper() for code in codes if code.strip()}
    if not wanted:
        return [settlement_for(request, "", field)]
    found = list(_settlements(request).filter(code__in=wanted))
    missing = sorted(wanted - {settlement.code for settlement in found})
    if missing:
        raise ValidationError(
            {
                field: ValidationError(
                    _("Unknown settlement: %(codes)s."),
                    code="unknown",
                    params={"codes": ", ".join(missing)},
                )
            }
        )
    return found


def organisation_for(request: Request, uuid: UUID, field: str = "organisation") -> Organisation:
    found = Organisation.objects.for_user(request.user).filter(uuid=uuid).first()
    if found is None:
        raise _unknown(field, _("No such organisation in your scope."))
    return found


def activity_for(request: Request, uuid: UUID, field: str = "activity") -> Activity:
    found = (
        Activity.objects.for_user(request.user)
        .select_related("organisation", "settlement")
        .filter(uuid=uuid)
        .first()
    )
    if found is None:
        raise _unknown(field, _("No such activity in your scope."))
    return found
