"""The `mehman` console script: Django's manage.py plus the product's own commands.

`mehman demo`, `mehman generate`, `mehman worker`, `mehman migrate`, ...
`mehman dedupe-file IN.csv OUT.csv` runs the matching engine alone, without Django.
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
    args = list(sys.argv if argv is None else argv)
    if len(args) > 1 and args[1] == "dedupe-file":
        # The matching engine on a file: no settings, no database.
        from mehman.matching.engine.cli import main as dedupe_file

        sys.exit(dedupe_file(args[2:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mehman.settings")
    from django.core.management import execute_from_command_line

    if len(args) > 1 and args[1] in ALIASES:
        args[1] = ALIASES[args[1]]
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
