"""Assistance pages and the partner portal. Every pattern has an entry in
tests/matrix_assistance.py."""

from django.urls import URLPattern

from mehman.assistance.views import deliveries, portal, referrals, reports

app_name = "assistance"

urlpatterns: list[URLPattern] = [
    *referrals.urlpatterns,
    *deliveries.urlpatterns,
    *reports.urlpatterns,
    *portal.urlpatterns,
]
