"""Pages of duplicate detection. Every pattern has an entry in tests/matrix_matching.py."""

from django.urls import URLPattern

from mehman.matching.views import pairs, runs

app_name = "matching"

urlpatterns: list[URLPattern] = [
    *pairs.urlpatterns,
    *runs.urlpatterns,
]
