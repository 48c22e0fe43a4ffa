"""`semillero createuser USERNAME --role ROLE [--organization CODE] [--password P]
[--email E]`: create a user through accounts.services.user_create.

Without --password, asks for one on a terminal, or generates one and prints it.
"""

import getpass
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from semillero.accounts import services
from semillero.accounts.models import Role
from semillero.registry.models import Organization


class Command(BaseCommand):
    help = "Create a user with a role and an organization."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument(
            "--organization",
            metavar="CODE",
            help="Code of the user's organization (required for data and company officers).",
        )
        parser.add_argument("--password", help="Asked for, or generated, when absent.")
        parser.add_argument("--email", default="")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument(
            "--no-input",
            action="store_true",
            help="Never prompt: generate the password when none is given.",
        )

    def handle(self, *args, **options):
        organization = None
        if options["organization"]:
            try:
                organization = Organization.objects.get(code=options["organization"])
            except Organization.DoesNotExist:
                raise CommandError(
                    f"No organization with code {options['organization']!r}."
                ) from None
        password = options["password"]
        generated = False
        if not password:
            if not options["no_input"] and sys.stdin.isatty():
                password = self._prompt_password()
            if not password:
                password, generated = services.generate_password(), True
        try:
            user = services.user_create(
                actor=services.SYSTEM,
                username=options["username"],
                role=options["role"],
                organization=organization,
                password=password,
                email=options["email"],
                first_name=options["first_name"],
                last_name=options["last_name"],
            )
        except ValidationError as exc:
            errors = (
                exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
            )
            problems = "; ".join(
                f"{field}: {' '.join(messages)}" for field, messages in errors.items()
            )
            raise CommandError(problems) from None
        org = f" of {organization.code}" if organization else ""
        self.stdout.write(
            self.style.SUCCESS(f"Created {user.username} ({user.role}{org}).")
        )
        if generated:
            self.stdout.write(f"Password: {password}")

    def _prompt_password(self) -> str:
        """Ask twice; an empty answer means: generate one."""
        while True:
            first = getpass.getpass("Password (empty to generate one): ")
            if not first:
                return ""
            if first == getpass.getpass("Password (again): "):
                return first
            self.stderr.write("The passwords differ; try again.")
