"""Message catalogues: compile without GNU gettext, and check that Persian is complete."""

from __future__ import annotations

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
    import re

    return set(re.findall(r"%\(\w+\)[sd]|\{\w*\}", text))


def compile_all(locale_dir: Path) -> list[Path]:
    """Write a .mo beside every .po (what `compilemessages` does, without msgfmt)."""
    written = []
    for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        written.append(mo_path)
    return written
