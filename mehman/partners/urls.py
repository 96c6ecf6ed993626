"""Partners pages. Every pattern has an entry in tests/matrix_partners.py."""

from django.urls import URLPattern

from mehman.partners.views import activities, organisations, pledges, volunteers

app_name = "partners"

urlpatterns: list[URLPattern] = [
    *organisations.urlpatterns,
    *volunteers.urlpatterns,
    *activities.urlpatterns,
    *pledges.urlpatterns,
]
