"""Registry pages. Every pattern has an entry in tests/test_access_matrix.py."""

from django.urls import URLPattern

app_name = "registry"

urlpatterns: list[URLPattern] = []
