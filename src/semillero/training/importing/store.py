"""Storing validated enrolment rows: trainees upserted by person_key, then
enrolments upserted by (course run, trainee), on whole columns.

Set-based on purpose: a million-row file costs a few dozen statements. Reads
select only the person_keys and course runs of the file, in chunks passed as
one parameter (a JSON array for SQLite's json_each, an array for PostgreSQL's
ANY); new rows go in with COPY on PostgreSQL and executemany on SQLite;
changed rows with executemany. Runs inside the import's transaction.
"""

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
    records: pl.DataFrame, *, run_codes: dict[int, str], batch, user
) -> StoreResult:
    """Upsert the trainees and enrolments of `records` (columns named after the
    model fields: course_run_id, person_key, status, …; one row per valid file
    row, in file order) and record the trainees' audit event."""
    now = timezone.now()
    fields = [f for f in TRAINEE_FIELDS if f in records.columns]
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
        _insert(table, frame)
        # Ids above the old maximum are ours or a concurrent writer's; the
        # join on person_key keeps ours.
        ids_schema = {"id": pl.Int64, "person_key": pl.String}
        parts = []
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, person_key FROM {_q(table)} WHERE id > %s", [max_before]
            )
            while rows := cursor.fetchmany(READ_CHUNK):
                parts.append(pl.DataFrame(rows, schema=ids_schema, orient="row"))
        inserted = pl.concat(parts).join(
            new.select("person_key"), on="person_key", how="semi"
        )
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
        # COPY is PostgreSQL's bulk path; polars writes the CSV it reads.
        # Empty unquoted fields are NULL, quoted "" is the empty string.
        sql = f"COPY {_q(table)} ({columns}) FROM STDIN (FORMAT csv)"
        with connection.cursor() as cursor:
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
