"""Condition surveys and works through the client: surveying a unit, opening and planning a
work order, each step to completion, photos served only to those who may read the work,
paying for it from a donation, and the renovation programme. A clerk reads but changes
nothing; outsiders and partner staff see nothing."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext
from PIL import Image

from conftest import signed_in
from mehman.accounts.models import Role
from mehman.accounts.tests.factories import UserFactory
from mehman.assistance.models import Expenditure
from mehman.core import dates
from mehman.housing import services
from mehman.housing.models import (
    FacilityKind,
    Survey,
    Unit,
    WorkOrder,
    WorkOrderEvent,
    WorkPhoto,
    WorkStatus,
)
from mehman.housing.tests import factories as hf
from mehman.partners import services as partners
from mehman.partners.models import Donation
from mehman.partners.tests import factories as pf

W = WorkStatus
WORKS = reverse("housing:works")
PROGRAMME = reverse("housing:programme")
SURVEY_NEW = reverse("housing:survey_new")
WORK_NEW = reverse("housing:work_new")


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def home(settlement_a, mona) -> Unit:
    return hf.unit(settlement_a, by=mona)


@pytest.fixture
def charity(settlement_a, mona):
    return pf.organisation(settlement_a, by=mona)


@pytest.fixture
def builders(settlement_a, mona):
    return pf.organisation(
        settlement_a,
        by=mona,
        name_fa="گروه داوطلبان ساختمان",
        name_en="Builders' volunteer group",
        acronym="BVG",
        org_type="volunteer",
    )


@pytest.fixture
def hugo(settlement_a):
    """A housing officer: manages works but may not spend donations."""
    return UserFactory(username="hugo", role=Role.HOUSING_OFFICER, settlements=[settlement_a])


def jalali(day: date) -> str:
    with translation.override("fa"):
        return dates.format_date(day)


def in_persian(message: str, **params: object) -> str:
    with translation.override("fa"):
        text = gettext(message)
    return escape(text % params if params else text)


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def work_url(name: str, order: WorkOrder, *args: str) -> str:
    return reverse(f"housing:{name}", args=[order.reference, *args])


def act(order: WorkOrder, action: str) -> str:
    return work_url("work_action", order, action)


def fresh(order: WorkOrder) -> WorkOrder:
    return WorkOrder.objects.get(pk=order.pk)


def open_order(subject, by, **kwargs) -> WorkOrder:
    data = {"kind": "repair", "title": "Roof repair", "estimate": 12_000_000}
    data.update(kwargs)
    key = "unit" if isinstance(subject, Unit) else "facility"
    return services.open_work_order(by=by, **{key: subject}, **data)


def png(name: str = "roof.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 40, 40)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def cash(donor, settlement, by, amount: int = 50_000_000) -> Donation:
    pledge = pf.pledge(donor, settlement, by=by, kind="cash", quantity=amount)
    return partners.receive_donation(
        pledge=pledge, by=by, quantity=amount, received_on=dates.today() - timedelta(days=2)
    )


# --- Condition surveys -------------------------------------------------------------------------


def survey_form(**ratings: str) -> dict[str, str]:
    data = {"surveyed_on": jalali(dates.today()), "note": "Roof leaks in the corner"}
    data.update({f"item_{code}": rating for code, rating in ratings.items()})
    return data


def test_a_manager_surveys_a_unit_and_sees_its_score(mona, home):
    client = signed_in(mona)
    page = client.get(f"{SURVEY_NEW}?unit={home.reference}")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="item_roof"' in html
    assert in_persian("Needs repair") in html
    response = client.post(
        f"{SURVEY_NEW}?unit={home.reference}",
        survey_form(roof="poor", walls="good", damp="fair", water="na"),
    )
    survey = Survey.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("housing:survey", args=[survey.uuid])
    assert survey.items == {"roof": "poor", "walls": "good", "damp": "fair", "water": "na"}
    # roof 3 * 0 + walls 3 * 100 + damp 2 * 50, over weights 8: 50
    assert survey.score == 50
    home.refresh_from_db()
    assert home.condition == 50
    shown = client.get(response["Location"]).content.decode()
    assert 'data-testid="score">۵۰<' in shown
    assert in_persian("Poor or broken") in shown
    assert f"{WORK_NEW}?unit={home.reference}&amp;survey={survey.uuid}" in shown


def test_a_survey_with_nothing_rated_is_refused_with_a_translated_error(mona, home):
    response = signed_in(mona).post(f"{SURVEY_NEW}?unit={home.reference}", survey_form())
    assert response.status_code == 200
    assert in_persian("Rate at least one item of the checklist.") in response.content.decode()
    assert not Survey.objects.exists()


def test_a_facility_is_surveyed_on_its_own_checklist(mona, settlement_a):
    tap = hf.facility(settlement_a, FacilityKind.TAP, by=mona)
    client = signed_in(mona)
    page = client.get(f"{SURVEY_NEW}?facility={tap.reference}").content.decode()
    assert 'name="item_function"' in page
    assert 'name="item_roof"' not in page
    client.post(f"{SURVEY_NEW}?facility={tap.reference}", survey_form(function="good"))
    assert Survey.objects.get().facility == tap


def test_a_survey_without_repairs_offers_no_work_order(mona, home):
    survey = services.record_survey(by=mona, unit=home, ratings={"roof": "good"})
    page = signed_in(mona).get(reverse("housing:survey", args=[survey.uuid])).content.decode()
    assert 'data-testid="open-work-order"' not in page


def test_the_unit_is_found_by_its_number_typed_in_persian_digits(mona, home):
    typed = home.reference.replace("0", "۰").replace("1", "۱").lower()
    response = signed_in(mona).get(SURVEY_NEW, {"reference": typed})
    assert response.status_code == 302
    assert response["Location"] == f"{SURVEY_NEW}?unit={home.reference}"
    unknown = signed_in(mona).get(WORK_NEW, {"reference": "TJ-B99-999"})
    assert in_persian("No unit or facility has this number.") in unknown.content.decode()


# --- Opening and planning a work order ---------------------------------------------------------


def plan(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "kind": "repair",
        "title": "Roof repair",
        "description": "",
        "priority": "high",
        "estimate": "۱۲٬۰۰۰٬۰۰۰",
        "funder": "",
        "contractor": "",
        "planned_start": "",
        "planned_end": "",
    }
    data.update(overrides)
    return data


def test_a_work_order_from_a_survey_is_prefilled_with_what_needs_repair(mona, home):
    survey = services.record_survey(
        by=mona, unit=home, ratings={"roof": "poor", "walls": "good", "damp": "fair"}
    )
    page = signed_in(mona).get(f"{WORK_NEW}?unit={home.reference}&survey={survey.uuid}")
    form = page.context["form"]
    assert form.initial["kind"] == "repair"
    assert form.initial["priority"] == "high"
    with translation.override("fa"):
        roof = gettext("Roof keeps out rain and snow")
        walls = gettext("Walls sound, no cracks")
    assert roof in form.initial["description"]
    assert walls not in form.initial["description"]


def test_a_survey_of_another_unit_cannot_be_named(mona, home, settlement_a):
    other = hf.unit(settlement_a, by=mona)
    survey = services.record_survey(by=mona, unit=other, ratings={"roof": "poor"})
    response = signed_in(mona).get(f"{WORK_NEW}?unit={home.reference}&survey={survey.uuid}")
    assert response.status_code == 404


def test_a_manager_opens_a_work_order_with_a_funder_and_a_contractor(mona, home, charity, builders):
    survey = services.record_survey(by=mona, unit=home, ratings={"roof": "poor"})
    today = dates.today()
    response = signed_in(mona).post(
        f"{WORK_NEW}?unit={home.reference}&survey={survey.uuid}",
        plan(
            funder=str(charity.uuid),
            contractor=str(builders.uuid),
            planned_start=jalali(today),
            planned_end=jalali(today + timedelta(days=30)),
        ),
    )
    order = WorkOrder.objects.get()
    assert response.status_code == 302
    assert response["Location"] == work_url("work", order)
    assert (order.unit, order.survey, order.estimate) == (home, survey, 12_000_000)
    assert (order.funder, order.contractor) == (charity, builders)
    assert order.planned_end == today + timedelta(days=30)
    assert order.status == W.PLANNED


def test_an_organisation_of_another_settlement_cannot_fund_the_work(mona, home, settlement_b, adam):
    elsewhere = pf.organisation(settlement_b, by=adam, name_en="Shiraz charity")
    response = signed_in(mona).post(
        f"{WORK_NEW}?unit={home.reference}", plan(funder=str(elsewhere.uuid))
    )
    assert response.status_code == 200
    assert response.context["form"].errors["funder"]
    assert not WorkOrder.objects.exists()


def test_an_inactive_partner_is_offered_only_to_the_order_that_names_it(
    mona, home, charity, builders
):
    order = open_order(home, mona, funder=charity)
    partners.update_organisation(organisation=charity, by=mona, is_active=False)
    client = signed_in(mona)
    new = client.get(f"{WORK_NEW}?unit={home.reference}").context["form"]
    assert list(new.fields["funder"].queryset) == [builders]
    edit = client.get(work_url("work_edit", order)).context["form"]
    assert set(edit.fields["funder"].queryset) == {charity, builders}


def test_a_new_build_on_a_standing_unit_is_refused_on_the_kind(mona, home):
    response = signed_in(mona).post(f"{WORK_NEW}?unit={home.reference}", plan(kind="new_build"))
    assert response.status_code == 200
    assert in_persian("A new build is for a planned unit not built yet.") in (
        response.content.decode()
    )
    assert not WorkOrder.objects.exists()


def test_the_plan_is_changed_and_a_stale_edit_is_refused(mona, home, charity):
    order = open_order(home, mona)
    client = signed_in(mona)
    edit = work_url("work_edit", order)
    form = client.get(edit).context["form"]
    assert "kind" not in form.fields
    stale = {**plan(estimate="9000000", funder=str(charity.uuid)), "version": order.version}
    response = client.post(edit, stale)
    assert response.status_code == 302
    assert (fresh(order).estimate, fresh(order).funder) == (9_000_000, charity)
    again = client.post(edit, {**stale, "estimate": "1"})
    assert again.status_code == 200
    assert in_persian("Someone else changed this record meanwhile. Reload and try again.") in (
        again.content.decode()
    )
    assert fresh(order).estimate == 9_000_000


# --- The list ----------------------------------------------------------------------------------


def test_the_list_filters_by_status_kind_priority_funder_contractor_block_and_openness(
    mona, settlement_a, charity, builders
):
    b1 = hf.unit(settlement_a, block_code="B01", by=mona)
    b2 = hf.unit(settlement_a, block_code="B02", by=mona)
    funded = open_order(b1, mona, funder=charity, priority="urgent")
    built = open_order(b2, mona, contractor=builders, kind="renovation")
    done = open_order(b2, mona)
    services.approve_work(order=done, by=mona)
    services.start_work(order=done, by=mona)
    services.complete_work(order=done, by=mona, actual_cost=1)
    client = signed_in(mona)

    def listed(**query: str) -> set[str]:
        return {o.reference for o in client.get(WORKS, query).context["page_obj"]}

    every = {funded.reference, built.reference, done.reference}
    assert listed() == every
    assert listed(status="completed") == {done.reference}
    assert listed(kind="renovation") == {built.reference}
    assert listed(priority="urgent") == {funded.reference}
    assert listed(funder=str(charity.uuid)) == {funded.reference}
    assert listed(contractor=str(builders.uuid)) == {built.reference}
    block = b2.block
    assert listed(block=str(block.uuid)) == {built.reference, done.reference}
    assert listed(open_only="on") == {funded.reference, built.reference}


def test_the_list_reads_in_as_many_queries_for_many_orders_as_for_few(
    mona, settlement_a, charity, builders
):
    client = signed_in(mona)
    open_order(hf.unit(settlement_a, by=mona), mona, funder=charity, contractor=builders)
    client.get(WORKS)  # warm the session and the user
    with CaptureQueriesContext(connection) as few:
        assert client.get(WORKS).status_code == 200
    for _ in range(4):
        open_order(hf.unit(settlement_a, by=mona), mona, funder=charity, contractor=builders)
    with CaptureQueriesContext(connection) as many:
        page = client.get(WORKS)
    assert len(page.context["page_obj"]) == 5
    assert len(many) == len(few)
    assert len(many) <= 12


def test_the_list_shows_the_columns(mona, home, charity):
    order = open_order(home, mona, funder=charity, planned_end=dates.today() - timedelta(days=1))
    html = signed_in(mona).get(WORKS).content.decode()
    assert order.reference in html
    assert home.reference in html
    assert "۱۲٬۰۰۰٬۰۰۰" in html
    assert charity.acronym in html
    assert 'data-testid="overdue"' in html
    assert 'data-testid="new-work-order"' in html


# --- The steps of a work order -----------------------------------------------------------------


def test_a_manager_approves_starts_and_completes_a_work_with_what_it_changed(mona, home):
    services.record_survey(by=mona, unit=home, ratings={"roof": "poor", "walls": "fair"})
    order = open_order(home, mona)
    client = signed_in(mona)
    page = client.get(work_url("work", order)).content.decode()
    assert 'data-testid="step-approve"' in page
    assert 'data-testid="step-start"' not in page

    response = client.post(act(order, "approve"))
    assert response.status_code == 302
    assert texts(response) == [in_persian("The work order was approved.")]
    assert fresh(order).status == W.APPROVED

    started = dates.today() - timedelta(days=3)
    client.post(act(order, "start"), {"start-day": jalali(started)})
    assert (fresh(order).status, fresh(order).started_on) == (W.IN_PROGRESS, started)

    response = client.post(
        act(order, "complete"),
        {
            "complete-day": jalali(dates.today()),
            "complete-actual_cost": "۱۱٬۵۰۰٬۰۰۰",
            "complete-condition_after": "۹۰",
            "complete-floor_area_after": "۶۳",
            "complete-own_toilet": "on",
            "complete-heating": "gas",
        },
    )
    assert response.status_code == 302
    done = fresh(order)
    assert (done.status, done.actual_cost, done.condition_after) == (W.COMPLETED, 11_500_000, 90)
    assert (done.capacity_before, done.capacity_after) == (10, 14)
    home.refresh_from_db()
    assert (home.own_toilet, home.heating, home.ramp, home.condition) == (True, "gas", False, 90)
    page = client.get(work_url("work", order)).content.decode()
    assert 'data-testid="steps"' not in page
    assert "۱۱٬۵۰۰٬۰۰۰" in page
    assert WorkOrderEvent.objects.filter(aggregate=order).count() >= 4


def test_approving_without_an_estimate_is_refused_with_a_translated_error(mona, home):
    order = open_order(home, mona, estimate=0)
    response = signed_in(mona).post(act(order, "approve"))
    assert response.status_code == 200
    assert in_persian("Estimate the cost before approving.") in response.content.decode()
    assert fresh(order).status == W.PLANNED
    assert fresh(order).version == order.version


def test_completing_before_starting_is_refused_and_nothing_changes(mona, home):
    order = open_order(home, mona)
    services.approve_work(order=order, by=mona)
    response = signed_in(mona).post(
        act(order, "complete"),
        {"complete-day": jalali(dates.today()), "complete-actual_cost": "100"},
    )
    assert response.status_code == 200
    message = in_persian(
        "This work order is “%(current)s”; it cannot become “%(new)s”.",
        current=in_persian("Approved"),
        new=in_persian("Completed"),
    )
    assert message in response.content.decode()
    assert fresh(order).status == W.APPROVED
    assert fresh(order).actual_cost is None


def test_a_work_order_is_cancelled_with_a_reason(mona, home):
    order = open_order(home, mona)
    client = signed_in(mona)
    missing = client.post(act(order, "cancel"), {"cancel-reason": ""})
    assert missing.status_code == 200
    assert fresh(order).status == W.PLANNED
    client.post(act(order, "cancel"), {"cancel-reason": "Family moved; roof done by owner"})
    assert fresh(order).status == W.CANCELLED
    page = client.get(work_url("work", order)).content.decode()
    assert "Family moved; roof done by owner" in page
    assert 'data-testid="edit"' not in page


def test_an_unknown_action_is_404(mona, home):
    order = open_order(home, mona)
    assert signed_in(mona).post(act(order, "demolish")).status_code == 404


def test_the_completion_of_a_facility_asks_nothing_about_fittings(mona, settlement_a):
    tap = hf.facility(settlement_a, FacilityKind.TAP, by=mona)
    order = open_order(tap, mona)
    form = signed_in(mona).get(act(order, "complete")).context["form"]
    assert "actual_cost" in form.fields
    assert "own_toilet" not in form.fields
    assert "floor_area_after" not in form.fields


def test_the_work_page_names_funder_and_contractor_with_links(mona, home, charity, builders):
    order = open_order(home, mona, funder=charity, contractor=builders)
    page = signed_in(mona).get(work_url("work", order)).content.decode()
    assert reverse("partners:organisation", args=[charity.uuid]) in page
    assert reverse("partners:organisation", args=[builders.uuid]) in page


def test_the_work_page_reads_in_a_bounded_number_of_queries(mona, home, charity, settlement_a):
    order = open_order(home, mona, funder=charity)
    donation = cash(charity, settlement_a, mona)
    for n in range(3):
        services.add_work_photo(order=order, stage="before", image=png(f"p{n}.png"), by=mona)
        services.spend_on_work(
            order=order, donation=donation, by=mona, description="Beams", amount=1_000_000
        )
    client = signed_in(mona)
    client.get(work_url("work", order))
    with CaptureQueriesContext(connection) as captured:
        assert client.get(work_url("work", order)).status_code == 200
    assert len(captured) <= 16


# --- Photos ------------------------------------------------------------------------------------


def test_a_photo_is_uploaded_and_served_only_through_the_scoped_view(mona, bob, vera, alice, home):
    order = open_order(home, mona)
    client = signed_in(mona)
    response = client.post(
        work_url("work_photo", order),
        {"stage": "before", "image": png(), "caption": "Leak", "taken_on": jalali(dates.today())},
    )
    assert response.status_code == 302
    photo = WorkPhoto.objects.get()
    served = reverse("housing:work_photo_file", args=[photo.uuid])
    page = client.get(work_url("work", order)).content.decode()
    assert served in page
    assert "/media/" not in page
    got = client.get(served)
    assert got.status_code == 200
    assert got["Content-Type"] == "image/png"
    assert b"".join(got.streaming_content).startswith(b"\x89PNG")
    assert signed_in(alice).get(served).status_code == 200
    assert signed_in(bob).get(served).status_code == 404
    assert signed_in(vera).get(served).status_code == 404


def test_a_file_that_is_not_an_image_is_refused(mona, home):
    order = open_order(home, mona)
    fake = SimpleUploadedFile("roof.png", b"<html>no</html>", content_type="image/png")
    response = signed_in(mona).post(
        work_url("work_photo", order),
        {"stage": "after", "image": fake, "taken_on": jalali(dates.today())},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["image"]
    assert not WorkPhoto.objects.exists()


# --- Spending from donations -------------------------------------------------------------------


def spend(donation: Donation, **overrides: str) -> dict[str, str]:
    data = {
        "donation": str(donation.uuid),
        "amount": "۵٬۰۰۰٬۰۰۰",
        "quantity": "",
        "description": "Roof beams",
        "spent_on": jalali(dates.today()),
    }
    data.update(overrides)
    return data


def test_a_manager_pays_for_the_work_from_a_donation(mona, home, charity, settlement_a):
    order = open_order(home, mona)
    donation = cash(charity, settlement_a, mona)
    client = signed_in(mona)
    page = client.get(work_url("work", order)).content.decode()
    assert 'data-testid="spend-form"' in page
    response = client.post(work_url("work_spend", order), spend(donation))
    assert response.status_code == 302
    spent = Expenditure.objects.get()
    assert (spent.work_order, spent.amount) == (order.reference, 5_000_000)
    assert fresh(order).funder == charity  # the donor funds a work that had no funder
    page = client.get(work_url("work", order)).content.decode()
    assert 'data-testid="spending-row"' in page
    assert "Roof beams" in page


def test_spending_more_than_the_donation_holds_is_refused(mona, home, charity, settlement_a):
    order = open_order(home, mona)
    donation = cash(charity, settlement_a, mona, amount=1_000_000)
    response = signed_in(mona).post(
        work_url("work_spend", order), spend(donation, amount="2000000")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["amount"]
    assert in_persian("rials") in response.content.decode()
    assert not Expenditure.objects.exists()
    assert Donation.objects.get().used_value == 0


def test_a_donation_of_another_settlement_is_not_offered(mona, home, settlement_b, adam, charity):
    order = open_order(home, mona)
    shiraz = pf.organisation(settlement_b, by=adam, name_en="Shiraz charity")
    elsewhere = cash(shiraz, settlement_b, adam)
    response = signed_in(mona).post(work_url("work_spend", order), spend(elsewhere))
    assert response.status_code == 200
    assert response.context["form"].errors["donation"]
    assert not Expenditure.objects.exists()


def test_a_housing_officer_manages_works_but_cannot_spend_donations(
    hugo, home, charity, settlement_a, mona
):
    order = open_order(home, mona)
    cash(charity, settlement_a, mona)
    client = signed_in(hugo)
    page = client.get(work_url("work", order)).content.decode()
    assert 'data-testid="step-approve"' in page
    assert 'data-testid="spend-form"' not in page
    assert client.get(work_url("work_spend", order)).status_code == 404


# --- Who may see and do what -------------------------------------------------------------------


def test_a_clerk_reads_works_but_may_not_change_them(alice, mona, home):
    order = open_order(home, mona)
    survey = services.record_survey(by=mona, unit=home, ratings={"roof": "poor"})
    client = signed_in(alice)
    listed = client.get(WORKS)
    assert listed.status_code == 200
    assert 'data-testid="new-work-order"' not in listed.content.decode()
    page = client.get(work_url("work", order))
    assert page.status_code == 200
    assert 'data-testid="steps"' not in page.content.decode()
    assert client.get(reverse("housing:survey", args=[survey.uuid])).status_code == 200
    assert client.get(PROGRAMME).status_code == 200
    refused = [
        client.get(f"{SURVEY_NEW}?unit={home.reference}"),
        client.get(f"{WORK_NEW}?unit={home.reference}"),
        client.get(work_url("work_edit", order)),
        client.post(act(order, "approve")),
        client.post(work_url("work_photo", order)),
        client.get(work_url("work_spend", order)),
    ]
    assert [r.status_code for r in refused] == [404] * len(refused)
    assert fresh(order).status == W.PLANNED


def test_an_outsider_gets_404_on_settlement_a_works_surveys_and_photos(bob, mona, home):
    order = open_order(home, mona)
    survey = services.record_survey(by=mona, unit=home, ratings={"roof": "poor"})
    photo = services.add_work_photo(order=order, stage="before", image=png(), by=mona)
    client = signed_in(bob)
    for url in (
        work_url("work", order),
        reverse("housing:survey", args=[survey.uuid]),
        reverse("housing:work_photo_file", args=[photo.uuid]),
        f"{WORK_NEW}?unit={home.reference}",
        f"{SURVEY_NEW}?unit={home.reference}",
        f"{PROGRAMME}?settlement={home.settlement.code}",
    ):
        assert client.get(url).status_code == 404, url
    assert order.reference not in client.get(WORKS).content.decode()


def test_partner_staff_see_no_works(vera, mona, home):
    order = open_order(home, mona)
    client = signed_in(vera)
    for url in (WORKS, PROGRAMME, work_url("work", order)):
        assert client.get(url).status_code == 404, url


# --- The renovation programme ------------------------------------------------------------------


def _completed(unit, by, *, before: str, after: int, floor_area=None, **kwargs) -> WorkOrder:
    services.record_survey(by=by, unit=unit, ratings={"roof": before})
    order = open_order(unit, by, **kwargs)
    services.approve_work(order=order, by=by)
    services.start_work(order=order, by=by)
    return services.complete_work(
        order=order,
        by=by,
        actual_cost=10_000_000,
        condition_after=after,
        floor_area_after=floor_area,
    )


def test_the_programme_counts_units_brought_to_standard_beds_added_and_spending(
    mona, settlement_a, charity
):
    raised = _completed(
        hf.unit(settlement_a, by=mona), mona, before="poor", after=80, floor_area=Decimal("63")
    )
    _completed(hf.unit(settlement_a, by=mona), mona, before="fair", after=60)  # still below
    _completed(hf.unit(settlement_a, by=mona), mona, before="good", after=95)  # was fine
    late = open_order(
        hf.unit(settlement_a, by=mona),
        mona,
        funder=charity,
        planned_start=dates.today() - timedelta(days=40),
        planned_end=dates.today() - timedelta(days=10),
    )
    donation = cash(charity, settlement_a, mona)
    services.spend_on_work(
        order=raised, donation=donation, by=mona, description="Beams", amount=3_000_000
    )
    client = signed_in(mona)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(PROGRAMME)
    assert len(captured) <= 18  # session, user, scope and nine reads, whatever the size
    p = response.context["p"]
    assert p.standard == 70
    assert p.brought_to_standard == 1
    assert p.beds_added == 4  # 45 m² → 63 m² at 4.5 m² a person: 10 → 14
    assert p.completed_count == 3
    assert p.completed_actual == 30_000_000
    assert p.open_count == 1
    assert [o.reference for o in p.overdue] == [late.reference]
    assert p.months[-1].completed == 3
    assert sum(m.completed for m in p.months) == 3
    by_charity = next(r for r in p.funders if r.organisation == charity)
    assert (by_charity.works, by_charity.from_donations) == (2, 3_000_000)
    html = response.content.decode()
    assert 'data-testid="brought-to-standard">۱<' in html
    assert "MEHMAN_CONDITION_STANDARD" in html
    assert 'id="months-data"' in html
    assert late.reference in html


def test_the_standard_threshold_comes_from_the_settings(mona, settlement_a, settings):
    _completed(hf.unit(settlement_a, by=mona), mona, before="fair", after=60)
    settings.MEHMAN_CONDITION_STANDARD = 55
    p = signed_in(mona).get(PROGRAMME).context["p"]
    assert (p.standard, p.brought_to_standard) == (55, 1)


def test_a_national_analyst_picks_the_settlement(nasrin, mona, settlement_a, settlement_b):
    open_order(hf.unit(settlement_a, by=mona), mona)
    client = signed_in(nasrin)
    chosen = client.get(PROGRAMME, {"settlement": settlement_a.code})
    assert chosen.status_code == 200
    assert chosen.context["p"].settlement == settlement_a
    assert chosen.context["p"].total.count == 1
    other = client.get(PROGRAMME, {"settlement": settlement_b.code}).context["p"]
    assert other.total.count == 0
    assert client.get(PROGRAMME, {"settlement": "XX"}).status_code == 404
