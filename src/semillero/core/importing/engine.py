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
from .base import Column, Importer
from .errors import ImportFileError, RowError
from .parsers import normalise_name
from .reading import Table
from .storing import StoreResult

# The column the bad-rows file adds. Ignored, silently, when that file comes back.
ERRORS_COLUMN = "errors"
_IGNORED_HEADERS = {ERRORS_COLUMN, "errores"}
PROGRESS_EVERY = 2000

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
        key_column = self.importer.key[-1]
        first_seen: dict[tuple, int] = {}
        total = self.table.height
        self.progress(phases.VALIDATING, 0, total)
        for index, cells in enumerate(self.table.rows()):
            row = index + 2  # the spreadsheet's line: the header is line 1
            if _is_blank(cells):
                continue
            self.total_rows += 1
            parsed = self.importer.parse_row(self._raw(cells), row)
            errors = parsed.errors
            if parsed.key is not None:
                first = first_seen.setdefault(parsed.key, row)
                if first != row:
                    value = (self._raw(cells).get(key_column) or "").strip()
                    errors.append(
                        RowError(
                            row,
                            key_column,
                            value,
                            _("duplicated in this file, see row %(row)d")
                            % {"row": first},
                        )
                    )
            if errors:
                self.rejected[row] = RejectedRow(row, cells, self._label(errors))
            else:
                self.importer.observe(parsed)
            if index % PROGRESS_EVERY == 0:
                self.progress(phases.VALIDATING, index, total)
        for row, errors in self.importer.check_observed().items():
            rejected = self.rejected.setdefault(
                row, RejectedRow(row, self.table.row(row - 2), [])
            )
            rejected.errors.extend(self._label(errors))
        self.progress(phases.VALIDATING, total, total)

    def store(self) -> StoreResult:
        """Store the valid rows. The caller opens the transaction: an exception
        here must roll back every chunk already written."""
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
        # is what the person sees in the spreadsheet.
        labels = self.header.labels
        return [
            RowError(e.row, labels.get(e.column, e.column), e.value, e.message)
            for e in errors
        ]
