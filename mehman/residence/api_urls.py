"""Residence endpoints under /api/v1/residence/ (tests/matrix_residence*.py)."""

from django.urls import URLPattern

from mehman.residence.api import conversion, documents, terms

app_name = "residence"

urlpatterns: list[URLPattern] = [
    *terms.urlpatterns,
    *conversion.urlpatterns,
    *documents.urlpatterns,
]
