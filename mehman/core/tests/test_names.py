# ruff: noqa: RUF001 -- Arabic-script letters are the subject here.
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from mehman.core import names

ZWNJ = "\u200c"

# Persian and Arabic letters, the marks the folding removes, spaces and ZWNJ: the
# alphabet clerks actually type, so the properties are tried on realistic text.
arabic_script = st.text(
    alphabet=st.sampled_from(
        [
            *"ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیيكةۀأإآؤئىـ",
            *("\u064b", "\u064e", "\u0650", "\u0651", "\u0652", "\u0670", ZWNJ, " ", "\u200d"),
            *"۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩0123456789",
        ]
    ),
    max_size=30,
)
any_text = st.one_of(arabic_script, st.text(max_size=30))
name_keys = st.text(alphabet=st.sampled_from(list("ابتحدرسعلمنوهیک")), min_size=1, max_size=10)


# --- fold ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("علي", "علی"),  # Arabic yeh
        ("مصطفى", "مصطفی"),  # alef maksura
        ("رئیس", "رییس"),  # yeh with hamza
        ("كريمي", "کریمی"),  # Arabic kaf
        ("فاطمة", "فاطمه"),  # teh marbuta
        ("خانۀ", "خانه"),  # heh with yeh above
        ("أحمد", "احمد"),
        ("إبراهيم", "ابراهیم"),
        ("آمنه", "امنه"),
        ("مؤمن", "مومن"),
    ],
)
def test_arabic_letter_forms_fold_to_the_persian_letter(typed, folded):
    assert names.fold(typed) == folded


def test_tatweel_is_removed():
    assert names.fold("محـــمد") == "محمد"


def test_diacritics_are_removed():
    assert names.fold("مُحَمَّد") == "محمد"
    assert names.fold("رحمٰن") == "رحمن"  # superscript alef


def test_zero_width_non_joiner_becomes_a_space_and_joiner_disappears():
    assert names.fold(f"نور{ZWNJ}الدین") == "نور الدین"
    assert names.fold("زهرا\u200d") == "زهرا"


def test_persian_and_arabic_digits_fold_to_ascii():
    assert names.fold("۱۲۳۴") == "1234"
    assert names.fold("٤٥٦") == "456"


def test_latin_is_lower_cased_and_spaces_collapse():
    assert names.fold("  Ali   KARIMI ") == "ali karimi"


def test_punctuation_becomes_a_space():
    assert names.fold("Ali-Reza.Karimi") == "ali reza karimi"


def test_fold_of_nothing_is_empty():
    assert names.fold("") == ""
    assert names.fold(None) == ""  # type: ignore[arg-type]


@given(any_text)
@example("İsmail")  # lower-cases to "i" and a combining dot
def test_fold_is_idempotent(text):
    assert names.fold(names.fold(text)) == names.fold(text)


@given(any_text)
def test_folded_text_has_no_arabic_forms_marks_or_zero_width_characters(text):
    folded = names.fold(text)
    assert not set(folded) & set("يىكةۀأإآؤئـ\u200c\u200d\u064b\u064e\u0650\u0651\u0670")
    assert "  " not in folded
    assert folded == folded.strip()


# --- name_key -----------------------------------------------------------------------------


def test_a_compound_name_with_a_space_has_the_key_of_the_joined_name():
    assert names.name_key("عبد الله") == names.name_key("عبدالله") == "عبدالله"


def test_a_compound_name_with_a_zwnj_has_the_key_of_the_joined_name():
    assert names.name_key(f"عبد{ZWNJ}الله") == names.name_key("عبدالله")


def test_arabic_spelling_has_the_key_of_the_persian_spelling():
    assert names.name_key("عبد الرحيم") == names.name_key("عبدالرحیم")


@given(any_text)
def test_a_name_key_has_no_spaces(text):
    assert " " not in names.name_key(text)


@given(any_text)
def test_name_key_is_the_fold_without_spaces(text):
    assert names.name_key(text) == names.fold(text).replace(" ", "")


def test_name_tokens_are_the_folded_words():
    assert names.name_tokens("علي  كريمي") == ["علی", "کریمی"]
    assert names.name_tokens("   ") == []


def test_compound_splits_read_the_words_as_given_and_family_name_every_way():
    assert list(names.compound_splits(["عبد", "الله", "کریمی"])) == [
        ("عبد", "اللهکریمی"),
        ("عبدالله", "کریمی"),
        ("عبداللهکریمی", ""),
    ]


def test_distinct_keys_drop_empty_values_and_duplicates():
    assert names.distinct_keys(["علي", "علی", "", "  "]) == {"علی"}


# --- document_key -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "1234-5678-90",
        "1234 5678 90",
        "1234/5678/90",
        "۱۲۳۴-۵۶۷۸-۹۰",
        "١٢٣٤ ٥٦٧٨ ٩٠",
        " 1234567890 ",
    ],
)
def test_a_document_number_is_compared_without_separators_and_in_ascii_digits(typed):
    assert names.document_key(typed) == "1234567890"


def test_letters_in_a_document_number_are_upper_cased():
    assert names.document_key("p 0123-ab") == "P0123AB"


def test_full_width_digits_are_ascii_in_a_document_key():
    assert names.document_key("１２３") == "123"


# --- phone_key ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "09123456789",
        "0912 345 6789",
        "0912-345-6789",
        "+98 912 345 6789",
        "+989123456789",
        "0098 912 345 6789",
        "00989123456789",
        "989123456789",
        "9123456789",
        "۰۹۱۲ ۳۴۵ ۶۷۸۹",
        "٠٩١٢٣٤٥٦٧٨٩",
        "+۹۸ ۹۱۲ ۳۴۵ ۶۷۸۹",
    ],
)
def test_every_way_of_typing_an_iranian_mobile_gives_the_same_key(typed):
    assert names.phone_key(typed) == "09123456789"


def test_a_landline_keeps_its_leading_zero():
    assert names.phone_key("051 3252 1234") == "05132521234"
    assert names.phone_key("+98 51 3252 1234") == "05132521234"


def test_a_foreign_number_keeps_its_international_prefix():
    assert names.phone_key("+93 70 123 4567") == "0093701234567"


def test_text_without_digits_has_no_phone_key():
    assert names.phone_key("") == ""
    assert names.phone_key("ندارد") == ""


# --- reference_key ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["TJ-004512", "TJ-4512", "tj 004512", "tj-4512", "TJ4512", "TJ/4512", "TJ-۴۵۱۲", "tj ٤٥١٢"],
)
def test_a_reference_is_recognised_however_it_is_typed(typed):
    assert names.reference_key(typed) == "TJ-004512"


def test_a_reference_key_pads_to_the_given_width():
    assert names.reference_key("SV-7", width=4) == "SV-0007"


@pytest.mark.parametrize(
    "typed", ["", "4512", "TJ-", "T-4512", "علی کریمی", "TJ-45A", "TJ-1234567890"]
)
def test_text_that_is_not_a_reference_has_no_reference_key(typed):
    assert names.reference_key(typed) == ""


# --- looks_like_number --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["1234", "۱۲۳۴", "0912 345 6789", "+98 912 345 6789", "AB1234", "P-1234-56"]
)
def test_mostly_digits_looks_like_a_number(text):
    assert names.looks_like_number(text)


@pytest.mark.parametrize("text", ["", "123", "علی کریمی", "ABCDE1234", "Ali Karimi 12"])
def test_names_and_short_numbers_do_not_look_like_numbers(text):
    assert not names.looks_like_number(text)


# --- deletions and within_one_edit --------------------------------------------------------


def test_deletions_are_the_key_and_every_one_letter_deletion():
    assert names.deletions("کریمی") == {"کریمی", "ریمی", "کیمی", "کرمی", "کریی", "کریم"}


def test_keys_of_two_letters_or_fewer_have_no_deletions():
    assert names.deletions("گل") == {"گل"}
    assert names.deletions("") == {""}


@given(name_keys)
def test_every_deletion_is_within_one_edit_of_the_key(key):
    assert all(names.within_one_edit(key, variant) for variant in names.deletions(key))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("کریمی", "کریمی"),  # the same
        ("کرمی", "کریمی"),  # one letter inserted
        ("کریمی", "کرمی"),  # one letter removed
        ("کریمی", "کزیمی"),  # one letter replaced
        ("کریمی", "کیرمی"),  # two neighbours swapped
        ("علی", "عل"),
        ("a", ""),
    ],
)
def test_one_edit_apart_is_within_one_edit(a, b):
    assert names.within_one_edit(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("کریمی", "کرم"),  # two letters removed
        ("کریمی", "کزیمه"),  # two letters replaced
        ("کریمی", "یریمک"),  # a swap of letters that are not neighbours
        ("کریمی", "کریمیان"),  # two letters added
        ("abcd", "badc"),  # two swaps
        ("ab", ""),
    ],
)
def test_more_than_one_edit_apart_is_not_within_one_edit(a, b):
    assert not names.within_one_edit(a, b)


@given(name_keys, name_keys)
def test_within_one_edit_is_symmetric(a, b):
    assert names.within_one_edit(a, b) == names.within_one_edit(b, a)


@given(name_keys, st.data())
def test_keys_one_edit_apart_share_a_deletion(key, data):
    """The symmetric-delete index finds every one-edit neighbour of keys longer than two."""
    position = data.draw(st.integers(min_value=0, max_value=len(key) - 1))
    letter = data.draw(st.sampled_from(list("ابتحدرسعلمنوهیک")))
    edited = data.draw(
        st.sampled_from(
            [
                key[:position] + key[position + 1 :],  # delete
                key[:position] + letter + key[position:],  # insert
                key[:position] + letter + key[position + 1 :],  # replace
                key[:position]
                + key[position + 1 : position + 2]
                + key[position : position + 1]
                + key[position + 2 :],  # swap with the next letter
            ]
        )
    )
    assert names.within_one_edit(key, edited)
    if len(key) > 2 and len(edited) > 2:
        assert names.deletions(key) & names.deletions(edited)
