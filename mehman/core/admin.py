from typing import Any

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from mehman.core.models import Settlement, SettlementEvent, TaskProgress


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """Timelines and task records are written by services only."""

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Settlement)
class SettlementAdmin(SimpleHistoryAdmin):  # type: ignore[misc]
    list_display = ("code", "name_fa", "name_en", "province_fa", "capacity", "is_active")
    search_fields = ("code", "name_fa", "name_en")
    readonly_fields = ("uuid", "created_at", "updated_at", "version")


@admin.register(SettlementEvent)
class SettlementEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "aggregate", "kind", "by")
    list_filter = ("kind",)


@admin.register(TaskProgress)
class TaskProgressAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "title", "status", "done", "total", "started_by")
    list_filter = ("status", "kind")
