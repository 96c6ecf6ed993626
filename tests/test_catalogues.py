"""The Persian catalogue is complete, and the check would catch one that is not."""

from pathlib import Path

import polib

from mehman.core.catalogues import compile_all, fill_source_language, problems

LOCALE = Path(__file__).resolve().parent.parent / "locale"


def test_the_persian_and_english_catalogues_are_complete():
    assert problems(LOCALE / "fa/LC_MESSAGES/django.po") == []
    assert problems(LOCALE / "en/LC_MESSAGES/django.po") == []


def _catalogue(tmp_path: Path, *entries: polib.POEntry) -> Path:
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    for entry in entries:
        po.append(entry)
    path = tmp_path / "fa/LC_MESSAGES/django.po"
    path.parent.mkdir(parents=True)
    po.save(str(path))
    return path


def test_an_untranslated_or_fuzzy_message_fails_the_check(tmp_path):
    path = _catalogue(
        tmp_path,
        polib.POEntry(msgid="Home", msgstr="خانه"),
        polib.POEntry(msgid="Settlements", msgstr=""),
        polib.POEntry(msgid="Save", msgstr="ذخیره", flags=["fuzzy"]),
        polib.POEntry(msgid="Welcome, %(name)s", msgstr="خوش آمدید"),
    )
    found = {(p.msgid, p.reason) for p in problems(path)}
    assert found == {
        ("Settlements", "untranslated"),
        ("Save", "fuzzy"),
        ("Welcome, %(name)s", "placeholders differ"),
    }


def test_catalogues_compile_without_gnu_gettext(tmp_path):
    _catalogue(tmp_path, polib.POEntry(msgid="Home", msgstr="خانه"))
    (mo,) = compile_all(tmp_path)
    assert polib.mofile(str(mo)).find("Home").msgstr == "خانه"


def test_the_english_catalogue_repeats_every_message_fuzzy_plurals_included(tmp_path):
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "en"}
    # gettext's fuzzy guess for a new plural message, taken from a similar one.
    po.append(
        polib.POEntry(
            msgid="%(number)s member",
            msgid_plural="%(number)s members",
            msgstr_plural={0: "%(number)s household", 1: "%(number)s households"},
            flags=["fuzzy"],
        )
    )
    po.append(polib.POEntry(msgid="Home", msgstr="Start"))
    path = tmp_path / "en.po"
    po.save(str(path))
    assert {p.reason for p in problems(path)} == {"differs from the source"}
    assert fill_source_language(path) == 2
    assert problems(path) == []
    entry = polib.pofile(str(path)).find("%(number)s member")
    assert entry.msgstr_plural == {0: "%(number)s member", 1: "%(number)s members"}
