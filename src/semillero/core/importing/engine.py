"""Runs an importer over a table: match the header, validate every row, store
the valid ones.

Memory stays flat for million-row files: validation keeps only the keys seen
(for duplicates) and the rejected rows; storing parses the valid rows again,
chunk by chunk, instead of holding every record at once. Parsing is pure (the
look-ups are loaded once in `prepare`), so both passes agree.
"""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import progress as phases
from .base import Column, Importer, ParsedRow, TableCheck
from .errors import ImportFileError, RowError
from .parsers import normalise_name
from .reading import Table
from .storing import StoreResult

# The column the bad-rows file adds. Ignored, silently, when that file comes back.
ERRORS_COLUMN = "errors"
_IGNORED_HEADERS = {ERRORS_COLUMN, "errores"}
PROGRESS_EVERY = 2000
# Row warnings kept for the batch page; all of them are counted.
MAX_ROW_WARNINGS_KEPT = 10_000

Progress = Callable[[str, int, int], None]


def normalise_header(header: str) -> str:
    """`Fecha de nacimiento ` → `fecha_de_nacimiento`; `Teléfono` → `telefono`."""
    return normalise_name(header).replace("-", " ").replace(" ", "_")


def is_ignored_header(header: str | None) -> bool:
    return header is not None and normalise_header(header) in _IGNORED_HEADERS


@dataclass
class HeaderMatch:
    positions: dict[str, int]  # column name → index in the file's rows
    labels: dict[str, str]  # column name → the header as the file writes it
    warnings: list[str] = field(default_factory=list)


def match_headers(
    headers: Sequence[str | None], columns: Sequence[Column]
) -> HeaderMatch:
    """Map the file's header to the importer's columns, or raise ImportFileError."""
    names = {}
    for column in columns:
        for name in (column.name, *column.aliases):
            names[normalise_header(name)] = column.name
    match = HeaderMatch(positions={}, labels={})
    for position, header in enumerate(headers):
        if header is None or not header.strip() or is_ignored_header(header):
            continue
        name = names.get(normalise_header(header))
        if name is None:
            match.warnings.append(
                _('Unknown column "%(column)s" was ignored.') % {"column": header}
            )
        elif name in match.positions:
            raise ImportFileError(
                _('The column "%(column)s" appears more than once.') % {"column": name}
            )
        else:
            match.positions[name] = position
            match.labels[name] = header.strip()
    missing = [c.name for c in columns if c.required and c.name not in match.positions]
    if missing:
        raise ImportFileError(
            ngettext(
                "Required column missing: %(columns)s.",
                "Required columns missing: %(columns)s.",
                len(missing),
            )
            % {"columns": ", ".join(missing)}
        )
    return match


@dataclass
class RejectedRow:
    row: int
    cells: tuple
    errors: list[RowError]


def _is_blank(cells: tuple) -> bool:
    return all(cell is None or not cell.strip() for cell in cells)


class ImportRun:
    """One importer applied to one table. Call `validate()`, then, inside a
    transaction, `store()`."""

    def __init__(
        self, importer: Importer, table: Table, *, progress: Progress | None = None
    ):
        self.importer = importer
        self.table = table
        self.progress = progress or (lambda phase, done, total: None)
        self.header: HeaderMatch | None = None
        self.rejected: dict[int, RejectedRow] = {}
        self.total_rows = 0
        # Warnings of accepted rows: the first MAX_ROW_WARNINGS_KEPT, and how
        # many rows had any.
        self.row_warnings: list[RowError] = []
        self.rows_warned = 0
        self.check: TableCheck | None = None
        self._sensitive = frozenset(c.name for c in importer.columns if c.sensitive)

    @property
    def warnings(self) -> list[str]:
        return self.header.warnings if self.header else []

    @property
    def valid_rows(self) -> int:
        return self.total_rows - len(self.rejected)

    def errors(self) -> list[RowError]:
        """Every row error, in file order."""
        return [e for row in sorted(self.rejected) for e in self.rejected[row].errors]

    def validate(self) -> None:
        self.header = match_headers(self.table.headers, self.importer.columns)
        self.importer.begin(self.header.positions)
        total = self.table.height
        self.progress(phases.VALIDATING, 0, total)
        self.check = self.importer.check_table(self.table.frame, self.header.positions)
        if self.check is None:
            self._validate_rows()
        else:
            self._validate_flagged(self.check)
        for row, errors in self.importer.check_observed().items():
            rejected = self.rejected.setdefault(
                row, RejectedRow(row, self.table.row(row - 2), [])
            )
            rejected.errors.extend(self._label(errors))
        self.progress(phases.VALIDATING, total, total)

    def _validate_rows(self) -> None:
        key_column = self.importer.key[-1]
        first_seen: dict[tuple, int] = {}
        total = self.table.height
        for index, cells in enumerate(self.table.rows()):
            row = index + 2  # the spreadsheet's line: the header is line 1
            if _is_blank(cells):
                continue
            self.total_rows += 1
            parsed = self.importer.parse_row(self._raw(cells), row)
            first = None
            if parsed.key is not None:
                first = first_seen.setdefault(parsed.key, row)
            self._judge(parsed, cells, None if first == row else first, key_column)
            if index % PROGRESS_EVERY == 0:
                self.progress(phases.VALIDATING, index, total)

    def _validate_flagged(self, check: TableCheck) -> None:
        """The vectorised path: only the rows the importer flagged are parsed
        one by one, for their messages."""
        key_column = self.importer.key[-1]
        self.total_rows = check.total_rows
        for index in sorted(check.flagged):
            cells = self.table.row(index)
            parsed = self.importer.parse_row(self._raw(cells), index + 2)
            first = check.flagged[index]
            if not (parsed.errors or parsed.warnings or first is not None):
                # The two paths must agree; a row flagged for nothing means
                # they do not, and storing such a file would be a guess.
                raise RuntimeError(f"row {index + 2} flagged without a problem")
            self._judge(parsed, cells, first, key_column)

    def _judge(
        self, parsed: ParsedRow, cells: tuple, first: int | None, key_column: str
    ) -> None:
        """Reject the row or accept it (keeping its warnings). `first` is the
        row whose key this one repeats, if any."""
        row, errors = parsed.row, parsed.errors
        if first is not None:
            value = (self._raw(cells).get(key_column) or "").strip()
            errors.append(
                RowError(
                    row,
                    key_column,
                    value,
                    _("duplicated in this file, see row %(row)d") % {"row": first},
                )
            )
        if errors:
            self.rejected[row] = RejectedRow(row, cells, self._label(errors))
            return
        if parsed.warnings:
            self.rows_warned += 1
            room = MAX_ROW_WARNINGS_KEPT - len(self.row_warnings)
            if room > 0:
                self.row_warnings.extend(self._label(parsed.warnings)[:room])
        if self.check is None:
            self.importer.observe(parsed)

    def store(self) -> StoreResult:
        """Store the valid rows. The caller opens the transaction: an exception
        here must roll back every chunk already written."""
        if self.check is not None:
            return self.check.store(set(self.rejected))
        return self.importer.store(self._record_chunks())

    def _record_chunks(self) -> Iterator[list[dict]]:
        size = self.importer.chunk_size
        total, done = self.valid_rows, 0
        self.progress(phases.STORING, 0, total)
        records: list[dict] = []
        for index, cells in enumerate(self.table.rows()):
            row = index + 2
            if row in self.rejected or _is_blank(cells):
                continue
            parsed = self.importer.parse_row(self._raw(cells), row)
            if parsed.record is None:
                # Parsing is meant to be pure; if it is not, stop rather than
                # store a file whose rows were judged differently.
                raise RuntimeError(f"row {row} changed verdict between passes")
            records.append(parsed.record)
            if len(records) >= size:
                yield records
                done += len(records)
                self.progress(phases.STORING, done, total)
                records = []
        if records:
            yield records
            done += len(records)
            self.progress(phases.STORING, done, total)

    def _raw(self, cells: tuple) -> dict[str, str | None]:
        return {name: cells[pos] for name, pos in self.header.positions.items()}

    def _label(self, errors: list[RowError]) -> list[RowError]:
        # Name the column as the file does ("fecha_nacimiento", "Código"): that
        # is what the person sees in the spreadsheet. Sensitive values are
        # left out here, the one place every message passes through.
        labels = self.header.labels
        return [
            RowError(
                e.row,
                labels.get(e.column, e.column),
                "" if e.column in self._sensitive else e.value,
                e.message,
            )
            for e in errors
        ]
