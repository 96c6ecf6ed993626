"""URL map. Every pattern here has an entry in tests/test_access_matrix.py."""

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Mehman administration")
admin.site.site_title = _("Mehman")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("", include("mehman.core.urls")),
    path("accounts/", include("mehman.accounts.urls")),
    path("registry/", include("mehman.registry.urls")),
    path("matching/", include("mehman.matching.urls")),
    path("partners/", include("mehman.partners.urls")),
    path("intake/", include("mehman.intake.urls")),
    path("housing/", include("mehman.housing.urls")),
    path("residence/", include("mehman.residence.urls")),
    path("solutions/", include("mehman.solutions.urls")),
    path("status/", include("mehman.intake.public_urls")),
    path("assistance/", include("mehman.assistance.urls")),
    path("tools/", include("mehman.demo.urls")),
    path("api/v1/", include("mehman.api_urls")),
    path("admin/", admin.site.urls),
]

handler404 = "mehman.core.errors.not_found"
handler500 = "mehman.core.errors.server_error"
handler403 = "mehman.core.errors.forbidden"
handler400 = "mehman.core.errors.bad_request"
