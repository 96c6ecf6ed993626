"""Intake endpoints under /api/v1/intake/ (tests/matrix_intake_api.py)."""

from django.urls import URLPattern

from mehman.intake.api import endpoints

app_name = "intake"

urlpatterns: list[URLPattern] = [*endpoints.urlpatterns]
