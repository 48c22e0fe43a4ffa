"""The `semillero` command: Django's management commands under one name.

`semillero migrate`, `semillero demo`, `semillero import KIND FILE`, … are the
management commands of the project's apps; this only chooses the settings.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "semillero.config.settings.base")
    from django.conf import settings
    from django.core.management import execute_from_command_line

    # The embedded database and uploads live under var/: make sure it exists, or
    # SQLite cannot create its file on a fresh clone ("unable to open database").
    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "semillero"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
