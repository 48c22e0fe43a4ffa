"""Writing hundreds of thousands of demo rows fast.

Ids are reserved up front, so that rows referring to each other (enrolments to
trainees and runs) are built in memory without reading anything back; rows then
travel with COPY on PostgreSQL and executemany on SQLite, in chunks. Values are
given as the database takes them from text: dates as ISO strings, booleans,
None, numbers; `stamp()` is the creation time in each database's form.
"""

# The SQL is assembled only from model metadata (quoted table and column names);
# every value travels as a parameter or through COPY.
# ruff: noqa: S608

import contextlib
import itertools
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

import numpy as np
from django.db import connection

CHUNK = 50_000
SQLITE_CACHE_KIB = 256 * 1024


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def reserve_ids(model, n: int) -> np.ndarray:
    """`n` primary keys no other row has or will get, in increasing order.

    PostgreSQL hands them out from the table's own sequence. SQLite has no
    sequence to draw from: the ids follow the highest ever used (AUTOINCREMENT
    keeps that in sqlite_sequence), which is safe because the demo writes inside a
    transaction that holds SQLite's write lock.
    """
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) "
                "FROM generate_series(1, %s)",
                [_q(table), n],
            )
            return np.sort(np.array([r[0] for r in cursor.fetchall()], dtype=np.int64))
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {_q(table)}")
        (highest,) = cursor.fetchone()
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name = 'sqlite_sequence'"
        )
        if cursor.fetchone():
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            highest = max(highest, row[0] if row else 0)
    return np.arange(highest + 1, highest + 1 + n, dtype=np.int64)


def insert(model, columns: Sequence[str], rows: Iterable[tuple]) -> int:
    """Insert `rows` (tuples in the order of `columns`, which are column names of
    `model`'s table) and return how many went in."""
    table = model._meta.db_table
    names = ", ".join(_q(c) for c in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"COPY {_q(table)} ({names}) FROM STDIN"
            with cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        sql = f"INSERT INTO {_q(table)} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
        chunk = []
        for row in rows:
            chunk.append(row)
            if len(chunk) == CHUNK:
                cursor.executemany(sql, chunk)
                count += len(chunk)
                chunk = []
        if chunk:
            cursor.executemany(sql, chunk)
            count += len(chunk)
    return count


def insert_columns(model, columns: dict) -> int:
    """Insert rows given column by column: each value is a list (one item per
    row, all of the same length) or a single value for every row."""
    lengths = {len(v) for v in columns.values() if isinstance(v, list)}
    assert len(lengths) == 1, "columns of different lengths"
    values = [
        v if isinstance(v, list) else itertools.repeat(v) for v in columns.values()
    ]
    # The lengths are checked above; constants repeat without end.
    return insert(model, list(columns), zip(*values, strict=False))


def nullable(values: Sequence, known) -> list:
    """`values` with None where `known` is false."""
    return [v if k else None for v, k in zip(values, list(known), strict=True)]


def flags(values) -> list:
    """Booleans from 1/0, None from -1 (not recorded)."""
    lookup = (False, True, None)
    return [lookup[v] for v in values.tolist()]


def stamp(now: datetime):
    """A timestamp as the database stores Django's DateTimeField: aware for
    PostgreSQL, UTC text without zone for SQLite."""
    if connection.vendor == "postgresql":
        return now
    return now.astimezone(UTC).replace(tzinfo=None).isoformat(" ")


def iso_dates(days: np.ndarray) -> list[str]:
    """Days since 1970-01-01 as ISO dates."""
    return np.asarray(days, dtype="datetime64[D]").astype(str).tolist()


@contextlib.contextmanager
def large_cache():
    """SQLite's default page cache (2 MB) makes inserting a million random
    person_keys into their unique index thrash; give this connection room."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = {-SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")
