"""`mehman demo`: migrate, load the demo settlement, print the logins, serve."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation

from mehman.accounts.models import Role, User
from mehman.core.models import Settlement
from mehman.demo.intake import status_example
from mehman.demo.partners import partner_logins
from mehman.demo.settlement import DEMO_PASSWORD, USERS, load_demo


class Command(BaseCommand):
    help = "Set up the demo settlement (migrate, load, print logins) and serve it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-serve", action="store_true", help="Prepare the demo but do not start the server."
        )
        parser.add_argument("--addrport", default="127.0.0.1:8000", help="Where to serve.")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        created = load_demo()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready: {created['settlements']} settlements, "
                f"{created['users']} users, {created['households']} households, "
                f"{created['organisations']} partner organisations, "
                f"{created['units']} housing units, "
                f"{created['applications']} applications, "
                f"{created['terms']} residence terms and "
                f"{created['cases']} solutions cases created (existing ones kept)."
            )
        )
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD})\n")
        with translation.override("en"):  # terminals rarely render right-to-left text well
            roles = {key: str(label) for key, label in Role.choices}
        organisations = partner_logins()
        for demo_user in USERS:
            where = ", ".join(demo_user.settlements) or "national"
            works_for = organisations.get(demo_user.username)
            if works_for:
                where = f"{where} · {works_for}"
            self.stdout.write(f"  {demo_user.username:12} {roles[demo_user.role]!s:28} {where}")
        example = status_example(
            Settlement.objects.get(code="TJ"), by=User.objects.get(username="clerk")
        )
        if example is not None:
            application, pin = example
            self.stdout.write(
                f"\nApplicant status page: http://{options['addrport']}/status/ — "
                f"application {application.reference}, PIN {pin} "
                f"(rank {application.rank}; a new PIN at each start)\n"
            )
        if not options["no_serve"]:
            self.stdout.write(f"\nServing on http://{options['addrport']}/  (Ctrl+C to stop)\n")
            call_command("runserver", options["addrport"], use_reloader=False)
