"""The registration wizard, through the client: household and members, duplicate check, save."""

from __future__ import annotations

from datetime import date
from html.parser import HTMLParser
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from conftest import signed_in
from mehman.core import dates
from mehman.registry import duplicates, queries, services
from mehman.registry.models import (
    Household,
    HouseholdEvent,
    IdentityDocument,
    Individual,
    IndividualStatus,
)
from mehman.registry.tests import factories

REGISTER = reverse("registry:register")


@pytest.fixture(autouse=True)
def registry_hooks_only(monkeypatch):
    """The wizard as the registry answers it: without the finder and recorder another app
    registered (a test installs its own through ``duplicates.register_*``)."""
    monkeypatch.setattr(duplicates, "_FINDERS", {})
    monkeypatch.setattr(duplicates, "_RECORDERS", {})


def person(**fields: str) -> dict[str, str]:
    row = {
        "given_name": "",
        "family_name": "",
        "father_name": "",
        "grandfather_name": "",
        "given_name_latin": "",
        "family_name_latin": "",
        "sex": "M",
        "birth_date": "",
        "birth_year": "",
        "relationship": "son",
        "marital_status": "single",
        "education": "unknown",
        "occupation": "",
        "phone": "",
        "doc_type": "",
        "doc_number": "",
        "doc_expires_on": "",
        **dict.fromkeys(("wg_seeing", "wg_hearing", "wg_walking"), ""),
        **dict.fromkeys(("wg_remembering", "wg_self_care", "wg_communicating"), ""),
    }
    row.update(fields)
    return row


def form_data(settlement: Any, members: list[dict[str, str]], **household: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "settlement": settlement.pk,
        "status": "applicant",
        "phone": "",
        "block": "",
        "address": "",
        "consent_note": "",
        "members-TOTAL_FORMS": str(len(members)),
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "1",
        "members-MAX_NUM_FORMS": "30",
        **household,
    }
    for index, member in enumerate(members):
        data.update({f"members-{index}-{name}": value for name, value in member.items()})
    return data


def ebrahimi_family() -> list[dict[str, str]]:
    """Seven people: a couple, four children and the head's widowed mother (year of birth only)."""
    children = {"family_name": "ابراهیمی", "father_name": "محمد", "grandfather_name": "علی"}
    return [
        person(
            given_name="محمد",
            family_name="ابراهیمی",
            father_name="علی",
            grandfather_name="حسن",
            given_name_latin="Mohammad",
            family_name_latin="Ebrahimi",
            birth_date="۱۳۶۴/۰۵/۱۲",
            relationship="head",
            marital_status="married",
            occupation="کارگر ساختمان",
            phone="۰۹۱۵ ۱۲۳ ۴۵۶۷",
            doc_type="amayesh",
            doc_number="۱۲۳-۴۵۶-۷۸۹",
            doc_expires_on="۱۴۰۶/۰۱/۰۱",
        ),
        person(
            given_name="فاطمه",
            family_name="رضایی",
            father_name="غلام",
            sex="F",
            birth_date="۱۳۶۸/۰۲/۰۱",
            relationship="spouse",
            marital_status="married",
        ),
        person(given_name="احمد", birth_date="۱۳۸۸/۰۷/۱۵", **children),
        person(
            given_name="زینب", sex="F", relationship="daughter", birth_date="۱۳۹۰/۰۱/۲۰", **children
        ),
        person(given_name="یوسف", birth_date="۱۳۹۵/۱۰/۰۵", wg_seeing="3", **children),
        person(
            given_name="مریم", sex="F", relationship="daughter", birth_date="۱۴۰۰/۰۳/۰۳", **children
        ),
        person(
            given_name="گلثوم",
            father_name="نورمحمد",
            sex="F",
            birth_year="۱۳۴۰",
            relationship="mother",
            marital_status="widowed",
        ),
    ]


def persian(message: str) -> str:
    """The message as a Persian user reads it (the catalogue decides; English until translated)."""
    with translation.override("fa"):
        return translation.gettext(message)


class HiddenInputs(HTMLParser):
    """The name/value pairs a browser would post from the page's hidden inputs."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "input" and found.get("type") == "hidden" and found.get("name"):
            self.values[str(found["name"])] = found.get("value") or ""


def hidden_inputs(page: str) -> dict[str, str]:
    parser = HiddenInputs()
    parser.feed(page)
    parser.values.pop("csrfmiddlewaretoken", None)
    return parser.values


# --- The acceptance scenario ---------------------------------------------------------------


def test_a_clerk_registers_a_family_of_seven_typed_in_persian_digits(alice, settlement_a):
    client = signed_in(alice)
    assert client.get(REGISTER).status_code == 200

    response = client.post(REGISTER, form_data(settlement_a, ebrahimi_family(), consent_given="on"))

    household = Household.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:household", args=[household.reference])
    assert household.size == 7
    assert household.consent_given and household.consent_on == dates.today()
    head = household.head
    assert head.given_name == "محمد" and head.birth_date == date(1985, 8, 3)
    assert not head.birth_date_estimated
    assert head.phone_key == "09151234567"
    mother = household.members.get(given_name="گلثوم")
    assert mother.birth_date == date(1961, 9, 23)  # 1 Mehr 1340
    assert mother.birth_date_estimated
    assert household.members.get(given_name="یوسف").has_disability
    document = IdentityDocument.objects.get()
    assert (document.individual, document.number) == (head, "123456789")
    assert document.expires_on == date(2027, 3, 21)
    registered = HouseholdEvent.objects.get(aggregate=household)
    assert (registered.kind, registered.by) == ("household.registered", alice)


def test_a_registered_family_is_found_again_by_a_variant_spelling(alice, settlement_a):
    signed_in(alice).post(REGISTER, form_data(settlement_a, ebrahimi_family()))
    household = Household.objects.get()

    found = queries.search(
        Individual.objects.for_user(alice),
        Household.objects.for_user(alice),
        "محمد ابراهيمي",  # Arabic yeh
    )
    one_typo = queries.search(
        Individual.objects.for_user(alice), Household.objects.for_user(alice), "محمد ابرهیمی"
    )

    assert found.household_ids == [household.pk]
    assert one_typo.household_ids == [household.pk]
    assert household.head_id in found.person_ids


def test_a_birth_and_a_death_are_recorded_through_the_pages(alice, settlement_a):
    client = signed_in(alice)
    client.post(REGISTER, form_data(settlement_a, ebrahimi_family()))
    household = Household.objects.get()
    father, mother = household.head, household.members.get(given_name="فاطمه")
    grandmother = household.members.get(given_name="گلثوم")
    profile = reverse("registry:household", args=[household.reference])

    born = client.post(
        reverse("registry:birth", args=[household.reference]),
        {
            "given_name": "علی",
            "family_name": "",
            "sex": "M",
            "birth_date": "۱۴۰۵/۰۱/۱۰",
            "mother": str(mother.uuid),
            "father": str(father.uuid),
        },
    )
    died = client.post(
        reverse("registry:death", args=[household.reference, grandmother.uuid]),
        {"died_on": "۱۴۰۵/۰۲/۰۱"},
    )

    assert born["Location"] == profile and died["Location"] == profile
    baby = household.members.get(given_name="علی")
    assert (baby.relationship, baby.family_name, baby.father_name) == ("son", "ابراهیمی", "محمد")
    assert baby.birth_date == date(2026, 3, 30)
    grandmother.refresh_from_db()
    assert grandmother.status == IndividualStatus.DECEASED
    assert grandmother.died_on == date(2026, 4, 21)
    household.refresh_from_db()
    assert household.size == 7
    kinds = set(household.events.values_list("kind", flat=True))
    assert {"household.birth", "household.death"} <= kinds


def test_a_year_of_birth_may_be_typed_gregorian(alice, settlement_a):
    members = [person(given_name="رحیم", relationship="head", birth_year="1961")]

    signed_in(alice).post(REGISTER, form_data(settlement_a, members))

    head = Individual.objects.get()
    assert (head.birth_date, head.birth_date_estimated) == (date(1961, 9, 23), True)


def test_the_date_and_the_year_together_are_refused(alice, settlement_a):
    members = [
        person(given_name="رحیم", relationship="head", birth_date="۱۳۴۰/۰۱/۰۱", birth_year="۱۳۴۰")
    ]

    response = signed_in(alice).post(REGISTER, form_data(settlement_a, members))

    assert response.status_code == 200
    assert persian("Give either the date of birth or the year, not both.") in response.text
    assert not Household.objects.exists()


def test_the_midyear_of_a_jalali_or_gregorian_year_is_1_mehr():
    assert dates.midyear(1364) == date(1985, 9, 23)
    assert dates.midyear(1985) == date(1985, 9, 23)


# --- Duplicate check -------------------------------------------------------------------------


def choice(row: int, person: Individual) -> str:
    """The name of the clerk's choice about ``person`` for member row ``row``."""
    return f"match-{row}-{person.uuid}"


@pytest.fixture
def decisions():
    """What the wizard hands to duplicate detection: a recorder registered for the test."""
    calls: list[tuple[Any, ...]] = []

    def recorder(registered, on_file, decision, probability, by):
        calls.append((registered, on_file, decision, probability, by))

    duplicates.register_recorder("test", recorder)
    yield calls
    duplicates._RECORDERS.pop("test", None)


def similar_to_the_existing_head() -> list[dict[str, str]]:
    # The factory's head: علی کریمی, son of محمد, born 1985 (estimated).
    return [
        person(
            given_name="علي",  # Arabic yeh: the same key
            family_name="کریمی",
            father_name="محمد",
            birth_year="۱۳۶۵",
            relationship="head",
            marital_status="married",
        ),
        person(given_name="نرگس", father_name="علی", sex="F", relationship="daughter"),
    ]


def test_a_likely_duplicate_is_shown_and_nothing_is_saved_until_confirmed(
    alice, settlement_a, decisions
):
    existing = factories.household(settlement_a, by=alice)
    client = signed_in(alice)

    shown = client.post(REGISTER, form_data(settlement_a, similar_to_the_existing_head()))

    assert shown.status_code == 200
    assert "registry/register_confirm.html" in [t.name for t in shown.templates]
    assert existing.reference in shown.text
    assert f'data-match="{existing.head.uuid}"' in shown.text
    assert f'name="{choice(0, existing.head)}"' in shown.text
    assert Household.objects.count() == 1

    carried = hidden_inputs(shown.text)
    assert carried["members-0-given_name"] == "علي"
    assert carried["members-0-birth_year"] == "۱۳۶۵"
    unchosen = client.post(REGISTER, {**carried, "confirm": "1"})
    assert unchosen.status_code == 200
    assert persian("Choose what to do about this record.") in unchosen.text
    assert Household.objects.count() == 1
    assert decisions == []

    confirmed = client.post(
        REGISTER, {**carried, "confirm": "1", choice(0, existing.head): duplicates.DIFFERENT}
    )

    assert confirmed.status_code == 302
    assert Household.objects.count() == 2
    new = Household.objects.exclude(pk=existing.pk).get()
    assert new.size == 2 and new.head.given_name == "علي"
    assert decisions == [(new.head, existing.head, duplicates.DIFFERENT, None, alice)]


def test_going_back_from_the_duplicates_keeps_what_was_typed(alice, settlement_a):
    factories.household(settlement_a, by=alice)
    client = signed_in(alice)
    shown = client.post(REGISTER, form_data(settlement_a, similar_to_the_existing_head()))

    back = client.post(REGISTER, {**hidden_inputs(shown.text), "back": "1"})

    assert "registry/register.html" in [t.name for t in back.templates]
    assert 'value="نرگس"' in back.text
    assert Household.objects.count() == 1


def test_people_out_of_scope_are_not_offered_as_duplicates(alice, bob, settlement_a, settlement_b):
    factories.household(settlement_b, by=bob)

    response = signed_in(alice).post(
        REGISTER, form_data(settlement_a, similar_to_the_existing_head())
    )

    assert response.status_code == 302
    assert Household.objects.filter(settlement=settlement_a).count() == 1


def test_likely_duplicates_need_the_same_father_and_a_near_year(alice, settlement_a):
    factories.household(settlement_a, by=alice)
    people = Individual.objects.for_user(alice)

    assert [p.given_name for p in queries.likely_duplicates(people, "علی", "محمد", 1986)] == ["علی"]
    assert queries.likely_duplicates(people, "علی", "محمد", 1988) == []
    assert queries.likely_duplicates(people, "علی", "حسن", 1985) == []
    assert len(queries.likely_duplicates(people, "علی", "محمد", None)) == 1


def test_bad_input_is_shown_on_the_form_even_when_a_duplicate_exists(alice, settlement_a):
    factories.household(settlement_a, by=alice)
    members = similar_to_the_existing_head()
    members[1]["relationship"] = "head"

    response = signed_in(alice).post(REGISTER, form_data(settlement_a, members))

    assert "registry/register.html" in [t.name for t in response.templates]
    assert persian("Mark exactly one member as the head of household.") in response.text
    assert Household.objects.count() == 1


def test_the_same_person_registers_nothing_and_opens_the_record_on_file(
    alice, settlement_a, decisions
):
    existing = factories.household(settlement_a, by=alice)
    client = signed_in(alice)
    shown = client.post(REGISTER, form_data(settlement_a, similar_to_the_existing_head()))

    response = client.post(
        REGISTER,
        {**hidden_inputs(shown.text), "confirm": "1", choice(0, existing.head): duplicates.SAME},
        follow=True,
    )

    assert response.redirect_chain == [
        (reverse("registry:household", args=[existing.reference]), 302)
    ]
    with translation.override("fa"):
        expected = translation.gettext(
            "Nothing was registered: this person is already on file in household %(reference)s."
        ) % {"reference": "\u2068" + existing.reference + "\u2069"}
    assert expected in response.text
    assert Household.objects.count() == 1
    assert Individual.objects.count() == 4
    assert decisions == []


def second_member_like_the_existing_son() -> list[dict[str, str]]:
    """A new head, an empty row left in between, then the factory family's son again."""
    return [
        person(given_name="رضا", father_name="نبی", relationship="head", birth_year="۱۳۵۰"),
        person(sex="", relationship=""),
        person(given_name="حسین", family_name="کریمی", father_name="علی", birth_year="2015"),
    ]


def test_a_match_sent_for_review_is_recorded_for_the_member_it_resembles(
    alice, settlement_a, decisions
):
    existing = factories.household(settlement_a, by=alice)
    son = existing.members.get(given_name="حسین")
    client = signed_in(alice)
    shown = client.post(REGISTER, form_data(settlement_a, second_member_like_the_existing_son()))
    assert f'name="{choice(2, son)}"' in shown.text  # the third row of the form

    response = client.post(
        REGISTER, {**hidden_inputs(shown.text), "confirm": "1", choice(2, son): duplicates.REVIEW}
    )

    assert response.status_code == 302
    new = Household.objects.exclude(pk=existing.pk).get()
    registered = new.members.get(given_name="حسین")
    assert new.size == 2
    assert decisions == [(registered, son, duplicates.REVIEW, None, alice)]


def test_a_failing_recorder_leaves_nothing_registered(alice, settlement_a):
    existing = factories.household(settlement_a, by=alice)

    def refuse(registered, on_file, decision, probability, by):
        raise ValidationError("The review queue refused the pair.", code="pair")

    duplicates.register_recorder("refusing", refuse)
    client = signed_in(alice)
    shown = client.post(REGISTER, form_data(settlement_a, similar_to_the_existing_head()))
    response = client.post(
        REGISTER,
        {**hidden_inputs(shown.text), "confirm": "1", choice(0, existing.head): duplicates.REVIEW},
    )

    assert response.status_code == 200
    assert "The review queue refused the pair." in response.text
    assert Household.objects.count() == 1


def test_a_posted_record_out_of_scope_is_ignored(alice, bob, settlement_a, settlement_b, decisions):
    existing = factories.household(settlement_a, by=alice)
    elsewhere = factories.household(settlement_b, by=bob)
    client = signed_in(alice)
    shown = client.post(REGISTER, form_data(settlement_a, similar_to_the_existing_head()))
    assert str(elsewhere.head.uuid) not in shown.text

    response = client.post(
        REGISTER,
        {
            **hidden_inputs(shown.text),
            "confirm": "1",
            choice(0, elsewhere.head): duplicates.SAME,
            choice(0, existing.head): duplicates.DIFFERENT,
        },
    )

    assert response.status_code == 302
    assert response["Location"] != reverse("registry:household", args=[elsewhere.reference])
    new = Household.objects.filter(settlement=settlement_a).exclude(pk=existing.pk).get()
    assert decisions == [(new.head, existing.head, duplicates.DIFFERENT, None, alice)]


def test_a_posted_record_out_of_scope_alone_does_not_stop_a_registration(
    alice, bob, settlement_a, settlement_b, decisions
):
    elsewhere = factories.household(settlement_b, by=bob)
    data = form_data(settlement_a, similar_to_the_existing_head())

    response = signed_in(alice).post(
        REGISTER, {**data, "confirm": "1", choice(0, elsewhere.head): duplicates.SAME}
    )

    assert response.status_code == 302
    assert Household.objects.filter(settlement=settlement_a).count() == 1
    assert decisions == []


def test_a_merged_record_is_not_offered_but_the_record_kept_is(alice, settlement_a):
    kept = factories.household(settlement_a, by=alice)
    again = factories.household(
        settlement_a, by=alice, members=[factories.member(given_name="علي")]
    )
    services.merge_individuals(keep=kept.head, duplicate=again.head, by=alice)

    shown = signed_in(alice).post(REGISTER, form_data(settlement_a, similar_to_the_existing_head()))

    assert f'data-match="{kept.head.uuid}"' in shown.text
    assert f'data-match="{again.head.uuid}"' not in shown.text


def test_the_simple_check_shows_names_father_and_a_jalali_birth_date(alice, settlement_a):
    existing = factories.household(settlement_a, by=alice)

    shown = signed_in(alice).post(REGISTER, form_data(settlement_a, similar_to_the_existing_head()))

    with translation.override("fa"):
        born = dates.format_date(existing.head.birth_date)
    assert born == "۱۳۶۴/۰۷/۰۱"
    assert born in shown.text
    assert "کریمی" in shown.text and "محمد" in shown.text
    assert 'data-testid="probability"' not in shown.text
    for label in (
        "Same person — don't register, open the record on file",
        "Register, and ask a reviewer",
        "Different people — register",
    ):
        assert escape(persian(label)) in shown.text


class FakeFinder:
    """A finder as duplicate detection would answer: a probability and evidence side by side."""

    def __init__(self) -> None:
        self.asked: list[tuple[list[Individual], dict[str, Any]]] = []

    def __call__(self, people, member):
        self.asked.append((list(people), member))
        found = people.filter(given_name="علی", relationship="head").first()
        if found is None or member["given_name"] != "علي":
            return []
        evidence = (
            duplicates.FieldEvidence("Given name", "علي", "علی", "same", "written the same"),
            duplicates.FieldEvidence(
                "Document", "AB123", "AB124", "different", "different numbers"
            ),
        )
        return [duplicates.PossibleMatch(found, 0.873, evidence)]


def test_the_finders_evidence_and_probability_are_shown_and_recorded(
    alice, settlement_a, settlement_b, bob, decisions
):
    existing = factories.household(settlement_a, by=alice)
    factories.household(settlement_b, by=bob)
    finder = FakeFinder()
    duplicates.register_finder("fake", finder)
    members = similar_to_the_existing_head()
    members[0].update(doc_type="amayesh", doc_number="۱۲۳-۴۵۶-۷۸۹")
    client = signed_in(alice)

    shown = client.post(REGISTER, form_data(settlement_a, members))

    people, member = finder.asked[0]
    assert {p.household.settlement_id for p in people} == {settlement_a.pk}
    assert member["given_name"] == "علي" and member["birth_date_estimated"] is True
    assert member["documents"] == [("amayesh", "123456789")]
    assert finder.asked[1][1]["documents"] == []
    assert 'data-testid="probability"' in shown.text
    with translation.override("fa"):
        percent = translation.gettext("%(percent)s%% likely the same person") % {"percent": "۸۷"}
    assert percent in shown.text
    assert 'data-verdict="different"' in shown.text
    assert "<bdi>AB124</bdi>" in shown.text and "different numbers" in shown.text

    client.post(
        REGISTER,
        {**hidden_inputs(shown.text), "confirm": "1", choice(0, existing.head): duplicates.REVIEW},
    )

    new = Household.objects.filter(settlement=settlement_a).exclude(pk=existing.pk).get()
    assert decisions == [(new.head, existing.head, duplicates.REVIEW, 0.873, alice)]


def test_a_merged_member_shows_where_the_record_is_kept(alice, settlement_a):
    kept = factories.household(settlement_a, by=alice)
    again = factories.household(
        settlement_a,
        by=alice,
        members=[
            factories.member(given_name="رضا"),
            factories.member(given_name="علي", relationship="brother"),
        ],
    )
    duplicate = again.members.get(given_name="علي")
    services.merge_individuals(keep=kept.head, duplicate=duplicate, by=alice)

    page = signed_in(alice).get(reverse("registry:household", args=[again.reference])).text

    assert persian("Merged into another record") in page
    assert 'data-testid="merged-into"' in page
    assert reverse("registry:household", args=[kept.reference]) in page


# --- Bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"relationship": "son"}, "Mark exactly one member as the head of household."),
        ({"birth_date": "۱۴۹۰/۰۱/۰۱"}, "A date of birth cannot be in the future."),
        (
            {"doc_type": "national_code", "doc_number": "۱۲۳۴۵۶۷۸۹۰"},
            "An Iranian national code has 10 digits and a valid check digit.",
        ),
        ({"birth_date": "۱۴۰۴/۱۳/۰۱"}, "Enter a valid date, e.g. %(example)s."),
        ({"given_name": ""}, "This field is required."),
    ],
)
def test_bad_input_shows_a_translated_error_and_saves_nothing(alice, settlement_a, change, message):
    members = [person(**{"given_name": "رحیم", "relationship": "head", **change})]
    if "relationship" in change:
        members.append(person(given_name="کریم", relationship="son"))

    response = signed_in(alice).post(REGISTER, form_data(settlement_a, members))

    assert response.status_code == 200
    expected = persian(message)
    if "%(example)s" in expected:
        with translation.override("fa"):
            expected = expected % {"example": dates.format_date(date(2026, 3, 21))}
    assert expected in response.text
    assert not Household.objects.exists()
    assert not Individual.objects.exists()


def test_two_heads_are_refused(alice, settlement_a):
    members = [
        person(given_name="رحیم", relationship="head"),
        person(given_name="کریم", relationship="head"),
    ]

    response = signed_in(alice).post(REGISTER, form_data(settlement_a, members))

    assert persian("Mark exactly one member as the head of household.") in response.text
    assert not Household.objects.exists()


def test_a_household_needs_its_first_member(alice, settlement_a):
    response = signed_in(alice).post(REGISTER, form_data(settlement_a, [person()]))

    assert response.status_code == 200
    assert not Household.objects.exists()


# --- Adding rows ----------------------------------------------------------------------------------


def test_add_member_without_javascript_shows_one_more_empty_row(alice, settlement_a):
    data = form_data(settlement_a, [person(given_name="رحیم", relationship="head")])

    response = signed_in(alice).post(REGISTER, {**data, "add_member": "1"})

    assert response.status_code == 200
    assert response.text.count('data-testid="member-row"') == 2
    assert 'name="members-TOTAL_FORMS" value="2"' in response.text
    assert 'value="رحیم"' in response.text
    assert "invalid-feedback" not in response.text  # the half-typed row is not scolded yet
    assert not Household.objects.exists()


def test_the_member_row_fragment_is_numbered_after_the_rows_there(alice):
    response = signed_in(alice).get(
        reverse("registry:register_member_row"), {"members-TOTAL_FORMS": "3"}
    )

    assert response.status_code == 200
    assert 'name="members-3-given_name"' in response.text
    assert 'hx-swap-oob="true"' in response.text
    assert 'value="4"' in response.text


def test_extra_empty_rows_are_left_out(alice, settlement_a):
    members = [person(given_name="رحیم", relationship="head"), person(sex="", relationship="")]

    response = signed_in(alice).post(REGISTER, form_data(settlement_a, members))

    assert response.status_code == 302
    assert Household.objects.get().size == 1


# --- Who may register where -----------------------------------------------------------------------


def test_the_settlement_is_preselected_and_limited_to_the_clerks_own(bob, settlement_a):
    client = signed_in(bob)
    page = client.get(REGISTER).text
    assert "Sarvestan" in page or "سروستان" in page
    assert "تربت جام" not in page

    response = client.post(
        REGISTER, form_data(settlement_a, [person(given_name="رحیم", relationship="head")])
    )

    assert response.status_code == 200
    assert not Household.objects.exists()


@pytest.mark.parametrize("persona", ["vera", "nasrin"])
def test_roles_without_registry_editing_get_404(persona, request, settlement_a):
    client = signed_in(request.getfixturevalue(persona))

    assert client.get(REGISTER).status_code == 404
    assert client.post(REGISTER, form_data(settlement_a, ebrahimi_family())).status_code == 404
    assert client.get(reverse("registry:register_member_row")).status_code == 404
    assert not Household.objects.exists()
