"""Message catalogues: compile without GNU gettext, and check that Persian is complete."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import polib


@dataclass(frozen=True)
class Problem:
    catalogue: Path
    msgid: str
    reason: str


def problems(po_path: Path) -> list[Problem]:
    """Entries a user would see untranslated: empty, fuzzy, or with broken placeholders;
    in the English (source) catalogue, any message that is not repeated as written."""
    catalogue = polib.pofile(str(po_path))
    source = catalogue.metadata.get("Language", "") == SOURCE_LANGUAGE
    found: list[Problem] = []
    for entry in catalogue:
        if entry.obsolete:
            continue
        if source and _differs_from_source(entry):
            found.append(Problem(po_path, entry.msgid, "differs from the source"))
        elif "fuzzy" in entry.flags:
            found.append(Problem(po_path, entry.msgid, "fuzzy"))
        elif entry.msgid_plural:
            if not entry.msgstr_plural or not all(entry.msgstr_plural.values()):
                found.append(Problem(po_path, entry.msgid, "untranslated plural"))
        elif not entry.msgstr:
            found.append(Problem(po_path, entry.msgid, "untranslated"))
        elif _placeholders(entry.msgid) != _placeholders(entry.msgstr):
            found.append(Problem(po_path, entry.msgid, "placeholders differ"))
    return found


SOURCE_LANGUAGE = "en"


def _differs_from_source(entry: polib.POEntry) -> bool:
    if entry.msgid_plural:
        return bool(entry.msgstr_plural != {0: entry.msgid, 1: entry.msgid_plural})
    return bool(entry.msgstr != entry.msgid)


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"%\(\w+\)[sd]|\{\w*\}", text))


def compile_all(locale_dir: Path) -> list[Path]:
    """Write a .mo beside every .po (what `compilemessages` does, without msgfmt)."""
    written = []
    for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        written.append(mo_path)
    return written


def fill_source_language(po_path: Path) -> int:
    """English is the source language: its catalogue repeats each message as written.

    Any entry that does not (new, fuzzy — gettext's guess from a similar message —
    or edited by hand) is rewritten, its plural forms included.
    """
    catalogue = polib.pofile(str(po_path))
    filled = 0
    for entry in catalogue:
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        if not _differs_from_source(entry):
            continue
        if entry.msgid_plural:
            entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
        else:
            entry.msgstr = entry.msgid
        filled += 1
    catalogue.save()
    return filled
