"""The registry in the admin: read-only. Records change on the registry pages, through services.

Administrators look records up here; the specific-needs code table is reloaded
from its file with ``mehman needcodes``.
"""

from django.contrib import admin

from mehman.core.admin import ReadOnlyAdmin
from mehman.registry.models import Household, HouseholdEvent, SpecificNeedCode


@admin.register(Household)
class HouseholdAdmin(ReadOnlyAdmin):
    list_display = ("reference", "settlement", "status", "size", "block", "registered_on")
    list_filter = ("status", "settlement")
    search_fields = ("reference",)
    exclude = ("phone", "phone_key", "address", "consent_note")


@admin.register(HouseholdEvent)
class HouseholdEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "aggregate", "kind", "by")
    list_filter = ("kind",)
    search_fields = ("aggregate__reference",)
    exclude = ("params",)


@admin.register(SpecificNeedCode)
class SpecificNeedCodeAdmin(ReadOnlyAdmin):
    list_display = ("code", "parent", "label_en", "label_fa", "sensitive", "is_active")
    list_filter = ("sensitive", "is_active", "parent")
    search_fields = ("code", "label_en", "label_fa")
