"""Partners endpoints under /api/v1/. Every pattern has an entry in tests/matrix_partners_api.py."""

from django.urls import URLPattern

app_name = "partners"

urlpatterns: list[URLPattern] = []
