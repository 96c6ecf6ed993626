"""Every state change of staff accounts: creation, roles, memberships, preferences."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from mehman.accounts import events as account_events
from mehman.accounts.models import (
    NATIONAL_ROLES,
    AccessLog,
    DigitPreference,
    Language,
    Membership,
    Role,
    User,
    UserEvent,
)
from mehman.core import events
from mehman.core.models import Settlement


def _apply_role(user: User, role: str) -> None:
    """The Django admin flags follow the role: administrators, and only they, use the admin."""
    user.role = role
    user.is_staff = user.is_superuser = role == Role.ADMINISTRATOR


def _history_by(instance: Any, by: Any) -> None:
    instance._history_user = by if getattr(by, "is_authenticated", False) else None


@transaction.atomic
def create_user(
    *,
    username: str,
    role: str,
    password: str,
    settlements: Iterable[Settlement] = (),
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    language: str = Language.PERSIAN,
    by: Any = None,
    validate: bool = True,
) -> User:
    """A staff account has a role, and a settlement unless its role is national."""
    if role not in Role.values:
        raise ValidationError(_("Unknown role."), code="role")
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(_("This username is taken."), code="duplicate")
    settlements = list(settlements)
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        language=language,
    )
    _apply_role(user, role)
    if role not in NATIONAL_ROLES and not settlements:
        raise ValidationError(
            _("Choose at least one settlement for this role."), code="no_settlement"
        )
    if validate:
        validate_password(password, user)
    user.set_password(password)
    _history_by(user, by)
    user.save()
    events.record(UserEvent, aggregate=user, kind=account_events.USER_CREATED, by=by, role=role)
    for settlement in settlements:
        grant_membership(user=user, settlement=settlement, by=by)
    return user


@transaction.atomic
def grant_membership(*, user: User, settlement: Settlement, by: Any = None) -> Membership:
    """A user works in a settlement at most once."""
    membership, created = Membership.objects.get_or_create(user=user, settlement=settlement)
    if created:
        events.record(
            UserEvent,
            aggregate=user,
            kind=account_events.MEMBERSHIP_GRANTED,
            by=by,
            settlement=settlement.code,
        )
        user.__dict__.pop("_settlement_ids", None)
    return membership


@transaction.atomic
def revoke_membership(*, user: User, settlement: Settlement, by: Any = None) -> None:
    """Removing a settlement removes the user's access to all of its records at once."""
    deleted, _rows = Membership.objects.filter(user=user, settlement=settlement).delete()
    if deleted:
        events.record(
            UserEvent,
            aggregate=user,
            kind=account_events.MEMBERSHIP_REVOKED,
            by=by,
            settlement=settlement.code,
        )
        user.__dict__.pop("_settlement_ids", None)


@transaction.atomic
def change_role(*, user: User, role: str, by: Any) -> User:
    """A role change takes effect on the user's next request."""
    if role not in Role.values:
        raise ValidationError(_("Unknown role."), code="role")
    locked: User = User.objects.select_for_update().get(pk=user.pk)
    if locked.role == role:
        return locked
    _apply_role(locked, role)
    _history_by(locked, by)
    locked.save(update_fields=["role", "is_staff", "is_superuser"])
    events.record(UserEvent, aggregate=locked, kind=account_events.ROLE_CHANGED, by=by, role=role)
    return locked


@transaction.atomic
def set_preferences(
    *, user: User, by: Any, language: str | None = None, digits: str | None = None
) -> User:
    """A user chooses the language of their interface and the digits numbers show in."""
    if language is not None and language not in Language.values:
        raise ValidationError(_("Unknown language."), code="language")
    if digits is not None and digits not in DigitPreference.values:
        raise ValidationError(_("Unknown digit style."), code="digits")
    locked: User = User.objects.select_for_update().get(pk=user.pk)
    changed = []
    if language is not None and locked.language != language:
        locked.language = language
        changed.append("language")
    if digits is not None and locked.digits != digits:
        locked.digits = digits
        changed.append("digits")
    if not changed:
        return locked
    _history_by(locked, by)
    locked.save(update_fields=changed)
    events.record(
        UserEvent, aggregate=locked, kind=account_events.PREFERENCES_CHANGED, by=by, fields=changed
    )
    user.language, user.digits = locked.language, locked.digits
    return locked


@transaction.atomic
def change_password(*, user: User, password: str, by: Any) -> User:
    """A new password must pass the password rules; the change is recorded, never the password."""
    locked: User = User.objects.select_for_update().get(pk=user.pk)
    validate_password(password, locked)
    locked.set_password(password)
    locked.save(update_fields=["password"])
    events.record(UserEvent, aggregate=locked, kind=account_events.PASSWORD_CHANGED, by=by)
    user.password = locked.password
    return locked


@transaction.atomic
def set_memberships(*, user: User, settlements: Iterable[Settlement], by: Any) -> User:
    """A user works in exactly the chosen settlements; each grant and removal is recorded."""
    wanted = {s.pk: s for s in settlements}
    if user.role not in NATIONAL_ROLES and not wanted:
        raise ValidationError(
            _("Choose at least one settlement for this role."), code="no_settlement"
        )
    current = {m.settlement_id: m.settlement for m in user.memberships.select_related("settlement")}
    for pk in sorted(set(current) - set(wanted)):
        revoke_membership(user=user, settlement=current[pk], by=by)
    for pk in sorted(set(wanted) - set(current)):
        grant_membership(user=user, settlement=wanted[pk], by=by)
    return user


@transaction.atomic
def update_details(
    *, user: User, by: Any, first_name: str, last_name: str, email: str, phone: str
) -> User:
    """Names and contacts of a staff member change with a record of what changed."""
    locked: User = User.objects.select_for_update().get(pk=user.pk)
    new = {"first_name": first_name, "last_name": last_name, "email": email, "phone": phone}
    changed = [name for name, value in new.items() if getattr(locked, name) != value]
    if not changed:
        return locked
    for name in changed:
        setattr(locked, name, new[name])
    locked.full_clean(exclude=["password", "username"])
    _history_by(locked, by)
    locked.save(update_fields=changed)
    events.record(
        UserEvent, aggregate=locked, kind=account_events.DETAILS_CHANGED, by=by, fields=changed
    )
    return locked


@transaction.atomic
def set_active(*, user: User, active: bool, by: Any) -> User:
    """A deactivated account cannot sign in; nobody deactivates their own account."""
    if getattr(by, "pk", None) == user.pk and not active:
        raise ValidationError(_("You cannot deactivate your own account."), code="self")
    locked: User = User.objects.select_for_update().get(pk=user.pk)
    if locked.is_active == active:
        return locked
    locked.is_active = active
    _history_by(locked, by)
    locked.save(update_fields=["is_active"])
    kind = account_events.ACCOUNT_REACTIVATED if active else account_events.ACCOUNT_DEACTIVATED
    events.record(UserEvent, aggregate=locked, kind=kind, by=by)
    return locked


@transaction.atomic
def update_access(*, user: User, role: str, settlements: Iterable[Settlement], by: Any) -> User:
    """Role and settlements change together, so no account is left with a role but no scope."""
    user = change_role(user=user, role=role, by=by)
    return set_memberships(user=user, settlements=settlements, by=by)


def log_access(
    *,
    user: Any,
    record: Any,
    subject: str = "",
    settlement: Settlement | None = None,
    via: str = "",
) -> None:
    """Every read of a protected record leaves a row naming who read what, and where."""
    log_accesses(user=user, records=[record], subject=subject, settlement=settlement, via=via)


def log_accesses(
    *,
    user: Any,
    records: Iterable[Any],
    subject: str = "",
    settlement: Settlement | None = None,
    via: str = "",
) -> None:
    """``log_access`` for many records in one insert."""
    if not getattr(user, "is_authenticated", False):
        return
    AccessLog.objects.bulk_create(
        AccessLog(
            user=user,
            settlement=settlement,
            record_type=record._meta.label_lower,
            record_uuid=record.uuid,
            subject=subject[:64],
            via=via[:200],
        )
        for record in records
    )
