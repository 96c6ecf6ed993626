"""Read-only admin views of housing records: every change goes through the services."""

from __future__ import annotations

from django.contrib import admin

from mehman.core.admin import ReadOnlyAdmin
from mehman.housing.models import (
    AllocationRun,
    Block,
    Facility,
    Occupancy,
    Offer,
    Survey,
    Unit,
    WorkOrder,
)


@admin.register(Block)
class BlockAdmin(ReadOnlyAdmin):
    list_display = ("reference", "settlement", "name")
    list_filter = ("settlement",)


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ("reference", "state", "floor_area", "capacity", "condition")
    list_filter = ("settlement", "state", "block")
    search_fields = ("reference",)


@admin.register(Facility)
class FacilityAdmin(ReadOnlyAdmin):
    list_display = ("reference", "kind", "name", "capacity", "in_service")
    list_filter = ("settlement", "kind", "in_service")


@admin.register(Survey)
class SurveyAdmin(ReadOnlyAdmin):
    list_display = ("surveyed_on", "unit", "facility", "score")


@admin.register(WorkOrder)
class WorkOrderAdmin(ReadOnlyAdmin):
    list_display = ("reference", "kind", "status", "estimate", "actual_cost")
    list_filter = ("settlement", "kind", "status")
    search_fields = ("reference",)


@admin.register(Occupancy)
class OccupancyAdmin(ReadOnlyAdmin):
    list_display = ("unit", "started_on", "ended_on", "reason", "end_reason")
    list_filter = ("settlement", "reason")


@admin.register(Offer)
class OfferAdmin(ReadOnlyAdmin):
    list_display = ("unit", "application", "status", "offered_on", "respond_by")
    list_filter = ("settlement", "status")


@admin.register(AllocationRun)
class AllocationRunAdmin(ReadOnlyAdmin):
    list_display = ("reference", "status", "created_at")
    list_filter = ("settlement", "status")
