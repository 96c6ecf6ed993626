"""Residence endpoints under /api/v1/residence/: documents."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
