from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from mehman.accounts.models import AccessLog, Membership, User, UserEvent
from mehman.core.admin import ReadOnlyAdmin


class MembershipInline(admin.TabularInline[Membership, User]):
    model = Membership
    extra = 0
    readonly_fields = ("settlement", "since")
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User], SimpleHistoryAdmin):  # type: ignore[misc]
    """Read-only: accounts are created and changed on the Staff pages, through the services."""

    list_display = ("username", "first_name", "last_name", "role", "language", "is_active")
    list_filter = ("role", "is_active", "language", "memberships__settlement")
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Mehman"), {"fields": ("role", "language", "digits", "phone")}),
    )
    inlines = [MembershipInline]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(UserEvent)
class UserEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "aggregate", "kind", "by")
    list_filter = ("kind",)


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    """Append-only: nobody edits or deletes who read what."""

    list_display = ("at", "user", "record_type", "subject", "settlement", "via")
    list_filter = ("record_type", "settlement")
    search_fields = ("subject", "user__username")
