"""Intake endpoints under /api/v1/intake/. Every pattern has an entry in
tests/matrix_intake_api.py."""

from django.urls import URLPattern, path

from mehman.core.api import Api, by_method
from mehman.intake.api import applications, transitions, waitlist

# The steps of an application, each at applications/<reference>/<action>/; an action
# not named here is 404. The names are those of ``access.ACTIONS``.
TRANSITIONS: dict[str, type[Api]] = {
    "submit": transitions.ApplicationSubmitApi,
    "pin": transitions.ApplicationPinApi,
    "screen": transitions.ApplicationScreenApi,
    "waitlist": transitions.ApplicationWaitlistApi,
    "offer": transitions.ApplicationOfferApi,
    "accept": transitions.ApplicationAcceptApi,
    "decline": transitions.ApplicationDeclineApi,
    "admit": transitions.ApplicationAdmitApi,
    "withdraw": transitions.ApplicationWithdrawApi,
    "expire": transitions.ApplicationExpireApi,
    "appeal": transitions.ApplicationAppealApi,
    "decide": transitions.ApplicationDecideApi,
    "refresh": transitions.ApplicationRefreshApi,
}

urlpatterns: list[URLPattern] = [
    path(
        "intake/applications/",
        by_method(get=applications.ApplicationListApi, post=applications.ApplicationStartApi),
        name="application_list",
    ),
    path(
        "intake/applications/<str:reference>/",
        by_method(get=applications.ApplicationDetailApi, patch=applications.ApplicationUpdateApi),
        name="application_detail",
    ),
    path(
        "intake/applications/<str:reference>/rank-history/",
        applications.ApplicationRankHistoryApi.as_view(),
        name="application_rank_history",
    ),
    *(
        path(
            f"intake/applications/<str:reference>/{action}/",
            view.as_view(),
            name=f"application_{action}",
        )
        for action, view in TRANSITIONS.items()
    ),
    path("intake/waitlist/", waitlist.WaitlistListApi.as_view(), name="waitlist"),
    path(
        "intake/waitlist/preview/",
        waitlist.WaitlistPreviewApi.as_view(),
        name="waitlist_preview",
    ),
    path(
        "intake/weights/",
        by_method(get=waitlist.WeightsListApi, post=waitlist.WeightsPublishApi),
        name="weights",
    ),
    path("intake/rules/", waitlist.RuleListApi.as_view(), name="rules"),
]
