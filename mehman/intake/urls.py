"""Intake pages for staff. Every pattern has an entry in tests/matrix_intake*.py."""

from django.urls import URLPattern

from mehman.intake.views import applications, letters, waitlist

app_name = "intake"

urlpatterns: list[URLPattern] = [
    *applications.urlpatterns,
    *letters.urlpatterns,
    *waitlist.urlpatterns,
]
