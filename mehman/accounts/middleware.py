"""Session limits and per-user language and digit preferences."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.utils import translation
from django.utils.translation import gettext as _

from mehman.core import digits

LAST_SEEN_KEY = "mehman_last_seen"
LOGIN_AT_KEY = "mehman_login_at"


class SessionLimitsMiddleware:
    """Log out after idle time (default 30 minutes) and after an absolute maximum."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            session = request.session
            login_at = session.setdefault(LOGIN_AT_KEY, now)
            last_seen = session.get(LAST_SEEN_KEY, now)
            idle = now - last_seen > settings.SESSION_IDLE_TIMEOUT.total_seconds()
            too_old = now - login_at > settings.SESSION_MAX_AGE.total_seconds()
            if idle or too_old:
                language = translation.get_language()
                logout(request)
                with translation.override(language):
                    messages.info(
                        request,
                        _("You were signed out after a period of inactivity.")
                        if idle
                        else _("Your session reached its maximum length. Please sign in again."),
                    )
                if request.headers.get("HX-Request"):
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = resolve_url(settings.LOGIN_URL)
                    return response
                return redirect_to_login(request.get_full_path())
            # Background polling (htmx "every 1s") must not keep an idle session alive.
            # Written at most once a minute, so a busy user does not cost a write per click.
            if not request.headers.get("X-Mehman-Poll") and now - last_seen >= 60:
                session[LAST_SEEN_KEY] = now
        return self.get_response(request)


class UserPreferencesMiddleware:
    """A signed-in user's language and digits follow their saved preference."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            language = getattr(user, "language", settings.LANGUAGE_CODE)
            translation.activate(language)
            request.LANGUAGE_CODE = language
            digits.activate(getattr(user, "digit_style", "fa"))
        else:
            digits.activate("fa" if translation.get_language().startswith("fa") else "latn")
        try:
            return self.get_response(request)
        finally:
            digits.deactivate()
