"""The pages that change a household, through the client: each calls its service and says so."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from conftest import signed_in
from mehman.accounts.models import AccessLog, Role
from mehman.accounts.tests.factories import UserFactory
from mehman.registry import services
from mehman.registry.models import (
    CaseNote,
    Household,
    HouseholdStatus,
    IdentityDocument,
    Individual,
    IndividualStatus,
    SpecificNeed,
    SpecificNeedCode,
)
from mehman.registry.tests import factories

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def family(settlement_a, alice) -> Household:
    return factories.household(settlement_a, by=alice)


@pytest.fixture
def carla(settlement_a):
    """A caseworker in settlement A: she may see and record protected needs and write notes."""
    return UserFactory(username="carla", role=Role.CASEWORKER, settlements=[settlement_a])


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def member(household: Household, given_name: str) -> Individual:
    return household.members.get(given_name=given_name)


def url(name: str, household: Household, *args: Any) -> str:
    return reverse(f"registry:{name}", args=[household.reference, *args])


def profile(household: Household) -> str:
    return reverse("registry:household", args=[household.reference])


def persian(message: str) -> str:
    with translation.override("fa"):
        return translation.gettext(message)


def first_need(*, sensitive: bool) -> SpecificNeedCode:
    return SpecificNeedCode.objects.filter(parent__isnull=False, sensitive=sensitive).first()


# --- Members and life events ----------------------------------------------------------------


def test_a_clerk_adds_a_member(alice, family):
    response = signed_in(alice).post(
        url("member_add", family),
        {
            "given_name": "رقیه",
            "family_name": "کریمی",
            "father_name": "محمد",
            "sex": "F",
            "birth_year": "۱۳۳۵",
            "relationship": "mother",
            "marital_status": "widowed",
            "education": "none",
        },
    )

    assert response["Location"] == profile(family)
    added = member(family, "رقیه")
    assert (added.birth_date, added.birth_date_estimated) == (date(1956, 9, 23), True)
    family.refresh_from_db()
    assert family.size == 5


def test_the_add_member_page_offers_no_second_head(alice, family):
    page = signed_in(alice).get(url("member_add", family)).text

    assert 'value="head"' not in page
    assert 'value="spouse"' in page


def test_the_death_of_the_head_needs_a_new_head(alice, family):
    client = signed_in(alice)
    head, spouse = family.head, member(family, "فاطمه")
    page = url("death", family, head.uuid)

    refused = client.post(page, {"died_on": "۱۴۰۵/۰۱/۰۱"})
    assert persian("The head of household has died: choose the new head.") in refused.text
    head.refresh_from_db()
    assert head.is_active

    done = client.post(page, {"died_on": "۱۴۰۵/۰۱/۰۱", "new_head": str(spouse.uuid)})

    assert done["Location"] == profile(family)
    family.refresh_from_db()
    assert family.head == spouse
    spouse.refresh_from_db()
    assert spouse.marital_status == "widowed"


def test_a_marriage_moves_the_person_into_the_spouses_household(alice, settlement_a, family):
    groom_family = factories.household(
        settlement_a,
        by=alice,
        members=[factories.member(given_name="رضا", family_name="نوری", marital_status="single")],
    )
    bride = member(family, "زهرا")
    page = url("marriage", family, bride.uuid)
    client = signed_in(alice)

    lookup = client.get(page, {"spouse_household": groom_family.reference.lower()})
    assert 'data-testid="spouse-household"' in lookup.text
    groom = groom_family.head
    assert str(groom.uuid) in lookup.text

    response = client.post(
        page,
        {
            "spouse_household": groom_family.reference,
            "spouse": str(groom.uuid),
            "married_on": "۱۴۰۴/۱۲/۰۱",
        },
    )

    assert response["Location"] == profile(family)
    bride.refresh_from_db()
    assert bride.household == groom_family
    assert (bride.relationship, bride.marital_status) == ("spouse", "married")


def test_a_spouse_is_not_found_in_another_settlement(alice, bob, settlement_b, family):
    elsewhere = factories.household(settlement_b, by=bob)

    response = signed_in(alice).get(
        url("marriage", family, family.head.uuid), {"spouse_household": elsewhere.reference}
    )

    assert 'data-testid="not-found"' in response.text
    assert str(elsewhere.head.uuid) not in response.text


def test_a_split_forms_a_new_household_and_goes_to_it(alice, family):
    son, daughter = member(family, "حسین"), member(family, "زهرا")

    response = signed_in(alice).post(
        url("split", family),
        {"members": [str(son.uuid), str(daughter.uuid)], "new_head": str(son.uuid), "block": "B4"},
    )

    new = Household.objects.exclude(pk=family.pk).get()
    assert response["Location"] == profile(new)
    assert (new.head, new.size, new.block) == (son, 2, "B4")
    family.refresh_from_db()
    assert family.size == 2


def test_the_head_cannot_be_split_away(alice, family):
    response = signed_in(alice).post(
        url("split", family),
        {"members": [str(family.head.uuid)], "new_head": str(family.head.uuid)},
    )

    assert response.status_code == 200
    assert Household.objects.count() == 1


def test_a_merge_is_confirmed_on_a_page_showing_both_then_undone(alice, settlement_a, family):
    other = factories.household(
        settlement_a,
        by=alice,
        members=[factories.member(given_name="نادر", family_name="صافی")],
    )
    client = signed_in(alice)
    data = {"other": other.reference, "former_head_relationship": "brother"}

    confirm = client.post(url("merge", family), data)
    assert 'data-testid="merge-keep"' in confirm.text
    assert 'data-testid="merge-absorb"' in confirm.text
    assert "نادر" in confirm.text and "فاطمه" in confirm.text
    other.refresh_from_db()
    assert other.merged_into is None

    merged = client.post(url("merge", family), {**data, "confirmed": "1"})

    assert merged["Location"] == profile(family)
    other.refresh_from_db()
    assert (other.merged_into, other.status) == (family, HouseholdStatus.CLOSED)
    assert member(family, "نادر").relationship == "brother"

    assert url("unmerge", other) in client.get(profile(other)).text  # its page offers the undo
    undone = client.post(url("unmerge", other))

    assert undone["Location"] == profile(other)
    other.refresh_from_db()
    assert other.merged_into is None and other.size == 1
    assert member(other, "نادر").relationship == "head"


def test_a_household_closed_by_a_persons_merge_does_not_offer_to_undo_a_household_merge(
    alice, settlement_a, family
):
    # Registered again on her own; her record is merged into the one in the family.
    alone = factories.household(
        settlement_a,
        by=alice,
        members=[factories.member(given_name="فاطمه", family_name="احمدی", father_name="غلام")],
    )
    on_file = member(family, "فاطمه")
    services.merge_individuals(keep=on_file, duplicate=alone.head, by=alice)
    alone.refresh_from_db()
    assert (alone.merged_into, alone.status) == (family, HouseholdStatus.CLOSED)

    client = signed_in(alice)
    page = client.get(profile(alone)).text

    assert url("unmerge", alone) not in page
    assert 'data-testid="not-merged"' in client.get(url("unmerge", alone)).text


def test_a_household_cannot_be_merged_with_one_out_of_scope(alice, bob, settlement_b, family):
    elsewhere = factories.household(settlement_b, by=bob)

    response = signed_in(alice).post(
        url("merge", family), {"other": elsewhere.reference, "confirmed": "1"}
    )

    assert persian("No other household with this reference number.") in response.text
    elsewhere.refresh_from_db()
    assert elsewhere.merged_into is None


def test_undoing_a_merge_is_not_offered_for_a_household_never_merged(alice, family):
    page = signed_in(alice).get(url("unmerge", family)).text

    assert 'data-testid="not-merged"' in page
    assert 'data-testid="save"' not in page


def test_the_head_is_changed_with_the_former_heads_new_relationship(alice, family):
    former, son = family.head, member(family, "حسین")

    response = signed_in(alice).post(
        url("change_head", family),
        {"new_head": str(son.uuid), "former_head_relationship": "father"},
    )

    assert response["Location"] == profile(family)
    family.refresh_from_db()
    former.refresh_from_db()
    assert (family.head, former.relationship) == (son, "father")


# --- Documents -----------------------------------------------------------------------------------


def test_a_document_is_added_with_a_scan_and_then_verified(alice, family):
    client = signed_in(alice)
    head = family.head

    added = client.post(
        url("document_add", family, head.uuid),
        {
            "doc_type": "amayesh",
            "number_typed": "۹۸۷-۶۵۴-۳۲۱",
            "expires_on": "۱۴۰۶/۰۶/۳۱",
            "cycle": "آمایش ۱۸",
            "scan": SimpleUploadedFile("card.html", PNG, content_type="text/html"),
        },
    )

    assert added["Location"] == profile(family)
    document = IdentityDocument.objects.get()
    assert (document.number, document.expires_on) == ("987654321", date(2027, 9, 22))
    assert document.scan.name.endswith(".png")  # named by its content, not its upload name

    verified = client.post(url("document_verify", family, document.uuid))

    assert verified["Location"] == profile(family)
    document.refresh_from_db()
    assert document.verified_by == alice and document.verified_at is not None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<html>not a scan</html>", "The scan must be a JPEG or PNG photo or a PDF."),
        (b"%PDF-" + b"0" * (5 * 1024 * 1024), "The scan is larger than 5 MB."),
    ],
)
def test_a_scan_that_is_not_an_image_or_pdf_or_too_large_is_refused(
    alice, family, content, message
):
    response = signed_in(alice).post(
        url("document_add", family, family.head.uuid),
        {
            "doc_type": "amayesh",
            "number_typed": "987654321",
            "scan": SimpleUploadedFile("scan.pdf", content),
        },
    )

    assert persian(message) in response.text
    assert not IdentityDocument.objects.exists()


def test_an_invalid_national_code_is_refused_on_the_document_page(alice, family):
    response = signed_in(alice).post(
        url("document_add", family, family.head.uuid),
        {"doc_type": "national_code", "number_typed": "1234567890"},
    )

    message = "An Iranian national code has 10 digits and a valid check digit."
    assert persian(message) in response.text
    assert not IdentityDocument.objects.exists()


def test_verifying_is_a_post_only(alice, family):
    document = services.add_document(
        person=family.head, by=alice, doc_type="amayesh", number_typed="123456789"
    )

    response = signed_in(alice).get(url("document_verify", family, document.uuid))

    assert response.status_code == 405
    document.refresh_from_db()
    assert document.verified_at is None


# --- Specific needs and case notes ----------------------------------------------------------


def test_a_clerk_records_and_resolves_an_ordinary_need(alice, family):
    code = first_need(sensitive=False)
    client = signed_in(alice)
    son = member(family, "حسین")

    recorded = client.post(url("need_add", family, son.uuid), {"code": code.code})
    need = SpecificNeed.objects.get()
    resolved = client.post(url("need_resolve", family, need.uuid), {"note": "پیگیری شد"})

    assert recorded["Location"] == resolved["Location"] == profile(family)
    need.refresh_from_db()
    assert (need.individual, need.code, need.note) == (son, code, "پیگیری شد")
    assert need.resolved_on is not None


def test_a_clerk_is_not_offered_and_cannot_record_a_protected_need(alice, family):
    protected = first_need(sensitive=True)
    page = url("need_add", family, family.head.uuid)
    client = signed_in(alice)

    assert f'value="{protected.code}"' not in client.get(page).text
    response = client.post(page, {"code": protected.code})

    assert response.status_code == 200
    assert not SpecificNeed.objects.exists()


def test_a_caseworker_records_a_protected_need_and_her_reading_is_logged(carla, alice, family):
    protected = first_need(sensitive=True)
    client = signed_in(carla)
    page = url("need_add", family, family.head.uuid)

    assert f'value="{protected.code}"' in client.get(page).text
    client.post(page, {"code": protected.code})
    need = SpecificNeed.objects.get()
    assert need.code == protected

    assert signed_in(alice).get(url("need_resolve", family, need.uuid)).status_code == 404
    assert not AccessLog.objects.exists()
    shown = client.get(url("need_resolve", family, need.uuid))
    assert protected.code in shown.text
    log = AccessLog.objects.get()
    assert (log.user, log.record_uuid, log.subject) == (carla, need.uuid, family.reference)


def test_only_protection_staff_write_case_notes(alice, carla, family):
    page = url("note_add", family)

    assert signed_in(alice).get(page).status_code == 404
    assert signed_in(alice).post(page, {"body": "یادداشت"}).status_code == 404
    assert not CaseNote.objects.exists()

    response = signed_in(carla).post(page, {"body": "خانوار نیاز به پیگیری دارد."})

    assert response["Location"] == profile(family)
    assert CaseNote.objects.get().written_by == carla


# --- Corrections ---------------------------------------------------------------------------------


def test_a_member_is_corrected_with_a_reason_and_the_page_shows_the_value_on_record(alice, family):
    son = member(family, "حسین")
    page = url("correct_member", family, son.uuid)
    client = signed_in(alice)
    form = client.get(page)
    assert 'data-current="given_name"' in form.text
    assert f'name="version" value="{son.version}"' in form.text

    response = client.post(
        page,
        {
            **correction_of(son),
            "given_name": "حسن",
            "birth_date": "۱۳۹۴/۰۳/۱۱",
            "reason": "اشتباه تایپی",
        },
    )

    assert response["Location"] == profile(family)
    son.refresh_from_db()
    assert (son.given_name, son.given_key, son.birth_date) == ("حسن", "حسن", date(2015, 6, 1))
    event = family.events.get(kind="household.corrected")
    assert event.params["fields"] == ["given_name"]


def test_a_stale_correction_is_refused(alice, mona, family):
    son = member(family, "حسین")
    seen = correction_of(son)
    services.correct(record=son, by=mona, reason="fix", occupation="دانش‌آموز")

    response = signed_in(alice).post(
        url("correct_member", family, son.uuid),
        {**seen, "given_name": "حسن", "reason": "اشتباه تایپی"},
    )

    assert response.status_code == 200
    assert persian("Someone else changed this record meanwhile. Reload it and try again.") in (
        response.text
    )
    son.refresh_from_db()
    assert son.given_name == "حسین"


def test_a_correction_without_a_change_or_a_reason_is_refused(alice, family):
    client = signed_in(alice)
    page = url("correct_household", family)

    unchanged = client.post(page, {**correction_of(family), "reason": "هیچ"})
    no_reason = client.post(page, {**correction_of(family), "block": "C1", "reason": ""})

    assert persian("Nothing was changed.") in unchanged.text
    assert no_reason.status_code == 200
    family.refresh_from_db()
    assert family.block == ""


def test_a_document_is_corrected(alice, family):
    document = services.add_document(
        person=family.head, by=alice, doc_type="amayesh", number_typed="123456789"
    )

    response = signed_in(alice).post(
        url("correct_document", family, document.uuid),
        {**correction_of(document), "number_typed": "123456780", "reason": "خوانا نبود"},
    )

    assert response["Location"] == profile(family)
    document.refresh_from_db()
    assert document.number == "123456780"


def correction_of(record: Any) -> dict[str, Any]:
    """What the correction page posts when nothing is changed (values as a browser sends them)."""
    from mehman.registry.forms.actions import correction_form_class

    form = correction_form_class(type(record))(instance=record)
    data: dict[str, Any] = {"version": record.version}
    for name, field in form.fields.items():
        if name in ("reason", "version"):
            continue
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        data[name] = field.widget.format_value(value) if isinstance(value, date) else value
        if data[name] is None:
            data[name] = ""
    return data


# --- Who may act ---------------------------------------------------------------------------------


def every_action(household: Household) -> list[tuple[str, str]]:
    head = household.head
    document = services.add_document(
        person=head, by=None, doc_type="amayesh", number_typed="555666777"
    )
    need = services.record_need(person=head, code=first_need(sensitive=False), by=None)
    pages = [
        ("member_add", url("member_add", household)),
        ("birth", url("birth", household)),
        ("death", url("death", household, head.uuid)),
        ("marriage", url("marriage", household, head.uuid)),
        ("split", url("split", household)),
        ("merge", url("merge", household)),
        ("unmerge", url("unmerge", household)),
        ("change_head", url("change_head", household)),
        ("document_add", url("document_add", household, head.uuid)),
        ("need_add", url("need_add", household, head.uuid)),
        ("need_resolve", url("need_resolve", household, need.uuid)),
        ("correct_household", url("correct_household", household)),
        ("correct_member", url("correct_member", household, head.uuid)),
        ("correct_document", url("correct_document", household, document.uuid)),
        ("note_add", url("note_add", household)),
    ]
    return [*pages, ("document_verify", url("document_verify", household, document.uuid))]


@pytest.mark.parametrize("persona", ["bob", "vera", "nasrin"])
def test_outsiders_get_404_on_every_action_of_a_household_in_a(persona, request, family):
    client = signed_in(request.getfixturevalue(persona))
    before = Individual.objects.count(), family.events.count()

    for name, page in every_action(family):
        if name != "document_verify":
            assert client.get(page).status_code == 404, name
        assert client.post(page, {"given_name": "x", "died_on": "1405/01/01"}).status_code == 404, (
            name
        )

    assert (Individual.objects.count(), family.events.count()) == (before[0], before[1] + 2)
    head = Individual.objects.get(pk=family.head_id)
    assert head.status == IndividualStatus.ACTIVE
    assert not IdentityDocument.objects.filter(verified_at__isnull=False).exists()


def test_every_action_page_opens_for_a_manager_in_a(mona, family):
    client = signed_in(mona)

    for name, page in every_action(family):
        if name != "document_verify":
            assert client.get(page).status_code == 200, name


def test_the_profile_links_to_the_actions_the_user_may_take(alice, carla, family):
    document = services.add_document(
        person=family.head, by=alice, doc_type="amayesh", number_typed="123456789"
    )
    need = services.record_need(person=family.head, code=first_need(sensitive=False), by=alice)

    clerks = signed_in(alice).get(profile(family)).text
    caseworkers = signed_in(carla).get(profile(family)).text

    for page in (clerks, caseworkers):
        assert url("member_add", family) in page
        assert url("death", family, family.head.uuid) in page
        assert url("document_verify", family, document.uuid) in page
        assert url("need_resolve", family, need.uuid) in page
    assert url("note_add", family) not in clerks
    assert url("note_add", family) in caseworkers
