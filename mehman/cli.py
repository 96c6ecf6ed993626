"""The `mehman` console script: Django's manage.py plus the product's own commands.

`mehman demo`, `mehman generate`, `mehman worker`, `mehman migrate`, ...
"""

from __future__ import annotations

import os
import sys

ALIASES = {
    # Friendlier names for the commands people type most.
    "worker": "db_worker",
    "serve": "runserver",
}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mehman.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    if len(args) > 1 and args[1] in ALIASES:
        args[1] = ALIASES[args[1]]
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
