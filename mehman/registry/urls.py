"""Registry pages. Every pattern has an entry in tests/test_access_matrix.py."""

from django.urls import URLPattern

from mehman.registry.views import actions, browse, card, links, register, transfer

app_name = "registry"

urlpatterns: list[URLPattern] = [
    *browse.urlpatterns,
    *card.urlpatterns,
    *register.urlpatterns,
    *actions.urlpatterns,
    *transfer.urlpatterns,
    *links.urlpatterns,
]
