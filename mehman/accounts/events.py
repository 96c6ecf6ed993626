"""Timeline events of staff accounts."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from mehman.core.events import field_labels, register


def _role_label(params: dict[str, Any]) -> dict[str, str]:
    from mehman.accounts.models import Role

    role = str(params.get("role", ""))
    return {"role": str(dict(Role.choices).get(role, role))}


USER_CREATED = register(
    "user.created", _("Account created"), _("Role: {role}"), ("role",), render=_role_label
)
ROLE_CHANGED = register(
    "user.role_changed", _("Role changed"), _("New role: {role}"), ("role",), render=_role_label
)
MEMBERSHIP_GRANTED = register(
    "user.membership_granted", _("Settlement access granted"), _("{settlement}"), ("settlement",)
)
MEMBERSHIP_REVOKED = register(
    "user.membership_revoked", _("Settlement access removed"), _("{settlement}"), ("settlement",)
)
PREFERENCES_CHANGED = register(
    "user.preferences_changed",
    _("Preferences changed"),
    _("Changed: {fields}"),
    ("fields",),
    render=field_labels("accounts.User"),
)
ACCOUNT_DEACTIVATED = register("user.deactivated", _("Account deactivated"))
ACCOUNT_REACTIVATED = register("user.reactivated", _("Account reactivated"))
PASSWORD_CHANGED = register("user.password_changed", _("Password changed"))
DETAILS_CHANGED = register(
    "user.details_changed",
    _("Account details changed"),
    _("Changed: {fields}"),
    ("fields",),
    render=field_labels("accounts.User"),
)
