"""From a record as typed to what the model compares: names, dates, documents, phones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jdatetime
import pytest

from mehman.matching.engine import LatinTable, Prepared, prepare
from mehman.matching.engine.prepare import BirthDate, birth_date, latin_pairs, name
from mehman.matching.engine.tests import row

ZWNJ = "\u200c"


def prepared(**fields: str) -> Prepared:
    return prepare(0, row("R1", **fields), LatinTable())


# --- Names ---------------------------------------------------------------------------------


def test_arabic_yeh_and_kaf_fold_to_the_persian_letters() -> None:
    assert name("علي").key == name("علی").key == "علی"
    assert name("كريم").key == name("کریم").key == "کریم"
    assert name("كريمي").skel == name("کریمی").skel


@pytest.mark.parametrize("spelling", ["عبد الله", f"عبد{ZWNJ}الله", "عبدالله", "عبد  الله"])
def test_a_compound_name_is_one_key_with_a_space_a_zwnj_or_nothing(spelling: str) -> None:
    assert name(spelling).key == "عبدالله"
    assert name(spelling).skel == name("عبدالله").skel


def test_diacritics_and_tatweel_are_dropped() -> None:
    assert name("مُحَمَّد").key == "محمد"
    assert name("محـــمد").key == "محمد"
    assert name("مُحَمَّد").skel == name("محمد").skel


@pytest.mark.parametrize(
    ("written", "bare"),
    [
        ("سید احمد", "احمد"),
        ("حاجی احمد", "احمد"),
        ("ملا احمد", "احمد"),
        ("کربلایی حسین", "حسین"),
        ("سیده فاطمه", "فاطمه"),
        ("بی‌بی رابعه", "رابعه"),
        ("بی بی رابعه", "رابعه"),
        ("احمد سید", "احمد"),
        ("Haji Ahmad", "Ahmad"),
        ("Sayed Ahmad", "Ahmad"),
        ("HAJI AHMAD", "Ahmad"),
    ],
)
def test_an_honorific_is_not_part_of_the_name(written: str, bare: str) -> None:
    assert name(written) == name(bare)


@pytest.mark.parametrize(
    ("written", "bare"),
    [("سیدهفاطمه", "فاطمه"), ("سیدحسن", "حسن"), ("بیبیرابعه", "رابعه"), ("حاجیکریم", "کریم")],
)
def test_an_honorific_glued_to_the_name_is_dropped(written: str, bare: str) -> None:
    assert name(written).key == name(bare).key


def test_a_name_that_is_only_an_honorific_word_keeps_it() -> None:
    # One word: nothing else to call the person by.
    assert name("سید").key == "سید"


@pytest.mark.parametrize(
    ("written", "key", "core"),
    [
        ("محمد حسین", "محمدحسین", "حسین"),
        ("محمدحسین", "محمدحسین", "حسین"),
        (f"محمد{ZWNJ}حسین", "محمدحسین", "حسین"),
        ("غلام رسول", "غلامرسول", "رسول"),
        ("حسین", "حسین", "حسین"),
        ("محمد", "محمد", "محمد"),
        ("غلام", "غلام", "غلام"),
        ("Mohammad Hussain", "mohammadhussain", "hussain"),
    ],
)
def test_the_core_of_a_given_name_leaves_out_a_leading_mohammad_or_ghulam(
    written: str, key: str, core: str
) -> None:
    assert (name(written).key, name(written).core) == (key, core)


def test_a_prefixed_name_and_the_bare_name_share_the_core() -> None:
    assert name("محمد حسین").core == name("حسین").core
    assert name("غلام حیدر").core == name("حیدر").core
    assert name("محمد حسین").key != name("حسین").key


@pytest.mark.parametrize(
    "spellings",
    [
        ("محمد", "Mohammad", "Muhammad", "Mohammed", "مُحَمَّد"),
        ("حسین", "Hussain", "Hossein", "Husain"),
        ("عبدالله", "عبد الله", "Abdullah", "Abdollah"),
        ("یوسف", "Yousuf", "Yusuf", "Yousef"),
        ("فاطمه", "Fatima", "Fatemeh"),
        ("غلام", "Ghulam", "Gholam"),
        ("جعفر", "Jafar", "Ja'far"),
        ("ظاهر", "Zahir"),
        ("شریفی", "Sharifi"),
        ("وحید", "Wahid", "Vahid"),
    ],
)
def test_the_skeleton_is_the_same_in_persian_and_latin_letters(spellings: tuple[str, ...]) -> None:
    skeletons = {name(spelling).skel for spelling in spellings}
    assert len(skeletons) == 1
    assert skeletons != {""}


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("محمد", "علی"),
        ("Mohammad", "Ali"),
        ("محمد", "Ali"),
        ("احمد", "محمود"),
        ("کریم", "رحیم"),
        ("فاطمه", "زهرا"),
        ("حسین", "محمد حسین"),
        ("ظاهر", "طاهر"),
    ],
)
def test_the_skeletons_of_different_names_differ(one: str, other: str) -> None:
    assert name(one).skel != name(other).skel


def test_an_empty_name_has_no_key_no_core_and_no_skeleton() -> None:
    for text in ("", "  ", "-", ZWNJ):
        assert (name(text).key, name(text).core, name(text).skel) == ("", "", "")


# --- Latin spellings -----------------------------------------------------------------------

TWO_SCRIPTS = [
    row("A", given_name="عبدالکریم", given_name_latin="Abdul Karim", family_name="رحیمی",
        family_name_latin="Rahimi"),
    row("B", given_name="عبدالکريم", given_name_latin="Abdulkarim", family_name="رحیمی",
        family_name_latin="Rahimi"),
    row("C", given_name="عبدالکریم", given_name_latin="abdul karim", family_name="نوری",
        family_name_latin="Noori"),
]  # fmt: skip


def test_a_latin_only_record_gets_the_persian_key_from_a_learnt_table() -> None:
    table = LatinTable.learn(latin_pairs(TWO_SCRIPTS))
    latin_only = prepare(
        5, row("L", given_name_latin="Abdul Karim", family_name_latin="RAHIMI"), table
    )
    persian = prepare(6, row("P", given_name="عبدالکریم", family_name="رحیمی"), table)
    assert latin_only.given.key == persian.given.key == "عبدالکریم"
    assert latin_only.family.key == persian.family.key == "رحیمی"
    assert latin_only.given_latin and latin_only.family_latin
    assert not persian.given_latin and not persian.family_latin
    assert latin_only.given.skel == persian.given.skel


def test_latin_letters_typed_in_the_persian_field_are_looked_up_too() -> None:
    table = LatinTable.learn(latin_pairs(TWO_SCRIPTS))
    typed = prepare(0, row("X", given_name="Abdul Karim", family_name="Rahimi"), table)
    assert (typed.given.key, typed.family.key) == ("عبدالکریم", "رحیمی")
    assert typed.given_latin


def test_a_spelling_seen_once_is_not_learnt_and_compares_by_skeleton() -> None:
    table = LatinTable.learn(latin_pairs(TWO_SCRIPTS))
    # "Noori" was seen once beside نوری: not enough to learn it.
    latin_only = prepare(0, row("L", family_name_latin="Noori"), table)
    persian = prepare(1, row("P", family_name="نوری"), table)
    assert latin_only.family.key != persian.family.key
    assert latin_only.family.skel == persian.family.skel
    assert latin_only.family_latin


def test_a_latin_spelling_shared_by_two_persian_names_is_not_learnt() -> None:
    table = LatinTable.learn(
        [("Hassan", "حسن"), ("Hassan", "حسن"), ("Hassan", "حسین"), ("Hassan", "حسین")]
    )
    assert table.persian("Hassan").key not in (name("حسن").key, name("حسین").key)
    assert table.persian("Hassan").skel == name("حسن").skel


def test_a_latin_spelling_learnt_by_a_clear_majority_is_kept() -> None:
    table = LatinTable.learn([("Hassan", "حسن")] * 4 + [("Hassan", "حسین")])
    assert table.persian("Hassan").key == name("حسن").key


def test_two_records_in_the_same_unknown_latin_spelling_still_share_a_key() -> None:
    one = prepared(given_name_latin="Yousuf")
    other = prepared(given_name_latin="YOUSUF")
    persian = prepared(given_name="یوسف")
    assert one.given.key == other.given.key != ""
    assert one.given.key != persian.given.key
    assert one.given.skel == persian.given.skel
    assert one.given_latin and not persian.given_latin


# --- Birth dates ---------------------------------------------------------------------------


def test_a_jalali_year_in_the_iso_field_is_converted() -> None:
    expected = jdatetime.date(1365, 4, 12).togregorian()
    assert (expected.year, expected.month, expected.day) == (1986, 7, 3)
    assert birth_date("1365-04-12", False) == BirthDate(1986, 7, 3, False)


@pytest.mark.parametrize(
    "text", ["1365-04-12", "۱۳۶۵-۰۴-۱۲", "١٣٦٥/٠٤/١٢", "12-04-1365", "12/04/1365", "1365/4/12"]
)
def test_a_jalali_date_is_converted_however_it_is_written(text: str) -> None:
    assert birth_date(text, False) == BirthDate(1986, 7, 3, False)


@pytest.mark.parametrize(
    ("jalali", "gregorian"),
    [
        ((1300, 1, 1), (1921, 3, 21)),
        ((1359, 12, 29), (1981, 3, 20)),
        ((1375, 12, 30), (1997, 3, 20)),  # a leap year's last day
        ((1399, 1, 1), (2020, 3, 20)),
        ((1402, 6, 31), (2023, 9, 22)),
    ],
)
def test_jalali_dates_convert_exactly(
    jalali: tuple[int, int, int], gregorian: tuple[int, int, int]
) -> None:
    text = "{:04d}-{:02d}-{:02d}".format(*jalali)
    converted = jdatetime.date(*jalali).togregorian()
    assert (converted.year, converted.month, converted.day) == gregorian
    assert birth_date(text, False) == BirthDate(*gregorian, False)


def test_a_jalali_year_alone_is_an_estimated_gregorian_year() -> None:
    read = birth_date("1365", False)
    assert read is not None
    assert (read.year, read.month, read.day, read.estimated) == (1986, 0, 0, True)


def test_an_impossible_jalali_day_keeps_the_year_only() -> None:
    # 1365 is not a leap year: Esfand has 29 days.
    read = birth_date("1365-12-30", False)
    assert read is not None
    assert (read.month, read.day, read.estimated) == (0, 0, True)
    assert read.year in (1986, 1987)


@pytest.mark.parametrize("text", ["03/07/1986", "03-07-1986", "3-7-1986", "1986-07-03"])
def test_a_gregorian_date_reads_year_first_or_day_first(text: str) -> None:
    assert birth_date(text, False) == BirthDate(1986, 7, 3, False)


def test_an_estimated_date_keeps_its_month_day_and_flag() -> None:
    assert birth_date("1990-07-01", True) == BirthDate(1990, 7, 1, True)
    for flag in ("1", "true", "yes", "۱", "١", " 1 "):
        record = prepared(birth_date="1990-07-01", birth_date_estimated=flag)
        assert record.dob == BirthDate(1990, 7, 1, True), flag
    for flag in ("0", "", "no", "false"):
        record = prepared(birth_date="1990-07-01", birth_date_estimated=flag)
        assert record.dob == BirthDate(1990, 7, 1, False), flag


def test_a_year_alone_is_estimated_whatever_the_flag_says() -> None:
    assert birth_date("1990", False) == BirthDate(1990, 0, 0, True)


@pytest.mark.parametrize("text", ["1986-06", "1365-04", "۱۳۶۵/۰۴"])
def test_a_year_and_month_without_a_day_is_not_an_exact_date(text: str) -> None:
    read = birth_date(text, False)
    assert read is not None
    assert read.year == 1986
    assert read.estimated


@pytest.mark.parametrize(
    "text", ["", " ", "unknown", "نامعلوم", "1990-ab-01", "12/xx/1990", "--", "؟/؟/۱۳۶۵x"]
)
def test_an_unreadable_date_is_none(text: str) -> None:
    assert birth_date(text, False) is None
    assert prepared(birth_date=text).dob is None


def test_a_date_before_1880_is_none() -> None:
    assert birth_date("1879-12-31", False) is None
    assert birth_date("0990-01-01", False) is None


def test_a_date_in_a_later_year_is_none() -> None:
    next_year = datetime.now(UTC).date().year + 1
    assert birth_date(f"{next_year}-01-01", False) is None
    # A Jalali year that falls after this year, too.
    assert birth_date("1420-01-01", False) is None


def test_a_birth_date_after_today_is_none() -> None:
    tomorrow = datetime.now(UTC).date() + timedelta(days=1)
    assert birth_date(tomorrow.isoformat(), False) is None


# --- Documents, phones, sex ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "123456789012",
        "۱۲۳۴۵۶۷۸۹۰۱۲",
        "١٢٣٤٥٦٧٨٩٠١٢",
        "1234-5678-9012",
        " 1234 5678 9012 ",
        "۱۲۳۴-۵۶۷۸-۹۰۱۲",
    ],
)
def test_a_document_number_reads_the_same_in_any_digits_and_separators(text: str) -> None:
    assert prepared(document_number=text).document == "123456789012"


@pytest.mark.parametrize("text", ["P12345678", "p12345678", "P 1234 5678", "p-۱۲۳۴۵۶۷۸"])
def test_a_passport_number_is_upper_case_without_separators(text: str) -> None:
    assert prepared(document_number=text).document == "P12345678"


@pytest.mark.parametrize(
    "text",
    [
        "09123456789",
        "+98 912 345 6789",
        "+989123456789",
        "00989123456789",
        "0098 912 345 6789",
        "0912 345 6789",
        "۰۹۱۲۳۴۵۶۷۸۹",
        "٠٩١٢٣٤٥٦٧٨٩",
        "+۹۸۹۱۲۳۴۵۶۷۸۹",
        "9123456789",
    ],
)
def test_a_phone_number_reads_the_same_in_any_form(text: str) -> None:
    assert prepared(phone=text).phone == "09123456789"


@pytest.mark.parametrize(
    "text", ["-", "؟", "ندارد", "N/A", "n.a.", "none", "NONE", "unknown", "xxx"]
)
def test_a_placeholder_in_the_document_field_is_no_number(text: str) -> None:
    # Clerks type something where a form insists; a number without a digit is none.
    assert prepared(document_number=text).document == ""


def test_no_document_and_no_phone_are_empty() -> None:
    record = prepared(document_number=" ", phone="-")
    assert (record.document, record.phone) == ("", "")


@pytest.mark.parametrize(
    ("text", "sex"),
    [("M", "M"), ("m", "M"), ("male", "M"), ("مرد", "M"), ("F", "F"), ("female", "F"),
     ("زن", "F"), ("", ""), ("?", "")],
)  # fmt: skip
def test_sex_is_m_f_or_empty(text: str, sex: str) -> None:
    assert prepared(sex=text).sex == sex


def test_a_prepared_record_keeps_its_id_and_uid() -> None:
    record = prepare(42, row("R0042", given_name="علی"), LatinTable())
    assert (record.uid, record.record_id) == (42, "R0042")
