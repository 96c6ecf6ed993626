"""The household page's panel on applications (see ``mehman.registry.panels``)."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from mehman.intake.models import Application
from mehman.registry.models import Household, HouseholdStatus


def household_panel(request: HttpRequest, household: Household) -> SafeString | None:
    """The household's applications, and a way to start one while it is an applicant."""
    user = request.user
    applications = list(
        Application.objects.for_user(user).filter(household=household).order_by("-id")[:5]
    )
    can_apply = (
        household.status == HouseholdStatus.APPLICANT
        and getattr(user, "is_authenticated", False)
        and user.has_capability("intake.apply")  # type: ignore[union-attr]
        and not any(a.is_open for a in applications)
    )
    if not applications and not can_apply:
        return None
    html = render_to_string(
        "intake/household_panel.html",
        {"household": household, "applications": applications, "can_apply": can_apply},
        request=request,
    )
    return mark_safe(html)  # noqa: S308  (rendered by our own template, autoescaped)
