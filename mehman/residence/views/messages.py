"""Residence pages: messages."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
