"""What each pathway records, from the case page: a voluntary return's details and counselling,
the resettlement referral (prepared, sent to UNHCR once approved, its outcome), the move into
the city; and referring the household to a partner.

All need ``solutions.manage`` and the case in scope; the services refuse a page of another
pathway than the case's, and say why.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from mehman.accounts.requests import AuthenticatedRequest
from mehman.partners.models import Organisation
from mehman.solutions import services
from mehman.solutions.forms.specifics import (
    CounsellingForm,
    IntegrationForm,
    OutcomeForm,
    PartnerReferralForm,
    RepatriationForm,
    ResettlementForm,
    UnhcrForm,
)
from mehman.solutions.models import LocalIntegration, RepatriationDetails, ResettlementReferral
from mehman.solutions.views._case import MANAGE, case_of, data_of, step

# --- Voluntary return -------------------------------------------------------------------------


@login_required
def repatriation(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    case = case_of(request, reference, MANAGE)
    details = RepatriationDetails.objects.filter(case=case).first()
    form = RepatriationForm(data_of(request), case=case, details=details)

    def perform(d: dict[str, Any]) -> object:
        return services.save_repatriation(
            case=case,
            by=request.user,
            members_departing=list(d["members_departing"]),
            expected_version=d["version"],
            **form.changes(),
        )

    return step(
        request,
        case,
        form,
        perform,
        title=_("Voluntary return"),
        done=_("The return details were saved."),
        testid="repatriation",
    )


@login_required
def counselling(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    case = case_of(request, reference, MANAGE)
    form = CounsellingForm(data_of(request))

    def perform(d: dict[str, Any]) -> object:
        return services.record_counselling(case=case, by=request.user, held_on=d["held_on"])

    return step(
        request,
        case,
        form,
        perform,
        title=_("Record a return counselling session"),
        done=_("The counselling session was recorded."),
        testid="counselling",
    )


# --- Resettlement -----------------------------------------------------------------------------


@login_required
def resettlement(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    case = case_of(request, reference, MANAGE)
    referral = ResettlementReferral.objects.filter(case=case).first()
    form = ResettlementForm(data_of(request), referral=referral)

    def perform(d: dict[str, Any]) -> object:
        return services.prepare_resettlement(
            case=case,
            by=request.user,
            primary_category=d["primary_category"],
            secondary_category=d["secondary_category"],
            priority=d["priority"],
            justification=d["justification"],
            expected_version=d["version"],
        )

    return step(
        request,
        case,
        form,
        perform,
        title=_("Prepare the resettlement referral"),
        done=_("The resettlement referral was saved."),
        testid="resettlement",
    )


@login_required
def resettlement_unhcr(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    case = case_of(request, reference, MANAGE)
    form = UnhcrForm(data_of(request))

    def perform(d: dict[str, Any]) -> object:
        return services.refer_to_unhcr(case=case, by=request.user, referred_on=d["referred_on"])

    return step(
        request,
        case,
        form,
        perform,
        title=_("Refer to UNHCR"),
        done=_("The referral to UNHCR was recorded."),
        testid="resettlement-unhcr",
    )


@login_required
def resettlement_outcome(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    case = case_of(request, reference, MANAGE)
    form = OutcomeForm(data_of(request))

    def perform(d: dict[str, Any]) -> object:
        return services.record_resettlement_outcome(case=case, by=request.user, **d)

    return step(
        request,
        case,
        form,
        perform,
        title=_("Record the resettlement outcome"),
        done=_("The resettlement outcome was recorded."),
        testid="resettlement-outcome",
    )


# --- Local integration ------------------------------------------------------------------------


@login_required
def integration(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    case = case_of(request, reference, MANAGE)
    record = LocalIntegration.objects.filter(case=case).first()
    form = IntegrationForm(data_of(request), record=record)

    def perform(d: dict[str, Any]) -> object:
        return services.save_integration(
            case=case, by=request.user, expected_version=d["version"], **form.changes()
        )

    return step(
        request,
        case,
        form,
        perform,
        title=_("Integration into the host city"),
        done=_("The integration details were saved."),
        testid="integration",
    )


# --- Referral to a partner ----------------------------------------------------------------------


@login_required
def referral_new(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    case = case_of(request, reference, MANAGE)
    organisations = (
        Organisation.objects.for_user(request.user)
        .filter(settlements=case.settlement_id, is_active=True)
        .order_by("name_en")
    )
    form = PartnerReferralForm(data_of(request), organisations=organisations)

    def perform(d: dict[str, Any]) -> object:
        return services.refer_to_partner(case=case, by=request.user, **form.referral_data())

    return step(
        request,
        case,
        form,
        perform,
        title=_("Refer to a partner"),
        done=_("The household was referred."),
        testid="referral-new",
    )


urlpatterns: list[URLPattern] = [
    path("cases/<str:reference>/return/", repatriation, name="repatriation"),
    path("cases/<str:reference>/return/counselling/", counselling, name="counselling"),
    path("cases/<str:reference>/resettlement/", resettlement, name="resettlement"),
    path(
        "cases/<str:reference>/resettlement/unhcr/",
        resettlement_unhcr,
        name="resettlement_unhcr",
    ),
    path(
        "cases/<str:reference>/resettlement/outcome/",
        resettlement_outcome,
        name="resettlement_outcome",
    ),
    path("cases/<str:reference>/integration/", integration, name="integration"),
    path("cases/<str:reference>/referrals/new/", referral_new, name="referral_new"),
]
