"""Partners pages: pledges."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
