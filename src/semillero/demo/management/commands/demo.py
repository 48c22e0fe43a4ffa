"""`semillero demo`: a working system with a synthetic national dataset, in one command."""

import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils.translation import gettext as _

from semillero.core.management.commands.serve import ensure_runtime_dirs
from semillero.demo import accounts
from semillero.demo.context import SCALES
from semillero.demo.generate import DemoError, build_demo

DEFAULT_PASSWORD = "semillero-demo"  # noqa: S105 - the documented demo password
DEFAULT_SEED = 1993  # the year the national training system was founded


def default_sqlite_path() -> Path:
    return Path(settings.VAR_DIR) / "semillero.sqlite3"


def reset_default_database() -> Path:
    """Delete the embedded SQLite database, and only that one: a PostgreSQL
    database or another file is the operator's to drop."""
    db = settings.DATABASES["default"]
    path = default_sqlite_path()
    name = str(db.get("NAME") or "")
    if not db["ENGINE"].endswith("sqlite3") or Path(name).resolve() != path.resolve():
        raise CommandError(
            _(
                "--reset only deletes the embedded SQLite database (%(path)s); "
                "this database is another one. Empty it yourself, or run without "
                "--reset."
            )
            % {"path": path}
        )
    connections.close_all()
    for suffix in ("", "-wal", "-shm", "-journal"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    return path


class Command(BaseCommand):
    # A plain string: argparse cannot format lazy translations (`--help` crashed).
    help = (
        "Prepare the database, fill it with a synthetic national dataset, create "
        "one demo account per role and serve the system on 127.0.0.1:8000."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=_("Password of the demo accounts (default: %(default)s)."),
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=_(
                "Seed of the generator: the same seed gives the same data "
                "(default: %(default)s)."
            ),
        )
        parser.add_argument(
            "--scale",
            choices=SCALES,
            default="default",
            help=_(
                "Size of the dataset: default (about 2,400 organizations and "
                "40,000 enrolments a year, 2019–2025), national (the same "
                "organizations and about 250,000 enrolments a year) or small "
                "(about 1/20 of the organizations and 1/50 of the enrolments, for "
                "tests)."
            ),
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help=_(
                "Delete the embedded SQLite database first and build everything again."
            ),
        )
        parser.add_argument(
            "--no-serve",
            action="store_true",
            help=_("Prepare the data and exit without starting the server."),
        )
        parser.add_argument(
            "--host",
            default="127.0.0.1",
            help=_("Address to listen on (default: %(default)s)."),
        )
        parser.add_argument(
            "--port",
            type=int,
            default=8000,
            help=_("Port to listen on (default: %(default)s)."),
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        password = options["password"]
        try:
            validate_password(password)
        except ValidationError as exc:
            raise CommandError(
                _("The demo password is not acceptable: %(reasons)s")
                % {"reasons": " ".join(exc.messages)}
            ) from exc
        if options["reset"]:
            path = reset_default_database()
            self.stdout.write(_("Deleted %(path)s.") % {"path": path})
        ensure_runtime_dirs()
        self.stdout.write(_("Preparing the database…"))
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(_("Building the demo data…"))
        try:
            results = build_demo(
                seed=options["seed"], scale=options["scale"], password=password
            )
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
        for result in results:
            self._report(result)
        users = accounts.accounts()
        self._print_accounts(users, password)
        self.stdout.write(
            _("Demo ready in %(seconds).1f s.")
            % {"seconds": time.monotonic() - started}
        )
        if not options["no_serve"]:
            call_command(
                "serve",
                host=options["host"],
                port=options["port"],
                verbosity=options["verbosity"],
            )

    def _report(self, result) -> None:
        if result.generated:
            self.stdout.write(
                _("  %(module)s: generated %(description)s.")
                % {"module": result.title, "description": result.description}
            )
        else:
            self.stdout.write(
                _(
                    "  %(module)s: already in the database (seed %(seed)s, scale "
                    "%(scale)s), skipped. Use --reset to build it again."
                )
                % {"module": result.title, "seed": result.seed, "scale": result.scale}
            )

    def _print_accounts(self, users, password: str) -> None:
        # Accounts made by an earlier run keep the password they were given then.
        same_password = bool(users) and users[0].check_password(password)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(_("Demo accounts:")))
        name_width = max((len(u.username) for u in users), default=0)
        role_width = max((len(u.get_role_display()) for u in users), default=0)
        for user in users:
            self.stdout.write(
                f"  {user.username:<{name_width}}  "
                f"{user.get_role_display():<{role_width}}  "
                f"{user.organization.name if user.organization else ''}"
            )
        if same_password:
            self.stdout.write(_("Password: %(password)s") % {"password": password})
        else:
            self.stdout.write(
                _(
                    "Password: the one given when these accounts were created "
                    "(run with --reset to start again)."
                )
            )
        self.stdout.write("")
