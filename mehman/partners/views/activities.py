"""Partners pages: activities."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
