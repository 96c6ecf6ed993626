"""Durable-solutions endpoints under /api/v1/solutions/ (tests/matrix_solutions_api.py)."""

from django.urls import URLPattern

from mehman.solutions.api import cases, exits, plans, referrals

app_name = "solutions"

urlpatterns: list[URLPattern] = [
    *cases.urlpatterns,
    *plans.urlpatterns,
    *referrals.urlpatterns,
    *exits.urlpatterns,
]
