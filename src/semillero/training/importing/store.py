"""Storing validated enrolment rows: trainees upserted by person_key, then
enrolments upserted by (course run, trainee), on whole columns.

Set-based on purpose: a million-row file costs a few dozen statements, never
a query per row. Two ways, one meaning, both inside the import's transaction:
- PostgreSQL: the file's people and rows go into temporary tables with COPY,
  then a few INSERT … SELECT / UPDATE … FROM statements upsert them; only
  counts come back (see _store_staged).
- SQLite: reads select only the person_keys and course runs of the file, in
  chunks passed as one parameter (a JSON array for json_each); polars finds
  the new and changed rows; new rows go in with executemany, changed rows
  with executemany UPDATE."""

# The SQL here is assembled only from model metadata (table and column names,
# quoted) and fixed fragments; every value travels as a parameter or via COPY.
# ruff: noqa: S608

import contextlib
import io
import json
from collections.abc import Sequence

import polars as pl
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from semillero.core.importing import StoreResult
from semillero.core.importing.storing import UPDATED_KEYS_KEPT

from .. import events
from ..models import CourseRun, Enrolment, Trainee

# Trainee attributes an enrolment file carries, with their types and the value
# a new trainee gets when the file leaves the column out.
TRAINEE_FIELDS: dict[str, tuple[pl.DataType, object]] = {
    "sex": (pl.String, ""),
    "birth_date": (pl.Date, None),
    "department_id": (pl.Int64, None),
    "disability": (pl.Boolean, None),
    "returned_migrant": (pl.Boolean, None),
    "rural": (pl.Boolean, None),
    "low_income": (pl.Boolean, None),
    "education_level": (pl.String, ""),
    "employed_at_entry": (pl.Boolean, None),
    "first_name": (pl.String, ""),
    "last_name": (pl.String, ""),
    "email": (pl.String, ""),
    "phone": (pl.String, ""),
}
ENROLMENT_FIELDS: dict[str, pl.DataType] = {
    "status": pl.String,
    "completion_date": pl.Date,
}
SQLITE_CACHE_KIB = 512 * 1024
READ_CHUNK = 50_000
WRITE_CHUNK = 50_000
# Fewer new rows than this keep the indexes in place (see _plain_indexes_dropped).
BULK_REINDEX_ROWS = 50_000


def check_own_runs(run_ids: Sequence[int], organization_id) -> None:
    """The last line of defence for a data officer: validation rejected other
    organizations' runs; a run that changed provider since then aborts."""
    others = (
        CourseRun.objects.filter(pk__in=run_ids)
        .exclude(provider_id=organization_id)
        .values_list("code", flat=True)[:1]
    )
    for code in others:
        raise PermissionDenied(
            _("You may not import enrolments of course run %(code)s.") % {"code": code}
        )


def store_enrolments(
    records: pl.DataFrame,
    *,
    run_codes: dict[int, str],
    batch,
    user,
    staged: bool | None = None,
) -> StoreResult:
    """Upsert the trainees and enrolments of `records` (columns named after the
    model fields: course_run_id, person_key, status, …; one row per valid file
    row, in file order) and record the trainees' audit event.

    On PostgreSQL the rows are staged with COPY and upserted in SQL (`staged`,
    the default there); elsewhere polars compares them with the stored rows
    and only new and changed rows are sent. Both give the same rows, counts
    and audit event (a test runs both on PostgreSQL)."""
    now = timezone.now()
    fields = [f for f in TRAINEE_FIELDS if f in records.columns]
    if staged is None:
        staged = connection.vendor == "postgresql"
    if staged:
        return _store_staged(
            records, fields, now, run_codes=run_codes, batch=batch, user=user
        )
    with _large_cache():
        trainee_ids = _upsert_trainees(records, fields, now, batch=batch, user=user)
        return _upsert_enrolments(records, trainee_ids, now, run_codes)


@contextlib.contextmanager
def _large_cache():
    """SQLite's default page cache (2 MB) makes a million inserts into the
    person_key index thrash; give this connection room while storing."""
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


@contextlib.contextmanager
def _plain_indexes_dropped(table: str, adding: int, existing: int):
    """SQLite: while at least as many rows are added as the table had, drop
    its plain (not unique) indexes and build them again afterwards, one sort
    each instead of a million ordered inserts. Inside the import's transaction,
    like every statement here: a failure rolls the indexes back with the rows,
    and readers (WAL) go on seeing the committed tables meanwhile."""
    if connection.vendor != "sqlite" or adding < max(existing, BULK_REINDEX_ROWS):
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
            "AND tbl_name = %s AND sql IS NOT NULL "
            "AND upper(sql) NOT LIKE 'CREATE UNIQUE%%'",
            [table],
        )
        indexes = cursor.fetchall()
        for name, _sql in indexes:
            cursor.execute(f"DROP INDEX {_q(name)}")
    yield
    with connection.cursor() as cursor:
        for _name, sql in indexes:
            cursor.execute(sql)


# -- trainees ----------------------------------------------------------------------


def _upsert_trainees(records, fields, now, *, batch, user) -> pl.DataFrame:
    """Create the new trainees and update the changed ones; return every
    (person_key, trainee_id) of the file."""
    # Within a file the last row of a person wins, as a later import would.
    people = records.select("person_key", *fields).unique(
        "person_key", keep="last", maintain_order=True
    )
    existing = _read_trainees(people["person_key"].to_list(), fields)
    joined = people.join(existing, on="person_key", how="left", suffix="__old")
    new = joined.filter(pl.col("id").is_null())
    old = joined.filter(pl.col("id").is_not_null())
    diffs = {f: old[f].ne_missing(old[f"{f}__old"]) for f in fields}
    changed_fields = {f: int(d.sum()) for f, d in diffs.items() if d.any()}
    changed = (
        old.filter(pl.any_horizontal(list(diffs.values()))) if diffs else old.clear()
    )

    table = Trainee._meta.db_table
    inserted = pl.DataFrame(schema={"id": pl.Int64, "person_key": pl.String})
    if new.height:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {_q(table)}")
            (max_before,) = cursor.fetchone()
        columns = {"person_key": new["person_key"]}
        for name, (dtype, default) in TRAINEE_FIELDS.items():
            columns[name] = (
                new[name]
                if name in fields
                else pl.repeat(default, new.height, dtype=dtype, eager=True)
            )
        # In key order: each index page is then filled once, not revisited.
        frame = (
            pl.DataFrame(columns)
            .with_columns(created_at=pl.lit(now), updated_at=pl.lit(now))
            .sort("person_key")
        )
        with _plain_indexes_dropped(table, frame.height, max_before):
            _insert(table, frame)
        inserted = _inserted_ids(table, frame["person_key"], max_before)
    if changed.height:
        _update(table, changed.select("id", *fields), fields, now)

    events.trainees_imported_event(
        batch=batch,
        user=user,
        created=new.height,
        changed=changed.height,
        changed_fields=changed_fields,
    )
    return pl.concat(
        [old.select("id", "person_key"), inserted.select("id", "person_key")]
    )


def _inserted_ids(table: str, keys: pl.Series, max_before: int) -> pl.DataFrame:
    """(id, person_key) of the rows just inserted with `keys`, in that order.

    SQLite gives an AUTOINCREMENT table's new rows increasing ids, and no other
    connection writes while this transaction holds the write lock: when the
    ids above the old maximum are exactly as many as the rows inserted, with
    the first and the last key where expected, they are consecutive in insert
    order and need not be read back. Otherwise they are read back and joined
    on person_key (ids above the old maximum may include a concurrent
    writer's)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite" and keys.len():
            cursor.execute(
                f"SELECT MIN(id), MAX(id), COUNT(*) FROM {_q(table)} WHERE id > %s",
                [max_before],
            )
            low, high, count = cursor.fetchone()
            if count == keys.len() and high - low + 1 == count:
                cursor.execute(
                    f"SELECT id, person_key FROM {_q(table)} WHERE id IN (%s, %s)",
                    [low, high],
                )
                ends = dict(cursor.fetchall())
                if (ends.get(low), ends.get(high)) == (keys[0], keys[-1]):
                    return pl.DataFrame(
                        {
                            "id": pl.int_range(low, high + 1, eager=True),
                            "person_key": keys,
                        }
                    )
        ids_schema = {"id": pl.Int64, "person_key": pl.String}
        parts = [pl.DataFrame(schema=ids_schema)]
        cursor.execute(
            f"SELECT id, person_key FROM {_q(table)} WHERE id > %s", [max_before]
        )
        while rows := cursor.fetchmany(READ_CHUNK):
            parts.append(pl.DataFrame(rows, schema=ids_schema, orient="row"))
    return pl.concat(parts).join(
        keys.to_frame("person_key"), on="person_key", how="semi"
    )


def _read_trainees(keys: list[str], fields: list[str]) -> pl.DataFrame:
    schema = {"id": pl.Int64, "person_key": pl.String}
    schema.update({f: TRAINEE_FIELDS[f][0] for f in fields})
    return _read_in_chunks(Trainee._meta.db_table, "person_key", keys, schema)


# -- enrolments --------------------------------------------------------------------


def _upsert_enrolments(records, trainee_ids, now, run_codes) -> StoreResult:
    fields = [f for f in ENROLMENT_FIELDS if f in records.columns]
    rows = records.select("course_run_id", "person_key", *fields).join(
        trainee_ids.rename({"id": "trainee_id"}), on="person_key", how="left"
    )
    run_ids = rows["course_run_id"].unique().to_list()
    schema = {"id": pl.Int64, "course_run_id": pl.Int64, "trainee_id": pl.Int64}
    schema.update({f: ENROLMENT_FIELDS[f] for f in fields})
    table = Enrolment._meta.db_table
    existing = _read_in_chunks(table, "course_run_id", run_ids, schema)
    joined = rows.join(
        existing, on=["course_run_id", "trainee_id"], how="left", suffix="__old"
    )
    new = joined.filter(pl.col("id").is_null())
    old = joined.filter(pl.col("id").is_not_null())
    diff = pl.any_horizontal([old[f].ne_missing(old[f"{f}__old"]) for f in fields])
    changed = old.filter(diff)

    if new.height:
        columns = {
            "course_run_id": new["course_run_id"],
            "trainee_id": new["trainee_id"],
            "status": new["status"],
            "completion_date": (
                new["completion_date"]
                if "completion_date" in fields
                else pl.repeat(None, new.height, dtype=pl.Date, eager=True)
            ),
        }
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {_q(table)}")
            (max_before,) = cursor.fetchone()
        with _plain_indexes_dropped(table, new.height, max_before):
            _insert(
                table,
                pl.DataFrame(columns)
                .with_columns(created_at=pl.lit(now), updated_at=pl.lit(now))
                .sort("course_run_id", "trainee_id"),
            )
    if changed.height:
        _update(table, changed.select("id", *fields), fields, now)

    keys = changed.head(UPDATED_KEYS_KEPT).select("course_run_id", "trainee_id").rows()
    return StoreResult(
        created=new.height,
        updated=changed.height,
        unchanged=old.height - changed.height,
        updated_keys=[f"{run_codes.get(run, run)}/{trainee}" for run, trainee in keys],
    )


# -- the database, in bulk ---------------------------------------------------------


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _member() -> str:
    """`IN <one parameter holding many values>`, in each database's dialect."""
    if connection.vendor == "postgresql":
        return "= ANY(%s)"
    return "IN (SELECT value FROM json_each(%s))"


def _read_in_chunks(
    table: str, column: str, values: list, schema: dict
) -> pl.DataFrame:
    """The `schema` columns of the rows of `table` whose `column` is one of
    `values`, as a polars frame."""
    postgres = connection.vendor == "postgresql"
    # Django's SQLite connection would turn each date and boolean into a Python
    # object (a million calls of parse_date); casting in SQL skips those
    # converters and polars parses the whole column at once.
    raw, select = {}, []
    for name, dtype in schema.items():
        if not postgres and dtype == pl.Date:
            raw[name] = pl.String
            select.append(f"CAST({_q(name)} AS TEXT)")
        elif not postgres and dtype == pl.Boolean:
            raw[name] = pl.Int64
            select.append(f"CAST({_q(name)} AS INTEGER)")
        else:
            raw[name] = dtype
            select.append(_q(name))
    sql = f"SELECT {', '.join(select)} FROM {_q(table)} WHERE {_q(column)} {_member()}"
    frames = []
    with connection.cursor() as cursor:
        for start in range(0, len(values), READ_CHUNK):
            chunk = values[start : start + READ_CHUNK]
            cursor.execute(sql, [chunk if postgres else json.dumps(chunk)])
            rows = cursor.fetchall()
            if rows:
                frames.append(pl.DataFrame(rows, schema=raw, orient="row"))
    frame = pl.concat(frames) if frames else pl.DataFrame(schema=raw)
    return frame.with_columns(
        pl.col(name).str.to_date("%Y-%m-%d")
        if dtype == pl.Date and raw[name] == pl.String
        else pl.col(name).cast(dtype)
        for name, dtype in schema.items()
    )


def _insert(table: str, frame: pl.DataFrame) -> None:
    columns = ", ".join(_q(c) for c in frame.columns)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            _copy(cursor, _q(table), frame)
        return
    placeholders = ", ".join(["%s"] * frame.width)
    sql = f"INSERT INTO {_q(table)} ({columns}) VALUES ({placeholders})"
    with connection.cursor() as cursor:
        for start in range(0, frame.height, WRITE_CHUNK):
            cursor.executemany(sql, _python_rows(frame.slice(start, WRITE_CHUNK)))


def _update(table: str, frame: pl.DataFrame, fields: list[str], now) -> None:
    """UPDATE … WHERE id = …, one parameter set per changed row."""
    assignments = ", ".join(f"{_q(f)} = %s" for f in [*fields, "updated_at"])
    sql = f"UPDATE {_q(table)} SET {assignments} WHERE id = %s"
    ordered = frame.select(*fields, pl.lit(now).alias("updated_at"), "id")
    with connection.cursor() as cursor:
        for start in range(0, ordered.height, WRITE_CHUNK):
            cursor.executemany(sql, _python_rows(ordered.slice(start, WRITE_CHUNK)))


def _python_rows(frame: pl.DataFrame) -> list[tuple]:
    """Rows as the database driver takes them. For SQLite, the text Django
    itself stores (dates ISO, datetimes in UTC without zone, booleans 0/1)."""
    if connection.vendor != "sqlite":
        return frame.rows()
    frame = frame.with_columns(
        pl.col(pl.Date).dt.to_string("%Y-%m-%d"),
        pl.col(pl.Datetime)
        .dt.convert_time_zone("UTC")
        .dt.to_string("%Y-%m-%d %H:%M:%S%.6f"),
        pl.col(pl.Boolean).cast(pl.Int8),
    )
    return frame.rows()


# -- PostgreSQL: staged with COPY, upserted in SQL ---------------------------------
#
# The file's people and rows go into temporary tables with COPY; a handful of
# statements then join them with the real tables in the database. Only counts
# and the first changed keys come back to Python. Same rules as above: the
# last row of a person wins, only changed rows are written (with updated_at),
# a trainee's absent columns are left alone, and the audit event counts the
# changes per field. A concurrent writer that inserts the same key makes the
# insert fail (a unique violation), which rolls the whole import back.

# Named in pg_temp so that no statement here can reach a real table.
STAGED_PEOPLE = "pg_temp.semillero_staged_people"
STAGED_ROWS = "pg_temp.semillero_staged_rows"
STAGED_ENROLMENTS = "pg_temp.semillero_staged_enrolments"
# Room for the sorts and hashes of a million-row file (this transaction only).
STAGING_WORK_MEM = "256MB"


def _store_staged(records, fields, now, *, run_codes, batch, user) -> StoreResult:
    trainees = _q(Trainee._meta.db_table)
    # Every trainee column: the file's, or the value a new trainee gets.
    people = (
        records.select("person_key", *fields)
        .unique("person_key", keep="last", maintain_order=True)
        .select(
            "person_key",
            *(
                pl.col(name) if name in fields else pl.lit(default, dtype).alias(name)
                for name, (dtype, default) in TRAINEE_FIELDS.items()
            ),
        )
        .sort("person_key")
    )
    columns = [_q(c) for c in people.columns]
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL work_mem = '{STAGING_WORK_MEM}'")
        _stage(
            cursor,
            STAGED_PEOPLE,
            f"SELECT {', '.join(columns)} FROM {trainees}",
            people,
        )
        differs = [f"t.{_q(f)} IS DISTINCT FROM s.{_q(f)}" for f in fields]
        any_differs = " OR ".join(differs) or "FALSE"
        counts = "".join(f", count(*) FILTER (WHERE {d})" for d in differs)
        cursor.execute(
            f"SELECT count(*), count(*) FILTER (WHERE {any_differs}){counts} "
            f"FROM {STAGED_PEOPLE} s JOIN {trainees} t ON t.person_key = s.person_key"
        )
        existing, changed, *per_field = cursor.fetchone()
        if changed:
            assignments = ", ".join(f"{_q(f)} = s.{_q(f)}" for f in fields)
            cursor.execute(
                f"UPDATE {trainees} t SET {assignments}, updated_at = %s "
                f"FROM {STAGED_PEOPLE} s "
                f"WHERE t.person_key = s.person_key AND ({any_differs})",
                [now],
            )
        created = people.height - existing
        if created:
            # In key order: each index page is filled once, not revisited.
            cursor.execute(
                f"INSERT INTO {trainees} ({', '.join(columns)}, created_at, updated_at)"
                f" SELECT {', '.join(f's.{c}' for c in columns)}, %s, %s "
                f"FROM {STAGED_PEOPLE} s WHERE NOT EXISTS "
                f"(SELECT 1 FROM {trainees} t WHERE t.person_key = s.person_key) "
                "ORDER BY s.person_key",
                [now, now],
            )
            if cursor.rowcount != created:
                # Another writer added some of these people meanwhile; their
                # rows were not compared with the file. Start again.
                raise RuntimeError("trainees were added during the import")
        cursor.execute(f"DROP TABLE {STAGED_PEOPLE}")
        events.trainees_imported_event(
            batch=batch,
            user=user,
            created=created,
            changed=changed,
            changed_fields={f: n for f, n in zip(fields, per_field, strict=True) if n},
        )
        return _upsert_enrolments_staged(cursor, records, now, run_codes)


def _upsert_enrolments_staged(cursor, records, now, run_codes) -> StoreResult:
    trainees = _q(Trainee._meta.db_table)
    enrolments = _q(Enrolment._meta.db_table)
    fields = [f for f in ENROLMENT_FIELDS if f in records.columns]
    rows = records.select("course_run_id", "person_key", *fields).with_row_index(
        "line_no"
    )
    staged = [_q(f) for f in fields]
    _stage(
        cursor,
        STAGED_ROWS,
        "SELECT 0::bigint AS line_no, e.course_run_id, t.person_key"
        f"{''.join(f', e.{f}' for f in staged)} "
        f"FROM {enrolments} e, {trainees} t",
        rows,
    )
    # Each row with its trainee, its enrolment if there is one, and whether
    # the file changes that enrolment.
    differs = " OR ".join(f"e.{f} IS DISTINCT FROM r.{f}" for f in staged) or "FALSE"
    cursor.execute(f"DROP TABLE IF EXISTS {STAGED_ENROLMENTS}")
    cursor.execute(
        f"CREATE TEMP TABLE {STAGED_ENROLMENTS} ON COMMIT DROP AS "
        f"SELECT r.line_no, r.course_run_id, t.id AS trainee_id"
        f"{''.join(f', r.{f}' for f in staged)}, e.id AS enrolment_id, "
        f"(e.id IS NOT NULL AND ({differs})) AS changed "
        f"FROM {STAGED_ROWS} r JOIN {trainees} t ON t.person_key = r.person_key "
        f"LEFT JOIN {enrolments} e "
        "ON e.course_run_id = r.course_run_id AND e.trainee_id = t.id"
    )
    if cursor.rowcount != rows.height:
        raise RuntimeError("trainees were removed during the import")
    cursor.execute(
        "SELECT count(*) FILTER (WHERE enrolment_id IS NULL), "
        f"count(*) FILTER (WHERE changed) FROM {STAGED_ENROLMENTS}"
    )
    created, updated = cursor.fetchone()
    keys = []
    if updated:
        cursor.execute(
            f"SELECT course_run_id, trainee_id FROM {STAGED_ENROLMENTS} "
            "WHERE changed ORDER BY line_no LIMIT %s",
            [UPDATED_KEYS_KEPT],
        )
        keys = cursor.fetchall()
        assignments = ", ".join(f"{f} = s.{f}" for f in staged)
        cursor.execute(
            f"UPDATE {enrolments} e SET {assignments}, updated_at = %s "
            f"FROM {STAGED_ENROLMENTS} s WHERE e.id = s.enrolment_id AND s.changed",
            [now],
        )
    if created:
        completion = "s.completion_date" if "completion_date" in fields else "NULL"
        cursor.execute(
            f"INSERT INTO {enrolments} (course_run_id, trainee_id, status, "
            "completion_date, created_at, updated_at) "
            f"SELECT s.course_run_id, s.trainee_id, s.status, {completion}, %s, %s "
            f"FROM {STAGED_ENROLMENTS} s WHERE s.enrolment_id IS NULL "
            "ORDER BY s.course_run_id, s.trainee_id",
            [now, now],
        )
    cursor.execute(f"DROP TABLE {STAGED_ROWS}, {STAGED_ENROLMENTS}")
    return StoreResult(
        created=created,
        updated=updated,
        unchanged=rows.height - created - updated,
        updated_keys=[f"{run_codes.get(run, run)}/{trainee}" for run, trainee in keys],
    )


def _stage(cursor, name: str, like: str, frame: pl.DataFrame) -> None:
    """A temporary table `name` with the columns (and types) of the query
    `like`, holding `frame`. Dropped at the end of the transaction at the
    latest; a table of the same name left by an earlier import in the same
    transaction (tests) is replaced."""
    cursor.execute(f"DROP TABLE IF EXISTS {name}")
    cursor.execute(f"CREATE TEMP TABLE {name} ON COMMIT DROP AS {like} WITH NO DATA")
    _copy(cursor, name, frame)
    cursor.execute(f"ANALYZE {name}")


def _copy(cursor, table: str, frame: pl.DataFrame) -> None:
    """COPY `frame` into `table` (PostgreSQL): polars writes the CSV. Empty
    unquoted fields are NULL, quoted "" is the empty string."""
    columns = ", ".join(_q(c) for c in frame.columns)
    sql = f"COPY {table} ({columns}) FROM STDIN (FORMAT csv)"
    with cursor.cursor.copy(sql) as copy:
        for start in range(0, frame.height, WRITE_CHUNK):
            buffer = io.BytesIO()
            frame.slice(start, WRITE_CHUNK).write_csv(
                buffer,
                include_header=False,
                quote_style="non_numeric",
                null_value="",
                datetime_format="%Y-%m-%dT%H:%M:%S%.6f%:z",
            )
            copy.write(buffer.getvalue())
