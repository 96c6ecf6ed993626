"""Durable-solutions pages for staff. Every pattern has an entry in tests/matrix_solutions*.py."""

from django.urls import URLPattern

from mehman.solutions.views import board, cases, criteria

app_name = "solutions"

urlpatterns: list[URLPattern] = [
    *board.urlpatterns,
    *criteria.urlpatterns,
    *cases.urlpatterns,
]
