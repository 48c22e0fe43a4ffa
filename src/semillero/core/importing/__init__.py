"""The bulk-import framework shared by every kind of file (see data-formats.md).

- `base`: declarative importers (`Column`, `Importer`, `register_importer`);
- `parsers`: the shared value parsers (dates, yes/no, sex, department, money…);
- `reading`: CSV/XLSX into a table of text cells (polars, calamine);
- `engine`: header matching, validation, duplicates, chunked storing;
- `storing`: bulk upsert by natural key;
- `services`: create and process an `ImportBatch` (pages, CLI, background task);
- `badrows`: the CSV of rejected rows with its `errors` column;
- `blanks`: the blank CSV/XLSX files (templates) offered for download.

An app adds a kind by defining an `Importer` subclass in its `importers.py`
decorated with `@register_importer`; it is discovered on first use.
"""

from .base import (
    Column,
    Importer,
    ParsedRow,
    RowInvalid,
    get_importer,
    importer_classes,
    register_importer,
)
from .errors import ImportFileError, InvalidValue, RowError
from .storing import StoreResult, upsert_chunk

__all__ = [
    "Column",
    "Importer",
    "ImportFileError",
    "InvalidValue",
    "ParsedRow",
    "RowError",
    "RowInvalid",
    "StoreResult",
    "get_importer",
    "importer_classes",
    "register_importer",
    "upsert_chunk",
]
