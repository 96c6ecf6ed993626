"""Who the durable-solutions endpoints answer, and the records a request names.

Reading needs ``solutions.view``, changing ``solutions.manage``, deciding an approval
``solutions.approve``; without the capability, or out of scope, 404. Records named in the URL
are 404 out of scope; records named in a body are 400 (code unknown, or the service's own code).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework.request import Request
from rest_framework.response import Response

from mehman.accounts.models import User
from mehman.core import api
from mehman.core.permissions import get_for_user_or_404
from mehman.housing.api.access import body_unit, key
from mehman.housing.models import Unit
from mehman.registry.models import Individual
from mehman.solutions.api.serializers import CaseOutput
from mehman.solutions.models import SolutionsCase
from mehman.solutions.models.cases import CaseQuerySet
from mehman.solutions.services import readiness, trend

VIEW = "solutions.view"
MANAGE = "solutions.manage"
APPROVE = "solutions.approve"


class SolutionsApi(api.Api):
    """Base of the solutions endpoints: ``solutions.view`` unless a view names another."""

    capability = VIEW


def refuse(field: str, message: Any, code: str, **params: Any) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code, params=params or None)})


# --- Records named in the URL: 404 out of scope -----------------------------------------------


def cases() -> CaseQuerySet:
    found: CaseQuerySet = SolutionsCase.objects.select_related("settlement", "household", "owner")
    return found


def case_for(request: Request, reference: str) -> SolutionsCase:
    return get_for_user_or_404(cases(), request.user, reference=key(reference))


def case_response(request: Request, case: SolutionsCase, *, status: int = 200) -> Response:
    """The case as it is now, with its readiness, and its version as ETag."""
    case = case_for(request, case.reference)
    context = {"readiness": readiness(case), "trend": trend(case)}
    headers = {"ETag": api.etag(case.version)}
    if status == 201:
        headers["Location"] = reverse(
            "api:solutions:case_detail", kwargs={"reference": case.reference}
        )
    return Response(CaseOutput(case, context=context).data, status=status, headers=headers)


def lookup_uuid(request: Request, source: Any, uuid: UUID) -> Any:
    return get_for_user_or_404(source, request.user, uuid=uuid)


# --- Records named in a body: 400 --------------------------------------------------------------


def _members_of(case: SolutionsCase, uuids: Sequence[UUID]) -> list[Individual] | None:
    """The household's members named, in the order named; None if any is not one of them."""
    found = Individual.objects.filter(household_id=case.household_id, uuid__in=set(uuids))
    by_uuid = {person.uuid: person for person in found}
    if set(uuids) - set(by_uuid):
        return None
    return [by_uuid[uuid] for uuid in dict.fromkeys(uuids)]


def body_members(case: SolutionsCase, uuids: Sequence[UUID], field: str) -> list[Individual]:
    """Members of the case's household named by UUID; anyone else is refused."""
    found = _members_of(case, uuids)
    if found is None:
        raise refuse(field, _("Choose members of this household."), "members")
    return found


def body_member(case: SolutionsCase, uuid: UUID, field: str) -> Individual:
    found = _members_of(case, [uuid])
    if not found:
        raise refuse(field, _("Choose a member of this household."), "member")
    return found[0]


def optional_member(case: SolutionsCase, uuid: UUID | None, field: str) -> Individual | None:
    return body_member(case, uuid, field) if uuid is not None else None


def body_staff(request: Request, name: str, field: str) -> Any:
    """A staff member the caller can see, by username; the service checks they work in the
    case's settlement."""
    found = User.objects.for_user(request.user).filter(username=name.strip(), is_active=True)
    user = found.first()
    if user is None:
        raise refuse(field, _("Choose a staff member working in this settlement."), "staff")
    return user


def body_unit_or_uuid(request: Request, text: str, field: str) -> Unit:
    """A unit in scope named by its reference (TJ-B01-003) or its UUID."""
    try:
        wanted = UUID(text.strip())
    except ValueError:
        return body_unit(request, text, field)
    found = Unit.objects.for_user(request.user).filter(uuid=wanted).first()
    if found is None:
        raise refuse(field, _("No unit %(reference)s in your scope."), "unknown", reference=text)
    return found
