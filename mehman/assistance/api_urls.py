"""Assistance endpoints under /api/v1/. Every pattern has an entry in
tests/matrix_assistance_api.py."""

from django.urls import path

from mehman.assistance import api
from mehman.core.api import by_method

app_name = "assistance"

urlpatterns = [
    path("activities/<uuid:uuid>/reach/", api.ActivityReachApi.as_view(), name="activity_reach"),
    path(
        "distributions/",
        by_method(get=api.DeliveryListApi, post=api.DeliveryRecordApi),
        name="delivery_list",
    ),
    path(
        "distributions/batch/",
        api.DistributionRecordApi.as_view(),
        name="distribution_batch",
    ),
    path(
        "referrals/",
        by_method(get=api.ReferralListApi, post=api.ReferralReferApi),
        name="referral_list",
    ),
    path("referrals/<uuid:uuid>/", api.ReferralDetailApi.as_view(), name="referral_detail"),
    path("referrals/<uuid:uuid>/accept/", api.ReferralAcceptApi.as_view(), name="referral_accept"),
    path(
        "referrals/<uuid:uuid>/decline/",
        api.ReferralDeclineApi.as_view(),
        name="referral_decline",
    ),
    path("referrals/<uuid:uuid>/close/", api.ReferralCloseApi.as_view(), name="referral_close"),
    path(
        "expenditures/",
        by_method(get=api.ExpenditureListApi, post=api.ExpenditureRecordApi),
        name="expenditure_list",
    ),
]
