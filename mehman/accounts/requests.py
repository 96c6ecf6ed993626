"""The request of a signed-in staff user, for type checking views behind login_required."""

from __future__ import annotations

from django.http import HttpRequest

from mehman.accounts.models import User


class AuthenticatedRequest(HttpRequest):
    user: User
