"""Housing pages for staff. Every pattern has an entry in tests/matrix_housing*.py."""

from django.urls import URLPattern

from mehman.housing.views import offers, runs, site, standards, works

app_name = "housing"

urlpatterns: list[URLPattern] = [
    *site.urlpatterns,
    *works.urlpatterns,
    *offers.urlpatterns,
    *runs.urlpatterns,
    *standards.urlpatterns,
]
