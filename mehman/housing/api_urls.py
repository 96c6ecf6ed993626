"""Housing endpoints under /api/v1/housing/ (tests/matrix_housing_api.py)."""

from django.urls import URLPattern

from mehman.housing.api import endpoints

app_name = "housing"

urlpatterns: list[URLPattern] = [*endpoints.urlpatterns]
