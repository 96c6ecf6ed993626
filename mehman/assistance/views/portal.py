"""The partner portal: the home of partner staff, and a referred household as their
organisation may see it.

Only partner staff linked to an organisation reach it (404 otherwise). A household
is reached only through ``Referral.objects.for_user`` (open, theirs, under a
data-sharing agreement live today); what is shown of it is the union of the
categories of the organisation's live agreements for its settlement. Protected
needs and case notes are never shown. Every read of a household is logged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.db.models import Case, F, IntegerField, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from mehman.accounts.models import User
from mehman.accounts.requests import AuthenticatedRequest
from mehman.accounts.services import log_access
from mehman.assistance.models import Attendance, Delivery, Referral, ReferralStatus
from mehman.assistance.queries import Reach, activity_reach
from mehman.assistance.services import reached_in
from mehman.assistance.sharing import shared_categories
from mehman.core import dates
from mehman.core.permissions import get_for_user_or_404, require_capability
from mehman.partners.models import (
    BRACKET_TAGS,
    Activity,
    ActivityStatus,
    DataCategory,
    DataSharingAgreement,
    Organisation,
    OrganisationStaff,
)
from mehman.registry.models import (
    Household,
    IdentityDocument,
    Individual,
    IndividualStatus,
    SpecificNeed,
)

# An agreement ending within this many days is flagged on the portal.
ENDING_SOON_DAYS = 30
RECORDING = (ActivityStatus.ONGOING, ActivityStatus.COMPLETED)


def _organisation(user: User) -> Organisation:
    """The organisation the partner account works for; 404 for anyone else."""
    require_capability(user, "partners.portal")
    link = (
        OrganisationStaff.objects.filter(user_id=user.pk, is_active=True)
        .select_related("organisation")
        .first()
    )
    if link is None:
        raise Http404
    return link.organisation


# --- Home ------------------------------------------------------------------------------------


@dataclass
class ActivityRow:
    activity: Activity
    reach: Reach

    @property
    def targeted_households(self) -> int:
        return self.activity.target("hh")

    @property
    def targeted_female(self) -> int:
        return sum(self.activity.target(f"f_{tag}") for tag in BRACKET_TAGS.values())

    @property
    def targeted_male(self) -> int:
        return sum(self.activity.target(f"m_{tag}") for tag in BRACKET_TAGS.values())

    @property
    def records(self) -> bool:
        return self.activity.status in RECORDING


@dataclass
class AgreementRow:
    agreement: DataSharingAgreement
    days_left: int

    @property
    def ending_soon(self) -> bool:
        return self.days_left <= ENDING_SOON_DAYS


@dataclass
class Totals:
    households: int = 0
    female: int = 0
    male: int = 0

    @property
    def people(self) -> int:
        return self.female + self.male


def _households_reached(activity_ids: list[int]) -> int:
    """Households reached by any of the activities, each counted once (counts only)."""
    if not activity_ids:
        return 0
    delivered = Delivery.objects.filter(activity_id__in=activity_ids).values_list(
        "household_id", flat=True
    )
    attended = Attendance.objects.filter(activity_id__in=activity_ids).values_list(
        "person__household_id", flat=True
    )
    return len(set(delivered) | set(attended))


@require_GET
@login_required
def portal(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    organisation = _organisation(user)
    today = dates.today()
    agreements = (
        DataSharingAgreement.objects.for_user(user)
        .live(today)
        .filter(organisation=organisation)
        .prefetch_related("settlements")
        .order_by("valid_to")
    )
    referrals = (
        Referral.objects.for_user(user)
        .select_related("household", "organisation")
        .annotate(
            waiting=Case(
                When(status=ReferralStatus.REFERRED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("waiting", F("due_on").asc(nulls_last=True), "-referred_on", "-id")
    )
    activities = list(
        Activity.objects.for_user(user)
        .filter(organisation=organisation)
        .select_related("settlement")
        .order_by("-starts_on", "name")
    )
    reach = activity_reach(a.pk for a in activities)
    rows = [ActivityRow(activity=a, reach=reach[a.pk]) for a in activities]
    totals = Totals(
        households=_households_reached([a.pk for a in activities]),
        female=sum(r.reach.female for r in rows),
        male=sum(r.reach.male for r in rows),
    )
    context = {
        "organisation": organisation,
        "agreements": [AgreementRow(a, (a.valid_to - today).days) for a in agreements],
        "referrals": list(referrals),
        "rows": rows,
        "totals": totals,
        "today": today,
    }
    return render(request, "assistance/portal.html", context)


# --- A referred household --------------------------------------------------------------------


@dataclass
class BracketRow:
    bracket: str
    female: int
    male: int


@dataclass
class SharedHousehold:
    """What the organisation may see of a household: counts always, the rest by category."""

    household: Household
    categories: frozenset[str]
    counts: list[BracketRow] = field(default_factory=list)
    members: list[Individual] = field(default_factory=list)
    documents: list[IdentityDocument] = field(default_factory=list)
    needs: list[SpecificNeed] = field(default_factory=list)

    @property
    def identity(self) -> bool:
        return DataCategory.IDENTITY in self.categories

    @property
    def contact(self) -> bool:
        return DataCategory.CONTACT in self.categories

    @property
    def shows_documents(self) -> bool:
        return DataCategory.DOCUMENTS in self.categories

    @property
    def shows_needs(self) -> bool:
        return DataCategory.NEEDS in self.categories

    @property
    def people(self) -> int:
        return sum(row.female + row.male for row in self.counts)


def _counts(household: Household) -> list[BracketRow]:
    counts = reached_in(household, dates.today())
    brackets = [*BRACKET_TAGS.items(), ("unknown", "unknown")]
    return [
        BracketRow(bracket, counts.get(f"f_{tag}", 0), counts.get(f"m_{tag}", 0))
        for bracket, tag in brackets
    ]


def shared_household(household: Household, categories: frozenset[str]) -> SharedHousehold:
    shown = SharedHousehold(household=household, categories=categories)
    shown.counts = _counts(household)
    members = Individual.objects.filter(household=household, status=IndividualStatus.ACTIVE)
    if shown.identity:
        shown.members = list(members.order_by("id"))
    if shown.shows_documents:
        shown.documents = list(
            IdentityDocument.objects.filter(individual__in=members).select_related("individual")
        )
    if shown.shows_needs:
        shown.needs = list(
            SpecificNeed.objects.open()
            .filter(individual__in=members, code__sensitive=False)
            .exclude(code__parent__sensitive=True)
            .select_related("code__parent", "individual")
        )
    return shown


@require_GET
@login_required
def portal_household(request: AuthenticatedRequest, referral: UUID) -> HttpResponse:
    user = request.user
    _organisation(user)
    record = get_for_user_or_404(
        Referral.objects.select_related("household__settlement", "organisation"),
        user,
        uuid=referral,
    )
    household = record.household
    categories = shared_categories(record.organisation_id, household.settlement_id)
    log_access(
        user=user,
        record=household,
        subject=household.reference,
        settlement=household.settlement,
        via=request.path,
    )
    context = {"referral": record, "shown": shared_household(household, categories)}
    return render(request, "assistance/portal_household.html", context)


urlpatterns = [
    path("portal/", portal, name="portal"),
    path("portal/referrals/<uuid:referral>/household/", portal_household, name="portal_household"),
]
