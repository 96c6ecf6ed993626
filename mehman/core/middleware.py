"""Persian first: the interface language comes from the user's choice, not the browser."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class PersianFirstLocaleMiddleware(LocaleMiddleware):
    """Use the language cookie (set by the switch and at sign-in), else Persian.

    Many office computers run an English browser; that must not turn the
    interface English for Persian-speaking staff. A signed-in user's saved
    preference is applied later by ``accounts.middleware.UserPreferencesMiddleware``.
    """

    def process_request(self, request: HttpRequest) -> None:
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
