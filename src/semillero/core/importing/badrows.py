"""The downloadable CSV of rejected rows: the file's own columns plus `errors`,
ready to be fixed in Excel and uploaded again."""

import csv
import io
from collections.abc import Iterable, Sequence

from .engine import ERRORS_COLUMN, RejectedRow, is_ignored_header


def bad_rows_csv(
    headers: Sequence[str | None], rejected: Iterable[RejectedRow]
) -> bytes:
    """UTF-8 with BOM (so Excel shows accents right), comma-separated.

    An `errors` column from an earlier round is replaced, not repeated.
    """
    keep = [i for i, h in enumerate(headers) if not is_ignored_header(h)]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([headers[i] or "" for i in keep] + [ERRORS_COLUMN])
    for row in rejected:
        cells = [row.cells[i] if row.cells[i] is not None else "" for i in keep]
        writer.writerow(cells + ["; ".join(e.describe() for e in row.errors)])
    return out.getvalue().encode("utf-8-sig")
