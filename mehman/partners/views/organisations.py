"""Organisation pages: the directory, an organisation's page, its details, contacts,
staff accounts and agreements (memoranda of understanding and data sharing)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mehman.core import dates
from mehman.core.permissions import get_for_user_or_404
from mehman.partners import services
from mehman.partners.forms.organisations import (
    AgreementForm,
    ContactForm,
    DataAgreementForm,
    OrganisationEditForm,
    OrganisationFilterForm,
    OrganisationForm,
    RevokeForm,
    StaffLinkForm,
)
from mehman.partners.models import (
    Activity,
    Agreement,
    DataSharingAgreement,
    Organisation,
    Pledge,
    Sector,
    Volunteer,
    live_on,
)
from mehman.partners.views._common import (
    TIMELINE_LENGTH,
    act,
    can_manage,
    data,
    page_of,
    post_and_return,
    require_manage,
    settlements_of,
)

# Timeline events that name people (volunteers, contacts, staff accounts): not for
# users who see no personal records settlement-wide (analysts).
PERSONAL_EVENTS = (
    "volunteer.registered",
    "volunteer.updated",
    "volunteer.assigned",
    "volunteer.hours",
    "organisation.contact_added",
    "organisation.staff_linked",
    "organisation.staff_unlinked",
)


def _organisation(request: HttpRequest, uuid: UUID) -> Organisation:
    return get_for_user_or_404(Organisation.objects, request.user, uuid=uuid)


def _page(organisation: Organisation) -> str:
    return reverse("partners:organisation", args=[organisation.uuid])


# --- The directory ----------------------------------------------------------------------------


def _in_scope(rows: QuerySet[Any], user: Any, path: str) -> QuerySet[Any]:
    if user.has_national_scope:
        return rows
    return rows.filter(**{f"{path}__in": user.settlement_ids()})


def _count(rows: QuerySet[Any], field: str) -> Coalesce:
    counted = (
        rows.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted[:1], output_field=IntegerField()), 0)


def directory(organisations: QuerySet[Organisation], user: Any) -> QuerySet[Organisation]:
    """Each organisation with its live-agreement badges and what it does in the user's
    settlements, in a fixed number of queries."""
    today = dates.today()
    mous = Agreement.objects.filter(live_on(today), organisation=OuterRef("pk"))
    shares = DataSharingAgreement.objects.filter(live_on(today), organisation=OuterRef("pk"))
    order = "name_fa" if (get_language() or "fa").startswith("fa") else "name_en"
    return (
        organisations.annotate(
            volunteer_count=_count(
                _in_scope(Volunteer.objects.filter(is_active=True), user, "settlement"),
                "organisation",
            ),
            activity_count=_count(
                _in_scope(Activity.objects.all(), user, "settlement"), "organisation"
            ),
            pledge_count=_count(_in_scope(Pledge.objects.all(), user, "settlement"), "donor"),
            live_mou=Exists(_in_scope(mous, user, "settlements")),
            live_data_agreement=Exists(_in_scope(shares, user, "settlements")),
        )
        .prefetch_related("settlements")
        .order_by(order, "pk")
    )


@require_GET
@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = OrganisationFilterForm(request.GET or None, settlements=list(settlements_of(request)))
    organisations = form.filter(Organisation.objects.for_user(user))
    context = {
        "form": form,
        "page_obj": page_of(request, directory(organisations, user)),
        "can_manage": can_manage(request),
    }
    return render(request, "partners/organisation_list.html", context)


# --- An organisation's page -------------------------------------------------------------------


@require_GET
@login_required
def organisation_detail(request: HttpRequest, organisation: UUID) -> HttpResponse:
    user: Any = request.user
    found = get_for_user_or_404(
        Organisation.objects.prefetch_related("settlements", "contacts"), user, uuid=organisation
    )
    manage = can_manage(request)
    events = found.events.select_related("by")
    if user.has_national_scope and not user.sees_settlement_records:
        events = events.exclude(kind__in=PERSONAL_EVENTS)
    agreements = list(
        Agreement.objects.for_user(user).filter(organisation=found).prefetch_related("settlements")
    )
    sectors = dict(Sector.choices)
    for agreement in agreements:
        agreement.labels = [str(sectors.get(c, c)) for c in agreement.sectors]
    data_agreements = list(
        DataSharingAgreement.objects.for_user(user)
        .filter(organisation=found)
        .prefetch_related("settlements")
    )
    for shared in data_agreements:
        shared.labels = shared.category_labels()
    context = {
        "organisation": found,
        "can_manage": manage,
        "agreements": agreements,
        "data_agreements": data_agreements,
        "staff": found.staff.filter(is_active=True).select_related("user") if manage else [],
        "volunteers": Volunteer.objects.for_user(user)
        .filter(organisation=found)
        .select_related("settlement")
        .annotate(hours_given=Sum("assignments__hours__hours")),
        "activities": Activity.objects.for_user(user)
        .filter(Q(organisation=found) | Q(funder=found))
        .select_related("organisation", "funder", "settlement"),
        "pledges": Pledge.objects.for_user(user).filter(donor=found).select_related("settlement"),
        "events": events[:TIMELINE_LENGTH],
    }
    return render(request, "partners/organisation_detail.html", context)


# --- Registering and changing an organisation ------------------------------------------------


@login_required
def organisation_create(request: HttpRequest) -> HttpResponse:
    require_manage(request)
    form = OrganisationForm(data(request), settlements=settlements_of(request))
    return act(
        request,
        form,
        title=_("Register an organisation"),
        perform=lambda d: services.register_organisation(
            by=request.user, settlements=d["settlements"], **form.details()
        ),
        done=_("The organisation was registered."),
        then=_page,
        back=reverse("partners:organisations"),
    )


@login_required
def organisation_edit(request: HttpRequest, organisation: UUID) -> HttpResponse:
    require_manage(request)
    found = _organisation(request, organisation)
    form = OrganisationEditForm(
        data(request), organisation=found, settlements=settlements_of(request)
    )
    return act(
        request,
        form,
        title=_("Change the organisation's details"),
        perform=lambda d: services.update_organisation(
            organisation=found,
            by=request.user,
            version=form.version_value(),
            settlements=form.all_settlements(),
            **form.details(),
        ),
        done=_("The organisation was saved."),
        then=_page,
        back=_page(found),
        organisation=found,
    )


@login_required
def contact_add(request: HttpRequest, organisation: UUID) -> HttpResponse:
    require_manage(request)
    found = _organisation(request, organisation)
    return act(
        request,
        ContactForm(data(request)),
        title=_("Add a contact"),
        perform=lambda d: services.add_contact(organisation=found, by=request.user, **d),
        done=_("The contact was added."),
        then=lambda _result: _page(found),
        back=_page(found),
        organisation=found,
    )


# --- Staff accounts ----------------------------------------------------------------------------


@login_required
def staff_link(request: HttpRequest, organisation: UUID) -> HttpResponse:
    require_manage(request)
    found = _organisation(request, organisation)
    form = StaffLinkForm(data(request), organisation=found, settlements=settlements_of(request))
    return act(
        request,
        form,
        title=_("Link a partner staff account"),
        perform=lambda d: services.link_staff(organisation=found, user=d["user"], by=request.user),
        done=_("The account now works for this organisation."),
        then=lambda _result: _page(found),
        back=_page(found),
        organisation=found,
    )


@require_POST
@login_required
def staff_unlink(request: HttpRequest, organisation: UUID, link: UUID) -> HttpResponse:
    require_manage(request)
    found = _organisation(request, organisation)
    staff = get_object_or_404(found.staff.select_related("user"), uuid=link)
    return post_and_return(
        request,
        perform=lambda: services.unlink_staff(link=staff, by=request.user),
        done=_("The account no longer works for this organisation."),
        back=_page(found),
    )


# --- Agreements -------------------------------------------------------------------------------


@login_required
def agreement_add(request: HttpRequest, organisation: UUID) -> HttpResponse:
    require_manage(request)
    found = _organisation(request, organisation)
    form = AgreementForm(data(request), organisation=found, settlements=settlements_of(request))
    return act(
        request,
        form,
        title=_("Record a memorandum of understanding"),
        perform=lambda d: services.record_agreement(organisation=found, by=request.user, **d),
        done=_("The memorandum of understanding was recorded."),
        then=lambda _result: _page(found),
        back=_page(found),
        organisation=found,
    )


@login_required
def data_agreement_add(request: HttpRequest, organisation: UUID) -> HttpResponse:
    require_manage(request)
    found = _organisation(request, organisation)
    form = DataAgreementForm(data(request), organisation=found, settlements=settlements_of(request))
    return act(
        request,
        form,
        title=_("Record a data-sharing agreement"),
        perform=lambda d: services.record_data_agreement(organisation=found, by=request.user, **d),
        done=_("The data-sharing agreement was recorded."),
        then=lambda _result: _page(found),
        back=_page(found),
        organisation=found,
    )


def _agreement(request: HttpRequest, uuid: UUID) -> Agreement | DataSharingAgreement:
    """A memorandum of understanding or a data-sharing agreement in the user's scope."""
    for model in (Agreement, DataSharingAgreement):
        found = (
            model.objects.for_user(request.user)
            .select_related("organisation")
            .filter(uuid=uuid)
            .first()
        )
        if found is not None:
            return found  # type: ignore[no-any-return]
    raise Http404


@login_required
def agreement_revoke(request: HttpRequest, agreement: UUID) -> HttpResponse:
    require_manage(request)
    found = _agreement(request, agreement)
    organisation = found.organisation
    return act(
        request,
        RevokeForm(data(request)),
        title=_("Revoke an agreement"),
        perform=lambda d: services.revoke_agreement(
            agreement=found, by=request.user, reason=d["reason"], on=d["revoked_on"]
        ),
        done=_("The agreement was revoked."),
        then=lambda _result: _page(organisation),
        back=_page(organisation),
        template="partners/agreement_revoke.html",
        organisation=organisation,
        agreement=found,
        is_data_agreement=isinstance(found, DataSharingAgreement),
    )


urlpatterns = [
    path("", organisation_list, name="organisations"),
    path("new/", organisation_create, name="organisation_create"),
    path("<uuid:organisation>/", organisation_detail, name="organisation"),
    path("<uuid:organisation>/edit/", organisation_edit, name="organisation_edit"),
    path("<uuid:organisation>/contacts/new/", contact_add, name="contact_add"),
    path("<uuid:organisation>/staff/link/", staff_link, name="staff_link"),
    path("<uuid:organisation>/staff/<uuid:link>/unlink/", staff_unlink, name="staff_unlink"),
    path("<uuid:organisation>/agreements/new/", agreement_add, name="agreement_add"),
    path(
        "<uuid:organisation>/data-agreements/new/",
        data_agreement_add,
        name="data_agreement_add",
    ),
    path("agreements/<uuid:agreement>/revoke/", agreement_revoke, name="agreement_revoke"),
]
