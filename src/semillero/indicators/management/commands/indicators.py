"""`semillero indicators --year Y [--followup M] [--by DIM ...] [--indicator CODE ...]
--format json|csv` and `semillero indicators rebuild`.

The first prints one row per indicator × disaggregation cell (spec: "Output
contract of the command line"), from the cube brought up to date first. For
authorised users: no disclosure control is applied. The second rebuilds the cube
from scratch and says what it built.
"""

import csv
import json

from django.core.management.base import BaseCommand, CommandError

from semillero.indicators import cube, dashboard
from semillero.indicators import definitions as d
from semillero.indicators.compute import VALUE_FIELDS, compute_many, output_fields


def _csv_value(v):
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    return v


class Command(BaseCommand):
    help = "Print indicators for a year, optionally disaggregated."

    def add_arguments(self, parser):
        parser.add_argument("action", nargs="?", choices=("rebuild",))
        parser.add_argument("--year", type=int)
        parser.add_argument(
            "--followup",
            type=int,
            default=6,
            metavar="M",
            help="months after completion, for insertion indicators (default 6)",
        )
        parser.add_argument(
            "--by",
            action="extend",
            nargs="+",
            default=[],
            metavar="DIM",
            help=f"dimension(s): {', '.join(d.DIMENSIONS)}",
        )
        parser.add_argument(
            "--indicator",
            action="extend",
            nargs="+",
            default=[],
            metavar="CODE",
            help=f"indicator code(s): {', '.join(d.BY_CODE)}",
        )
        parser.add_argument("--format", choices=("json", "csv"), default="json")

    def handle(self, *args, action, year, followup, by, indicator, format, **options):
        if action == "rebuild":
            self._rebuild()
            return
        if year is None:
            raise CommandError("--year is required")
        dims = list(dict.fromkeys(by))
        unknown = [dim for dim in dims if dim not in d.DIMENSIONS]
        if unknown:
            raise CommandError(
                f"unknown dimension(s): {', '.join(unknown)} "
                f"(known: {', '.join(d.DIMENSIONS)})"
            )
        unknown = [code for code in indicator if code not in d.BY_CODE]
        if unknown:
            raise CommandError(
                f"unknown indicator(s): {', '.join(unknown)} "
                f"(known: {', '.join(d.BY_CODE)})"
            )
        cube.ensure_fresh(thorough=True, triggered_by="semillero indicators")
        rows, left_out = compute_many(indicator or None, year, dims, followup)
        for code, refused in left_out:
            self.stderr.write(f"{code} cannot be cut by {', '.join(refused)}: left out")
        rows = [{f: row.get(f) for f in output_fields(row, dims)} for row in rows]
        if format == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        # One header for all rows: followup_months when any row has it.
        followup_field = any("followup_months" in row for row in rows)
        fields = ["indicator", "year", *(["followup_months"] if followup_field else [])]
        fields += [*dims, *VALUE_FIELDS]
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(fields)
        for row in rows:
            writer.writerow([_csv_value(row.get(f)) for f in fields])

    def _rebuild(self):
        build = cube.rebuild(triggered_by="semillero indicators rebuild")
        dashboard.warm(build)
        seconds = (build.finished_at - build.started_at).total_seconds()
        self.stdout.write(
            f"cube rebuilt: {build.cells} cells from "
            f"{build.snapshot['enrolments']} enrolments in {seconds:.1f} s"
        )
