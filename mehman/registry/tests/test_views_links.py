"""The household page's related households, end to end through the client: linking,
refusals with their translated errors, unlinking with a reason, and who may do it."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from conftest import signed_in
from mehman.core.digits import localize_digits
from mehman.registry import services
from mehman.registry.models import HouseholdEvent, HouseholdLink, Kinship
from mehman.registry.tests.factories import household


def persian(message: str, **params: str) -> str:
    """The message as a Persian user (the default, and every user here) reads it, as HTML."""
    with translation.override("fa"):
        text = translation.gettext(message)
    return escape(text % params if params else text)


def profile(reference: str) -> str:
    return reverse("registry:household", args=[reference])


def link_url(reference: str) -> str:
    return reverse("registry:household_link", args=[reference])


def unlink_url(reference: str, link: HouseholdLink) -> str:
    return reverse("registry:household_unlink", args=[reference, link.uuid])


@pytest.fixture
def karimi(settlement_a, alice):
    return household(settlement_a, by=alice)


@pytest.fixture
def ahmadi(settlement_a, alice):
    return household(settlement_a, by=alice, status="resident")


def _link(client, household_obj, other_reference, kinship=Kinship.SIBLINGS, note=""):
    return client.post(
        link_url(household_obj.reference),
        {"other": other_reference, "kinship": kinship, "note": note},
    )


# --- Linking --------------------------------------------------------------------------------


def test_a_clerk_links_two_households_and_both_pages_show_it(alice, karimi, ahmadi):
    client = signed_in(alice)
    # Typed with Persian digits and in lower case, as a clerk may.
    typed = localize_digits(ahmadi.reference.lower())
    response = _link(client, karimi, typed, Kinship.PARENT_CHILD, "Grown son's family")
    assert response.status_code == 302
    assert response["Location"] == profile(karimi.reference)
    link = HouseholdLink.objects.get()
    assert (link.kinship, link.note) == (Kinship.PARENT_CHILD, "Grown son's family")

    page = client.get(profile(karimi.reference)).content.decode()
    assert persian("The households were linked.") in page
    assert persian("Related households") in page
    assert f'href="{profile(ahmadi.reference)}"' in page
    assert persian("Parents and a grown child's family") in page
    assert escape("Grown son's family") in page
    assert persian("Related household linked") in page  # on the timeline

    other = client.get(profile(ahmadi.reference)).content.decode()
    assert f'href="{profile(karimi.reference)}"' in other
    assert persian("Related household linked") in other
    assert unlink_url(ahmadi.reference, link) in other
    for each in (karimi, ahmadi):
        assert HouseholdEvent.objects.filter(aggregate=each, kind="household.linked").exists()


def test_a_household_without_relatives_says_so_and_offers_the_form(alice, karimi):
    page = signed_in(alice).get(profile(karimi.reference)).content.decode()
    assert persian("No related household recorded.") in page
    assert link_url(karimi.reference) in page
    assert 'data-testid="link-household"' in page


def _refused(response, message):
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert persian("Link a related household") in page
    return page


def test_a_household_cannot_be_linked_to_itself(alice, karimi):
    response = _link(signed_in(alice), karimi, karimi.reference)
    _refused(response, persian("A household cannot be linked to itself."))
    assert not HouseholdLink.objects.exists()


def test_households_are_linked_only_once(alice, karimi, ahmadi):
    client = signed_in(alice)
    _link(client, karimi, ahmadi.reference)
    response = _link(client, ahmadi, karimi.reference, Kinship.EXTENDED)
    _refused(response, persian("These households are already linked."))
    assert HouseholdLink.objects.get().kinship == Kinship.SIBLINGS


def test_a_household_of_another_settlement_is_unknown_to_a_clerk(alice, karimi, settlement_b, bob):
    elsewhere = household(settlement_b, by=bob)
    response = _link(signed_in(alice), karimi, elsewhere.reference)
    _refused(response, persian("No household with this reference number."))
    assert not HouseholdLink.objects.exists()


def test_households_of_two_settlements_cannot_be_linked_even_by_an_administrator(
    adam, karimi, settlement_b, bob
):
    elsewhere = household(settlement_b, by=bob)
    response = _link(signed_in(adam), karimi, elsewhere.reference)
    _refused(response, persian("Related households must be registered in the same settlement."))
    assert not HouseholdLink.objects.exists()


def test_a_closed_household_cannot_be_linked(alice, karimi, ahmadi):
    services.change_status(household=ahmadi, status="closed", by=alice, reason="Left Iran")
    response = _link(signed_in(alice), karimi, ahmadi.reference)
    _refused(
        response,
        persian(
            "%(reference)s is no longer an applicant or a resident.", reference=ahmadi.reference
        ),
    )
    assert not HouseholdLink.objects.exists()


def test_an_unknown_reference_and_a_missing_kinship_are_form_errors(alice, karimi):
    response = _link(signed_in(alice), karimi, "TJ-999999", kinship="")
    page = _refused(response, persian("No household with this reference number."))
    assert persian("This field is required.") in page
    assert not HouseholdLink.objects.exists()


def test_linking_is_posted_only(alice, karimi):
    assert signed_in(alice).get(link_url(karimi.reference)).status_code == 405


# --- Unlinking ------------------------------------------------------------------------------


@pytest.fixture
def link(karimi, ahmadi, alice):
    return services.link_households(
        household=karimi, other=ahmadi, kinship=Kinship.SIBLINGS, by=alice
    )


def test_removing_a_link_needs_a_reason(alice, karimi, link):
    response = signed_in(alice).post(unlink_url(karimi.reference, link), {"reason": "  "})
    assert response.status_code == 200
    page = response.content.decode()
    assert persian("This field is required.") in page
    assert HouseholdLink.objects.filter(pk=link.pk).exists()
    assert not HouseholdEvent.objects.filter(kind="household.unlinked").exists()


def test_a_link_is_removed_with_its_reason_on_both_timelines(alice, karimi, ahmadi, link):
    client = signed_in(alice)
    response = client.post(unlink_url(ahmadi.reference, link), {"reason": "Not related"})
    assert response.status_code == 302
    assert response["Location"] == profile(ahmadi.reference)
    assert not HouseholdLink.objects.exists()
    for each in (karimi, ahmadi):
        page = client.get(profile(each.reference)).content.decode()
        assert persian("Related household unlinked") in page
        assert "Not related" in page
        assert persian("No related household recorded.") in page


def test_a_link_is_removed_only_from_a_household_it_belongs_to(alice, settlement_a, link):
    stranger = household(settlement_a, by=alice)
    response = signed_in(alice).post(unlink_url(stranger.reference, link), {"reason": "x"})
    assert response.status_code == 404
    assert HouseholdLink.objects.exists()


# --- Who may --------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["bob", "vera", "nasrin"])
def test_outsiders_get_404_and_change_nothing(request, persona, karimi, ahmadi, link):
    client = signed_in(request.getfixturevalue(persona))
    third = household(karimi.settlement, by=None)
    assert _link(client, karimi, third.reference).status_code == 404
    response = client.post(unlink_url(karimi.reference, link), {"reason": "x"})
    assert response.status_code == 404
    assert list(HouseholdLink.objects.all()) == [link]
