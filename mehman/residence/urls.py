"""Residence pages for staff. Every pattern has an entry in tests/matrix_residence*.py."""

from django.urls import URLPattern

from mehman.residence.views import (
    campaigns,
    conditions,
    conversion,
    documents,
    messages,
    reviews,
    terms,
)

app_name = "residence"

urlpatterns: list[URLPattern] = [
    *terms.urlpatterns,
    *reviews.urlpatterns,
    *conditions.urlpatterns,
    *conversion.urlpatterns,
    *documents.urlpatterns,
    *campaigns.urlpatterns,
    *messages.urlpatterns,
]
