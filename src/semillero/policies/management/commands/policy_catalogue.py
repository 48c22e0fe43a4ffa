"""`semillero policy_catalogue load [FILE]` and `semillero policy_catalogue export
[--format json|csv] [--output FILE]`.

`load` without a file loads the starting data shipped with Semillero
(policies/data/catalogue.json: the instruments of the domain brief); loading
again changes nothing. Entries are matched by identifier (slug)."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from semillero.policies import exchange, services

STARTING_DATA = Path(__file__).resolve().parents[2] / "data" / "catalogue.json"


def load_starting_data() -> dict[str, int]:
    entries = exchange.read_file(STARTING_DATA.name, STARTING_DATA.read_bytes())
    return services.catalogue_load(
        actor=None,
        entries=entries,
        note="Datos iniciales de Semillero",
        file_name=STARTING_DATA.name,
    )


class Command(BaseCommand):
    help = "Load or export the catalogue of policy instruments."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser(
            "load", help="Load a JSON or CSV file (default: the starting data)."
        )
        load.add_argument("file", nargs="?", type=Path)
        load.add_argument("--note", default="")
        export = sub.add_parser("export", help="Write the catalogue as JSON or CSV.")
        export.add_argument("--format", choices=("json", "csv"), default="json")
        export.add_argument("--output", type=Path)

    def handle(self, *args, action, **options):
        if action == "export":
            entries = exchange.export_entries()
            text = (
                exchange.to_json(entries)
                if options["format"] == "json"
                else exchange.to_csv(entries)
            )
            if options["output"]:
                options["output"].write_text(text, encoding="utf-8")
            else:
                self.stdout.write(text, ending="")
            return
        path = options["file"]
        try:
            if path is None:
                counts = load_starting_data()
            else:
                counts = services.catalogue_load(
                    actor=None,
                    entries=exchange.read_file(path.name, path.read_bytes()),
                    note=options["note"] or f"Importado de {path.name}",
                    file_name=path.name,
                )
        except (OSError, ValidationError) as exc:
            messages = getattr(exc, "messages", [str(exc)])
            raise CommandError("\n".join(messages)) from exc
        self.stdout.write(
            f"{counts['created']} created, {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged"
        )
