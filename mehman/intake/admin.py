"""Read-only admin views of intake records: every change goes through the services."""

from __future__ import annotations

from django.contrib import admin

from mehman.core.admin import ReadOnlyAdmin
from mehman.intake.models import Application, EligibilityRule, Ranking, WeightSet


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ("reference", "settlement", "status", "applied_on", "rank", "score")
    list_filter = ("settlement", "status", "channel")
    search_fields = ("reference",)


@admin.register(EligibilityRule)
class EligibilityRuleAdmin(ReadOnlyAdmin):
    list_display = ("settlement", "kind", "is_active", "position")


@admin.register(WeightSet)
class WeightSetAdmin(ReadOnlyAdmin):
    list_display = ("settlement", "number", "created_at", "note")


@admin.register(Ranking)
class RankingAdmin(ReadOnlyAdmin):
    list_display = ("settlement", "at", "reason", "ranked", "moved")
