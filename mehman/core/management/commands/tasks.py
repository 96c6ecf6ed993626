"""`mehman tasks list` and `mehman tasks watch UUID`: follow background work from a terminal."""

from __future__ import annotations

import time
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from mehman.core.models import TaskProgress


class Command(BaseCommand):
    help = "List background tasks, or follow one with a progress bar."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="The most recent background tasks.")
        listing.add_argument("--limit", type=int, default=20)
        watch = sub.add_parser("watch", help="Show a progress bar until the task ends.")
        watch.add_argument("uuid", help="The task's identifier, as shown by `tasks list`.")
        watch.add_argument("--interval", type=float, default=0.5, help="Seconds between polls.")
        watch.add_argument("--timeout", type=float, default=0, help="Give up after N seconds.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            for task in TaskProgress.objects.all()[: options["limit"]]:
                self.stdout.write(f"{task.uuid}  {task.status:8}  {task.percent:3d}%  {task.title}")
            return
        try:
            task = TaskProgress.objects.get(uuid=options["uuid"])
        except (TaskProgress.DoesNotExist, ValidationError, ValueError) as exc:
            raise CommandError("No such task.") from exc
        started = time.monotonic()
        with tqdm(total=task.total or None, desc=task.title, disable=None) as bar:
            while True:
                task.refresh_from_db()
                if task.total and bar.total != task.total:
                    bar.total = task.total
                bar.n = task.done
                bar.refresh()
                if task.finished:
                    break
                if options["timeout"] and time.monotonic() - started > options["timeout"]:
                    raise CommandError("Timed out; the task is still running.")
                time.sleep(options["interval"])
        self.stdout.write(f"{task.status}: {task.message or task.title}")
        if task.status == "failed":
            raise CommandError("The task failed.")
