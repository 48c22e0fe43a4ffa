"""The enrolments import: its rules and messages, on both validation paths
(vectorised and row by row), the trainee upsert and its audit, data protection
(no national ID in clear anywhere), idempotence and the command line."""

import csv
import io
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from semillero.accounts.models import AuditEvent
from semillero.core.importing.engine import ImportRun
from semillero.core.importing.errors import ImportFileError
from semillero.core.importing.parsers import canonical_national_id, national_id
from semillero.core.importing.reading import read_table
from semillero.core.importing.services import importable_kinds
from semillero.core.models import ImportStatus
from semillero.core.pseudonymisation import person_key
from semillero.training.events import TRAINEES_IMPORTED
from semillero.training.importing import enrolments
from semillero.training.importing.enrolments import EnrolmentImporter
from semillero.training.models import Enrolment, Trainee
from tests.core.import_support import messages, run_import

from .factories import dui

pytestmark = pytest.mark.django_db

HEADER = [
    "course_run_code", "person_id", "sex", "birth_date", "department", "status",
    "completion_date", "disability", "returned_migrant", "rural", "low_income",
    "education_level", "employed_at_entry", "first_name", "last_name", "email", "phone",
]  # fmt: skip
ANA = dui(12_345_670)
LUIS = dui(23_456_781)


def line(**values) -> dict:
    base = {
        "course_run_code": "CR-1",
        "person_id": ANA,
        "sex": "F",
        "birth_date": "2000-05-17",
        "department": "SV-SS",
        "status": "completed",
        "completion_date": "2024-06-30",
        "disability": "no",
        "returned_migrant": "",
        "rural": "sí",
        "low_income": "1",
        "education_level": "bachillerato",
        "employed_at_entry": "0",
        "first_name": "Ana",
        "last_name": "López",
        "email": "ana@example.org",
        "phone": "7000-0000",
    }
    base.update(values)
    return base


def enrolment_file(*rows: dict, header=HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header])
    return out.getvalue().encode()


def rejected(report) -> list[str]:
    return messages(report)


# -- kinds and permissions ---------------------------------------------------------


def test_data_officers_import_course_runs_and_enrolments_but_no_reference_data(
    officer_user,
):
    """A data officer may import organizations, course runs and enrolments; the
    training areas, programmes and levy are the institute's."""
    assert set(importable_kinds(officer_user)) == {
        "organizations",
        "course_runs",
        "enrolments",
    }


def test_a_data_officer_cannot_import_enrolments_of_another_organizations_run(
    path, officer_user, run, other_run
):
    """Rows of another organization's course run are rejected for a data officer."""
    report = run_import(
        "enrolments",
        enrolment_file(line(), line(course_run_code="CR-2", person_id=LUIS)),
        user=officer_user,
    )
    assert rejected(report) == [
        'row 3: course_run_code "CR-2" is a course run of another organization; '
        "you may only import enrolments of your own organization's course runs"
    ]
    assert Enrolment.objects.get().course_run == run


def test_an_admin_imports_enrolments_of_any_run(path, admin_user, run, other_run):
    """The national administrator is not limited to one organization."""
    report = run_import(
        "enrolments",
        enrolment_file(line(), line(course_run_code="CR-2", person_id=LUIS)),
        user=admin_user,
    )
    assert report.batch.status == ImportStatus.SUCCEEDED, rejected(report)
    assert Enrolment.objects.count() == 2


# -- the rules, each with its message --------------------------------------------------


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"course_run_code": "NOPE"},
            'course_run_code "NOPE" is not a known course run code',
        ),
        (
            {"person_id": "12345678-0"},
            "person_id is not a valid DUI: the check digit (the last one) does "
            "not match",
        ),
        (
            {"person_id": "ABC-1"},
            "person_id is not a valid DUI (8 digits and a check digit, e.g. "
            "01234567-8)",
        ),
        ({"person_id": ""}, "person_id is required"),
        ({"sex": "X"}, 'sex "X" is not a valid sex (use F or M)'),
        ({"birth_date": "31/02/1990"}, 'birth_date "31/02/1990" is not a valid date'),
        (
            {"completion_date": "2024-13-01"},
            'completion_date "2024-13-01" is not a valid date',
        ),
        (
            {"birth_date": "2010-02-02"},
            'birth_date "2010-02-02" gives an age of 13 at the start of the course '
            "run (2024-02-01); trainees must be at least 14",
        ),
        (
            {"completion_date": ""},
            "completion_date is required when the status is completed or certified",
        ),
        (
            {"status": "certified", "completion_date": ""},
            "completion_date is required when the status is completed or certified",
        ),
        (
            {"completion_date": "2024-01-31"},
            'completion_date "2024-01-31" is before the start of the course run '
            "(2024-02-01)",
        ),
        (
            {"status": "finished"},
            'status "finished" is not one of: enrolled, completed, certified, dropped',
        ),
        (
            {"department": "SV-XX"},
            'department "SV-XX" is not a known department (use its code, e.g. '
            "SV-SS, or its name)",
        ),
        (
            {"rural": "maybe"},
            'rural "maybe" is not a yes/no value (use sí, no, true, false, 1 or 0)',
        ),
        ({"email": "ana@"}, 'email "ana@" is not a valid e-mail address'),
    ],
)
def test_each_rule_rejects_the_row_with_its_message(path, run, values, message):
    """A row breaking one rule is rejected with that rule's message; the other
    row of the file is stored."""
    report = run_import(
        "enrolments", enrolment_file(line(person_id=LUIS), line(**values))
    )
    assert rejected(report) == [f"row 3: {message}"]
    assert report.batch.status == ImportStatus.PARTIAL
    assert Enrolment.objects.count() == 1


def test_a_trainee_just_14_at_the_start_is_accepted(path, run):
    """Age is counted in whole years on the run's start date: 14 that day is enough."""
    report = run_import("enrolments", enrolment_file(line(birth_date="2010-02-01")))
    assert report.batch.status == ImportStatus.SUCCEEDED, rejected(report)


def test_over_90_at_the_start_is_stored_with_a_warning(path, run):
    """An age over 90 is stored, with a warning on that row, counted on the batch."""
    report = run_import(
        "enrolments",
        enrolment_file(line(birth_date="1930-01-01"), line(person_id=LUIS)),
    )
    batch = report.batch
    assert batch.status == ImportStatus.SUCCEEDED
    assert batch.rows_created == 2
    assert batch.rows_warned == 1
    assert batch.row_warnings == [
        {
            "row": 2,
            "column": "birth_date",
            "value": "1930-01-01",
            "message": "gives an age of 94 at the start of the course run "
            "(2024-02-01); please check it",
        }
    ]


def test_the_same_person_twice_in_a_run_rejects_the_later_row_once(path, run):
    """The second row of a person in the same course run is rejected, once, naming
    the first; the person's ID is not echoed in the message."""
    report = run_import(
        "enrolments",
        enrolment_file(
            line(), line(person_id=LUIS), line(person_id=ANA.replace("-", ""))
        ),
    )
    assert rejected(report) == ["row 4: person_id duplicated in this file, see row 2"]
    assert Enrolment.objects.count() == 2


def test_the_same_person_in_two_runs_is_one_trainee(path, run, other_run):
    """One person in two course runs: two enrolments, one trainee, and the later
    row's attributes win."""
    report = run_import(
        "enrolments",
        enrolment_file(
            line(first_name="Ana"),
            line(course_run_code="CR-2", first_name="Ana María"),
        ),
    )
    assert report.batch.rows_created == 2, rejected(report)
    assert Trainee.objects.get().first_name == "Ana María"


def test_a_dui_without_its_leading_zero_is_the_same_person(path, run):
    """Spreadsheets drop leading zeros: 1234567-0 and 01234567-0 are one person."""
    padded = dui(1_234_567)
    assert padded.startswith("0")
    run_import("enrolments", enrolment_file(line(person_id=padded)))
    report = run_import("enrolments", enrolment_file(line(person_id=padded[1:])))
    assert report.batch.rows_unchanged == 1, rejected(report)
    assert Trainee.objects.count() == 1


def test_completed_without_a_completion_date_column_is_rejected(path, run):
    """Without a completion_date column, completed and certified rows are rejected."""
    header = [h for h in HEADER if h != "completion_date"]
    report = run_import(
        "enrolments",
        enrolment_file(line(), line(person_id=LUIS, status="dropped"), header=header),
    )
    assert rejected(report) == [
        'row 2: status "completed" is completed or certified, which needs a '
        "completion_date column"
    ]


def test_spanish_headers_are_accepted(path, run):
    """The Spanish aliases of the columns are accepted."""
    header = [
        "codigo_curso", "dui", "sexo", "fecha_nacimiento", "departamento",
        "estado", "fecha_finalizacion", "discapacidad", "nombres", "apellidos",
    ]  # fmt: skip
    values = [
        "CR-1", ANA, "mujer", "17/05/2000", "San Salvador", "completed",
        "30/06/2024", "sí", "Ana", "López",
    ]  # fmt: skip
    data = (",".join(header) + "\r\n" + ",".join(values) + "\r\n").encode()
    report = run_import("enrolments", data)
    assert report.batch.status == ImportStatus.SUCCEEDED, rejected(report)
    trainee = Trainee.objects.get()
    assert (trainee.sex, trainee.first_name, trainee.disability) == ("F", "Ana", True)


# -- storing, idempotence, the trainee upsert and its audit ------------------------------


def test_a_valid_file_stores_trainees_and_enrolments(path, run):
    """Every value lands where it belongs: attributes on the trainee, status and
    completion on the enrolment."""
    report = run_import("enrolments", enrolment_file(line()))
    assert report.batch.status == ImportStatus.SUCCEEDED, rejected(report)
    trainee = Trainee.objects.get()
    assert trainee.person_key == person_key(ANA)
    assert (trainee.sex, str(trainee.birth_date), trainee.department.code) == (
        "F",
        "2000-05-17",
        "SV-SS",
    )
    assert (trainee.disability, trainee.returned_migrant, trainee.rural) == (
        False,
        None,
        True,
    )
    assert (trainee.low_income, trainee.employed_at_entry) == (True, False)
    assert (trainee.first_name, trainee.last_name, trainee.email, trainee.phone) == (
        "Ana",
        "López",
        "ana@example.org",
        "7000-0000",
    )
    assert trainee.education_level == "bachillerato"
    enrolment = Enrolment.objects.get()
    assert (enrolment.course_run, enrolment.trainee) == (run, trainee)
    assert (enrolment.status, str(enrolment.completion_date)) == (
        "completed",
        "2024-06-30",
    )


def test_reimporting_the_same_file_changes_nothing(path, run):
    """A second import of the same file: 0 created, 0 updated, and no trainee changed."""
    data = enrolment_file(line(), line(person_id=LUIS, status="enrolled"))
    run_import("enrolments", data)
    report = run_import("enrolments", data)
    batch = report.batch
    assert (batch.rows_created, batch.rows_updated, batch.rows_unchanged) == (0, 0, 2)
    event = AuditEvent.objects.filter(action=TRAINEES_IMPORTED).latest("id")
    assert event.details == {"created": 0, "changed": 0, "changed_fields": {}}


def test_trainee_attributes_are_upserted_and_audited_with_counts(path, run):
    """The latest import wins; one audit event per import gives the trainees
    created and changed and, per field, how many changed, with no values."""
    run_import(
        "enrolments",
        enrolment_file(line(), line(person_id=LUIS, status="enrolled")),
    )
    first = AuditEvent.objects.filter(action=TRAINEES_IMPORTED).get()
    assert first.details == {"created": 2, "changed": 0, "changed_fields": {}}
    report = run_import(
        "enrolments",
        enrolment_file(
            line(first_name="Ana Lucía", phone="7111-1111"),
            line(person_id=LUIS, status="enrolled", phone="7222-2222"),
        ),
    )
    assert report.batch.rows_unchanged == 2
    event = AuditEvent.objects.filter(action=TRAINEES_IMPORTED).latest("id")
    assert event.object_id == str(report.batch.pk)
    assert event.details == {
        "created": 0,
        "changed": 2,
        "changed_fields": {"first_name": 1, "phone": 2},
    }
    assert "Ana" not in str(event.details) + event.summary
    assert Trainee.objects.get(person_key=person_key(ANA)).first_name == "Ana Lucía"


def test_a_changed_status_updates_the_enrolment(path, run):
    """An enrolment is upserted by (course run, person): a new status updates it."""
    run_import(
        "enrolments", enrolment_file(line(status="enrolled", completion_date=""))
    )
    report = run_import("enrolments", enrolment_file(line()))
    assert (report.batch.rows_created, report.batch.rows_updated) == (0, 1)
    assert Enrolment.objects.get().status == "completed"


def test_columns_left_out_are_not_emptied_on_the_trainee(path, run):
    """A file without the contact columns keeps the trainee's name and phone."""
    run_import("enrolments", enrolment_file(line()))
    header = HEADER[:7]
    report = run_import(
        "enrolments", enrolment_file(line(status="certified"), header=header)
    )
    assert report.batch.rows_updated == 1, rejected(report)
    trainee = Trainee.objects.get()
    assert (trainee.first_name, trainee.phone) == ("Ana", "7000-0000")


def test_all_or_nothing_stores_nothing_when_a_row_is_rejected(path, run):
    """All-or-nothing: one bad row and neither trainees nor enrolments are stored."""
    report = run_import(
        "enrolments",
        enrolment_file(line(), line(person_id="1")),
        all_or_nothing=True,
    )
    assert report.batch.status == ImportStatus.FAILED
    assert not Trainee.objects.exists() and not Enrolment.objects.exists()


# -- data protection ------------------------------------------------------------


def _every_text_in_the_database() -> str:
    """Every row of every table, as text."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            chunks.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(chunks)


def test_no_national_id_is_stored_in_clear_anywhere(path, run):
    """After imports with valid, invalid and repeated IDs, no table holds an ID
    (with or without its dash): not the trainees, the batch and its errors, nor
    the audit trail."""
    bad = "12345678-0"
    run_import(
        "enrolments",
        enrolment_file(
            line(),
            line(person_id=LUIS, birth_date="1920-01-01"),
            line(person_id=bad),
            line(person_id=LUIS),
            line(person_id=dui(34_567_890), sex="X"),
        ),
    )
    run_import("enrolments", enrolment_file(line(first_name="Ana Lucía")))
    text = _every_text_in_the_database()
    assert Trainee.objects.count() == 2
    for raw in (ANA, LUIS, bad, dui(34_567_890)):
        for form in (raw, raw.replace("-", ""), raw.replace("-", "").lstrip("0")):
            assert form not in text, form


def test_personal_data_is_stored_only_on_the_trainee(path, run):
    """Names, e-mail and phone end up in the trainee table and nowhere else."""
    run_import(
        "enrolments",
        enrolment_file(
            line(
                first_name="Zoraida",
                last_name="Quintanilla",
                email="zq@example.org",
                phone="7999-1234",
            )
        ),
    )
    for model in apps.get_models():
        if model is Trainee:
            continue
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT * FROM {connection.ops.quote_name(model._meta.db_table)}"  # noqa: S608
            )
            text = repr(cursor.fetchall())
        for value in ("Zoraida", "Quintanilla", "zq@example.org", "7999-1234"):
            assert value not in text, (model, value)
    assert Trainee.objects.filter(first_name="Zoraida", phone="7999-1234").exists()


def test_the_bad_rows_file_gives_back_the_users_own_cells(path, run):
    """The downloadable bad rows are the user's own file: they keep the ID cell so
    it can be fixed, while the message leaves it out."""
    report = run_import("enrolments", enrolment_file(line(person_id="12345678-0")))
    content = report.batch.bad_rows_file.read().decode("utf-8-sig")
    assert "12345678-0" in content
    assert "person_id is not a valid DUI" in content
    assert report.batch.errors[0]["value"] == ""


# -- the parser and the two paths on arbitrary input ----------------------------------

CELL = st.one_of(
    st.sampled_from(
        [
            "", " ", "CR-1", "CR-2", ANA, LUIS, ANA.replace("-", ""), "12345678-0",
            "F", "m", "Mujer", "X", "2000-05-17", "17/05/2000", "31/02/1990",
            "1920-01-01", "2012-01-01", "2024-06-30", "2024-01-01", "SV-SS",
            "san salvador", "SV-XX", "completed", "certified", "enrolled",
            "dropped", "sí", "no", "1", "0", "maybe", "a@b.org", "a@", "x" * 130,
            "\x1c", "\u3000F\u3000", "²2345678-9",
        ]
    ),
    st.text(max_size=12),
)  # fmt: skip


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(raw=st.fixed_dictionaries({name: st.one_of(st.none(), CELL) for name in HEADER}))
def test_the_row_parser_never_raises_and_every_rejection_has_a_message(run, raw):
    """Whatever the cells hold, parsing a row returns a verdict; a rejected row
    has at least one error and every error has a message."""
    importer = EnrolmentImporter()
    importer.begin(HEADER)
    parsed = importer.parse_row(raw, 2)
    assert (parsed.record is None) == bool(parsed.errors)
    assert all(error.message for error in parsed.errors + parsed.warnings)


def _verdicts(data: bytes, vectorised: bool):
    importer = EnrolmentImporter()
    importer.vectorised = vectorised
    run = ImportRun(importer, read_table(data, "e.csv"))
    run.validate()
    return (
        run.total_rows,
        {row: [str(e) for e in r.errors] for row, r in run.rejected.items()},
        [str(w) for w in run.row_warnings],
        run.rows_warned,
    )


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    rows=st.lists(
        st.fixed_dictionaries({name: CELL for name in HEADER}), min_size=1, max_size=8
    )
)
def test_both_paths_give_the_same_verdicts_and_messages(run, other_run, rows):
    """The vectorised path rejects and warns exactly the rows the row-by-row path
    does, with the same messages."""
    data = enrolment_file(*rows)
    with translation.override("en"):
        try:
            expected = _verdicts(data, vectorised=False)
        except ImportFileError:  # an unreadable file is refused before any row
            return
        assert _verdicts(data, vectorised=True) == expected


def test_the_vectorised_dui_check_agrees_with_the_national_id_module(run):
    """The polars DUI check accepts exactly what core/national_id accepts."""
    import random

    rng = random.Random(7)
    values = [dui(rng.randrange(10**8)) for _ in range(300)]
    values += [f"{rng.randrange(10**9):09d}" for _ in range(300)]
    values += ["", "0", "00000000-0", "1-9", "12", "1234567890", "1234 5678-9", "a1"]
    importer = EnrolmentImporter()
    importer.begin(HEADER)
    import polars as pl

    keys, failed = importer._person_keys(pl.Series(values, dtype=pl.String))
    parse = national_id("SV")
    for value, key, bad in zip(values, keys.to_list(), failed.to_list(), strict=True):
        canonical = canonical_national_id(value, "SV")
        if not value:
            continue
        assert bad == (canonical is None), value
        assert key == (None if canonical is None else parse(value)), value


def test_the_whitespace_list_is_pythons():
    """The vectorised strip removes exactly what str.strip() removes."""
    expected = "".join(c for c in map(chr, range(0x110000)) if c.isspace())
    assert enrolments.PY_WHITESPACE == expected


# -- the command line -------------------------------------------------------------


def _cli(*args):
    out, err = StringIO(), StringIO()
    with translation.override("en"):
        try:
            call_command("import", *[str(a) for a in args], stdout=out, stderr=err)
            code = 0
        except CommandError as exc:
            code = exc.returncode
            err.write(str(exc))
    return code, out.getvalue(), err.getvalue()


def test_the_cli_exit_codes_for_an_enrolments_file(run, tmp_path):
    """Exit 0 when every row is stored, 3 when rows are rejected (listed on stderr,
    without the ID), 2 when a required column is missing (nothing written)."""
    good = tmp_path / "good.csv"
    good.write_bytes(enrolment_file(line(birth_date="1930-01-01")))
    code, out, err = _cli("enrolments", good)
    assert code == 0
    assert "1 created" in out
    assert "warning: row 2: birth_date" in err

    bad = tmp_path / "bad.csv"
    bad.write_bytes(enrolment_file(line(person_id=LUIS), line(person_id="12345678-0")))
    errors = tmp_path / "errors.csv"
    code, out, err = _cli("enrolments", bad, "--errors", errors)
    assert code == 3
    assert "row 3: person_id is not a valid DUI" in err
    assert "12345678" not in err + out
    assert "12345678-0" in errors.read_text(encoding="utf-8-sig")

    missing = tmp_path / "missing.csv"
    missing.write_bytes(
        enrolment_file(line(person_id=dui(45_678_901)), header=HEADER[:3])
    )
    code, out, err = _cli("enrolments", missing)
    assert code == 2
    assert "Required columns missing: birth_date, department, status." in err
    assert Enrolment.objects.count() == 2


def test_the_batch_page_shows_and_counts_the_row_warnings(
    path, run, client, admin_user
):
    """The import's page counts the rows stored with a warning and lists them."""
    report = run_import(
        "enrolments", enrolment_file(line(birth_date="1930-01-01")), user=admin_user
    )
    client.force_login(admin_user)
    with translation.override("en"):
        response = client.get(
            reverse("imports:detail", args=[report.batch.pk]), HTTP_ACCEPT_LANGUAGE="en"
        )
    page = response.content.decode()
    assert response.status_code == 200
    assert '<td class="num" data-count="warned">1</td>' in page
    assert "gives an age of 94 at the start of the course run" in page
