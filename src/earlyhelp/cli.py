"""The `earlyhelp` command: Django's management commands, with our settings.

Command names may be spelt with hyphens (`earlyhelp annex-a`) as well as underscores."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "earlyhelp.settings.local")
    from django.core.management import execute_from_command_line

    args = list(argv if argv is not None else sys.argv[1:])
    if args and not args[0].startswith("-"):
        args[0] = args[0].replace("-", "_")
    execute_from_command_line(["earlyhelp", *args])


if __name__ == "__main__":
    main()
