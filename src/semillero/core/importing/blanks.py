"""Blank files to fill in: the canonical header as CSV, or as XLSX with an
instructions sheet in the user's language."""

import io

import xlsxwriter
from django.utils.translation import gettext as _

from .base import Importer


def template_csv(importer: type[Importer]) -> bytes:
    header = ",".join(column.name for column in importer.columns)
    return (header + "\r\n").encode("utf-8-sig")


def column_description(column) -> str:
    if column.help:
        return str(column.help)
    parser = column.parser
    return str(getattr(parser, "describe", "")) if not isinstance(parser, str) else ""


def template_xlsx(importer: type[Importer]) -> bytes:
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    bold = workbook.add_format({"bold": True})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    # The data sheet comes first: imports read the first sheet.
    data = workbook.add_worksheet(_("Data")[:31])
    for col, column in enumerate(importer.columns):
        data.write_string(0, col, column.name, bold)
        data.set_column(col, col, max(12, len(column.name) + 4))
    data.freeze_panes(1, 0)

    sheet = workbook.add_worksheet(_("Instructions")[:31])
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 1, 12)
    sheet.set_column(2, 2, 60, wrap)
    sheet.set_column(3, 3, 30, wrap)
    sheet.write_string(0, 0, str(importer.label), bold)
    notes = [
        _(
            "Fill in one row per record in the first sheet, under the header. "
            "Keep the column names; columns that are not required may be removed."
        ),
        _(
            "A row whose code already exists updates that record; importing the "
            "same file again changes nothing."
        ),
        _(
            "Dates: YYYY-MM-DD or DD/MM/YYYY. Yes/no: sí/no, true/false or 1/0 "
            "(empty = unknown). Amounts in US dollars with a dot for decimals."
        ),
        _(
            "Rows with errors are rejected and listed with the reason; download "
            "them, fix them and upload that file again."
        ),
    ]
    for i, note in enumerate(notes, start=2):
        sheet.write_string(i, 0, note)
    top = len(notes) + 3
    headings = [_("Column"), _("Required"), _("Accepted values"), _("Also accepted as")]
    for col, heading in enumerate(headings):
        sheet.write_string(top, col, heading, bold)
    for row, column in enumerate(importer.columns, start=top + 1):
        sheet.write_string(row, 0, column.name)
        sheet.write_string(row, 1, _("yes") if column.required else _("no"))
        sheet.write_string(row, 2, column_description(column))
        sheet.write_string(row, 3, ", ".join(column.aliases))
    workbook.close()
    return out.getvalue()
