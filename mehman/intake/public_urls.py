"""The applicant's status page: public, no staff login (tests/matrix_intake_public.py)."""

from django.urls import URLPattern

from mehman.intake.views import public

app_name = "applicant"

urlpatterns: list[URLPattern] = [*public.urlpatterns]
