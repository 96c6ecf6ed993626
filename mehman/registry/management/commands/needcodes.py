"""``mehman needcodes [FILE]``: reload the specific-needs code table from its CSV file."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from mehman.registry import events as registry_events
from mehman.registry.codes import SPECIFIC_NEEDS_CSV, load_specific_needs
from mehman.registry.models import SpecificNeedCode


class Command(BaseCommand):
    help = (
        "Reload the UNHCR specific-needs code table from a CSV file "
        "(columns code, parent, label_en, label_fa, sensitive). Codes missing "
        "from the file are deactivated, never deleted."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", default=str(SPECIFIC_NEEDS_CSV))

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            count = load_specific_needs(SpecificNeedCode, Path(options["file"]))
        registry_events.forget_need_codes()
        active = SpecificNeedCode.objects.filter(is_active=True).count()
        self.stdout.write(f"{count} codes read; {active} active.")
