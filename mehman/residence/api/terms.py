"""Residence endpoints under /api/v1/residence/: terms."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
