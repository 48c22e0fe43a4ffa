"""Helpers of the tracer import tests: files as Excel writes them, the whole
database as text, the command line."""

import codecs
import csv
import io
from io import StringIO

import xlsxwriter
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation


def csv_file(header, *rows: dict, sep=",", bom=False) -> bytes:
    """A CSV file with `header`; each row a dict by header name (missing = empty)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header])
    data = out.getvalue().encode("utf-8")
    return codecs.BOM_UTF8 + data if bom else data


def xlsx_file(header, *rows: list) -> bytes:
    """A workbook whose first sheet has `header` and `rows`: numbers as number
    cells, dates and date-times as date cells, anything else as text."""
    import datetime

    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = workbook.add_worksheet("Datos")
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    month_format = workbook.add_format({"num_format": "mmm-yyyy"})
    sheet.write_row(0, 0, header)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, datetime.datetime):
                sheet.write_datetime(r, c, value, month_format)
            elif isinstance(value, datetime.date):
                sheet.write_datetime(
                    r, c, datetime.datetime.combine(value, datetime.time()), date_format
                )
            elif isinstance(value, bool):
                sheet.write_boolean(r, c, value)
            elif isinstance(value, int | float):
                sheet.write_number(r, c, value)
            elif value is not None:
                sheet.write_string(r, c, value)
    workbook.close()
    return out.getvalue()


def every_text_in_the_database() -> str:
    """Every row of every table, as text."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            chunks.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(chunks)


def id_forms(raw: str) -> list[str]:
    """A national ID as it may be written: with and without its dash and
    leading zeros."""
    bare = raw.replace("-", "")
    return [raw, bare, bare.lstrip("0")]


def cli(*args):
    """Run `semillero import …`: (exit code, stdout, stderr)."""
    out, err = StringIO(), StringIO()
    with translation.override("en"):
        try:
            call_command("import", *[str(a) for a in args], stdout=out, stderr=err)
            code = 0
        except CommandError as exc:
            code = exc.returncode
            err.write(str(exc))
    return code, out.getvalue(), err.getvalue()
