"""The optimiser's reasons as sentences: every code in English and Persian, plurals,
numbers in the reader's digits, block codes isolated on pages."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import gettext, ngettext

from mehman.housing import reasons


def said(code: str, language: str = "en", **params: object) -> str:
    with translation.override(language):
        return reasons.sentence({"code": code, "params": params})


def said_html(code: str, language: str = "en", **params: object) -> str:
    with translation.override(language):
        return str(reasons.sentence_html({"code": code, "params": params}))


def test_the_rank_gives_the_place_and_the_score():
    assert said("rank", rank=12, priority=3450) == "Rank 12 on the waitlist (score 34.50)."


def test_the_rank_in_persian_has_persian_digits():
    with translation.override("fa"):
        expected = gettext("Rank %(rank)s on the waitlist (score %(score)s).") % {
            "rank": "۱۲",
            "score": "۳۴٫۵۰",
        }
    assert said("rank", "fa", rank=12, priority=3450) == expected
    assert "12" not in expected


def test_a_household_that_fits_with_places_spare():
    assert said("fits", size=6, capacity=7, spare=1) == "All 6 members fit; 1 place spare."
    assert said("fits", size=4, capacity=7, spare=3) == "All 4 members fit; 3 places spare."


def test_a_household_that_fills_the_unit_has_no_place_spare():
    assert said("fits", size=6, capacity=6, spare=0) == "All 6 members fit; no place spare."
    assert said("fits", size=1, capacity=1, spare=0) == "1 member fits; no place spare."


def test_fits_in_persian():
    with translation.override("fa"):
        members = ngettext("%(size)s member fits", "All %(size)s members fit", 6) % {"size": "۶"}
        expected = ngettext(
            "%(members)s; %(spare)s place spare.", "%(members)s; %(spare)s places spare.", 2
        ) % {"members": members, "spare": "۲"}
    assert said("fits", "fa", size=6, capacity=8, spare=2) == expected


def test_step_free_access():
    assert said("accessible") == "A member needs a step-free home, and this unit is step-free."
    with translation.override("fa"):
        expected = gettext("A member needs a step-free home, and this unit is step-free.")
    assert said("accessible", "fa") == expected


def test_a_family_kept_whole_in_one_block():
    text = said("family", group_block="B07", placed_together=3, group_size=3)
    assert text == "Placed in block B07 with all 2 related households."
    text = said("family", group_block="B07", placed_together=2, group_size=2)
    assert text == "Placed in block B07 with its 1 related household."


def test_a_family_partly_in_one_block_names_the_family_size():
    text = said("family", group_block="B07", placed_together=2, group_size=4)
    assert text == (
        "Placed in block B07 with 1 related household; the family has 4 households on the waitlist."
    )
    text = said("family", group_block="B07", placed_together=3, group_size=5)
    assert text.startswith("Placed in block B07 with 2 related households;")


def test_the_family_in_persian_keeps_the_block_code_and_isolates_it_on_pages():
    text = said("family", "fa", group_block="B07", placed_together=3, group_size=5)
    assert "B07" in text
    assert "۲" in text and "۵" in text
    html = said_html("family", "fa", group_block="B07", placed_together=3, group_size=5)
    assert "<bdi>B07</bdi>" in html


def test_a_block_code_is_escaped_on_pages():
    html = said_html("family", group_block="<b>", placed_together=2, group_size=2)
    assert "<bdi>&lt;b&gt;</bdi>" in html
    assert "<b>" not in html


def test_a_family_split_over_blocks():
    assert said("family_split", blocks=2) == (
        "Its family could not be kept together: it is spread over 2 blocks."
    )
    with translation.override("fa"):
        expected = ngettext(
            "Its family could not be kept together: it is spread over %(blocks)s block.",
            "Its family could not be kept together: it is spread over %(blocks)s blocks.",
            3,
        ) % {"blocks": "۳"}
    assert said("family_split", "fa", blocks=3) == expected


def test_the_smallest_unit_that_fits():
    assert said("smallest_fit") == "No smaller vacancy that fits the household was left."
    with translation.override("fa"):
        expected = gettext("No smaller vacancy that fits the household was left.")
    assert said("smallest_fit", "fa") == expected


@pytest.mark.parametrize(
    ("why", "size", "fitting", "english"),
    [
        (
            "no_fit",
            9,
            0,
            "Not placed: no vacancy of this run holds its 9 members "
            "(or is step-free where needed).",
        ),
        (
            "no_fit",
            1,
            0,
            "Not placed: no vacancy of this run holds its 1 member (or is step-free where needed).",
        ),
        (
            "outranked",
            4,
            1,
            "Not placed: the 1 vacancy that would fit went to another household.",
        ),
        (
            "outranked",
            4,
            3,
            "Not placed: all 3 vacancies that would fit went to other households.",
        ),
        (
            "not_worth",
            1,
            2,
            "Not placed: 2 vacancies would fit, but each would leave too many places unused.",
        ),
        ("something_new", 1, 2, "Not placed."),
    ],
)
def test_why_a_household_was_not_placed(why, size, fitting, english):
    assert said("not_placed", why=why, size=size, fitting=fitting) == english


def test_not_placed_in_persian_has_persian_digits():
    text = said("not_placed", "fa", why="outranked", size=4, fitting=3)
    assert "۳" in text and "3" not in text


def test_an_unknown_code_is_named_not_hidden():
    assert said("moon_phase") == "Another reason (moon_phase)."


def test_every_reason_of_a_proposal_in_order():
    with translation.override("en"):
        found = reasons.sentences(
            [
                {"code": "rank", "params": {"rank": 1, "priority": 100}},
                {"code": "smallest_fit", "params": {}},
            ]
        )
    assert [str(s) for s in found] == [
        "Rank 1 on the waitlist (score 1.00).",
        "No smaller vacancy that fits the household was left.",
    ]


def test_missing_parameters_read_as_zero_not_an_error():
    assert said("fits") == "All 0 members fit; no place spare."
    assert said("rank", rank="x") == "Rank 0 on the waitlist (score 0.00)."
