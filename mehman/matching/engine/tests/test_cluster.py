"""What may be merged: clusters that never hold two people's numbers, and the veto on twins."""

from __future__ import annotations

import pytest

from mehman.matching.engine import LatinTable, Prepared, prepare
from mehman.matching.engine.cluster import cluster
from mehman.matching.engine.comparisons import COMPARISONS, levels, vetoed
from mehman.matching.engine.frame import Frequencies
from mehman.matching.engine.pipeline import mergeable
from mehman.matching.engine.prepare import latin_pairs
from mehman.matching.engine.tests import row

X = "123456789012"
X_TYPO = "123456789013"  # one digit wrong
X_SWAP = "123456789021"  # two neighbours swapped
Y = "987654321098"


def people(*documents: str) -> list[Prepared]:
    table = LatinTable()
    return [
        prepare(i, row(f"R{i}", given_name="علی", document_number=number), table)
        for i, number in enumerate(documents)
    ]


def together(roots: list[int], a: int, b: int) -> bool:
    return roots[a] == roots[b]


# --- Clusters ------------------------------------------------------------------------------


def test_each_record_names_a_member_of_its_cluster() -> None:
    records = people("", "", "", "")
    roots = cluster(records, [(0.9, 0, 1), (0.8, 2, 3)], threshold=0.5)
    assert len(roots) == 4
    for uid, root in enumerate(roots):
        assert roots[root] == root
        assert together(roots, uid, root)
    assert together(roots, 0, 1) and together(roots, 2, 3) and not together(roots, 0, 2)


def test_records_without_pairs_are_clusters_of_their_own() -> None:
    assert cluster(people("", "", ""), [], threshold=0.5) == [0, 1, 2]


def test_the_most_probable_pair_is_merged_first() -> None:
    # 0 and 2 carry different numbers: 1 can join only one of them, the likelier.
    records = people(X, "", Y)
    roots = cluster(records, [(0.7, 0, 1), (0.95, 1, 2)], threshold=0.5)
    assert together(roots, 1, 2)
    assert not together(roots, 0, 1)
    # The order pairs are given in does not matter.
    assert cluster(records, [(0.95, 1, 2), (0.7, 0, 1)], threshold=0.5) == roots
    roots = cluster(records, [(0.95, 0, 1), (0.7, 1, 2)], threshold=0.5)
    assert together(roots, 0, 1) and not together(roots, 1, 2)


def test_two_different_document_numbers_are_never_in_one_cluster() -> None:
    records = people(X, Y)
    assert not together(cluster(records, [(0.999, 0, 1)], threshold=0.5), 0, 1)


def test_a_chain_through_a_record_without_a_number_does_not_join_two_numbers() -> None:
    records = people(X, "", Y, "")
    pairs = [(0.99, 0, 1), (0.98, 1, 2), (0.97, 2, 3), (0.96, 3, 0)]
    roots = cluster(records, pairs, threshold=0.5)
    assert not together(roots, 0, 2)
    assert together(roots, 0, 1)
    assert together(roots, 2, 3)


@pytest.mark.parametrize("other", [X_TYPO, X_SWAP, X])
def test_a_number_one_typo_apart_is_the_same_number(other: str) -> None:
    records = people(X, other)
    assert together(cluster(records, [(0.9, 0, 1)], threshold=0.5), 0, 1)


def test_a_number_two_digits_apart_is_another_number() -> None:
    records = people(X, "123456789099", "923456789013")
    roots = cluster(records, [(0.9, 0, 1), (0.9, 0, 2)], threshold=0.5)
    assert not together(roots, 0, 1)
    assert not together(roots, 0, 2)


def test_pairs_judged_different_are_never_joined_even_through_others() -> None:
    records = people("", "", "", "")
    pairs = [(0.99, 0, 1), (0.98, 1, 2), (0.97, 2, 3)]
    roots = cluster(records, pairs, threshold=0.5, different=[(0, 2)])
    assert not together(roots, 0, 2)
    assert together(roots, 0, 1)
    assert together(roots, 2, 3)
    roots = cluster(records, pairs, threshold=0.5, different=[(3, 0)])
    assert not together(roots, 0, 3)


def test_the_threshold_is_respected() -> None:
    records = people("", "", "", "")
    pairs = [(0.8, 0, 1), (0.79999, 1, 2), (0.5, 2, 3)]
    roots = cluster(records, pairs, threshold=0.8)
    assert together(roots, 0, 1)  # at the threshold: merged
    assert not together(roots, 1, 2)
    assert not together(roots, 2, 3)
    assert len(set(cluster(records, pairs, threshold=0.4))) == 1


def test_numbers_may_be_ignored_when_the_file_says_they_are_unreliable() -> None:
    records = people(X, Y)
    roots = cluster(records, [(0.99, 0, 1)], threshold=0.5, documents_reliable=False)
    assert together(roots, 0, 1)


# --- The veto ------------------------------------------------------------------------------

FAMILY = {
    "father_name": "غلام حیدر",
    "family_name": "رحیمی",
    "birth_date": "2010-03-14",
    "phone": "09151234567",
    "sex": "M",
}
FILLER = [
    ("محمد", "احمد"), ("علی", "حسن"), ("حسین", "کریم"), ("احمد", "محمود"), ("یوسف", "نادر"),
    ("رضا", "ناصر"), ("جعفر", "قاسم"), ("وحید", "رحیم"), ("سلیمان", "شریف"), ("نجیب", "خلیل"),
]  # fmt: skip


def registry(*rows: dict[str, str]) -> tuple[list[Prepared], Frequencies]:
    """The rows, after sixty other people (so that names have realistic frequencies)."""
    filler = [
        row(f"F{i}", given_name=given, father_name=father, family_name="کریمی",
            birth_date=f"{1960 + i % 40}-0{1 + i % 9}-1{i % 10}", sex="M")
        for i, (given, father) in enumerate(FILLER * 6)
    ]  # fmt: skip
    everyone = [*rows, *filler]
    table = LatinTable.learn(latin_pairs(everyone))
    records = [prepare(i, values, table) for i, values in enumerate(everyone)]
    return records, Frequencies.count(records)


def veto(records: list[Prepared], frequencies: Frequencies, a: int = 0, b: int = 1) -> bool:
    x, y = records[a], records[b]
    return vetoed(x, y, levels(x, y, frequencies.buckets()))


def given_label(records: list[Prepared], frequencies: Frequencies) -> str:
    level = levels(records[0], records[1], frequencies.buckets())[0]
    return COMPARISONS[0].levels[level].label


@pytest.mark.parametrize(
    ("one", "other"),
    [("عبدالکریم", "عبدالرحیم"), ("حسن", "یوسف"), ("محمد", "علی"), ("زهرا", "مریم")],
)
def test_twins_with_different_persian_given_names_are_vetoed(one: str, other: str) -> None:
    records, frequencies = registry(row("A", given_name=one, **FAMILY),
                                    row("B", given_name=other, **FAMILY))  # fmt: skip
    assert given_label(records, frequencies) == "else"
    assert veto(records, frequencies)


@pytest.mark.parametrize(("one", "other"), [("حلیمه", "حکیمه"), ("ظاهر", "طاهر")])
def test_twins_with_close_names_and_no_document_are_vetoed(one: str, other: str) -> None:
    # The synthetic registry's hard negatives: twins named حلیمه and حکیمه, or ظاهر and طاهر,
    # one letter apart; sharing the father, the family, the birth date and the phone.
    records, frequencies = registry(row("A", given_name=one, **FAMILY),
                                    row("B", given_name=other, **FAMILY))  # fmt: skip
    assert veto(records, frequencies)


def test_twins_named_with_two_different_prefixes_are_vetoed() -> None:
    # محمد حسین and غلام حسین are two names (brothers often carry both), not one name with
    # its prefix left out.
    records, frequencies = registry(row("A", given_name="محمد حسین", **FAMILY),
                                    row("B", given_name="غلام حسین", **FAMILY))  # fmt: skip
    assert given_label(records, frequencies) == "else"
    assert veto(records, frequencies)


def test_twins_whose_document_field_holds_the_same_placeholder_are_vetoed() -> None:
    records, frequencies = registry(
        row("A", given_name="عبدالکریم", document_number="N/A", **FAMILY),
        row("B", given_name="عبدالرحیم", document_number="N/A", **FAMILY),
    )
    assert veto(records, frequencies)


def test_twins_with_different_documents_are_vetoed_whatever_the_names() -> None:
    records, frequencies = registry(
        row("A", given_name="حلیمه", document_number=X, **FAMILY),
        row("B", given_name="حکیمه", document_number=Y, **FAMILY),
    )
    assert veto(records, frequencies)


def test_the_same_pair_with_the_same_document_is_not_vetoed() -> None:
    records, frequencies = registry(
        row("A", given_name="عبدالکریم", document_number=X, **FAMILY),
        row("B", given_name="عبدالرحیم", document_number=X, **FAMILY),
    )
    assert given_label(records, frequencies) == "else"
    assert not veto(records, frequencies)


def test_a_given_name_in_latin_letters_is_not_vetoed_by_the_name_rule() -> None:
    # "Abdul" has no learnt Persian key: its skeleton does not match, the level is "else", but
    # a Latin spelling may be anything, so it does not keep the records apart.
    records, frequencies = registry(
        row("A", given_name="عبدالکریم", **FAMILY),
        row("B", given_name_latin="Abdul", **FAMILY),
    )
    assert records[1].given_latin
    assert given_label(records, frequencies) == "else"
    assert not veto(records, frequencies)


@pytest.mark.parametrize(
    ("one", "other"),
    [("محمد حسین", "حسین"), ("سید احمد", "احمد"), ("عبدالكريم", "عبدالکریم")],
)
def test_a_prefix_an_honorific_or_arabic_letters_are_not_a_different_name(
    one: str, other: str
) -> None:
    records, frequencies = registry(row("A", given_name=one, **FAMILY),
                                    row("B", given_name=other, **FAMILY))  # fmt: skip
    assert given_label(records, frequencies) in ("exact", "core")
    assert not veto(records, frequencies)


def test_different_numbers_count_less_where_the_file_says_they_are_unreliable() -> None:
    records, frequencies = registry(
        row("A", given_name="عبدالکریم", document_number=X, **FAMILY),
        row("B", given_name="عبدالکریم", document_number=Y, **FAMILY),
    )
    pair_levels = levels(records[0], records[1], frequencies.buckets())
    assert vetoed(records[0], records[1], pair_levels)
    assert not vetoed(records[0], records[1], pair_levels, documents_reliable=False)


def test_mergeable_keeps_probable_pairs_that_no_veto_stops() -> None:
    records, frequencies = registry(
        row("A", given_name="عبدالکریم", **FAMILY),
        row("B", given_name="عبدالکريم", **FAMILY),  # one person, an Arabic keyboard
        row("C", given_name="عبدالرحیم", **FAMILY),  # the twin
    )
    pairs = [(0.99, 0, 1), (0.99, 0, 2), (0.99, 1, 2), (0.4, 3, 4)]
    assert mergeable(records, frequencies, pairs, 0.5) == [(0.99, 0, 1)]
