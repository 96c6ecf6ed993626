"""`mehman catalogues compile|check`: translations without needing GNU gettext at run time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mehman.core.catalogues import compile_all, fill_source_language, problems


class Command(BaseCommand):
    help = (
        "compile: write .mo files; english: fill the English (source) catalogue; "
        "check: fail when a Persian or English message is missing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["compile", "english", "check"])

    def handle(self, *args: Any, **options: Any) -> None:
        locale_dir = Path(settings.LOCALE_PATHS[0])
        if options["action"] == "compile":
            written = compile_all(locale_dir)
            self.stdout.write(f"Compiled {len(written)} catalogue(s).")
            return
        if options["action"] == "english":
            for po in sorted(locale_dir.glob("en/LC_MESSAGES/*.po")):
                self.stdout.write(f"{po}: {fill_source_language(po)} message(s) filled.")
            return
        catalogues = sorted(locale_dir.glob("*/LC_MESSAGES/*.po"))
        found = [p for po in catalogues for p in problems(po)]
        for problem in found:
            self.stderr.write(f"{problem.catalogue.name}: {problem.reason}: {problem.msgid!r}")
        if found:
            raise CommandError(f"{len(found)} message(s) need translating.")
        self.stdout.write(f"{len(catalogues)} catalogue(s) complete.")
