"""The household list and profile, end to end through the test client."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from conftest import signed_in
from mehman.accounts.models import AccessLog, Role
from mehman.accounts.tests.factories import UserFactory
from mehman.core import dates
from mehman.registry import queries, services
from mehman.registry.models import Relationship
from mehman.registry.tests.factories import family, household, member
from mehman.registry.views import browse

LIST = reverse("registry:households")


def profile(reference: str) -> str:
    return reverse("registry:household", args=[reference])


def persian(message: str) -> str:
    """The message as a Persian user (the default, and every user here) reads it."""
    with translation.override("fa"):
        return translation.gettext(message)


def references(page: str) -> list[str]:
    """The reference numbers of the list's rows, in order."""
    return re.findall(r'data-reference="([^"]+)"', page)


def listed(client, **params) -> list[str]:
    response = client.get(LIST, params)
    assert response.status_code == 200
    return references(response.content.decode())


@pytest.fixture
def caseworker(settlement_a):
    return UserFactory(username="carol", role=Role.CASEWORKER, settlements=[settlement_a])


@pytest.fixture
def karimi(settlement_a, alice):
    """A family of four in block B-3 of settlement A, registered on 1405/01/01."""
    return household(
        settlement_a,
        by=alice,
        block="B-3",
        phone="0915 123 4567",
        registered_on=date(2026, 3, 21),
        consent_given=True,
        consent_note="امضای سرپرست",
    )


@pytest.fixture
def rahimi(settlement_a, alice):
    """A widow alone, resident in block C-1 of settlement A."""
    return household(
        settlement_a,
        by=alice,
        status="resident",
        block="C-1",
        members=[
            member(
                given_name="مریم",
                family_name="رحیمی",
                father_name="یوسف",
                sex="F",
                birth_date=date(1950, 1, 1),
                marital_status="widowed",
            )
        ],
    )


@pytest.fixture
def sarvestan(settlement_b, bob):
    return household(settlement_b, by=bob, members=family(given_name="رضا", family_name="نوری"))


# --- Who sees what ------------------------------------------------------------------------------


def test_a_clerk_lists_her_settlements_households_only(alice, karimi, rahimi, sarvestan):
    assert sorted(listed(signed_in(alice))) == sorted([karimi.reference, rahimi.reference])


def test_the_outsider_lists_only_his_own_settlement(bob, karimi, sarvestan):
    assert listed(signed_in(bob)) == [sarvestan.reference]


def test_a_clerk_in_another_settlement_gets_404_on_the_profile(bob, karimi):
    assert signed_in(bob).get(profile(karimi.reference)).status_code == 404


def test_an_unknown_reference_is_404(alice, karimi):
    assert signed_in(alice).get(profile("TJ-999999")).status_code == 404


@pytest.mark.parametrize("persona", ["vera", "nasrin"])
def test_partners_and_analysts_see_no_households(persona, request, karimi):
    client = signed_in(request.getfixturevalue(persona))
    page = client.get(LIST).content.decode()
    assert references(page) == []
    assert "علی کریمی" not in page
    assert client.get(profile(karimi.reference)).status_code == 404


def test_the_registry_link_is_in_the_menu_only_for_who_sees_records(alice, vera):
    assert f'href="{LIST}"' in signed_in(alice).get("/").content.decode()
    assert f'href="{LIST}"' not in signed_in(vera).get("/").content.decode()


def test_the_register_button_follows_the_capability_and_the_page(alice, settlement_a, karimi):
    try:
        reverse("registry:register")
        exists = True
    except NoReverseMatch:
        exists = False
    officer = UserFactory(role=Role.HOUSING_OFFICER, settlements=[settlement_a])
    assert ('data-testid="register-household"' in signed_in(alice).get(LIST).content.decode()) == (
        exists
    )
    officer_page = signed_in(officer).get(LIST).content.decode()
    assert karimi.reference in officer_page
    assert 'data-testid="register-household"' not in officer_page


# --- The list: columns, dates, search ------------------------------------------------------------


def test_the_list_shows_head_father_size_block_and_a_jalali_date_in_persian_digits(alice, karimi):
    page = signed_in(alice).get(LIST).content.decode()
    row = page[page.index(f'data-reference="{karimi.reference}"') :]
    row = row[: row.index("</tr>")]
    assert f'href="{profile(karimi.reference)}"' in row
    assert "علی کریمی" in row
    assert "محمد" in row  # the father's name
    assert ">۴<" in row  # four members
    assert "<bdi>B-۳</bdi>" in row  # the block's digits in the reader's digits
    assert "۱۴۰۵/۰۱/۰۱" in row
    assert 'data-status="applicant"' in row


def test_an_english_clerk_reads_gregorian_dates_in_latin_digits(settlement_a, karimi):
    clerk = UserFactory(role=Role.CLERK, language="en", settlements=[settlement_a])
    page = signed_in(clerk).get(LIST).content.decode()
    assert "2026-03-21" in page
    assert "۱۴۰۵" not in page


def test_search_finds_a_name_typed_with_arabic_letters(alice, karimi, rahimi):
    assert listed(signed_in(alice), q="علي كريمي") == [karimi.reference]


def test_search_finds_a_name_with_one_typo_and_shows_the_person_found(alice, karimi, rahimi):
    page = signed_in(alice).get(LIST, {"q": "حسبن"}).content.decode()  # حسین with one letter wrong
    assert references(page) == [karimi.reference]
    found = page[page.index('data-testid="matched"') :]
    assert "<mark>حسین کریمی</mark>" in found[: found.index("</div>")]


def test_search_by_reference_typed_loosely(alice, karimi, rahimi):
    number = int(rahimi.reference.split("-")[1])
    assert listed(signed_in(alice), q=f"tj {number}") == [rahimi.reference]


def test_search_by_phone_in_persian_digits(alice, karimi, rahimi):
    assert listed(signed_in(alice), q="۰۹۱۵۱۲۳۴۵۶۷") == [karimi.reference]


def test_search_by_fathers_name_and_jalali_birth_year_in_persian_digits(alice, karimi, rahimi):
    # The head was born 1985-09-23, that is 1364/07/01.
    client = signed_in(alice)
    assert listed(client, father="محمد", year="۱۳۶۴") == [karimi.reference]
    assert listed(client, father="محمد", year="1985") == [karimi.reference]
    assert listed(client, father="محمد", year="۱۳۶۰") == []


def test_search_results_come_in_rank_order(alice, settlement_a):
    # The exact spelling ranks above the one-typo spelling, whatever the reference order.
    typo = household(
        settlement_a, by=alice, members=[member(given_name="حسن", family_name="امینی")]
    )
    exact = household(
        settlement_a, by=alice, members=[member(given_name="حسین", family_name="امینی")]
    )
    assert listed(signed_in(alice), q="حسین امینی") == [exact.reference, typo.reference]


def test_search_never_reaches_another_settlement(alice, karimi, sarvestan):
    assert listed(signed_in(alice), q="رضا نوری") == []


def test_a_search_that_finds_nothing_says_so(alice, karimi):
    page = signed_in(alice).get(LIST, {"q": "ناشناخته"}).content.decode()
    assert references(page) == []
    assert persian("No household matches this search.") in page


def test_a_year_that_is_not_a_birth_year_is_refused_on_the_form(alice, karimi):
    page = signed_in(alice).get(LIST, {"year": "۹۹۹"}).content.decode()
    assert "invalid-feedback" in page
    assert references(page) == [karimi.reference]  # the bad field is left out


# --- Filters ----------------------------------------------------------------------------------


def test_the_status_filter(alice, karimi, rahimi):
    assert listed(signed_in(alice), status="resident") == [rahimi.reference]


def test_the_block_filter_offers_the_blocks_in_scope(alice, karimi, rahimi, settlement_b, bob):
    household(settlement_b, by=bob, block="Z-9")
    client = signed_in(alice)
    page = client.get(LIST).content.decode()
    assert '<option value="C-1">' in page
    assert "Z-9" not in page
    assert listed(client, block="C-1") == [rahimi.reference]


def test_the_size_filters_accept_persian_digits(alice, karimi, rahimi):
    client = signed_in(alice)
    assert listed(client, size_min="۲") == [karimi.reference]
    assert listed(client, size_max="۱") == [rahimi.reference]
    assert sorted(listed(client, size_min="1", size_max="4")) == sorted(
        [karimi.reference, rahimi.reference]
    )


def test_the_age_group_filter(alice, karimi, rahimi):
    client = signed_in(alice)
    assert listed(client, age_group="60+") == [rahimi.reference]
    assert listed(client, age_group="0-4") == [karimi.reference]


def test_the_sex_of_the_head_filter(alice, karimi, rahimi):
    client = signed_in(alice)
    assert listed(client, head_sex="F") == [rahimi.reference]
    assert listed(client, head_sex="M") == [karimi.reference]


def test_the_specific_need_filter_by_category_and_any(alice, karimi, rahimi):
    widow = rahimi.head
    services.record_need(person=widow, code="ER-NF", by=alice)
    client = signed_in(alice)
    assert listed(client, need="ER") == [rahimi.reference]
    assert listed(client, need="any") == [rahimi.reference]
    assert listed(client, need="DS") == []


def test_protected_need_categories_are_offered_only_to_protection_staff(
    alice, caseworker, karimi, rahimi
):
    services.record_need(person=rahimi.head, code="LP-AN", by=caseworker)
    clerk_page = signed_in(alice).get(LIST).content.decode()
    assert '<option value="DS">' in clerk_page
    for category in ("SV", "TR", "LP", "SM"):
        assert f'<option value="{category}">' not in clerk_page
    # Typed into the address bar anyway, the filter is refused rather than applied.
    assert sorted(listed(signed_in(alice), need="LP")) == sorted(
        [karimi.reference, rahimi.reference]
    )
    assert '<option value="LP">' in signed_in(caseworker).get(LIST).content.decode()
    assert listed(signed_in(caseworker), need="LP") == [rahimi.reference]


def test_the_document_expiry_filter(alice, karimi, rahimi):
    today = dates.today()
    head = karimi.head
    services.add_document(
        person=head,
        by=alice,
        doc_type="amayesh",
        number_typed="A-123456",
        expires_on=today + timedelta(days=45),
    )
    services.add_document(
        person=rahimi.head,
        by=alice,
        doc_type="amayesh",
        number_typed="A-654321",
        expires_on=today - timedelta(days=1),
    )
    client = signed_in(alice)
    assert listed(client, document_expiry="expired") == [rahimi.reference]
    assert listed(client, document_expiry="30") == []
    assert listed(client, document_expiry="60") == [karimi.reference]
    assert listed(client, document_expiry="90") == [karimi.reference]


def test_the_settlement_filter_appears_for_users_of_several_settlements(
    alice, adam, karimi, sarvestan
):
    assert 'name="settlement"' not in signed_in(alice).get(LIST).content.decode()
    client = signed_in(adam)
    page = client.get(LIST).content.decode()
    assert 'name="settlement"' in page
    assert "مهمانشهر سروستان" in page  # the settlement column
    assert listed(client, settlement="SV") == [sarvestan.reference]
    assert listed(client, settlement="TJ") == [karimi.reference]


def test_filters_combine_with_a_search(alice, karimi, rahimi):
    client = signed_in(alice)
    assert listed(client, q="کریمی", status="resident") == []
    assert listed(client, q="کریمی", status="applicant") == [karimi.reference]


# --- Paging and queries -----------------------------------------------------------------------


def test_pages_keep_the_query_string(alice, settlement_a, monkeypatch):
    monkeypatch.setattr(browse, "PER_PAGE", 2)
    made = [household(settlement_a, by=alice, block="A-1") for _ in range(3)]
    client = signed_in(alice)
    first = client.get(LIST, {"block": "A-1"}).content.decode()
    assert references(first) == [h.reference for h in made[:2]]
    assert 'href="?block=A-1&amp;page=2"' in first
    second = client.get(LIST, {"block": "A-1", "page": "2"}).content.decode()
    assert references(second) == [made[2].reference]
    assert 'href="?block=A-1&amp;page=1"' in second


def test_a_page_out_of_range_shows_the_last_page(alice, karimi):
    assert listed(signed_in(alice), page="99") == [karimi.reference]


def _queries_for(client, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(LIST, params).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "params", [{}, {"q": "کریمی"}, {"age_group": "0-4", "head_sex": "M", "block": "A-1"}]
)
def test_the_list_makes_a_fixed_number_of_queries(
    params, alice, settlement_a, django_assert_max_num_queries
):
    for _ in range(3):
        household(settlement_a, by=alice, block="A-1")
    client = signed_in(alice)
    client.get(LIST)  # warm the session
    few = _queries_for(client, params)
    for _ in range(27):
        household(settlement_a, by=alice, block="A-1")
    with django_assert_max_num_queries(few):
        response = client.get(LIST, params)
    assert len(references(response.content.decode())) == 30


def test_an_htmx_request_gets_only_the_results(alice, karimi):
    response = signed_in(alice).get(LIST, {"q": "کریمی"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert "<html" not in page
    assert page.strip().startswith('<section id="household-results"')
    assert references(page) == [karimi.reference]
    assert "HX-Request" in response["Vary"]


# --- The profile ------------------------------------------------------------------------------


def test_the_profile_shows_the_household_and_its_members_in_order(alice, karimi):
    page = signed_in(alice).get(profile(karimi.reference)).content.decode()
    assert f'data-testid="reference">{karimi.reference}<' in page
    assert '<bdi dir="ltr">۰۹۱۵ ۱۲۳ ۴۵۶۷</bdi>' in page
    assert "۱۴۰۵/۰۱/۰۱" in page  # registered on
    assert "امضای سرپرست" in page  # the consent record
    names = ["علی کریمی", "فاطمه احمدی", "حسین کریمی", "زهرا کریمی"]
    positions = [page.index(name) for name in names]
    assert positions == sorted(positions)
    assert "۱۳۶۴/۰۷/۰۱" in page  # the head's date of birth, Jalali
    assert "<bdi>۱۸-۵۹</bdi>" in page and "<bdi>۰-۴</bdi>" in page  # UNHCR brackets
    assert page.count(persian("estimated")) == 2  # the parents' dates of birth


def test_the_profile_marks_former_members_and_disability(alice, settlement_a):
    members = family()
    members[2]["wg_walking"] = 3  # the son: a lot of difficulty walking
    karimi = household(settlement_a, by=alice, members=members)
    people = {p.given_name: p for p in karimi.members.all()}
    services.record_death(person=people["فاطمه"], died_on=dates.today(), by=alice)
    page = signed_in(alice).get(profile(karimi.reference)).content.decode()
    spouse = page[page.index(f'data-member="{people["فاطمه"].uuid}"') :]
    spouse = spouse[: spouse.index("</tr>")]
    assert 'class="text-body-secondary"' in spouse
    assert 'class="badge text-bg-secondary"' in spouse
    son = page[page.index(f'data-member="{people["حسین"].uuid}"') :]
    assert persian("Disability") in son[: son.index("</tr>")]


def test_the_profile_shows_documents_with_their_validity(alice, karimi):
    today = dates.today()
    head = karimi.head
    expired = services.add_document(
        person=head,
        by=alice,
        doc_type="amayesh",
        number_typed="A-111111",
        expires_on=today - timedelta(days=3),
    )
    expiring = services.add_document(
        person=head,
        by=alice,
        doc_type="passport",
        number_typed="P0123456",
        expires_on=today + timedelta(days=20),
    )
    services.verify_document(document=expiring, by=alice)
    page = signed_in(alice).get(profile(karimi.reference)).content.decode()
    first = page[page.index(f'data-document="{expired.uuid}"') :]
    first = first[: first.index("</tr>")]
    assert 'data-validity="expired"' in first
    assert '<bdi dir="ltr">A-۱۱۱۱۱۱</bdi>' in first
    assert persian("Not verified") in first
    second = page[page.index(f'data-document="{expiring.uuid}"') :]
    second = second[: second.index("</tr>")]
    assert 'data-validity="expiring"' in second
    assert "✓" in second


def test_protected_needs_are_hidden_from_a_clerk_and_nothing_is_logged(alice, caseworker, karimi):
    head = karimi.head
    services.record_need(person=head, code="DS-BD", by=alice)
    services.record_need(person=head, code="LP-AN", by=caseworker)
    page = signed_in(alice).get(profile(karimi.reference)).content.decode()
    assert 'data-need="DS-BD"' in page
    assert 'data-need="protected"' in page
    assert "LP-AN" not in page
    assert "خشونت" not in page  # the Persian label of LP-AN
    assert not AccessLog.objects.exists()


def test_a_caseworker_sees_protected_needs_and_the_read_is_logged(alice, caseworker, karimi):
    head = karimi.head
    services.record_need(person=head, code="DS-BD", by=alice)
    protected = services.record_need(person=head, code="LP-AN", by=caseworker)
    url = profile(karimi.reference)
    page = signed_in(caseworker).get(url).content.decode()
    assert 'data-need="LP-AN"' in page
    assert 'data-need="protected"' not in page
    log = AccessLog.objects.get()
    assert (log.user, log.record_uuid, log.record_type) == (
        caseworker,
        protected.uuid,
        "registry.specificneed",
    )
    assert (log.subject, log.settlement, log.via) == (karimi.reference, karimi.settlement, url)


def test_resolved_needs_are_shown_with_their_dates(alice, karimi):
    need = services.record_need(
        person=karimi.head, code="DS-BD", by=alice, recorded_on=date(2026, 3, 21)
    )
    services.resolve_need(need=need, by=alice, resolved_on=date(2026, 4, 20))
    page = signed_in(alice).get(profile(karimi.reference)).content.decode()
    row = page[page.index('data-need="DS-BD"') :]
    row = row[: row.index("</tr>")]
    assert "۱۴۰۵/۰۱/۰۱" in row and "۱۴۰۵/۰۱/۳۱" in row


def test_case_notes_are_hidden_from_a_clerk(alice, caseworker, karimi):
    services.add_case_note(household=karimi, body="یادداشت محرمانه", by=caseworker)
    page = signed_in(alice).get(profile(karimi.reference)).content.decode()
    assert "یادداشت محرمانه" not in page
    assert 'data-testid="case-notes"' not in page
    assert not AccessLog.objects.exists()


def test_a_caseworker_reads_case_notes_and_each_read_is_logged(caseworker, karimi):
    note = services.add_case_note(household=karimi, body="یادداشت محرمانه", by=caseworker)
    client = signed_in(caseworker)
    for _ in range(2):
        assert "یادداشت محرمانه" in client.get(profile(karimi.reference)).content.decode()
    assert AccessLog.objects.filter(record_uuid=note.uuid, user=caseworker).count() == 2


def test_a_caseworker_without_protected_records_leaves_no_log(caseworker, karimi):
    services.record_need(person=karimi.head, code="DS-BD", by=caseworker)
    page = signed_in(caseworker).get(profile(karimi.reference)).content.decode()
    assert 'data-testid="case-notes"' in page
    assert not AccessLog.objects.exists()


def test_the_timeline_names_events_but_not_a_protected_need(alice, caseworker, karimi):
    services.record_need(person=karimi.head, code="LP-AN", by=caseworker)
    services.add_member(
        household=karimi,
        by=alice,
        **member(given_name="نرگس", relationship=Relationship.OTHER_RELATIVE, sex="F"),
    )
    page = signed_in(alice).get(profile(karimi.reference)).content.decode()
    assert persian("Household registered") in page
    assert "نرگس" in page
    assert "LP-AN" not in page


def test_the_profile_makes_a_fixed_number_of_queries(
    alice, settlement_a, django_assert_max_num_queries
):
    small = household(settlement_a, by=alice)
    client = signed_in(alice)
    client.get(profile(small.reference))
    with CaptureQueriesContext(connection) as captured:
        client.get(profile(small.reference))
    big = household(
        settlement_a,
        by=alice,
        members=family()
        + [member(given_name="نرگس", relationship="daughter", sex="F") for _ in range(6)],
    )
    for person in big.members.all():
        services.add_document(
            person=person, by=alice, doc_type="tazkira", number_typed=f"T-{person.pk:06d}"
        )
    # Events add a query each only when they name a need; these do not.
    with django_assert_max_num_queries(len(captured)):
        client.get(profile(big.reference))


def test_the_print_card_link_appears_when_the_card_page_exists(alice, karimi):
    try:
        card = reverse("registry:card", args=[karimi.reference])
    except NoReverseMatch:
        card = None
    page = signed_in(alice).get(profile(karimi.reference)).content.decode()
    actions = page[page.index('data-testid="household-actions"') :]
    actions = actions[: actions.index("</div>")]
    assert (f'href="{card}"' in actions) == (card is not None)


def test_a_search_matching_more_people_than_shown_asks_for_more_details(
    settlement_a, alice, monkeypatch
):
    monkeypatch.setattr(queries, "SEARCH_LIMIT", 2)
    for _ in range(3):
        household(settlement_a, by=alice)
    client = signed_in(alice)
    page = client.get(reverse("registry:households"), {"q": "علی کریمی"}).content.decode()
    assert 'data-testid="search-truncated"' in page
    one = client.get(reverse("registry:households"), {"q": "TJ-000002"}).content.decode()
    assert 'data-testid="search-truncated"' not in one
