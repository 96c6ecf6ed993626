"""Partners endpoints under /api/v1/. Every pattern has an entry in tests/matrix_partners_api.py."""

from django.urls import path

from mehman.core.api import by_method
from mehman.partners import api

app_name = "partners"

urlpatterns = [
    path(
        "organisations/",
        by_method(get=api.OrganisationListApi, post=api.OrganisationRegisterApi),
        name="organisation_list",
    ),
    path(
        "organisations/<uuid:uuid>/",
        by_method(get=api.OrganisationDetailApi, patch=api.OrganisationUpdateApi),
        name="organisation_detail",
    ),
    path(
        "organisations/<uuid:uuid>/agreements/",
        by_method(get=api.AgreementListApi, post=api.AgreementRecordApi),
        name="organisation_agreements",
    ),
    path(
        "organisations/<uuid:uuid>/data-agreements/",
        by_method(get=api.DataAgreementListApi, post=api.DataAgreementRecordApi),
        name="organisation_data_agreements",
    ),
    path(
        "agreements/<uuid:uuid>/revoke/",
        api.AgreementRevokeApi.as_view(),
        name="agreement_revoke",
    ),
    path(
        "data-agreements/<uuid:uuid>/revoke/",
        api.DataAgreementRevokeApi.as_view(),
        name="data_agreement_revoke",
    ),
    path(
        "volunteers/",
        by_method(get=api.VolunteerListApi, post=api.VolunteerRegisterApi),
        name="volunteer_list",
    ),
    path(
        "volunteers/<uuid:uuid>/",
        by_method(get=api.VolunteerDetailApi, patch=api.VolunteerUpdateApi),
        name="volunteer_detail",
    ),
    path(
        "volunteers/<uuid:uuid>/assignments/",
        by_method(get=api.AssignmentListApi, post=api.VolunteerAssignApi),
        name="volunteer_assignments",
    ),
    path("assignments/<uuid:uuid>/hours/", api.HoursRecordApi.as_view(), name="assignment_hours"),
    path(
        "activities/",
        by_method(get=api.ActivityListApi, post=api.ActivityPlanApi),
        name="activity_list",
    ),
    path(
        "activities/<uuid:uuid>/",
        by_method(get=api.ActivityDetailApi, patch=api.ActivityUpdateApi),
        name="activity_detail",
    ),
    path(
        "activities/<uuid:uuid>/status/",
        api.ActivityStatusChangeApi.as_view(),
        name="activity_status",
    ),
    path(
        "pledges/",
        by_method(get=api.PledgeListApi, post=api.PledgeRecordApi),
        name="pledge_list",
    ),
    path("pledges/<uuid:uuid>/", api.PledgeDetailApi.as_view(), name="pledge_detail"),
    path(
        "pledges/<uuid:uuid>/donations/",
        by_method(get=api.PledgeDonationListApi, post=api.DonationReceiveApi),
        name="pledge_donations",
    ),
    path("pledges/<uuid:uuid>/cancel/", api.PledgeCancelApi.as_view(), name="pledge_cancel"),
    path("donations/", api.DonationListApi.as_view(), name="donation_list"),
    path("donations/<uuid:uuid>/store/", api.DonationStoreApi.as_view(), name="donation_store"),
]
