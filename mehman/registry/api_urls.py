"""Registry endpoints under /api/v1/. Every pattern has an entry in tests/test_access_matrix.py."""

from django.urls import path

from mehman.core.api import by_method
from mehman.registry import api

app_name = "registry"

urlpatterns = [
    path(
        "households/",
        by_method(get=api.HouseholdListApi, post=api.HouseholdRegisterApi),
        name="household_list",
    ),
    path(
        "households/<str:reference>/",
        by_method(get=api.HouseholdDetailApi, patch=api.HouseholdUpdateApi),
        name="household_detail",
    ),
    path(
        "households/<str:reference>/members/",
        by_method(get=api.MemberListApi, post=api.MemberAddApi),
        name="household_members",
    ),
    path("members/<uuid:uuid>/", api.MemberUpdateApi.as_view(), name="member_detail"),
    path(
        "members/<uuid:uuid>/documents/",
        by_method(get=api.DocumentListApi, post=api.DocumentAddApi),
        name="member_documents",
    ),
    path(
        "members/<uuid:uuid>/needs/",
        by_method(get=api.NeedListApi, post=api.NeedRecordApi),
        name="member_needs",
    ),
    path("needs/<uuid:uuid>/resolve/", api.NeedResolveApi.as_view(), name="need_resolve"),
]
