"""The social_security import, on both validation paths (vectorised and row by
row): files as Excel in Spanish writes them, months in their many forms, every
rule with its message, the upsert by (person, month, employer), data
protection, and that both paths agree on arbitrary input."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from semillero.accounts.models import AuditEvent
from semillero.core.events import IMPORT_FINISHED
from semillero.core.importing.base import importer_classes
from semillero.core.importing.engine import ImportRun
from semillero.core.importing.errors import ImportFileError
from semillero.core.importing.reading import read_table
from semillero.core.models import ImportStatus
from semillero.core.pseudonymisation import person_key
from semillero.tracer.importers import SocialSecurityImporter, period
from semillero.tracer.models import SocialSecurityRecord
from tests.core.import_support import messages, run_import
from tests.training.factories import dui

from .support import cli, csv_file, every_text_in_the_database, id_forms, xlsx_file

pytestmark = pytest.mark.django_db

HEADER = ["person_id", "period", "employer_tax_id", "isic_section", "wage_usd"]
ANA = dui(12_345_670)
LUIS = dui(1_234_567)  # a leading zero, which spreadsheets drop
NIT = "0614-010190-101-2"
OTHER_NIT = "0614-020285-102-3"


def line(**values) -> dict:
    base = {
        "person_id": ANA,
        "period": "2024-03",
        "employer_tax_id": NIT,
        "isic_section": "C",
        "wage_usd": "410.25",
    }
    base.update(values)
    return base


def ss_file(*rows: dict, header=HEADER) -> bytes:
    return csv_file(header, *rows)


def records() -> list[tuple]:
    return list(
        SocialSecurityRecord.objects.order_by("person_key", "period").values_list(
            "person_key", "period", "employer_tax_id", "isic_section", "wage_usd"
        )
    )


def test_the_kind_is_registered_with_the_columns_of_data_formats():
    assert importer_classes()["social_security"] is SocialSecurityImporter
    assert [c.name for c in SocialSecurityImporter.columns] == HEADER
    assert [c.name for c in SocialSecurityImporter.columns if c.required] == [
        "person_id",
        "period",
    ]


# -- files as they come ----------------------------------------------------------


def test_a_csv_from_excel_in_spanish(path):
    """Semicolons, a byte-order mark, Spanish headers; a DUI without its dash or
    leading zero, a month as MM/YYYY, a lower-case ISIC section. The people
    need not be trainees."""
    header = ["DUI", "Período", "NIT empleador", "Sección CIIU", "Salario"]
    rows = [
        dict(zip(header, values, strict=True))
        for values in (
            (ANA.replace("-", ""), "03/2024", NIT, "c", "410.25"),
            (LUIS.replace("-", "").lstrip("0"), "2024-04", "", "", "365"),
        )
    ]
    report = run_import(
        "social_security", csv_file(header, *rows, sep=";", bom=True), name="isss.csv"
    )
    assert report.batch.status == ImportStatus.SUCCEEDED, messages(report)
    assert report.batch.warnings == []
    assert sorted(records()) == sorted(
        [
            (
                person_key(ANA),
                datetime.date(2024, 3, 1),
                NIT,
                "C",
                Decimal("410.25"),
            ),
            (person_key(LUIS), datetime.date(2024, 4, 1), "", "", Decimal("365")),
        ]
    )


def test_an_xlsx_file_with_date_and_number_cells(path):
    """Excel cells as they are: a month as a date cell (formatted mmm-yyyy), a
    date-time, a DUI typed as a number, wages as numbers."""
    data = xlsx_file(
        HEADER,
        [ANA, datetime.datetime(2024, 3, 1), NIT, "C", 410.25],
        [ANA, datetime.datetime(2024, 4, 17, 10, 30), NIT, "C", 410],
        [int(LUIS.replace("-", "")), "2024-05", None, None, None],
    )
    report = run_import("social_security", data, name="isss.xlsx")
    assert report.batch.status == ImportStatus.SUCCEEDED, messages(report)
    assert records() == sorted(
        [
            (person_key(ANA), datetime.date(2024, 3, 1), NIT, "C", Decimal("410.25")),
            (person_key(ANA), datetime.date(2024, 4, 1), NIT, "C", Decimal("410")),
            (person_key(LUIS), datetime.date(2024, 5, 1), "", "", None),
        ]
    )


@pytest.mark.parametrize(
    "value",
    [
        "2024-03",
        "2024-3",
        "03/2024",
        "3/2024",
        "2024-03-01",
        "2024-03-31",
        "31/03/2024",
        "2024-03-15 00:00:00",
        "2024-03-15 10:30:00",
        "2024-03-15T10:30",
    ],
)
def test_a_month_in_any_of_its_forms_is_its_first_day(value):
    assert period(value) == datetime.date(2024, 3, 1)


# -- the rules, each with its message ----------------------------------------------

MONTH = "is not a valid month (use YYYY-MM, e.g. 2024-03)"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"person_id": "12345678-0"},
            "person_id is not a valid DUI: the check digit (the last one) does "
            "not match",
        ),
        (
            {"person_id": "A-1"},
            "person_id is not a valid DUI (8 digits and a check digit, e.g. "
            "01234567-8)",
        ),
        ({"person_id": ""}, "person_id is required"),
        ({"period": ""}, "period is required"),
        ({"period": "2024-13"}, f'period "2024-13" {MONTH}'),
        ({"period": "2024-02-30"}, f'period "2024-02-30" {MONTH}'),
        ({"period": "marzo 2024"}, f'period "marzo 2024" {MONTH}'),
        ({"period": "202403"}, f'period "202403" {MONTH}'),
        (
            {"employer_tax_id": "9" * 41},
            f'employer_tax_id "{"9" * 41}" is too long (at most 40 characters)',
        ),
        (
            {"isic_section": "V"},
            'isic_section "V" is not an ISIC section (a letter from A to U)',
        ),
        (
            {"isic_section": "CC"},
            'isic_section "CC" is not an ISIC section (a letter from A to U)',
        ),
        ({"wage_usd": "-5"}, 'wage_usd "-5" must not be negative'),
        (
            {"wage_usd": "1,500.00"},
            'wage_usd "1,500.00" is not a valid amount (use a dot for decimals, '
            "e.g. 1250.50)",
        ),
        ({"wage_usd": "410.255"}, 'wage_usd "410.255" has more than 2 decimals'),
        ({"wage_usd": "12345678901"}, 'wage_usd "12345678901" is too large'),
    ],
)
def test_each_rule_rejects_the_row_with_its_message(path, values, message):
    """A row breaking one rule is rejected with that rule's message (never
    repeating the national ID); the other row is stored."""
    report = run_import(
        "social_security", ss_file(line(person_id=LUIS), line(**values))
    )
    assert messages(report) == [f"row 3: {message}"]
    assert report.batch.status == ImportStatus.PARTIAL
    assert [r[0] for r in records()] == [person_key(LUIS)]


def test_the_same_person_month_and_employer_twice_rejects_the_later_row(path):
    """(person, month, employer) is the key: two employers the same month are
    two records; the same employer twice, or no employer twice, is a repeat."""
    report = run_import(
        "social_security",
        ss_file(
            line(),
            line(employer_tax_id=OTHER_NIT),
            line(period="2024-03-15", wage_usd="1"),
            line(employer_tax_id="", person_id=LUIS),
            line(employer_tax_id="", person_id=LUIS.replace("-", "")),
        ),
    )
    assert messages(report) == [
        'row 4: period "2024-03-15" duplicated in this file, see row 2',
        'row 6: period "2024-03" duplicated in this file, see row 5',
    ]
    assert len(records()) == 3


def test_without_the_employer_column_a_person_has_one_record_a_month(path):
    header = ["person_id", "period", "wage_usd"]
    report = run_import(
        "social_security",
        ss_file(line(), line(period="2024-04"), line(), header=header),
    )
    assert messages(report) == [
        'row 4: period "2024-03" duplicated in this file, see row 2'
    ]
    assert [r[2] for r in records()] == ["", ""]


# -- the upsert ---------------------------------------------------------------------


def test_reimporting_the_same_file_changes_nothing(path):
    data = ss_file(
        line(), line(period="2024-04"), line(person_id=LUIS, employer_tax_id="")
    )
    first = run_import("social_security", data).batch
    again = run_import("social_security", data).batch
    assert (first.rows_created, first.rows_updated) == (3, 0)
    assert (again.rows_created, again.rows_updated, again.rows_unchanged) == (0, 0, 3)
    assert len(records()) == 3


def test_a_changed_wage_or_section_updates_the_record(path):
    """The audit event names the changed records by id, month and employer, not
    by person key."""
    run_import("social_security", ss_file(line(), line(period="2024-04")))
    report = run_import(
        "social_security",
        ss_file(line(wage_usd="500"), line(period="2024-04", isic_section="g")),
    )
    batch = report.batch
    assert (batch.rows_created, batch.rows_updated) == (0, 2), messages(report)
    assert [(r[3], r[4]) for r in records()] == [
        ("C", Decimal("500")),
        ("G", Decimal("410.25")),
    ]
    event = AuditEvent.objects.filter(action=IMPORT_FINISHED).latest("id")
    ids = dict(SocialSecurityRecord.objects.values_list("period", "pk"))
    assert sorted(event.details["updated_keys"]) == [
        f"{ids[datetime.date(2024, 3, 1)]}/2024-03/{NIT}",
        f"{ids[datetime.date(2024, 4, 1)]}/2024-04/{NIT}",
    ]
    assert person_key(ANA) not in str(event.details)


def test_a_wage_emptied_in_the_file_is_emptied(path):
    run_import("social_security", ss_file(line()))
    report = run_import("social_security", ss_file(line(wage_usd="", isic_section="")))
    assert report.batch.rows_updated == 1
    assert records()[0][3:] == ("", None)


def test_columns_left_out_are_not_touched(path):
    run_import("social_security", ss_file(line()))
    header = ["person_id", "period", "employer_tax_id"]
    report = run_import("social_security", ss_file(line(), header=header))
    assert report.batch.rows_unchanged == 1, messages(report)
    assert records()[0][3:] == ("C", Decimal("410.25"))


def test_all_or_nothing_stores_nothing_when_a_row_is_rejected(path):
    report = run_import(
        "social_security",
        ss_file(line(), line(person_id=LUIS, period="2024-13")),
        all_or_nothing=True,
    )
    assert report.batch.status == ImportStatus.FAILED
    assert not SocialSecurityRecord.objects.exists()


def test_no_national_id_is_stored_in_clear_anywhere(path):
    """After imports with valid, invalid and repeated IDs, no table holds an ID
    in any form: not the records, the batches and their errors, nor the audit
    trail."""
    bad = "12345678-0"
    run_import(
        "social_security",
        ss_file(
            line(),
            line(person_id=LUIS, employer_tax_id=""),
            line(person_id=bad),
            line(person_id=ANA.replace("-", "")),
            line(person_id=dui(34_567_890), wage_usd="-1"),
        ),
    )
    run_import("social_security", ss_file(line(wage_usd="999")))
    text = every_text_in_the_database()
    assert len(records()) == 2
    for raw in (ANA, LUIS, bad, dui(34_567_890)):
        for form in id_forms(raw):
            assert form not in text, form


def test_a_large_file_costs_a_few_statements(path):
    """5,000 rows are validated and stored with a handful of queries, not one
    per row (on the row-by-row path as well)."""
    rows = [
        line(person_id=dui(40_000_000 + i), period=f"2024-{1 + i % 12:02d}")
        for i in range(5000)
    ]
    with CaptureQueriesContext(connection) as context:
        report = run_import("social_security", ss_file(*rows))
    assert report.batch.rows_created == 5000, messages(report)[:3]
    assert len(context.captured_queries) < 40
    again = run_import("social_security", ss_file(*rows)).batch
    assert again.rows_unchanged == 5000


# -- the command line -------------------------------------------------------------


def test_the_cli_exit_codes(tmp_path):
    good = tmp_path / "isss.csv"
    good.write_bytes(ss_file(line(), line(person_id=LUIS)))
    code, out, err = cli("social_security", good)
    assert (code, err) == (0, "")
    assert "2 created" in out

    bad = tmp_path / "bad.csv"
    bad.write_bytes(ss_file(line(), line(person_id="12345678-0")))
    code, out, err = cli("social_security", bad)
    assert code == 3
    assert "row 3: person_id is not a valid DUI" in err
    assert "12345678" not in out + err


# -- the two paths on arbitrary input ---------------------------------------------------

CELL = st.one_of(
    st.sampled_from(
        [
            "", " ", ANA, LUIS, ANA.replace("-", ""), LUIS[1:], "12345678-0",
            "2024-03", "03/2024", "2024-03-15", "2024-3-1 10:00", "2024-13",
            "2024-02-30", NIT, OTHER_NIT, "x" * 41, "c", "C", "u", "V", "410.25",
            "0", "-1", "1,500", "1e3", "\x1c", "\u3000C\u3000", "²2345678-9",
        ]
    ),
    st.text(max_size=10),
)  # fmt: skip


def _verdicts(data: bytes, vectorised: bool):
    importer = SocialSecurityImporter()
    importer.vectorised = vectorised
    run = ImportRun(importer, read_table(data, "s.csv"))
    run.validate()
    return (
        run.total_rows,
        {row: [str(e) for e in r.errors] for row, r in run.rejected.items()},
        [str(w) for w in run.row_warnings],
    )


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    rows=st.lists(
        st.fixed_dictionaries({name: CELL for name in HEADER}), min_size=1, max_size=8
    ),
    header=st.sampled_from([HEADER, HEADER[:2], HEADER[:3], HEADER[:2] + HEADER[4:]]),
)
def test_both_paths_give_the_same_verdicts_and_messages(rows, header):
    """The vectorised path rejects exactly the rows the row-by-row path does,
    with the same messages, with or without the optional columns."""
    data = ss_file(*rows, header=header)
    with translation.override("en"):
        try:
            expected = _verdicts(data, vectorised=False)
        except ImportFileError:  # an unreadable file is refused before any row
            return
        assert _verdicts(data, vectorised=True) == expected


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    rows=st.lists(
        st.fixed_dictionaries({name: CELL for name in HEADER}), min_size=1, max_size=6
    )
)
def test_both_paths_store_the_same_records(rows):
    """What each path stores from the same file is the same."""
    data = ss_file(*rows)
    stored = []
    for vectorised in (False, True):
        SocialSecurityRecord.objects.all().delete()
        importer = SocialSecurityImporter()
        importer.vectorised = vectorised
        try:
            run = ImportRun(importer, read_table(data, "s.csv"))
        except ImportFileError:
            return
        run.validate()
        run.store()
        stored.append(records())
    assert stored[0] == stored[1]
