"""Assistance endpoints under /api/v1/. Every pattern has an entry in
tests/matrix_assistance_api.py."""

from django.urls import URLPattern

app_name = "assistance"

urlpatterns: list[URLPattern] = []
