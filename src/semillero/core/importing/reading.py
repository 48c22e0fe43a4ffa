"""Reading CSV and XLSX files into a table of text cells.

Every cell is read as text so that validation, not the reader, decides what a
value means: "007" stays "007", and a bad date is reported, not silently
turned into null. Polars does the parsing (fast enough for a million rows);
calamine (through fastexcel) reads the first sheet of a workbook.
"""

import codecs
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePath

import fastexcel
import polars as pl
from django.utils.translation import gettext as _

from .errors import ImportFileError

CSV = "csv"
XLSX = "xlsx"
FORMATS_BY_EXTENSION = {".csv": CSV, ".txt": CSV, ".xlsx": XLSX}
SEPARATORS = (",", ";", "\t")
# Rows are handed to Python in slices so that a million-row file never
# becomes a million Python tuples at once.
SLICE_ROWS = 10_000


@dataclass
class Table:
    """The header cells and the data rows (all text or None) of a file."""

    headers: list[str | None]
    frame: pl.DataFrame

    @property
    def height(self) -> int:
        return self.frame.height

    def rows(self, start: int = 0, stop: int | None = None) -> Iterator[tuple]:
        """Data rows from index `start` (0 = the line after the header)."""
        stop = self.height if stop is None else min(stop, self.height)
        for offset in range(start, stop, SLICE_ROWS):
            length = min(SLICE_ROWS, stop - offset)
            yield from self.frame.slice(offset, length).iter_rows()

    def row(self, index: int) -> tuple:
        return self.frame.row(index)


def file_format(file_name: str) -> str | None:
    return FORMATS_BY_EXTENSION.get(PurePath(file_name).suffix.lower())


def read_table(data: bytes, file_name: str) -> Table:
    """Read a CSV or XLSX file (chosen by its extension) or raise ImportFileError."""
    fmt = file_format(file_name)
    if fmt is None:
        raise ImportFileError(_("Only CSV and XLSX files can be imported."))
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    frame = _read_xlsx(data) if fmt == XLSX else _read_csv(data)
    if frame.height == 0 or frame.width == 0:
        raise ImportFileError(_("The file is empty."))
    headers = [None if h is None else str(h) for h in frame.row(0)]
    if not any(h and h.strip() for h in headers):
        raise ImportFileError(_("The first row must hold the column names."))
    return Table(headers=headers, frame=frame.slice(1))


def decode_csv_bytes(data: bytes) -> bytes:
    """UTF-8 bytes without BOM, whatever the file came in.

    UTF-8 (with or without BOM) passes through; UTF-16 with a BOM (Excel's
    "Unicode text") is converted; anything else that is not valid UTF-8 is read
    as Windows-1252, which is what Excel in Spanish writes for "CSV", falling
    back to Latin-1 for the five bytes cp1252 leaves undefined.
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            raise ImportFileError(_("The file is not a readable text file.")) from None
    if b"\x00" in data[:8192]:
        raise ImportFileError(_("The file is not a CSV text file."))
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
        return text.encode("utf-8")
    return data


def detect_separator(data: bytes) -> str:
    """The separator that occurs most often, outside quotes, in the header line."""
    counts = dict.fromkeys(SEPARATORS, 0)
    in_quotes = False
    for char in data[:65536].decode("utf-8", errors="ignore"):
        if char == '"':
            in_quotes = not in_quotes
        elif char == "\n" and not in_quotes:
            break
        elif char in counts and not in_quotes:
            counts[char] += 1
    best = max(SEPARATORS, key=lambda s: counts[s])
    return best if counts[best] else ","


def _read_csv(data: bytes) -> pl.DataFrame:
    payload = decode_csv_bytes(data)
    try:
        return pl.read_csv(
            payload,
            has_header=False,
            infer_schema=False,
            separator=detect_separator(payload),
            truncate_ragged_lines=True,
            raise_if_empty=False,
        )
    except (pl.exceptions.PolarsError, ValueError) as exc:
        raise ImportFileError(
            _("The file could not be read as CSV: %(detail)s") % {"detail": exc}
        ) from None


def _read_xlsx(data: bytes) -> pl.DataFrame:
    if not data.startswith(b"PK"):
        raise ImportFileError(_("The file is not an Excel workbook (.xlsx)."))
    try:
        reader = fastexcel.read_excel(data)
        if not reader.sheet_names:
            raise ImportFileError(_("The workbook has no sheets."))
        sheet = reader.load_sheet(0, header_row=None, dtypes="string")
        frame = sheet.to_polars()
    except fastexcel.FastExcelError:
        raise ImportFileError(
            _("The file could not be read as an Excel workbook (.xlsx).")
        ) from None
    # calamine renders date cells as "YYYY-MM-DD 00:00:00"; a date is a date.
    return frame.with_columns(
        pl.col(name).str.replace(r"^(\d{4}-\d{2}-\d{2})[ T]00:00:00$", "${1}")
        for name in frame.columns
    )
