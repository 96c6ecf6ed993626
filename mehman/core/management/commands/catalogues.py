"""`mehman catalogues compile|check`: translations without needing GNU gettext at run time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mehman.core.catalogues import compile_all, problems


class Command(BaseCommand):
    help = "Compile the message catalogues, or check that the Persian one is complete."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["compile", "check"])

    def handle(self, *args: Any, **options: Any) -> None:
        locale_dir = Path(settings.LOCALE_PATHS[0])
        if options["action"] == "compile":
            written = compile_all(locale_dir)
            self.stdout.write(f"Compiled {len(written)} catalogue(s).")
            return
        found = [p for po in sorted(locale_dir.glob("fa/LC_MESSAGES/*.po")) for p in problems(po)]
        for problem in found:
            self.stderr.write(f"{problem.catalogue.name}: {problem.reason}: {problem.msgid!r}")
        if found:
            raise CommandError(f"{len(found)} Persian message(s) need translating.")
        self.stdout.write("The Persian catalogue is complete.")
