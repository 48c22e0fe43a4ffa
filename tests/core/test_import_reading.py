"""Reading CSV and XLSX files: encodings, separators, Excel cells."""

import codecs
import datetime
import io

import openpyxl
import pytest

from semillero.core.importing import ImportFileError
from semillero.core.importing.reading import read_table

from .import_support import csv_bytes


def rows(table):
    return [table.headers, *table.rows()]


def test_utf8_with_bom_reads_the_first_header_without_the_bom():
    """The UTF-8 BOM Excel adds is not part of the first column name."""
    table = read_table(csv_bytes("código,nombre", "A1,Ñandú", bom=True), "f.csv")
    assert rows(table) == [["código", "nombre"], ("A1", "Ñandú")]


def test_semicolons_are_detected():
    """Semicolon-separated files (Excel in Spanish) are detected."""
    table = read_table(csv_bytes("code,name", "A1,Uno", sep=";"), "f.csv")
    assert rows(table) == [["code", "name"], ("A1", "Uno")]


def test_a_comma_inside_quotes_does_not_decide_the_separator():
    """Separators inside quoted headers are not counted."""
    data = b'code;"name, long"\r\nA1;"Uno, dos"\r\n'
    assert rows(read_table(data, "f.csv")) == [
        ["code", "name, long"],
        ("A1", "Uno, dos"),
    ]


def test_cp1252_files_as_excel_in_spanish_writes_them_are_read():
    """A file that is not valid UTF-8 is read as Windows-1252 (Excel's "CSV")."""
    data = csv_bytes("código;teléfono", "Ñ1;“2222”", sep=";", encoding="cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert rows(read_table(data, "f.csv")) == [["código", "teléfono"], ("Ñ1", "“2222”")]


def test_utf16_text_with_bom_is_read():
    """Excel's "Unicode text" (UTF-16, tab-separated) is read too."""
    data = codecs.BOM_UTF16_LE + "code\tname\r\nA1\tÁrbol\r\n".encode("utf-16-le")
    assert rows(read_table(data, "f.txt")) == [["code", "name"], ("A1", "Árbol")]


def test_every_cell_stays_text():
    """Leading zeros and odd numbers are kept as written."""
    table = read_table(csv_bytes("code,n", "007,1e3"), "f.csv")
    assert list(table.rows()) == [("007", "1e3")]


def test_blank_lines_keep_spreadsheet_numbering():
    """A blank line is still a row, so row numbers match what Excel shows."""
    table = read_table(b"code\r\nA\r\n\r\nB\r\n", "f.csv")
    assert list(table.rows()) == [("A",), (None,), ("B",)]


def _xlsx(*rows_):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows_:
        sheet.append(row)
    workbook.create_sheet("Other").append(["ignored"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_xlsx_date_cells_become_iso_dates_and_whole_numbers_lose_the_decimal():
    """The first sheet is read; date cells give YYYY-MM-DD, 12.0 gives "12"."""
    data = _xlsx(
        ["code", "birth_date", "employees", "amount", "flag"],
        ["A1", datetime.date(1990, 2, 28), 12.0, 1250.5, True],
        ["A2", datetime.datetime(2024, 1, 15), 3, None, "sí"],
    )
    assert rows(read_table(data, "f.xlsx")) == [
        ["code", "birth_date", "employees", "amount", "flag"],
        ("A1", "1990-02-28", "12", "1250.5", "true"),
        ("A2", "2024-01-15", "3", None, "sí"),
    ]


@pytest.mark.parametrize(
    "data, name, message",
    [
        (b"", "f.csv", "The file is empty."),
        (b"\r\n\r\n", "f.csv", "The file is empty."),
        (b"code\x00\x01\x02", "f.csv", "The file is not a CSV text file."),
        (b"code,name", "f.xls", "Only CSV and XLSX files can be imported."),
        (b"code,name", "f.xlsx", "The file is not an Excel workbook (.xlsx)."),
        (
            b"PK\x03\x04garbage",
            "f.xlsx",
            "The file could not be read as an Excel workbook (.xlsx).",
        ),
    ],
)
def test_unusable_files_raise_a_file_error(data, name, message):
    """Empty, binary, wrongly named or broken files raise a plain file error."""
    from django.utils import translation

    with translation.override("en"), pytest.raises(ImportFileError) as excinfo:
        read_table(data, name)
    assert excinfo.value.message == message
