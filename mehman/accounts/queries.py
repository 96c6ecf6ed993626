"""Counts of staff per settlement, contributed to the home and settlement pages."""

from __future__ import annotations

from collections.abc import Mapping

from django.db.models import Count, Q

from mehman.core.models import Settlement


def count_staff(settlement_ids: list[int], role: str | None = None) -> Mapping[int, int]:
    """Active staff members per settlement (optionally of one role)."""
    condition = Q(memberships__user__is_active=True)
    if role is not None:
        condition &= Q(memberships__user__role=role)
    rows = (
        Settlement.objects.filter(pk__in=settlement_ids)
        .annotate(n=Count("memberships", filter=condition))
        .values_list("pk", "n")
    )
    return dict(rows)


def register_figures() -> None:
    from django.utils.translation import gettext_lazy as _

    from mehman.core.figures import register_figure

    register_figure("staff", _("Staff members"), count_staff, order=90)
