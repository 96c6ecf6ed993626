"""What every page of the shell needs: direction, the user's settlements, the languages."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation

from mehman.core import dates
from mehman.core.models import Settlement


def shell(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    bidi = translation.get_language_bidi()
    context: dict[str, Any] = {"text_dir": "rtl" if bidi else "ltr", "shell_today": dates.today()}
    context["lockout_minutes"] = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    if user.is_authenticated:
        context["nav_tools"] = user.has_capability("tools.synthetic")
        context["nav_staff"] = user.has_capability("staff.view")
        context["nav_portal"] = user.has_capability("partners.portal")
        context["nav_settlements"] = list(
            Settlement.objects.for_user(user)
            .filter(is_active=True)
            .only("code", "name_fa", "name_en")
        )
    return context
