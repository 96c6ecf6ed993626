"""Sign in and out, preferences, the language switch, staff accounts."""

from __future__ import annotations

import time
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mehman.accounts import services
from mehman.accounts.forms import (
    LanguageForm,
    LoginForm,
    PreferencesForm,
    StaffAccessForm,
    StaffCreateForm,
    StaffDetailsForm,
)
from mehman.accounts.middleware import LAST_SEEN_KEY, LOGIN_AT_KEY
from mehman.accounts.models import User
from mehman.accounts.requests import AuthenticatedRequest
from mehman.core.permissions import get_for_user_or_404, require_capability


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


# --- Staff: managers see their settlements' staff; administrators manage accounts ---------


@login_required
def staff_list(request: AuthenticatedRequest) -> HttpResponse:
    require_capability(request.user, "staff.view")
    staff = (
        User.objects.for_user(request.user)
        .prefetch_related("memberships__settlement")
        .order_by("-is_active", "role", "username")
    )
    can_manage = request.user.has_capability("staff.manage")
    return render(request, "accounts/staff_list.html", {"staff": staff, "can_manage": can_manage})


@login_required
def staff_create(request: AuthenticatedRequest) -> HttpResponse:
    require_capability(request.user, "staff.manage")
    form = StaffCreateForm(request.POST or None)
    form.limit_settlements(request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.create_user(by=request.user, **data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The account was created."))
            return redirect("accounts:staff_detail", username=user.username)
    return render(request, "accounts/staff_create.html", {"form": form})


STAFF_ACTIONS = ("details", "access", "password", "active")


@login_required
def staff_detail(request: AuthenticatedRequest, username: str) -> HttpResponse:
    require_capability(request.user, "staff.view")
    member: User = get_for_user_or_404(User.objects, request.user, username=username)
    can_manage = request.user.has_capability("staff.manage")
    action = request.POST.get("action") if request.method == "POST" else None
    if action is not None and (not can_manage or action not in STAFF_ACTIONS):
        raise Http404
    forms = _staff_forms(request, member, action)
    if action is not None and forms[action].is_valid():
        try:
            _apply_staff_action(action, member, forms[action].cleaned_data, by=request.user)
        except ValidationError as error:
            forms[action].add_error(None, error)
        else:
            messages.success(request, _("The account was saved."))
            return redirect("accounts:staff_detail", username=member.username)
    context = {
        "member": member,
        "forms": forms,
        "can_manage": can_manage,
        "events": member.events.select_related("by")[:30],
    }
    return render(request, "accounts/staff_detail.html", context)


def _staff_forms(
    request: AuthenticatedRequest, member: User, action: str | None
) -> dict[str, forms.Form]:
    def data(name: str) -> QueryDict | None:
        return request.POST if action == name else None

    access = StaffAccessForm(
        data("access"),
        initial={"role": member.role, "settlements": list(member.settlements.all())},
    )
    access.limit_settlements(request.user)
    return {
        "details": StaffDetailsForm(
            data("details"),
            initial={
                "first_name": member.first_name,
                "last_name": member.last_name,
                "email": member.email,
                "phone": member.phone,
            },
        ),
        "access": access,
        "password": SetPasswordForm(member, data("password")),
        "active": forms.Form(data("active")),
    }


def _apply_staff_action(action: str, member: User, data: dict[str, Any], *, by: User) -> None:
    if action == "details":
        services.update_details(user=member, by=by, **data)
    elif action == "access":
        services.update_access(
            user=member, role=data["role"], settlements=data["settlements"], by=by
        )
    elif action == "password":
        services.change_password(user=member, password=data["new_password1"], by=by)
    elif action == "active":
        services.set_active(user=member, active=not member.is_active, by=by)
