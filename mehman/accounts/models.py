"""Staff users, their roles, their settlements and their preferences."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mehman.core.models import Event, Settlement
from mehman.core.permissions import ScopedQuerySet


class Role(models.TextChoices):
    """The roles of DESIGN.md (applicants and residents use reference + PIN, not accounts)."""

    CLERK = "clerk", _("Registration clerk")
    CASEWORKER = "caseworker", _("Caseworker")
    HOUSING_OFFICER = "housing_officer", _("Housing officer")
    MANAGER = "manager", _("Settlement manager")
    PARTNER = "partner", _("Partner staff / volunteer")
    ANALYST = "analyst", _("Directorate analyst")
    ADMINISTRATOR = "administrator", _("Administrator")


# Roles whose scope is the whole country rather than their settlements.
NATIONAL_ROLES = frozenset({Role.ANALYST, Role.ADMINISTRATOR})

# What each role may do beyond reading its scope. Later apps add their own
# capabilities here; views check them with core.permissions.require_capability.
CAPABILITIES: dict[str, frozenset[str]] = {
    Role.CLERK: frozenset(
        {
            "registry.edit",
            "assistance.record",
            "intake.apply",
            "housing.view",
            "housing.answer",
            "residence.view",
            "residence.documents",
        }
    ),
    Role.CASEWORKER: frozenset(
        {
            "registry.edit",
            "protection.view",
            "assistance.record",
            "intake.apply",
            "housing.view",
            "housing.answer",
            "residence.view",
            "residence.review",
            "residence.documents",
            "residence.message",
            "matching.review",
            "solutions.view",
            "solutions.manage",
        }
    ),
    Role.HOUSING_OFFICER: frozenset(
        {"housing.view", "housing.manage", "housing.allocate", "housing.answer", "residence.view"}
    ),
    Role.MANAGER: frozenset(
        {
            "settlement.edit",
            "staff.view",
            "registry.edit",
            "registry.import",
            "registry.export",
            "protection.view",
            "partners.manage",
            "assistance.record",
            "assistance.spend",
            "intake.apply",
            "intake.decide",
            "intake.rules",
            "housing.view",
            "housing.manage",
            "housing.allocate",
            "housing.answer",
            "housing.commit",
            "residence.view",
            "residence.review",
            "residence.documents",
            "residence.message",
            "residence.manage",
            "matching.review",
            "matching.run",
            "solutions.view",
            "solutions.manage",
            "solutions.approve",
        }
    ),
    Role.PARTNER: frozenset({"partners.portal"}),
    Role.ANALYST: frozenset({"housing.view"}),
    Role.ADMINISTRATOR: frozenset(
        {
            "settlement.edit",
            "staff.view",
            "staff.manage",
            "tools.synthetic",
            "registry.edit",
            "registry.import",
            "registry.export",
            "partners.manage",
            "assistance.record",
            "assistance.spend",
            "intake.apply",
            "intake.decide",
            "intake.rules",
            "housing.view",
            "housing.manage",
            "housing.allocate",
            "housing.answer",
            "housing.commit",
            "residence.view",
            "residence.review",
            "residence.documents",
            "residence.message",
            "residence.manage",
            "matching.review",
            "matching.run",
            "solutions.view",
            "solutions.manage",
        }
    ),
}

# Roles that see no one's personal record settlement-wide: partner staff see
# residents only through referrals; analysts work with aggregates, no names.
NO_PERSONAL_RECORDS = frozenset({Role.PARTNER, Role.ANALYST})


class Language(models.TextChoices):
    PERSIAN = "fa", _("Persian")
    ENGLISH = "en", _("English")


class DigitPreference(models.TextChoices):
    AUTO = "auto", _("As the language")
    PERSIAN = "fa", _("Persian digits (۱۲۳)")
    LATIN = "latn", _("Latin digits (123)")


class UserQuerySet(ScopedQuerySet["User"]):
    """Staff visible to a user: those sharing one of their settlements."""

    def for_user(self, user: Any) -> UserQuerySet:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.has_national_scope:
            return self.all()
        return self.filter(memberships__settlement_id__in=user.settlement_ids()).distinct()


class MehmanUserManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser):
    """A staff member. Scope comes from memberships, or is national for national roles."""

    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.CLERK)
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.PERSIAN
    )
    digits = models.CharField(
        _("digits"), max_length=4, choices=DigitPreference.choices, default=DigitPreference.AUTO
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    settlements = models.ManyToManyField(
        Settlement,
        through="Membership",
        related_name="staff",
        blank=True,
        verbose_name=_("settlements"),
    )

    history = HistoricalRecords(excluded_fields=["password", "last_login"])
    objects: ClassVar[MehmanUserManager] = MehmanUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def has_national_scope(self) -> bool:
        return self.role in NATIONAL_ROLES or self.is_superuser

    @property
    def sees_settlement_records(self) -> bool:
        """Partner staff see residents only through referrals; analysts see no names."""
        return self.role not in NO_PERSONAL_RECORDS

    def settlement_ids(self) -> frozenset[int]:
        cached: frozenset[int] | None = getattr(self, "_settlement_ids", None)
        if cached is None:
            cached = frozenset(self.memberships.values_list("settlement_id", flat=True))
            self._settlement_ids = cached
        return cached

    def has_capability(self, capability: str) -> bool:
        if self.is_superuser:
            return True
        return capability in CAPABILITIES.get(self.role, frozenset())

    @property
    def digit_style(self) -> str:
        if self.digits == DigitPreference.AUTO:
            return "fa" if self.language == Language.PERSIAN else "latn"
        return str(self.digits)


class MembershipQuerySet(ScopedQuerySet["Membership"]):
    settlement_path = "settlement"


class Membership(models.Model):
    """A user works in a settlement."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    settlement = models.ForeignKey(Settlement, on_delete=models.CASCADE, related_name="memberships")
    since = models.DateField(_("since"), auto_now_add=True)

    history = HistoricalRecords()
    objects: ClassVar[MembershipQuerySet] = MembershipQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "settlement"], name="one_membership_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.settlement}"


class UserEvent(Event):
    aggregate = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="events", verbose_name=_("user")
    )

    class Meta(Event.Meta):
        verbose_name = _("user event")
        verbose_name_plural = _("user events")


class AccessLogQuerySet(ScopedQuerySet["AccessLog"]):
    personal_data = False  # who read what, not the record itself

    def for_user(self, user: Any) -> ScopedQuerySet[AccessLog]:
        """Managers audit reads in their settlements; administrators everywhere."""
        if not getattr(user, "is_authenticated", False) or not user.has_capability("staff.view"):
            return self.none()
        return super().for_user(user)


class AccessLog(models.Model):
    """Append-only: one row per read of a protected record (who, what, when)."""

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    settlement = models.ForeignKey(
        Settlement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("settlement"),
    )
    record_type = models.CharField(_("record type"), max_length=64)
    record_uuid = models.UUIDField(_("record"), db_index=True)
    subject = models.CharField(_("subject"), max_length=64, blank=True)
    via = models.CharField(_("via"), max_length=200, blank=True)

    objects: ClassVar[AccessLogQuerySet] = AccessLogQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.record_type} {self.subject}"
