"""Storing enrolment imports in bulk: PostgreSQL's staged path (COPY into
temporary tables, upsert in SQL) against the polars path, the keyed hash of a
million IDs, the ids of new trainees, SQLite's index rebuild, and a crash
while storing on either database."""

import functools
import hashlib
import hmac

import polars as pl
import pytest
from django.db import connection, transaction

from semillero.accounts.models import AuditEvent
from semillero.core.events import IMPORT_FINISHED
from semillero.core.models import ImportStatus
from semillero.core.pseudonymisation import person_key
from semillero.training.events import TRAINEES_IMPORTED
from semillero.training.importing import store
from semillero.training.importing.enrolments import hmac_sha256_hex
from semillero.training.models import Enrolment, Trainee
from tests.core.import_support import run_import

from .factories import dui
from .test_enrolment_import import HEADER, enrolment_file, line

pytestmark = pytest.mark.django_db

ANA, LUIS, EVA, TEO = (dui(n) for n in (12_345_670, 23_456_781, 34_567_892, 45_678_903))
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the staged path is PostgreSQL's"
)
sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the index rebuild is SQLite's"
)
STORE_ENROLMENTS = store.store_enrolments


def _state() -> tuple[list, list]:
    """Every trainee and enrolment, by natural key, without ids or timestamps."""
    trainees = sorted(
        tuple(v for k, v in t.items() if k not in ("id", "created_at", "updated_at"))
        for t in Trainee.objects.values()
    )
    enrolments = sorted(
        Enrolment.objects.values_list(
            "course_run__code", "trainee__person_key", "status", "completion_date"
        )
    )
    return trainees, enrolments


def _updated_since(moment) -> tuple[set, set]:
    """The natural keys of the rows stamped updated_at >= moment."""
    return (
        set(
            Trainee.objects.filter(updated_at__gte=moment).values_list(
                "person_key", flat=True
            )
        ),
        set(
            Enrolment.objects.filter(updated_at__gte=moment).values_list(
                "course_run__code", "trainee__person_key"
            )
        ),
    )


def _outcome(monkeypatch, data: bytes, *, staged: bool):
    """Import `data` with the chosen store path and undo it; return what it
    stored, counted and audited."""
    monkeypatch.setattr(
        store, "store_enrolments", functools.partial(STORE_ENROLMENTS, staged=staged)
    )
    with transaction.atomic():
        report = run_import("enrolments", data)
        batch = report.batch
        event = AuditEvent.objects.filter(action=TRAINEES_IMPORTED).latest("id")
        finished = AuditEvent.objects.filter(action=IMPORT_FINISHED).latest("id")
        outcome = {
            "status": batch.status,
            "counts": (batch.rows_created, batch.rows_updated, batch.rows_unchanged),
            "updated_keys": finished.details["updated_keys"],
            "audit": event.details,
            "state": _state(),
            "written": _updated_since(batch.started_at),
        }
        transaction.set_rollback(True)
    return outcome


FIRST = [
    line(),
    line(person_id=LUIS, status="enrolled", completion_date="", sex="M"),
    line(person_id=EVA, first_name="Eva", rural="no"),
]
SECOND = [
    # Ana: two attributes and her status change.
    line(first_name="Ana Lucía", phone="7111-1111", status="certified"),
    # Luis: unchanged.
    line(person_id=LUIS, status="enrolled", completion_date="", sex="M"),
    # Eva: only a flag, to unknown.
    line(person_id=EVA, first_name="Eva", rural=""),
    # Teo: new.
    line(person_id=TEO, first_name="Teo", sex="M", status="dropped"),
]


@postgresql_only
@pytest.mark.parametrize(
    "header", [HEADER, HEADER[:7] + ["rural"]], ids=["all columns", "some columns"]
)
def test_the_staged_path_stores_counts_and_audits_as_the_polars_path(
    run, monkeypatch, header
):
    """The same files through both store paths, over the same stored rows: the
    same trainees and enrolments, the same created/updated/unchanged counts and
    changed keys, the same audit event, and only changed rows written."""
    run_import("enrolments", enrolment_file(*FIRST))
    second = enrolment_file(*SECOND, header=header)
    staged = _outcome(monkeypatch, second, staged=True)
    polars_path = _outcome(monkeypatch, second, staged=False)
    assert staged == polars_path
    assert staged["status"] == ImportStatus.SUCCEEDED
    changed = {person_key(EVA), person_key(TEO)}
    if header == HEADER:
        changed.add(person_key(ANA))
    assert staged["written"][0] == changed
    assert staged["written"][1] == {
        ("CR-1", person_key(ANA)),
        ("CR-1", person_key(TEO)),
    }
    assert staged["counts"] == (1, 1, 2)
    assert staged["updated_keys"] == [
        f"CR-1/{Trainee.objects.get(person_key=person_key(ANA)).pk}"
    ]


@postgresql_only
def test_the_staged_path_audits_each_changed_field(run, monkeypatch):
    """Counts per field on the staged path, as the polars path words them."""
    run_import("enrolments", enrolment_file(*FIRST))
    outcome = _outcome(monkeypatch, enrolment_file(*SECOND), staged=True)
    assert outcome["audit"] == {
        "created": 1,
        "changed": 2,
        "changed_fields": {"first_name": 1, "phone": 1, "rural": 1},
    }
    trainees, enrolments = outcome["state"]
    assert len(trainees) == 4 and len(enrolments) == 4


@postgresql_only
def test_the_staged_path_leaves_no_staging_table(run):
    """The temporary tables go at the end of the store, not only at commit:
    a second import in the same transaction starts clean."""
    run_import("enrolments", enrolment_file(*FIRST))
    run_import("enrolments", enrolment_file(*SECOND))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_class WHERE relname LIKE 'semillero_staged_%%' "
            "AND relpersistence = 't' AND pg_table_is_visible(oid)"
        )
        assert cursor.fetchone() == (0,)
    assert Trainee.objects.count() == 4


@pytest.mark.django_db(transaction=True)
def test_a_crash_after_the_trainees_are_stored_leaves_nothing_written(run, monkeypatch):
    """Trainees are written, then storing the enrolments fails: the trainees
    are rolled back with them, on either path (real transactions)."""

    def fail(*args, **kwargs):
        assert Trainee.objects.count() == 2
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "_upsert_enrolments", fail)
    monkeypatch.setattr(store, "_upsert_enrolments_staged", fail)
    report = run_import("enrolments", enrolment_file(*FIRST[:2]))
    assert report.crashed
    assert not Trainee.objects.exists() and not Enrolment.objects.exists()
    assert not AuditEvent.objects.filter(action=TRAINEES_IMPORTED).exists()
    report.batch.refresh_from_db()
    assert report.batch.status == ImportStatus.FAILED


@pytest.mark.parametrize("size", [0, 1, 32, 64, 65, 200])
def test_the_keyed_hash_of_many_ids_is_hmac_sha256(size):
    """hmac_sha256_hex is HMAC-SHA256, whatever the length of the secret."""
    secret = bytes(range(256))[:size]
    messages = [b"", b"012345678", "ñ".encode(), b"x" * 200]
    assert hmac_sha256_hex(secret, messages) == [
        hmac.new(secret, m, hashlib.sha256).hexdigest() for m in messages
    ]


def test_the_ids_of_new_trainees_are_read_back_when_not_consecutive(run):
    """_inserted_ids numbers consecutive new rows without reading them, and
    reads them back (joined on person_key) when other rows are among them."""
    run_import("enrolments", enrolment_file(*FIRST))
    ids = dict(Trainee.objects.values_list("person_key", "id"))
    table = Trainee._meta.db_table
    before = min(ids.values()) - 1
    keys = sorted(ids, key=ids.get)
    every = store._inserted_ids(table, pl.Series(keys), before)
    assert dict(every.iter_rows()) == {ids[k]: k for k in keys}
    # Only the last two are "ours": the first is another writer's.
    ours = store._inserted_ids(table, pl.Series(keys[1:]), before)
    assert dict(ours.iter_rows()) == {ids[k]: k for k in keys[1:]}


def _indexes() -> list:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
            "AND tbl_name IN ('training_trainee', 'training_enrolment') ORDER BY name"
        )
        return cursor.fetchall()


@sqlite_only
def test_a_bulk_import_rebuilds_the_same_indexes(run, monkeypatch):
    """Above the threshold the plain indexes are dropped for the insert and
    built again: afterwards the schema is as before and the indexes work."""
    monkeypatch.setattr(store, "BULK_REINDEX_ROWS", 1)
    before = _indexes()
    assert any("course_run_id" in (sql or "") for _name, sql in before)
    report = run_import("enrolments", enrolment_file(*FIRST))
    assert report.batch.rows_created == 3
    assert _indexes() == before
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA integrity_check")
        assert cursor.fetchone() == ("ok",)


@sqlite_only
def test_a_crash_with_the_indexes_dropped_rolls_them_back(run, monkeypatch):
    """Storing fails while the indexes are dropped: the rows and the schema
    are rolled back together."""
    monkeypatch.setattr(store, "BULK_REINDEX_ROWS", 1)
    before = _indexes()
    real_insert = store._insert

    def failing_insert(table, frame):
        if table == Enrolment._meta.db_table:
            raise RuntimeError("disk full")
        return real_insert(table, frame)

    monkeypatch.setattr(store, "_insert", failing_insert)
    report = run_import("enrolments", enrolment_file(*FIRST))
    assert report.crashed
    assert _indexes() == before
    assert not Trainee.objects.exists()
