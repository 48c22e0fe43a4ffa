"""Semantics of every import: one transaction per file, valid rows stored,
bad rows rejected with plain messages, duplicates, idempotent re-imports,
all-or-nothing, and nothing written when storing crashes halfway."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from semillero.accounts.models import AuditEvent
from semillero.core.importing import Column, Importer, storing
from semillero.core.importing import parsers as p
from semillero.core.importing.engine import ImportRun
from semillero.core.importing.progress import progress_get
from semillero.core.importing.reading import read_table
from semillero.core.models import ImportStatus
from semillero.registry.importers import OrganizationImporter
from semillero.registry.models import Organization

from .import_support import ORG_HEADER, csv_bytes, messages, run_import

pytestmark = pytest.mark.django_db

GOOD = [
    "ORG-1,Centro Uno,training_centre,0614-010101-101-1,SV-SS,San Salvador Centro,P,25,sí,info@uno.org,2222-0000",
    "ORG-2,Empresa Dos,company,,San Salvador,SV-SS-NO,C,300,no,,",
]
BAD = "ORG-3,,ngo,,Atlantis,,Z,-4,quizás,bad@,"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def org_file(*rows, header=ORG_HEADER, **kwargs):
    return csv_bytes(header, *rows, **kwargs)


def test_valid_rows_are_stored_with_their_parsed_values():
    """Codes, names, yes/no, numbers, department and municipality by code or name are stored."""
    report = run_import("organizations", org_file(*GOOD))
    batch = report.batch
    assert batch.status == ImportStatus.SUCCEEDED
    assert (batch.rows_total, batch.rows_created, batch.rows_rejected) == (2, 2, 0)
    one = Organization.objects.get(code="ORG-1")
    assert one.department.code == "SV-SS"
    assert one.municipality.code == "SV-SS-CE"
    assert (one.isic_section, one.employees, one.levy_contributor) == ("P", 25, True)
    two = Organization.objects.get(code="ORG-2")
    assert (two.municipality.code, two.levy_contributor, two.email) == (
        "SV-SS-NO",
        False,
        "",
    )


def test_bad_rows_are_rejected_with_one_plain_message_per_problem():
    """Each message says row (the spreadsheet line), column, value and problem."""
    report = run_import("organizations", org_file(GOOD[0], BAD))
    assert report.batch.status == ImportStatus.PARTIAL
    assert Organization.objects.filter(code__startswith="ORG-").count() == 1
    assert messages(report) == [
        "row 3: name is required",
        'row 3: type "ngo" is not one of: training_centre, company, government, '
        "business_association, workers_organization, strategic_partner, international",
        'row 3: department "Atlantis" is not a known department (use its code, '
        "e.g. SV-SS, or its name)",
        'row 3: isic_section "Z" is not an ISIC section (a letter from A to U)',
        'row 3: employees "-4" must be 0 or more',
        'row 3: levy_contributor "quizás" is not a yes/no value (use sí, no, true, '
        "false, 1 or 0)",
        'row 3: email "bad@" is not a valid e-mail address',
    ]
    assert report.batch.errors[0] == {
        "row": 3,
        "column": "name",
        "value": "",
        "message": "is required",
    }


def test_a_municipality_must_belong_to_the_rows_department():
    """A municipality of another department is rejected, naming the department."""
    report = run_import(
        "organizations",
        org_file("ORG-4,Cuatro,company,,SV-LI,San Salvador Centro,,,,,"),
    )
    assert messages(report) == [
        'row 2: municipality "San Salvador Centro" is not a municipality of La Libertad'
    ]


def test_the_same_code_twice_rejects_the_later_row():
    """The later row with a repeated code is rejected and points to the first one."""
    report = run_import(
        "organizations", org_file(GOOD[0], GOOD[1], GOOD[0].replace("Uno", "Bis"))
    )
    assert messages(report) == [
        'row 4: code "ORG-1" duplicated in this file, see row 2'
    ]
    assert Organization.objects.get(code="ORG-1").name == "Centro Uno"


def test_reimporting_the_same_file_changes_nothing():
    """The second run reports every row unchanged and rewrites none of them."""
    data = org_file(*GOOD)
    run_import("organizations", data)
    stamps = dict(Organization.objects.values_list("code", "updated_at"))
    report = run_import("organizations", data)
    batch = report.batch
    assert (batch.rows_created, batch.rows_updated, batch.rows_unchanged) == (0, 0, 2)
    assert dict(Organization.objects.values_list("code", "updated_at")) == stamps


def test_a_changed_row_updates_only_that_record():
    """A re-import with one changed value updates that record and leaves the others unchanged."""
    run_import("organizations", org_file(*GOOD))
    report = run_import(
        "organizations", org_file(GOOD[0].replace(",25,", ",26,"), GOOD[1])
    )
    batch = report.batch
    assert (batch.rows_created, batch.rows_updated, batch.rows_unchanged) == (0, 1, 1)
    assert Organization.objects.get(code="ORG-1").employees == 26


def test_columns_left_out_of_the_file_are_not_emptied():
    """A file without `email` updates the name and keeps the stored e-mail."""
    run_import("organizations", org_file(*GOOD))
    run_import(
        "organizations",
        csv_bytes(
            "code,name,type,department", "ORG-1,Centro Uno Nuevo,training_centre,SV-SS"
        ),
    )
    one = Organization.objects.get(code="ORG-1")
    assert (one.name, one.email, one.employees) == (
        "Centro Uno Nuevo",
        "info@uno.org",
        25,
    )


def test_all_or_nothing_stores_nothing_when_a_row_is_rejected():
    """All-or-nothing: one bad row and nothing is stored; the bad rows are still offered."""
    report = run_import("organizations", org_file(*GOOD, BAD), all_or_nothing=True)
    batch = report.batch
    assert batch.status == ImportStatus.FAILED
    assert batch.rows_rejected == 1 and batch.rows_created == 0
    assert not Organization.objects.filter(code__startswith="ORG-").exists()
    assert batch.bad_rows_file


def test_all_or_nothing_stores_everything_when_every_row_is_valid():
    """All-or-nothing with a clean file stores every row."""
    report = run_import("organizations", org_file(*GOOD), all_or_nothing=True)
    assert report.batch.status == ImportStatus.SUCCEEDED
    assert Organization.objects.filter(code__startswith="ORG-").count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_crash_halfway_through_storing_leaves_nothing_written(monkeypatch):
    """The second chunk raises: the first chunk is rolled back with it and the
    batch is marked failed (real transactions, no test wrapper)."""
    monkeypatch.setattr(OrganizationImporter, "chunk_size", 2)
    real_upsert = storing.upsert_chunk
    calls = []

    def failing_upsert(**kwargs):
        calls.append(len(kwargs["records"]))
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real_upsert(**kwargs)

    monkeypatch.setattr(storing, "upsert_chunk", failing_upsert)
    rows = [f"CR-{i},Centro {i},training_centre,,SV-SS,,,,,," for i in range(5)]
    before = Organization.objects.count()
    report = run_import("organizations", org_file(*rows))
    assert calls == [2, 2]
    assert report.crashed
    assert Organization.objects.count() == before
    batch = report.batch
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED
    assert batch.file_error.startswith(
        "The import stopped because of an unexpected error"
    )
    assert (batch.rows_created, batch.rows_updated) == (0, 0)


def test_a_missing_required_column_fails_the_file_and_writes_nothing():
    """A file without a required column is a file-level error; no row is stored."""
    report = run_import(
        "organizations", csv_bytes("code,name,department", "X-1,Equis,SV-SS")
    )
    batch = report.batch
    assert batch.status == ImportStatus.FAILED
    assert batch.file_error == "Required column missing: type."
    assert not Organization.objects.filter(code="X-1").exists()


def test_unknown_columns_are_a_warning_not_an_error():
    """An extra column is reported as a warning and the rows are stored."""
    report = run_import(
        "organizations",
        csv_bytes(ORG_HEADER + ",comentario", GOOD[0] + ",hola"),
    )
    assert report.batch.status == ImportStatus.SUCCEEDED
    assert report.batch.warnings == ['Unknown column "comentario" was ignored.']


def test_spanish_headers_in_any_case_and_with_accents_are_accepted():
    """Spanish aliases match regardless of case, accents and surrounding spaces."""
    data = csv_bytes(
        " Código ;NOMBRE;Tipo;Departamento;Municipio;Teléfono;Contribuyente",
        "ES-1;Centro Español;training_centre;San Salvador;san salvador sur;2222;Sí",
        sep=";",
    )
    report = run_import("organizations", data)
    assert report.batch.status == ImportStatus.SUCCEEDED, messages(report)
    org = Organization.objects.get(code="ES-1")
    assert (org.municipality.code, org.phone, org.levy_contributor) == (
        "SV-SS-SU",
        "2222",
        True,
    )


def test_messages_name_the_column_as_the_file_writes_it():
    """Errors name the column as the file's header does (an alias stays an alias)."""
    data = csv_bytes("codigo,nombre,tipo,departamento", "ES-2,,company,SV-SS")
    assert messages(run_import("organizations", data)) == ["row 2: nombre is required"]


def test_the_bad_rows_file_has_the_original_columns_and_an_errors_column():
    """The bad-rows CSV holds only the rejected rows, as written, plus `errors`."""
    report = run_import("organizations", org_file(GOOD[0], BAD))
    content = report.batch.bad_rows_file.open("rb").read()
    assert content.startswith(b"\xef\xbb\xbf")  # so Excel reads UTF-8
    table = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert table[0] == ORG_HEADER.split(",") + ["errors"]
    assert table[1][:-1] == BAD.split(",")
    assert table[1][-1].startswith('name is required; type "ngo" is not one of')
    assert len(table) == 2


def test_the_bad_rows_file_fixed_and_uploaded_again_is_accepted_silently():
    """The `errors` column of a returned bad-rows file is ignored, no warning."""
    first = run_import("organizations", org_file(GOOD[0], BAD))
    content = first.batch.bad_rows_file.open("rb").read().decode("utf-8-sig")
    fixed = (
        content.replace(",,ngo,", ",Organización Tres,government,")
        .replace("Atlantis", "SV-SS")
        .replace(",Z,-4,quizás,bad@,", ",O,4,no,tres@example.org,")
    )
    second = run_import("organizations", fixed.encode("utf-8-sig"))
    assert second.batch.status == ImportStatus.SUCCEEDED, messages(second)
    assert second.batch.warnings == []
    assert Organization.objects.get(code="ORG-3").name == "Organización Tres"


def test_an_empty_data_file_succeeds_with_no_rows():
    """A header without rows is a successful import of nothing."""
    report = run_import("organizations", org_file())
    assert (report.batch.status, report.batch.rows_total) == (ImportStatus.SUCCEEDED, 0)


def test_blank_lines_are_skipped_but_counted_in_row_numbers():
    """Blank lines are not rows to import but keep the spreadsheet's numbering."""
    report = run_import("organizations", org_file(GOOD[0], ",,,,,,,,,,", BAD))
    assert report.batch.rows_total == 2
    assert messages(report)[0] == "row 4: name is required"


def test_every_import_is_audited_once_at_start_and_once_at_the_end():
    """One event at the start and one at the end with counts and updated codes."""
    run_import("organizations", org_file(*GOOD))
    report = run_import("organizations", org_file(GOOD[0].replace("Uno", "Uno bis")))
    events = AuditEvent.objects.filter(object_id=str(report.batch.pk))
    assert sorted(events.values_list("action", flat=True)) == [
        "import.finished",
        "import.started",
    ]
    finished = events.get(action="import.finished")
    assert finished.details["updated"] == 1
    assert finished.details["updated_keys"] == ["ORG-1"]
    assert finished.details["updated_keys_truncated"] is False


def _queries_to_import(rows: int) -> int:
    lines = [
        f"Q-{rows}-{i},Centro {i},company,,San Salvador,,,,sí,," for i in range(rows)
    ]
    with CaptureQueriesContext(connection) as queries:
        run_import("organizations", org_file(*lines))
    return len(queries)


def test_validating_and_storing_cost_no_query_per_row():
    """Look-ups are loaded once and rows are written in bulk: ten times the rows
    adds only the extra bulk INSERT statements (SQLite takes ~70 rows each)."""
    small, large = _queries_to_import(100), _queries_to_import(1000)
    assert large - small <= 15


def test_progress_ends_as_finished_in_the_cache():
    """The progress kept in the cache ends in the finished phase."""
    report = run_import("organizations", org_file(*GOOD))
    assert progress_get(report.batch.pk)["phase"] == "finished"


class PersonImporter(Importer):
    """A throwaway kind with a date column, run directly through the engine."""

    kind = "people_test"
    key = ("person_id",)
    columns = (
        Column("person_id", required=True),
        Column(
            "birth_date", required=True, parser=p.date, aliases=("fecha_nacimiento",)
        ),
    )


def test_the_message_format_of_the_data_formats_contract():
    """`row 17: birth_date "31/02/1990" is not a valid date` — row 17 being the
    spreadsheet line (the header is line 1)."""
    lines = ["person_id,birth_date"] + [f"P{i},01/01/1990" for i in range(15)]
    lines.append("P99,31/02/1990")
    run = ImportRun(PersonImporter(), read_table(csv_bytes(*lines), "p.csv"))
    with translation.override("en"):
        run.validate()
        assert [str(e) for e in run.errors()] == [
            'row 17: birth_date "31/02/1990" is not a valid date'
        ]
