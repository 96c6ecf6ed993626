"""Sign in and out, preferences, the language switch."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mehman.accounts import services
from mehman.accounts.forms import LanguageForm, LoginForm, PreferencesForm
from mehman.accounts.middleware import LAST_SEEN_KEY, LOGIN_AT_KEY
from mehman.accounts.models import User


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_valid(form)
        now = time.time()
        self.request.session[LOGIN_AT_KEY] = now
        self.request.session[LAST_SEEN_KEY] = now
        user = form.get_user()
        _set_language_cookie(response, getattr(user, "language", settings.LANGUAGE_CODE))
        return response


logout = auth_views.LogoutView.as_view()


class AuthenticatedRequest(HttpRequest):
    user: User


@login_required
def preferences(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    form = PreferencesForm(
        request.POST or None,
        initial={"language": user.language, "digits": user.digits},
    )
    if request.method == "POST" and form.is_valid():
        services.set_preferences(user=user, by=user, **form.cleaned_data)
        response = redirect("accounts:preferences")
        _set_language_cookie(response, form.cleaned_data["language"])
        messages.success(request, _("Your preferences were saved."))
        return response
    return render(request, "accounts/preferences.html", {"form": form})


@login_required
def change_password(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    # The form checks the old password and the new one's rules; the service saves.
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.change_password(user=user, password=form.cleaned_data["new_password1"], by=user)
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password was changed."))
        return redirect("accounts:preferences")
    return render(request, "accounts/password.html", {"form": form})


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The language switch: remembered in a cookie, and in the profile of a signed-in user."""
    form = LanguageForm(request.POST)
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    if form.is_valid():
        language = form.cleaned_data["language"]
        if request.user.is_authenticated:
            services.set_preferences(user=request.user, by=request.user, language=language)
        _set_language_cookie(response, language)
    return response


def _set_language_cookie(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=False,
    )
