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
    """Entries a user would see untranslated: empty, fuzzy, or with broken placeholders."""
    catalogue = polib.pofile(str(po_path))
    found: list[Problem] = []
    for entry in catalogue:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            found.append(Problem(po_path, entry.msgid, "fuzzy"))
        elif entry.msgid_plural:
            if not entry.msgstr_plural or not all(entry.msgstr_plural.values()):
                found.append(Problem(po_path, entry.msgid, "untranslated plural"))
        elif not entry.msgstr:
            found.append(Problem(po_path, entry.msgid, "untranslated"))
        elif _placeholders(entry.msgid) != _placeholders(entry.msgstr):
            found.append(Problem(po_path, entry.msgid, "placeholders differ"))
    return found


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
    """English is the source language: its catalogue repeats each message as written."""
    catalogue = polib.pofile(str(po_path))
    filled = 0
    for entry in catalogue:
        if entry.msgid_plural:
            if not all(entry.msgstr_plural.values()):
                entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
                filled += 1
        elif not entry.msgstr:
            entry.msgstr = entry.msgid
            filled += 1
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
            entry.msgstr = entry.msgid
    catalogue.save()
    return filled
