"""Matching endpoints under /api/v1/matching/ (tests/matrix_matching_api.py)."""

from django.urls import URLPattern

from mehman.matching.api import urlpatterns as matching

app_name = "matching"

urlpatterns: list[URLPattern] = [*matching]
