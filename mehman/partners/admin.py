"""Partners in the admin: read-only. Records change on the partners pages, through services."""

from django.contrib import admin

from mehman.core.admin import ReadOnlyAdmin
from mehman.partners.models import (
    Activity,
    Agreement,
    DataSharingAgreement,
    Donation,
    Organisation,
    OrganisationEvent,
    Pledge,
)


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ("name_en", "name_fa", "acronym", "org_type", "is_active")
    list_filter = ("org_type", "is_active", "settlements")
    search_fields = ("name_en", "name_fa", "acronym")


@admin.register(Agreement)
class AgreementAdmin(ReadOnlyAdmin):
    list_display = ("title", "organisation", "valid_from", "valid_to", "revoked_on")
    list_filter = ("settlements",)
    search_fields = ("title", "reference", "organisation__name_en")


@admin.register(DataSharingAgreement)
class DataSharingAgreementAdmin(ReadOnlyAdmin):
    list_display = ("purpose", "organisation", "valid_from", "valid_to", "revoked_on")
    list_filter = ("settlements",)
    search_fields = ("purpose", "reference", "organisation__name_en")


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdmin):
    list_display = ("name", "organisation", "sector", "settlement", "status", "starts_on")
    list_filter = ("status", "sector", "settlement")
    search_fields = ("name", "organisation__name_en")


@admin.register(Pledge)
class PledgeAdmin(ReadOnlyAdmin):
    list_display = ("reference", "donor", "kind", "item", "quantity", "value", "status")
    list_filter = ("status", "kind", "settlement")
    search_fields = ("reference", "donor__name_en", "item")


@admin.register(Donation)
class DonationAdmin(ReadOnlyAdmin):
    list_display = ("pledge", "received_on", "quantity", "used_quantity", "stored_at")
    search_fields = ("pledge__reference",)


@admin.register(OrganisationEvent)
class OrganisationEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "aggregate", "kind", "by")
    list_filter = ("kind",)
    search_fields = ("aggregate__name_en",)
    exclude = ("params",)
