"""Scope primitives: every read starts from ``Model.objects.for_user(user)``.

A user sees the settlements they are a member of; users with national scope
(directorate analysts, administrators) see all of them. Records out of scope do
not exist for the user: views answer 404, never 403.

Core sits below ``accounts``, so it speaks to users through a protocol.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol, TypeVar, runtime_checkable

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.http import Http404

_M = TypeVar("_M", bound=models.Model)


@runtime_checkable
class ScopedUser(Protocol):
    """What core needs to know of a user to scope a query."""

    @property
    def is_authenticated(self) -> bool: ...

    @property
    def has_national_scope(self) -> bool: ...

    @property
    def sees_settlement_records(self) -> bool: ...

    def settlement_ids(self) -> frozenset[int]: ...

    def has_capability(self, capability: str) -> bool: ...


class ScopedQuerySet(models.QuerySet[_M]):
    """A QuerySet that knows the path from its model to a settlement.

    ``settlement_path`` is the lookup from the model to ``core.Settlement``
    (``"settlement"``, ``"household__settlement"``); an empty string means the
    model *is* the settlement.
    """

    settlement_path: str = "settlement"
    # Records about people are not shown settlement-wide to partner staff: they
    # see only what is referred to them under a data-sharing agreement, which
    # their own querysets grant. Non-personal records (settlements) set False.
    personal_data: bool = True

    def for_user(self, user: Any) -> ScopedQuerySet[_M]:
        if not getattr(user, "is_authenticated", False) or not isinstance(user, ScopedUser):
            return self.none()
        if self.personal_data and not user.sees_settlement_records:
            return self.none()
        if user.has_national_scope:
            return self
        return self.in_settlements(user.settlement_ids())

    def in_settlements(self, settlement_ids: Iterable[int]) -> ScopedQuerySet[_M]:
        field = f"{self.settlement_path}__in" if self.settlement_path else "pk__in"
        return self.filter(**{field: list(settlement_ids)})


def get_for_user_or_404(
    source: models.Manager[_M] | models.QuerySet[_M], user: Any, **lookup: Any
) -> _M:
    """The one permission-checked getter views use: out of scope reads as missing."""
    queryset = source.all()
    for_user = getattr(queryset, "for_user", None)
    if for_user is None:
        raise TypeError(f"{queryset.model.__name__} has no for_user scope")
    scoped: models.QuerySet[_M] = for_user(user)
    try:
        return scoped.get(**lookup)
    except (ObjectDoesNotExist, ValidationError, ValueError, TypeError) as exc:
        raise Http404 from exc


def require_capability(user: Any, capability: str) -> None:
    """Raise 404 unless the user's role carries the capability (never reveal the page)."""
    if not getattr(user, "is_authenticated", False) or not isinstance(user, ScopedUser):
        raise Http404
    if not user.has_capability(capability):
        raise Http404
