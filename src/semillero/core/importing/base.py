"""Declarative importers: one class per kind of file, registered by kind.

An importer declares its columns (name, required, parser, aliases), turns one
row of text into a record (a dict of model field values) or a list of errors,
and stores records in bulk. The engine (engine.py) drives it; nothing here
knows about files, batches or transactions.
"""

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _

from . import parsers, storing
from .errors import InvalidValue, RowError
from .storing import StoreResult


@dataclass(frozen=True)
class Column:
    """One column of an import file.

    `parser` is a value parser (see parsers.py) or the name of a method of the
    importer, for parsers that need look-ups the importer loads in `prepare()`.
    `field` is the model field the value goes to (default: the column name).
    """

    name: str
    required: bool = False
    parser: Callable[[str], Any] | str = field(default_factory=parsers.text)
    aliases: tuple[str, ...] = ()
    field: str | None = None
    help: Any = ""
    # A sensitive value (a national ID) is never echoed in a message: the
    # messages are kept in the database and printed; only the bad-rows file,
    # the user's own cells, repeats it.
    sensitive: bool = False

    @property
    def target(self) -> str:
        return self.field or self.name


@dataclass
class ParsedRow:
    row: int
    record: dict | None
    errors: list[RowError]
    key: tuple | None
    # Problems worth a look that do not reject the row (e.g. an unusual age).
    warnings: list[RowError] = field(default_factory=list)


@dataclass
class TableCheck:
    """What an importer's vectorised validation (`Importer.check_table`) found.

    `flagged` maps the index of every data row that may have an error or a
    warning to the spreadsheet row of its first occurrence when it repeats the
    key of an earlier row (else None). The engine parses only those rows with
    `parse_row` for the messages, so both paths word them identically.
    `store(rejected)` stores every non-blank row whose spreadsheet row number
    is not in `rejected`.
    """

    total_rows: int
    flagged: dict[int, int | None]
    store: Callable[[set[int]], StoreResult]


class Importer:
    """Base class of every import kind. Subclasses set the class attributes and
    usually `model`; they override `prepare`, `clean` and `store` when needed."""

    kind: ClassVar[str]
    label: ClassVar[Any]
    columns: ClassVar[tuple[Column, ...]]
    # Columns whose values identify a record: duplicates within a file are
    # rejected and existing records are updated (upsert by natural key).
    key: ClassVar[tuple[str, ...]] = ("code",)
    model: ClassVar[Any] = None
    chunk_size: ClassVar[int] = 1000

    def __init__(self, *, user=None, batch=None):
        self.user = user
        # The ImportBatch being processed, for events that name it (None when
        # an importer runs outside a batch, as in some tests).
        self.batch = batch
        self._warnings: list[tuple[str, str]] = []
        self.present: frozenset[str] = frozenset(c.name for c in self.columns)
        self._parsers: dict[str, Callable[[str], Any]] = {}

    # -- set-up -----------------------------------------------------------------
    def prepare(self) -> None:
        """Load, once per file, the look-ups that validation needs (codes of
        departments, existing records…), so no row costs a query."""

    def begin(self, names: Iterable[str]) -> None:
        """Get ready for a file that has the columns `names`. Absent optional
        columns are left untouched on existing records rather than emptied."""
        self.present = frozenset(names)
        self.prepare()
        self._parsers = {
            c.name: getattr(self, c.parser) if isinstance(c.parser, str) else c.parser
            for c in self.columns
            if c.name in self.present
        }

    # -- validation -------------------------------------------------------------
    def parse_row(self, raw: Mapping[str, str | None], row: int) -> ParsedRow:
        """Parse one row of text. Never raises on bad input: every problem
        becomes a RowError with a message in the user's language."""
        errors: list[RowError] = []
        values: dict[str, Any] = {}
        texts: dict[str, str] = {}
        for column in self.columns:
            if column.name not in self.present:
                continue
            text = (raw.get(column.name) or "").strip()
            texts[column.name] = text
            if not text:
                if column.required:
                    errors.append(RowError(row, column.name, "", _("is required")))
                else:
                    values[column.name] = None
                continue
            try:
                values[column.name] = self._parsers[column.name](text)
            except InvalidValue as exc:
                errors.append(RowError(row, column.name, text, exc.message))
        key = self.row_key(values)
        record = None
        self._warnings = []
        try:
            record = self.clean(values)
        except RowInvalid as exc:
            errors.extend(
                RowError(row, column, texts.get(column, ""), message)
                for column, message in exc.problems
            )
        warnings = [
            RowError(row, column, texts.get(column, ""), message)
            for column, message in self._warnings
        ]
        return ParsedRow(
            row=row,
            record=None if errors else record,
            errors=errors,
            key=key,
            warnings=[] if errors else warnings,
        )

    def warn(self, column: str, message: str) -> None:
        """Called from `clean` to note a problem that does not reject the row."""
        self._warnings.append((column, message))

    def row_key(self, values: Mapping[str, Any]) -> tuple | None:
        try:
            key = tuple(values[name] for name in self.key)
        except KeyError:
            return None
        return None if any(part is None for part in key) else key

    def clean(self, values: Mapping[str, Any]) -> dict:
        """Cross-column checks and the record to store. `values` holds the
        parsed value of every present column that parsed (None when empty).
        Raise RowInvalid to reject the row."""
        return self.build_record(values)

    def build_record(self, values: Mapping[str, Any]) -> dict:
        record = {}
        for column in self.columns:
            if column.name in values:
                value = values[column.name]
                if value is None:
                    value = getattr(self._parsers[column.name], "empty", None)
                record[column.target] = value
        return record

    def check_table(self, frame, positions: Mapping[str, int]) -> TableCheck | None:
        """Optionally validate the whole table at once (vectorised, for kinds
        whose files reach a million rows). `frame` holds the data rows as text
        (polars), `positions` maps column names to frame column indexes.
        Return None (the default) for the row-by-row path. An importer that
        returns a TableCheck does its checks across rows itself: `observe` is
        not called for the rows it did not flag."""
        return None

    def observe(self, parsed: ParsedRow) -> None:
        """Called for every valid row during validation, for checks across rows
        (e.g. a parent code defined further down the file). Keep only what the
        check needs: a file may have a million rows."""

    def check_observed(self) -> dict[int, list[RowError]]:
        """Errors found across the observed rows, by row number."""
        return {}

    # -- storing ----------------------------------------------------------------
    def store(self, chunks: Iterator[list[dict]]) -> StoreResult:
        """Upsert the records of the valid rows, chunk by chunk (the engine
        wraps the whole call in one transaction)."""
        result = StoreResult()
        for records in chunks:
            result.add(
                storing.upsert_chunk(
                    model=self.model,
                    key_fields=self.key_fields(),
                    records=records,
                    guard=self.guard_update,
                )
            )
        return result

    def key_fields(self) -> tuple[str, ...]:
        targets = {c.name: c.target for c in self.columns}
        return tuple(targets[name] for name in self.key)

    def guard_update(self, instance) -> None:
        """Called, inside the transaction, for every existing record about to
        change; raise to abort the whole file (a last line of defence for
        permissions checked during validation)."""


class RowInvalid(Exception):
    """Raised by `Importer.clean` with (column, message) pairs."""

    def __init__(self, *problems: tuple[str, str]):
        super().__init__(problems)
        self.problems = list(problems)


_registry: dict[str, type[Importer]] = {}
_discovered = False


def register_importer(cls: type[Importer]) -> type[Importer]:
    """Class decorator: make a kind importable from the pages and the CLI."""
    _registry[cls.kind] = cls
    return cls


def _discover() -> None:
    # Importers live in each app's importers.py; load them on first use so no
    # app has to remember to import them.
    global _discovered
    if not _discovered:
        autodiscover_modules("importers")
        _discovered = True


def importer_classes() -> dict[str, type[Importer]]:
    _discover()
    return dict(sorted(_registry.items()))


def get_importer(kind: str) -> type[Importer]:
    """The importer class of a kind; LookupError when there is none."""
    try:
        return importer_classes()[kind]
    except KeyError:
        raise LookupError(kind) from None
