"""Partners pages: organisations."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
