"""Downloads of lists as CSV and XLSX: what planners open in Excel.

CSV is UTF-8 with a byte-order mark (Excel in Spanish otherwise reads it as
Windows-1252 and breaks every accent) and comma-separated. Every export is audited.
"""

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Model
from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import slugify
from django.utils.translation import gettext as _

from semillero.accounts import events

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")
# A cell starting with one of these is a formula to Excel: "=HYPERLINK(…)" typed into
# an organization's name must stay text in the planner's spreadsheet (OWASP CSV
# injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def cell_value(value):
    """A value as a spreadsheet cell: numbers and dates stay typed, the rest text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, int | float | Decimal | date):
        return value
    if isinstance(value, Model | Promise):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(str(cell_value(v)) for v in value)
    return str(value)


def _csv_safe(value) -> str:
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_PREFIXES) and not isinstance(
        value, int | float | Decimal
    ):
        return "'" + text
    return text


def write_csv(headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([str(h) for h in headers])
    for row in rows:
        writer.writerow([_csv_safe(cell_value(v)) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def write_xlsx(headers: Sequence[str], rows: Iterable[Sequence], title: str) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "remove_timezone": True})
    # Sheet names: at most 31 characters, none of []:*?/\
    sheet_name = "".join(c for c in str(title) if c not in "[]:*?/\\")[:31] or "Data"
    sheet = workbook.add_worksheet(sheet_name)
    bold = workbook.add_format({"bold": True})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    datetime_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    widths = [len(str(h)) for h in headers]
    for col, header in enumerate(headers):
        sheet.write_string(0, col, str(header), bold)
    row_number = 0
    for row_number, row in enumerate(rows, start=1):
        for col, raw in enumerate(row):
            value = cell_value(raw)
            if isinstance(value, datetime):
                if timezone.is_aware(value):
                    value = timezone.localtime(value)
                sheet.write_datetime(row_number, col, value, datetime_format)
                width = 16
            elif isinstance(value, date):
                sheet.write_datetime(
                    row_number,
                    col,
                    datetime(value.year, value.month, value.day),
                    date_format,
                )
                width = 10
            elif isinstance(value, int | float | Decimal):
                sheet.write_number(row_number, col, value)
                width = len(str(value))
            else:
                # write_string, never write(): text stays text, never a formula.
                sheet.write_string(row_number, col, value)
                width = len(value)
            widths[col] = max(widths[col], min(width, 60))
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width + 2)
    sheet.freeze_panes(1, 0)
    if headers:
        sheet.autofilter(0, 0, max(row_number, 1), len(headers) - 1)
    workbook.close()
    return buffer.getvalue()


def export_response(
    *,
    actor,
    rows: Iterable,
    columns: Sequence[tuple[str, Callable]],
    file_format: str,
    what: str,
    title: str,
    filters: dict | None = None,
) -> HttpResponse:
    """Serve `rows` as a CSV or XLSX download and audit it (action "export").

    `columns` are (header, value function) pairs; `what` names the list in the
    audit trail and the file name; `filters` are what the user had chosen.
    """
    if file_format not in FORMATS:
        raise ValueError(f"Unknown export format: {file_format}")
    headers = [str(header) for header, _value in columns]
    count = 0

    def table():
        nonlocal count
        for obj in rows:
            count += 1
            yield [value(obj) for _header, value in columns]

    if file_format == "csv":
        content, content_type = write_csv(headers, table()), CSV_CONTENT_TYPE
    else:
        content, content_type = write_xlsx(headers, table(), title), XLSX_CONTENT_TYPE
    events.data_exported_event(
        actor=actor,
        what=what,
        file_format=file_format,
        rows=count,
        filters=filters or {},
    )
    stamp = timezone.localdate().isoformat()
    filename = f"{slugify(str(title)) or slugify(what)}-{stamp}.{file_format}"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
