"""The tracer_responses import: its columns and permissions, files as Excel in
Spanish writes them, the look-up of the trainee and its enrolment, every rule
with its message, non-respondents, idempotence, data protection and the
command line."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from semillero.accounts.models import AuditEvent
from semillero.core.events import IMPORT_FINISHED
from semillero.core.importing.base import importer_classes
from semillero.core.importing.services import importable_kinds
from semillero.core.models import ImportStatus
from semillero.core.pseudonymisation import person_key
from semillero.tracer.importers import TracerResponseImporter, employment_status
from semillero.tracer.models import TracerResponse
from tests.core.import_support import messages, run_import
from tests.training.factories import EnrolmentFactory, TraineeFactory, dui

from .support import cli, csv_file, every_text_in_the_database, id_forms, xlsx_file

pytestmark = pytest.mark.django_db

HEADER = [
    "person_id", "course_run_code", "followup_months", "survey_date", "responded",
    "employment_status", "formal", "isco_code", "monthly_income_usd", "job_related",
    "months_to_first_job",
]  # fmt: skip
SPANISH_HEADER = [
    "DUI", "Código curso", "Meses de seguimiento", "Fecha de encuesta", "Respondió",
    "Situación laboral", "Empleo formal", "Código CIUO", "Ingreso mensual",
    "Pertinencia", "Meses al primer empleo",
]  # fmt: skip
ANA = dui(12_345_670)
LUIS = dui(23_456_781)
CARLA = dui(1_234_567)  # a leading zero, which spreadsheets drop
STRANGER = dui(45_678_902)


@pytest.fixture
def trainees(run, other_run):
    """Ana and Luis completed CR-1; Carla was enrolled in CR-2 only."""
    people = {}
    for name, raw, course in (("ana", ANA, run), ("luis", LUIS, run)):
        people[name] = TraineeFactory(person_key=person_key(raw))
        EnrolmentFactory(
            course_run=course,
            trainee=people[name],
            status="completed",
            completion_date=datetime.date(2024, 6, 30),
        )
    people["carla"] = TraineeFactory(person_key=person_key(CARLA))
    EnrolmentFactory(course_run=other_run, trainee=people["carla"])
    return people


def line(**values) -> dict:
    base = {
        "person_id": ANA,
        "course_run_code": "CR-1",
        "followup_months": "6",
        "survey_date": "2025-01-15",
        "responded": "yes",
        "employment_status": "employed",
        "formal": "true",
        "isco_code": "7411",
        "monthly_income_usd": "450.50",
        "job_related": "4",
        "months_to_first_job": "2",
    }
    base.update(values)
    return base


def responses_file(*rows: dict, header=HEADER) -> bytes:
    return csv_file(header, *rows)


# -- kinds and permissions ---------------------------------------------------------


def test_the_kind_is_registered_with_the_columns_of_data_formats():
    assert importer_classes()["tracer_responses"] is TracerResponseImporter
    assert [c.name for c in TracerResponseImporter.columns] == HEADER
    assert [c.name for c in TracerResponseImporter.columns if c.required] == [
        "person_id",
        "course_run_code",
        "followup_months",
        "responded",
    ]


def test_only_national_admins_import_tracer_data(
    admin_user, officer_user, analyst_user, viewer_user
):
    """Tracer responses and social-security records are personal data: the
    national administrator imports them, no other role."""
    assert {"tracer_responses", "social_security"} <= set(importable_kinds(admin_user))
    for user in (officer_user, analyst_user, viewer_user):
        assert not {"tracer_responses", "social_security"} & set(importable_kinds(user))


# -- files as they come ----------------------------------------------------------


def test_a_csv_from_excel_in_spanish(trainees):
    """Semicolons, a byte-order mark, Spanish headers and Spanish values: a DUI
    without its dash or leading zero, sí/no, VERDADERO, DD/MM/YYYY, Spanish
    employment words."""
    rows = [
        line(
            person_id=ANA.replace("-", ""),
            survey_date="15/01/2025",
            responded="Sí",
            employment_status="Empleada",
            formal="VERDADERO",
        ),
        line(
            person_id=LUIS,
            followup_months="12",
            survey_date="20/06/2025",
            responded="sí",
            employment_status="cuenta propia",
            formal="no",
            isco_code="",
            monthly_income_usd="300",
            job_related="2",
            months_to_first_job="0",
        ),
        line(
            person_id=CARLA.replace("-", "").lstrip("0"),
            course_run_code="CR-2",
            responded="no",
            survey_date="",
            employment_status="",
            formal="",
            isco_code="",
            monthly_income_usd="",
            job_related="",
            months_to_first_job="",
        ),
    ]
    data = csv_file(
        SPANISH_HEADER,
        *[dict(zip(SPANISH_HEADER, (r[h] for h in HEADER), strict=True)) for r in rows],
        sep=";",
        bom=True,
    )
    report = run_import("tracer_responses", data, name="seguimiento.csv")
    assert report.batch.status == ImportStatus.SUCCEEDED, messages(report)
    assert report.batch.rows_created == 3
    assert report.batch.warnings == []
    ana = TracerResponse.objects.get(trainee=trainees["ana"])
    assert (ana.followup_months, ana.survey_date, ana.responded) == (
        6,
        datetime.date(2025, 1, 15),
        True,
    )
    assert (ana.employment_status, ana.formal, ana.isco_code) == (
        "employed",
        True,
        "7411",
    )
    assert (ana.monthly_income_usd, ana.job_related, ana.months_to_first_job) == (
        Decimal("450.50"),
        4,
        2,
    )
    luis = TracerResponse.objects.get(trainee=trainees["luis"])
    assert (luis.employment_status, luis.formal, luis.isco_code) == (
        "self_employed",
        False,
        "",
    )
    assert luis.months_to_first_job == 0
    carla = TracerResponse.objects.get(trainee=trainees["carla"])
    assert (carla.course_run.code, carla.responded, carla.survey_date) == (
        "CR-2",
        False,
        None,
    )


def test_an_xlsx_file_with_number_and_date_cells(trainees):
    """Excel cells as they are: numbers, a date cell, a DUI typed as a number
    (its leading zero lost), a boolean cell."""
    data = xlsx_file(
        HEADER,
        [ANA, "CR-1", 6, datetime.date(2025, 1, 15), "sí", "employed", True,
         "7411", 450.5, 4, 2],
        [int(CARLA.replace("-", "")), "CR-2", 12, None, "no"],
    )  # fmt: skip
    report = run_import("tracer_responses", data, name="seguimiento.xlsx")
    assert report.batch.status == ImportStatus.SUCCEEDED, messages(report)
    ana = TracerResponse.objects.get(trainee=trainees["ana"])
    assert (ana.survey_date, ana.formal, ana.monthly_income_usd) == (
        datetime.date(2025, 1, 15),
        True,
        Decimal("450.50"),
    )
    carla = TracerResponse.objects.get(trainee=trainees["carla"])
    assert (carla.followup_months, carla.responded) == (12, False)


@pytest.mark.parametrize(
    ("word", "status"),
    [
        ("employed", "employed"),
        ("EMPLOYED", "employed"),
        ("empleado", "employed"),
        ("Ocupada", "employed"),
        ("self_employed", "self_employed"),
        ("self-employed", "self_employed"),
        ("Cuenta propia", "self_employed"),
        ("independiente", "self_employed"),
        ("unemployed", "unemployed"),
        ("desempleado", "unemployed"),
        ("Desocupada", "unemployed"),
        ("inactive", "inactive"),
        ("inactivo", "inactive"),
        ("studying", "studying"),
        ("Estudiando", "studying"),
    ],
)
def test_employment_status_in_english_or_spanish(word, status):
    assert employment_status(word) == status


# -- the rules, each with its message ----------------------------------------------


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"person_id": "12345678-0"},
            "person_id is not a valid DUI: the check digit (the last one) does "
            "not match",
        ),
        (
            {"person_id": "ABC"},
            "person_id is not a valid DUI (8 digits and a check digit, e.g. "
            "01234567-8)",
        ),
        ({"person_id": ""}, "person_id is required"),
        (
            {"person_id": STRANGER},
            "person_id matches no trainee: there is no trainee with this national "
            "ID (import the enrolments first)",
        ),
        (
            {"course_run_code": "NOPE"},
            'course_run_code "NOPE" is not a known course run code',
        ),
        ({"course_run_code": ""}, "course_run_code is required"),
        (
            {"course_run_code": "CR-2"},
            'course_run_code "CR-2" is not a course run this trainee was enrolled in',
        ),
        ({"followup_months": ""}, "followup_months is required"),
        ({"followup_months": "0"}, 'followup_months "0" must be 1 or more'),
        ({"followup_months": "121"}, 'followup_months "121" must be 120 or less'),
        ({"followup_months": "6.5"}, 'followup_months "6.5" is not a whole number'),
        ({"followup_months": "seis"}, 'followup_months "seis" is not a whole number'),
        ({"survey_date": "31/02/2025"}, 'survey_date "31/02/2025" is not a valid date'),
        ({"responded": ""}, "responded is required"),
        (
            {"responded": "quizás"},
            'responded "quizás" is not a yes/no value (use sí, no, true, false, 1 '
            "or 0)",
        ),
        (
            {"employment_status": "jubilado"},
            'employment_status "jubilado" is not one of: employed, self_employed, '
            "unemployed, inactive, studying",
        ),
        (
            {"formal": "a veces"},
            'formal "a veces" is not a yes/no value (use sí, no, true, false, 1 or 0)',
        ),
        (
            {"isco_code": "74110"},
            'isco_code "74110" is not an ISCO-08 code (1 to 4 digits)',
        ),
        ({"isco_code": "7A"}, 'isco_code "7A" is not an ISCO-08 code (1 to 4 digits)'),
        (
            {"monthly_income_usd": "-1"},
            'monthly_income_usd "-1" must not be negative',
        ),
        (
            {"monthly_income_usd": "1,500"},
            'monthly_income_usd "1,500" is not a valid amount (use a dot for '
            "decimals, e.g. 1250.50)",
        ),
        (
            {"monthly_income_usd": "450.555"},
            'monthly_income_usd "450.555" has more than 2 decimals',
        ),
        (
            {"monthly_income_usd": "123456789"},
            'monthly_income_usd "123456789" is too large',
        ),
        ({"job_related": "0"}, 'job_related "0" must be 1 or more'),
        ({"job_related": "6"}, 'job_related "6" must be 5 or less'),
        ({"job_related": "alto"}, 'job_related "alto" is not a whole number'),
        (
            {"months_to_first_job": "-1"},
            'months_to_first_job "-1" must be 0 or more',
        ),
        (
            {"months_to_first_job": "1.5"},
            'months_to_first_job "1.5" is not a whole number',
        ),
        (
            {"months_to_first_job": "121"},
            'months_to_first_job "121" must be 120 or less',
        ),
    ],
)
def test_each_rule_rejects_the_row_with_its_message(trainees, values, message):
    """A row breaking one rule is rejected with that rule's message (the
    national ID is never repeated in it); the other row is stored."""
    report = run_import(
        "tracer_responses", responses_file(line(person_id=LUIS), line(**values))
    )
    assert messages(report) == [f"row 3: {message}"]
    assert report.batch.status == ImportStatus.PARTIAL
    assert TracerResponse.objects.get().trainee == trainees["luis"]


def test_the_same_wave_twice_rejects_the_later_row(trainees):
    """(person, course run, wave) is the key: a repeat names the first row; the
    same person in another wave is another response."""
    report = run_import(
        "tracer_responses",
        responses_file(
            line(),
            line(followup_months="12"),
            line(person_id=ANA.replace("-", ""), monthly_income_usd="500"),
        ),
    )
    assert messages(report) == [
        'row 4: followup_months "6" duplicated in this file, see row 2'
    ]
    assert TracerResponse.objects.count() == 2


def test_a_dropped_or_enrolled_trainee_is_accepted(trainees):
    """Being enrolled in the course run is what is checked (Carla's enrolment
    is still open): the sample is the institute's business."""
    report = run_import(
        "tracer_responses",
        responses_file(line(person_id=CARLA, course_run_code="CR-2")),
    )
    assert report.batch.status == ImportStatus.SUCCEEDED, messages(report)


# -- respondents and non-respondents ---------------------------------------------------


def test_a_non_respondent_with_answers_is_stored_empty_with_a_warning(trainees):
    """responded = no with answers: the row is stored, its answers left empty,
    and a warning names the answers dropped."""
    report = run_import(
        "tracer_responses",
        responses_file(
            line(responded="no", isco_code="", months_to_first_job=""),
            line(
                person_id=LUIS,
                responded="no",
                employment_status="",
                formal="",
                isco_code="",
                monthly_income_usd="",
                job_related="",
                months_to_first_job="",
            ),
        ),  # fmt: skip
    )
    batch = report.batch
    assert batch.status == ImportStatus.SUCCEEDED, messages(report)
    assert (batch.rows_created, batch.rows_warned) == (2, 1)
    assert batch.row_warnings == [
        {
            "row": 2,
            "column": "responded",
            "value": "no",
            "message": "means the graduate did not answer, so these answers were "
            "stored empty: employment_status, formal, monthly_income_usd, "
            "job_related",
        }
    ]
    ana = TracerResponse.objects.get(trainee=trainees["ana"])
    assert ana.responded is False
    assert (ana.employment_status, ana.formal, ana.isco_code) == ("", None, "")
    assert (ana.monthly_income_usd, ana.job_related, ana.months_to_first_job) == (
        None,
        None,
        None,
    )
    assert (ana.survey_date, ana.followup_months) == (datetime.date(2025, 1, 15), 6)


def test_a_later_non_response_clears_earlier_answers(trainees):
    """A file that only says who did not respond (no answer columns) leaves no
    earlier answers on those responses."""
    run_import("tracer_responses", responses_file(line()))
    header = ["person_id", "course_run_code", "followup_months", "responded"]
    report = run_import(
        "tracer_responses", responses_file(line(responded="0"), header=header)
    )
    assert report.batch.rows_updated == 1, messages(report)
    response = TracerResponse.objects.get()
    assert response.responded is False
    assert (response.employment_status, response.monthly_income_usd) == ("", None)
    assert response.survey_date == datetime.date(2025, 1, 15)  # not an answer


def test_a_respondent_without_employment_status_is_accepted(trainees):
    """responded = yes with every answer empty is stored as it is."""
    report = run_import(
        "tracer_responses",
        responses_file(
            line(
                employment_status="",
                formal="",
                isco_code="",
                monthly_income_usd="",
                job_related="",
                months_to_first_job="",
            )
        ),  # fmt: skip
    )
    assert report.batch.status == ImportStatus.SUCCEEDED, messages(report)
    assert report.batch.rows_warned == 0
    response = TracerResponse.objects.get()
    assert (response.responded, response.employment_status) == (True, "")


def test_columns_left_out_are_not_emptied_for_respondents(trainees):
    """A file without the income column keeps the stored income."""
    run_import("tracer_responses", responses_file(line()))
    header = [h for h in HEADER if h != "monthly_income_usd"]
    report = run_import(
        "tracer_responses", responses_file(line(job_related="5"), header=header)
    )
    assert report.batch.rows_updated == 1, messages(report)
    response = TracerResponse.objects.get()
    assert (response.job_related, response.monthly_income_usd) == (5, Decimal("450.50"))


# -- idempotence, audit, data protection ---------------------------------------------------


def test_reimporting_the_same_file_changes_nothing(trainees):
    data = responses_file(
        line(), line(person_id=LUIS, responded="no", employment_status="")
    )
    first = run_import("tracer_responses", data).batch
    again = run_import("tracer_responses", data).batch
    assert (first.rows_created, first.rows_updated) == (2, 0)
    assert (again.rows_created, again.rows_updated, again.rows_unchanged) == (0, 0, 2)
    assert TracerResponse.objects.count() == 2


def test_a_changed_answer_updates_the_response_and_is_audited(trainees, run):
    """The import's audit event names the responses it changed by course run,
    trainee id and wave, never by a national ID."""
    run_import("tracer_responses", responses_file(line()))
    report = run_import(
        "tracer_responses", responses_file(line(monthly_income_usd="480"))
    )
    assert (report.batch.rows_updated, report.batch.rows_created) == (1, 0)
    assert TracerResponse.objects.get().monthly_income_usd == Decimal("480")
    event = AuditEvent.objects.filter(action=IMPORT_FINISHED).latest("id")
    assert event.details["updated_keys"] == [f"CR-1/{trainees['ana'].pk}/6"]


def test_no_national_id_is_stored_in_clear_anywhere(trainees):
    """After imports with known, unknown, invalid and repeated IDs, no table
    holds an ID in any form: not the responses, the batches and their errors
    and warnings, nor the audit trail."""
    bad = "12345678-0"
    run_import(
        "tracer_responses",
        responses_file(
            line(),
            line(person_id=LUIS, responded="no"),
            line(person_id=bad),
            line(person_id=STRANGER),
            line(person_id=CARLA),
            line(person_id=ANA.replace("-", "")),
        ),
    )
    run_import("tracer_responses", responses_file(line(monthly_income_usd="500")))
    assert TracerResponse.objects.count() == 2
    text = every_text_in_the_database()
    for raw in (ANA, LUIS, CARLA, STRANGER, bad):
        for form in id_forms(raw):
            assert form not in text, form
    for response in TracerResponse.objects.values():
        for value in response.values():
            assert not any(form in str(value) for form in id_forms(ANA))


def test_all_or_nothing_stores_nothing_when_a_row_is_rejected(trainees):
    report = run_import(
        "tracer_responses",
        responses_file(line(), line(person_id=STRANGER)),
        all_or_nothing=True,
    )
    assert report.batch.status == ImportStatus.FAILED
    assert not TracerResponse.objects.exists()


def test_look_ups_do_not_cost_a_query_per_row(run):
    """Trainees, enrolments and existing responses are read in bulk: a file of
    300 rows takes about as many queries as a file of 3 (the database's own
    limit on parameters may split an insert in a few)."""
    people = [dui(30_000_000 + i) for i in range(300)]
    for raw in people:
        EnrolmentFactory(
            course_run=run, trainee=TraineeFactory(person_key=person_key(raw))
        )

    def queries(count):
        TracerResponse.objects.all().delete()
        data = responses_file(*[line(person_id=raw) for raw in people[:count]])
        with CaptureQueriesContext(connection) as context:
            report = run_import("tracer_responses", data)
        assert report.batch.rows_created == count, messages(report)
        return len(context.captured_queries)

    assert queries(300) - queries(3) < 10


CELL = st.one_of(
    st.sampled_from(
        [
            "", " ", ANA, LUIS, CARLA[1:], STRANGER, "12345678-0", "CR-1", "CR-2",
            "NOPE", "6", "0", "121", "-1", "6.5", "2025-01-15", "31/02/2025", "sí",
            "no", "VERDADERO", "quizás", "empleada", "cuenta propia", "jubilado",
            "7411", "74110", "450.50", "-3", "1,500", "5", "\x1c", "\u3000no\u3000",
        ]
    ),
    st.text(max_size=10),
)  # fmt: skip


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(raw=st.fixed_dictionaries({name: st.one_of(st.none(), CELL) for name in HEADER}))
def test_the_row_parser_never_raises_and_every_rejection_has_a_message(trainees, raw):
    """Whatever the cells hold, parsing a row returns a verdict; a rejected row
    has at least one error and every error and warning has a message."""
    importer = TracerResponseImporter()
    importer.begin(HEADER)
    importer.load_people(person_key(raw) for raw in (ANA, LUIS, CARLA))
    parsed = importer.parse_row(raw, 2)
    assert (parsed.record is None) == bool(parsed.errors)
    assert all(error.message for error in parsed.errors + parsed.warnings)


# -- the command line -------------------------------------------------------------


def test_the_cli_exit_codes(trainees, tmp_path):
    """Exit 0 when every row is stored (warnings on stderr), 3 when rows are
    rejected (listed on stderr without the ID, the ID kept in --errors)."""
    good = tmp_path / "good.csv"
    good.write_bytes(responses_file(line(), line(person_id=LUIS, responded="no")))
    code, out, err = cli("tracer_responses", good)
    assert code == 0, err
    assert "2 created" in out
    assert "warning: row 3: responded" in err

    bad = tmp_path / "bad.csv"
    bad.write_bytes(responses_file(line(), line(person_id=STRANGER)))
    errors = tmp_path / "errors.csv"
    code, out, err = cli("tracer_responses", bad, "--errors", errors)
    assert code == 3
    assert "1 unchanged, 1 rejected" in out
    assert "row 3: person_id matches no trainee" in err
    for form in id_forms(STRANGER):
        assert form not in out + err
    assert STRANGER in errors.read_text(encoding="utf-8-sig")
