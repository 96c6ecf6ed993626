"""The one search box (queries.search) and the list filters (queries.filter_households)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from mehman.core import dates
from mehman.registry import queries, services
from mehman.registry.models import Household, HouseholdStatus, Individual
from mehman.registry.tests.factories import family, household, member
from mehman.registry.tests.test_services import people

ZWNJ = "\u200c"


def search(user, text="", **kwargs) -> queries.SearchResult:
    return queries.search(
        Individual.objects.for_user(user), Household.objects.for_user(user), text, **kwargs
    )


def found(user, text="", **kwargs) -> list[str]:
    """References of the households found, in rank order."""
    result = search(user, text, **kwargs)
    references = dict(Household.objects.values_list("pk", "reference"))
    return [references[pk] for pk in result.household_ids]


def found_people(user, text="", **kwargs) -> set[str]:
    result = search(user, text, **kwargs)
    return {p.full_name for p in Individual.objects.filter(pk__in=result.person_ids)}


@pytest.fixture
def karimi(settlement_a, alice):
    """TJ-000001: Ali Karimi (born 1364 / 1985), his wife, a son and a daughter."""
    registered = household(
        settlement_a,
        by=alice,
        phone="0912 345 6789",
        members=family(given_name_latin="Ali", family_name_latin="Karimi", phone="0915 111 2233"),
        documents={0: [{"doc_type": "amayesh", "number_typed": "123-456-789"}]},
    )
    assert registered.reference == "TJ-000001"
    return registered


# --- by reference, document, phone --------------------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["TJ-000001", "tj-000001", "TJ-1", "tj 1", "TJ1", "TJ-۱", "tj-٠٠١"]
)
def test_a_household_is_found_by_its_reference_however_typed(karimi, alice, typed):
    result = search(alice, typed)

    assert result.kind == "reference"
    assert result.household_ids == [karimi.pk]


@pytest.mark.parametrize(
    "typed", ["123456789", "123-456-789", "123 456 789", "۱۲۳-۴۵۶-۷۸۹", "١٢٣٤٥٦٧٨٩"]
)
def test_a_person_is_found_by_a_document_number_however_typed(karimi, alice, typed):
    result = search(alice, typed)

    assert result.kind == "document"
    assert result.household_ids == [karimi.pk]
    assert result.person_ids == {karimi.head.pk}


@pytest.mark.parametrize(
    "typed",
    [
        "09123456789",
        "0912 345 6789",
        "0912-345-6789",
        "+98 912 345 6789",
        "0098 912 345 6789",
        "989123456789",
        "9123456789",
        "۰۹۱۲ ۳۴۵ ۶۷۸۹",
    ],
)
def test_a_household_is_found_by_its_phone_however_typed(karimi, alice, typed):
    result = search(alice, typed)

    assert result.kind == "phone"
    assert result.household_ids == [karimi.pk]


@pytest.mark.parametrize("typed", ["09151112233", "+98 915 111 2233", "۹۱۵۱۱۱۲۲۳۳"])
def test_a_person_is_found_by_their_own_phone(karimi, alice, typed):
    result = search(alice, typed)

    assert result.household_ids == [karimi.pk]
    assert result.person_ids == {karimi.head.pk}


def test_an_unknown_number_finds_nothing(karimi, alice):
    assert search(alice, "987654321").household_ids == []


# --- by name ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["علی کریمی", "علي كريمي", "عَلی کریمی", "علی کریـــمی", "  علی   کریمی "]
)
def test_a_name_is_found_whatever_the_keyboard(karimi, alice, typed):
    result = search(alice, typed)

    assert result.kind == "name"
    assert found_people(alice, typed) == {"علی کریمی"}
    assert result.household_ids == [karimi.pk]


@pytest.mark.parametrize("stored", ["عبد الله", "عبدالله", f"عبد{ZWNJ}الله"])
@pytest.mark.parametrize("typed", ["عبد الله رحیمی", "عبدالله رحیمی", f"عبد{ZWNJ}الله رحیمی"])
def test_compound_names_are_found_with_or_without_the_space(settlement_a, alice, stored, typed):
    registered = household(
        settlement_a, by=alice, members=[member(given_name=stored, family_name="رحیمی")]
    )

    assert search(alice, typed).household_ids == [registered.pk]


@pytest.mark.parametrize("typed", ["عبدالله", "عبد الله", f"عبد{ZWNJ}الله"])
def test_a_compound_given_name_alone_is_found(settlement_a, alice, typed):
    registered = household(settlement_a, by=alice, members=[member(given_name="عبد الله")])

    assert search(alice, typed).household_ids == [registered.pk]


def test_a_compound_family_name_with_a_zwnj_is_found(settlement_a, alice):
    registered = household(settlement_a, by=alice, members=[member(family_name=f"نور{ZWNJ}زاده")])

    assert search(alice, "علی نورزاده").household_ids == [registered.pk]
    assert search(alice, "نور زاده").household_ids == [registered.pk]
    assert search(alice, f"نور{ZWNJ}زاده").household_ids == [registered.pk]
    assert search(alice, f"علی نور{ZWNJ}زاده").household_ids == [registered.pk]


@pytest.mark.parametrize("typed", ["علی کرمی", "علی کریمه", "علی کیرمی", "علی کریمیی", "علا کریمی"])
def test_one_typo_still_finds_the_name(karimi, alice, typed):
    assert "علی کریمی" in found_people(alice, typed)


@pytest.mark.parametrize("typed", ["علی کرم", "علی کزیمه", "علی کریمیان", "علیرضا کریمی"])
def test_two_typos_in_a_name_find_nothing(karimi, alice, typed):
    assert search(alice, typed).household_ids == []


def test_exact_matches_are_ranked_before_one_typo_matches(settlement_a, alice):
    typo = household(settlement_a, by=alice, members=[member(family_name="کریمی")])
    exact = household(settlement_a, by=alice, members=[member(family_name="کرمی")])

    assert search(alice, "علی کرمی").household_ids == [exact.pk, typo.pk]
    assert search(alice, "علی کریمی").household_ids == [typo.pk, exact.pk]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("کریمی", {"علی کریمی", "حسین کریمی", "زهرا کریمی"}),
        ("فاطمه", {"فاطمه احمدی"}),
        ("احمدي", {"فاطمه احمدی"}),
    ],
)
def test_one_word_matches_a_given_or_a_family_name(karimi, alice, typed, expected):
    assert found_people(alice, typed) == expected


def test_the_fathers_name_narrows_a_name(karimi, alice):
    assert found_people(alice, "کریمی", father="علی") == {"حسین کریمی", "زهرا کریمی"}
    assert found_people(alice, "کریمی", father="محمد") == {"علی کریمی"}
    assert found_people(alice, "کریمی", father="غلام") == set()


def test_the_fathers_name_tolerates_one_typo(karimi, alice):
    assert found_people(alice, "علی", father="مجمد") == {"علی کریمی"}
    assert found_people(alice, "علی", father="محمدجان") == set()


def test_the_fathers_name_alone_lists_his_children(karimi, alice):
    result = search(alice, "", father="علي")

    assert result.kind == "father"
    assert found_people(alice, "", father="علي") == {"حسین کریمی", "زهرا کریمی"}


@pytest.mark.parametrize("year", [1985, 1364])
def test_the_birth_year_narrows_a_name_in_either_calendar(karimi, alice, year):
    assert found_people(alice, "کریمی", year=year) == {"علی کریمی"}


@pytest.mark.parametrize("year", [1986, 1365, 1363, 1984])
def test_another_birth_year_excludes_the_person(karimi, alice, year):
    assert found_people(alice, "علی کریمی", year=year) == set()


def test_a_jalali_year_starts_at_nowruz(karimi, alice):
    # فاطمه was born on 1990-03-21, which is 1 Farvardin 1369.
    assert found_people(alice, "", year=1369) == {"فاطمه احمدی"}
    assert found_people(alice, "", year=1368) == set()
    assert found_people(alice, "", year=1990) == {"فاطمه احمدی"}
    assert search(alice, "", year=1369).kind == "year"


def test_father_and_year_together(karimi, alice):
    assert found_people(alice, "", father="علی", year=2015) == {"حسین کریمی"}


@pytest.mark.parametrize("typed", ["Ali Karimi", "ali karimi", "ALI   KARIMI", "Ali"])
def test_a_latin_transliteration_finds_the_person(karimi, alice, typed):
    result = search(alice, typed)

    assert result.kind == "latin"
    assert result.person_ids == {karimi.head.pk}


def test_a_latin_name_not_on_record_finds_nothing(karimi, alice):
    assert search(alice, "Hassan Karimi").household_ids == []


def test_an_empty_search_finds_nothing(karimi, alice):
    assert search(alice, "   ").household_ids == []


def test_a_search_stops_at_the_limit(settlement_a, alice):
    for _ in range(3):
        household(settlement_a, by=alice, members=[member()])
    result = queries.search(
        Individual.objects.for_user(alice), Household.objects.for_user(alice), "علی کریمی", limit=2
    )

    assert len(result.household_ids) == 2


# --- scope --------------------------------------------------------------------------------------


@pytest.fixture
def sarvestan_karimi(settlement_b, bob):
    """SV-000001: another Ali Karimi, with the same phone and a document of his own."""
    return household(
        settlement_b,
        by=bob,
        phone="0912 345 6789",
        members=family(given_name_latin="Ali", family_name_latin="Karimi"),
        documents={0: [{"doc_type": "passport", "number_typed": "P7654321"}]},
    )


@pytest.mark.parametrize(
    "typed", ["علی کریمی", "علی کرمی", "Ali Karimi", "09123456789", "P7654321", "SV-1", "کریمی"]
)
def test_a_household_of_another_settlement_is_not_found(
    karimi, sarvestan_karimi, alice, bob, typed
):
    assert sarvestan_karimi.pk not in search(alice, typed).household_ids
    assert karimi.pk not in search(bob, typed).household_ids


def test_each_settlement_finds_its_own(karimi, sarvestan_karimi, alice, bob, adam):
    assert search(alice, "علی کریمی").household_ids == [karimi.pk]
    assert search(bob, "علی کریمی").household_ids == [sarvestan_karimi.pk]
    assert set(search(adam, "علی کریمی").household_ids) == {karimi.pk, sarvestan_karimi.pk}


def test_a_user_without_scope_finds_nothing(karimi, nasrin, vera):
    assert search(nasrin, "علی کریمی").household_ids == []
    assert search(vera, "TJ-1").household_ids == []


# --- filter_households --------------------------------------------------------------------------


def born(age: int) -> date:
    """A date of birth giving ``age`` completed years today (a hundred days past the birthday)."""
    return dates.today() - timedelta(days=365 * age + 100)


def birthday_today(age: int) -> date:
    today = dates.today()
    try:
        return today.replace(year=today.year - age)
    except ValueError:  # 29 February
        return today.replace(year=today.year - age, day=28) + timedelta(days=1)


def filtered(user, **params) -> set[str]:
    return set(
        queries.filter_households(Household.objects.for_user(user), params).values_list(
            "reference", flat=True
        )
    )


@pytest.fixture
def households(settlement_a, alice):
    """Four households of settlement A, different in every filtered way."""
    one = household(  # TJ-000001: applicant, block A, 4 people, a man at its head
        settlement_a,
        by=alice,
        block="A",
        members=[
            member(birth_date=born(40)),
            member(given_name="فاطمه", sex="F", relationship="spouse", birth_date=born(35)),
            member(given_name="حسین", relationship="son", birth_date=born(8)),
            member(given_name="زهرا", sex="F", relationship="daughter", birth_date=born(2)),
        ],
    )
    two = household(  # TJ-000002: resident, block B, one elderly woman
        settlement_a,
        by=alice,
        block="B",
        status=HouseholdStatus.RESIDENT,
        members=[member(given_name="گل", sex="F", birth_date=born(70), marital_status="widowed")],
    )
    three = household(  # TJ-000003: resident, block B, a young man and his teenage brother
        settlement_a,
        by=alice,
        block="B",
        status=HouseholdStatus.RESIDENT,
        members=[
            member(birth_date=born(22)),
            member(given_name="رضا", relationship="brother", birth_date=born(15)),
        ],
    )
    four = household(  # TJ-000004: applicant, no block, a man without a known birth date
        settlement_a, by=alice, members=[member(birth_date=None)]
    )
    return one, two, three, four


def test_no_filter_keeps_every_household(households, alice):
    assert filtered(alice) == {"TJ-000001", "TJ-000002", "TJ-000003", "TJ-000004"}


def test_empty_values_are_ignored(households, alice):
    everything = {"TJ-000001", "TJ-000002", "TJ-000003", "TJ-000004"}
    assert (
        filtered(
            alice,
            status="",
            block="",
            size_min=None,
            size_max=None,
            head_sex="",
            age_group="",
            need="",
            document_expiry="",
        )
        == everything
    )


def test_unknown_values_are_ignored(households, alice):
    everything = {"TJ-000001", "TJ-000002", "TJ-000003", "TJ-000004"}
    assert filtered(alice, age_group="3-7") == everything
    assert filtered(alice, document_expiry="soon") == everything


def test_filter_by_status(households, alice):
    assert filtered(alice, status="resident") == {"TJ-000002", "TJ-000003"}
    assert filtered(alice, status="applicant") == {"TJ-000001", "TJ-000004"}
    assert filtered(alice, status="closed") == set()


def test_filter_by_block(households, alice):
    assert filtered(alice, block="B") == {"TJ-000002", "TJ-000003"}
    assert filtered(alice, block="Z") == set()


def test_filter_by_size_range(households, alice):
    assert filtered(alice, size_min=2) == {"TJ-000001", "TJ-000003"}
    assert filtered(alice, size_max=1) == {"TJ-000002", "TJ-000004"}
    assert filtered(alice, size_min=2, size_max=3) == {"TJ-000003"}
    assert filtered(alice, size_min=4, size_max=4) == {"TJ-000001"}


def test_the_size_filter_follows_deaths(households, alice):
    services.record_death(person=people(households[2])["رضا"], died_on=dates.today(), by=alice)

    assert filtered(alice, size_min=2) == {"TJ-000001"}


def test_filter_by_sex_of_the_head(households, alice):
    assert filtered(alice, head_sex="F") == {"TJ-000002"}
    assert filtered(alice, head_sex="M") == {"TJ-000001", "TJ-000003", "TJ-000004"}


@pytest.mark.parametrize(
    ("group", "expected"),
    [
        ("0-4", {"TJ-000001"}),
        ("5-11", {"TJ-000001"}),
        ("12-17", {"TJ-000003"}),
        ("18-59", {"TJ-000001", "TJ-000003"}),
        ("60+", {"TJ-000002"}),
    ],
)
def test_filter_by_a_member_in_an_age_group(households, alice, group, expected):
    assert filtered(alice, age_group=group) == expected


@pytest.mark.parametrize(
    ("age", "group", "other"),
    [(5, "5-11", "0-4"), (12, "12-17", "5-11"), (18, "18-59", "12-17"), (60, "60+", "18-59")],
)
def test_a_birthday_today_moves_a_member_into_the_next_age_group(
    settlement_a, alice, age, group, other
):
    household(settlement_a, by=alice, members=[member(birth_date=birthday_today(age))])

    assert filtered(alice, age_group=group) == {"TJ-000001"}
    assert filtered(alice, age_group=other) == set()


def test_former_members_do_not_count_in_an_age_group(households, alice):
    services.record_death(person=people(households[1])["گل"], died_on=dates.today(), by=alice)

    assert filtered(alice, age_group="60+") == set()


def test_filter_by_need_code_category_or_any(households, alice, carla):
    one, two, three, _four = households
    services.record_need(person=one.head, code="DS-PM", by=alice)
    services.record_need(person=two.head, code="SV-VF", by=carla)
    resolved = services.record_need(person=three.head, code="DS-BD", by=alice)
    services.resolve_need(need=resolved, by=alice)

    assert filtered(alice, need="DS-PM") == {"TJ-000001"}
    assert filtered(alice, need="DS") == {"TJ-000001"}
    assert filtered(alice, need="SV") == {"TJ-000002"}
    assert filtered(alice, need="DS-BD") == set()
    assert filtered(alice, need="any") == {"TJ-000001", "TJ-000002"}


def test_needs_of_former_members_do_not_count(households, alice):
    son = people(households[0])["حسین"]
    services.record_need(person=son, code="DS-PM", by=alice)
    services.record_death(person=son, died_on=dates.today(), by=alice)

    assert filtered(alice, need="any") == set()


def _document(person, by, doc_type, expires_in, number):
    services.add_document(
        person=person,
        by=by,
        doc_type=doc_type,
        number_typed=number,
        expires_on=dates.today() + timedelta(days=expires_in),
    )


def test_filter_by_documents_expiring_or_expired(households, alice):
    one, two, three, four = households
    _document(one.head, alice, "amayesh", 20, "A-1001")
    _document(two.head, alice, "passport", 50, "P-1002")
    _document(three.head, alice, "work_permit", 80, "W-1003")
    _document(four.head, alice, "laissez_passer", -1, "L-1004")
    _document(people(three)["رضا"], alice, "tazkira", 10, "T-1005")  # no validity to watch

    assert filtered(alice, document_expiry="30") == {"TJ-000001"}
    assert filtered(alice, document_expiry="60") == {"TJ-000001", "TJ-000002"}
    assert filtered(alice, document_expiry=90) == {"TJ-000001", "TJ-000002", "TJ-000003"}
    assert filtered(alice, document_expiry="expired") == {"TJ-000004"}


def test_a_document_expiring_today_is_expiring_not_expired(households, alice):
    _document(households[0].head, alice, "visa", 0, "V-2001")

    assert filtered(alice, document_expiry="30") == {"TJ-000001"}
    assert filtered(alice, document_expiry="expired") == set()


def test_filters_combine(households, alice, carla):
    services.record_need(person=households[1].head, code="SM-MI", by=carla)
    services.record_need(person=households[2].head, code="SM-MI", by=carla)

    assert filtered(alice, status="resident", need="SM", age_group="60+") == {"TJ-000002"}
    assert filtered(alice, status="resident", need="SM", size_min=2) == {"TJ-000003"}


def test_filters_never_reach_outside_the_scope(households, settlement_b, alice, bob):
    theirs = household(settlement_b, by=bob, block="B")
    services.record_need(person=theirs.head, code="DS-PM", by=bob)

    assert filtered(alice, block="B") == {"TJ-000002", "TJ-000003"}
    assert filtered(alice, need="any") == set()
    assert filtered(bob, need="any") == {"SV-000001"}


def test_blocks_lists_the_blocks_in_use(households, alice):
    assert queries.blocks(Household.objects.for_user(alice)) == ["A", "B"]
