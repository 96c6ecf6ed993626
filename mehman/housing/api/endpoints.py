"""Housing endpoints under /api/v1/housing/. Every pattern has an entry in
tests/matrix_housing_api.py."""

from django.urls import URLPattern, path

from mehman.core.api import Api, by_method
from mehman.housing.api import occupancy, offers, runs, site, standards, works

# The steps of a work order, each at works/<reference>/<action>/ (``serializers.WORK_ACTIONS``).
WORK_STEPS: dict[str, type[Api]] = {
    "approve": works.WorkApproveApi,
    "start": works.WorkStartApi,
    "complete": works.WorkCompleteApi,
    "cancel": works.WorkCancelApi,
}

urlpatterns: list[URLPattern] = [
    # The site
    path("housing/blocks/", site.BlockListApi.as_view(), name="block_list"),
    path(
        "housing/units/",
        by_method(get=site.UnitListApi, post=site.UnitAddApi),
        name="unit_list",
    ),
    path(
        "housing/units/<str:reference>/",
        by_method(get=site.UnitDetailApi, patch=site.UnitUpdateApi),
        name="unit_detail",
    ),
    path("housing/units/<str:reference>/state/", site.UnitStateApi.as_view(), name="unit_state"),
    path(
        "housing/facilities/",
        by_method(get=site.FacilityListApi, post=site.FacilityAddApi),
        name="facility_list",
    ),
    path(
        "housing/facilities/<str:reference>/",
        by_method(get=site.FacilityDetailApi, patch=site.FacilityUpdateApi),
        name="facility_detail",
    ),
    # Who lives where
    path(
        "housing/units/<str:reference>/occupancy/",
        occupancy.UnitOccupancyApi.as_view(),
        name="unit_occupancy",
    ),
    path(
        "housing/units/<str:reference>/move-in/",
        occupancy.UnitMoveInApi.as_view(),
        name="unit_move_in",
    ),
    path(
        "housing/households/<str:reference>/move-out/",
        occupancy.HouseholdMoveOutApi.as_view(),
        name="household_move_out",
    ),
    path(
        "housing/households/<str:reference>/transfer/",
        occupancy.HouseholdTransferApi.as_view(),
        name="household_transfer",
    ),
    # Surveys and works
    path(
        "housing/surveys/",
        by_method(get=works.SurveyListApi, post=works.SurveyRecordApi),
        name="survey_list",
    ),
    path("housing/surveys/<uuid:uuid>/", works.SurveyDetailApi.as_view(), name="survey_detail"),
    path(
        "housing/works/",
        by_method(get=works.WorkListApi, post=works.WorkOpenApi),
        name="work_list",
    ),
    path(
        "housing/works/<str:reference>/",
        by_method(get=works.WorkDetailApi, patch=works.WorkUpdateApi),
        name="work_detail",
    ),
    *(
        path(f"housing/works/<str:reference>/{action}/", view.as_view(), name=f"work_{action}")
        for action, view in WORK_STEPS.items()
    ),
    path("housing/works/<str:reference>/spend/", works.WorkSpendApi.as_view(), name="work_spend"),
    path(
        "housing/works/<str:reference>/spending/",
        works.WorkSpendingApi.as_view(),
        name="work_spending",
    ),
    # Offers
    path("housing/vacancies/", offers.VacancyListApi.as_view(), name="vacancy_list"),
    path(
        "housing/units/<str:reference>/candidates/",
        offers.UnitCandidatesApi.as_view(),
        name="unit_candidates",
    ),
    path(
        "housing/units/<str:reference>/offer/",
        offers.UnitOfferApi.as_view(),
        name="unit_offer",
    ),
    path("housing/offers/", offers.OfferListApi.as_view(), name="offer_list"),
    path("housing/offers/<uuid:uuid>/", offers.OfferDetailApi.as_view(), name="offer_detail"),
    path(
        "housing/offers/<uuid:uuid>/accept/", offers.OfferAcceptApi.as_view(), name="offer_accept"
    ),
    path(
        "housing/offers/<uuid:uuid>/decline/",
        offers.OfferDeclineApi.as_view(),
        name="offer_decline",
    ),
    # Batch allocation runs
    path(
        "housing/runs/",
        by_method(get=runs.RunListApi, post=runs.RunStartApi),
        name="run_list",
    ),
    path("housing/runs/<str:reference>/", runs.RunDetailApi.as_view(), name="run_detail"),
    path(
        "housing/runs/<str:reference>/proposals/<str:application>/",
        runs.RunProposalUpdateApi.as_view(),
        name="run_proposal",
    ),
    path("housing/runs/<str:reference>/commit/", runs.RunCommitApi.as_view(), name="run_commit"),
    path("housing/runs/<str:reference>/discard/", runs.RunDiscardApi.as_view(), name="run_discard"),
    # Standards compliance
    path("housing/standards/", standards.StandardsApi.as_view(), name="standards"),
]
