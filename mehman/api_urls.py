"""The REST API, /api/v1/: each app's endpoints, the OpenAPI schema and its docs.

Every pattern has an entry in tests/test_access_matrix.py.
"""

from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.permissions import IsAuthenticated

app_name = "api"

urlpatterns = [
    path("", include("mehman.registry.api_urls")),
    path("", include("mehman.matching.api_urls")),
    path("", include("mehman.partners.api_urls")),
    path("", include("mehman.assistance.api_urls")),
    path("", include("mehman.intake.api_urls")),
    path("", include("mehman.housing.api_urls")),
    path("", include("mehman.residence.api_urls")),
    path("", include("mehman.solutions.api_urls")),
    path(
        "schema/",
        SpectacularAPIView.as_view(permission_classes=[IsAuthenticated]),
        name="schema",
    ),
    # A page for people: signed-out visitors are sent to sign in, like every page.
    path(
        "docs/",
        login_required(
            SpectacularSwaggerView.as_view(
                url_name="api:schema", permission_classes=[IsAuthenticated]
            )
        ),
        name="docs",
    ),
]
