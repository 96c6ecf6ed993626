from typing import Any

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from mehman.core import services
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
    """Saves go through the settlement services, so the timeline records them too."""

    list_display = ("code", "name_fa", "name_en", "province_fa", "capacity", "is_active")
    search_fields = ("code", "name_fa", "name_en")
    fields = ("code", *services.EDITABLE_SETTLEMENT_FIELDS, "uuid", "version")
    readonly_fields = ("uuid", "version")

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        return (*self.readonly_fields, "code") if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        data = form.cleaned_data
        if change:
            current = Settlement.objects.get(pk=obj.pk)
            saved = services.update_settlement(
                settlement=current,
                by=request.user,
                expected_version=current.version,
                **{name: data[name] for name in form.changed_data if name in data},
            )
        else:
            saved = services.create_settlement(
                by=request.user,
                code=data["code"],
                **{
                    name: data[name]
                    for name in services.EDITABLE_SETTLEMENT_FIELDS
                    if name != "is_active"
                },
            )
        obj.pk, obj.version = saved.pk, saved.version


@admin.register(SettlementEvent)
class SettlementEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "aggregate", "kind", "by")
    list_filter = ("kind",)


@admin.register(TaskProgress)
class TaskProgressAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "title", "status", "done", "total", "started_by")
    list_filter = ("status", "kind")
