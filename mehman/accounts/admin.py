from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from mehman.accounts.models import Membership, User, UserEvent
from mehman.core.admin import ReadOnlyAdmin


class MembershipInline(admin.TabularInline[Membership, User]):
    model = Membership
    extra = 0
    readonly_fields = ("since",)


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User], SimpleHistoryAdmin):  # type: ignore[misc]
    list_display = ("username", "first_name", "last_name", "role", "language", "is_active")
    list_filter = ("role", "is_active", "language", "memberships__settlement")
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Mehman"), {"fields": ("role", "language", "digits", "phone")}),
    )
    add_fieldsets = (
        *(DjangoUserAdmin.add_fieldsets or ()),
        (_("Mehman"), {"fields": ("role", "language")}),
    )
    inlines = [MembershipInline]


@admin.register(UserEvent)
class UserEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "aggregate", "kind", "by")
    list_filter = ("kind",)
