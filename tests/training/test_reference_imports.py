"""The training reference kinds: training areas, programmes, course runs (with
the data officer's "own organization" rule) and levy contributions."""

import datetime
from decimal import Decimal

import pytest

from semillero.core.importing.base import importer_classes
from semillero.core.models import ImportStatus
from semillero.registry.models import OrganizationType, TrainingArea
from semillero.training.importing.reference import (
    CourseRunImporter,
    LevyContributionImporter,
    ProgrammeImporter,
)
from semillero.training.models import CourseRun, LevyContribution, Programme
from tests.core.import_support import csv_bytes, messages, run_import
from tests.factories import OrganizationFactory, TrainingAreaFactory

from .factories import CourseRunFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

PROGRAMME_HEADER = "code,name,modality,training_area,isco_code,hours,delivery"
RUN_HEADER = (
    "code,programme_code,provider_code,company_code,start_date,end_date,"
    "department,municipality,capacity,cost_usd,funding"
)
LEVY_HEADER = "company_code,period,amount_usd"


def test_the_training_kinds_are_registered():
    """The upload page and `semillero import` offer the five training kinds."""
    assert {
        "training_areas",
        "programmes",
        "course_runs",
        "enrolments",
        "levy_contributions",
    } <= set(importer_classes())


def test_the_columns_are_those_of_data_formats():
    """Column names and order follow data-formats.md."""
    assert ",".join(c.name for c in ProgrammeImporter.columns) == PROGRAMME_HEADER
    assert ",".join(c.name for c in CourseRunImporter.columns) == RUN_HEADER
    assert ",".join(c.name for c in LevyContributionImporter.columns) == LEVY_HEADER


# -- training areas and programmes ---------------------------------------------------


def test_training_areas_are_upserted_by_code_with_spanish_headers():
    """Training areas load with `codigo,nombre`; a re-import changes nothing."""
    data = csv_bytes("codigo,nombre", "ELEC,Electricidad", "TEXT,Confección")
    report = run_import("training_areas", data)
    assert report.batch.rows_created == 2, messages(report)
    report = run_import("training_areas", data)
    assert (report.batch.rows_created, report.batch.rows_updated) == (0, 0)
    assert TrainingArea.objects.get(code="TEXT").name == "Confección"


def test_programmes_refer_to_an_area_by_code_or_exact_name():
    """A programme's training area is found by its code or its name."""
    TrainingAreaFactory(code="ELEC", name="Electricidad")
    report = run_import(
        "programmes",
        csv_bytes(
            PROGRAMME_HEADER,
            "P-1,Electricista residencial,initial,ELEC,7411,400,in_person",
            "P-2,Electricista industrial,dual,electricidad,,600,blended",
        ),
    )
    assert report.batch.status == ImportStatus.SUCCEEDED, messages(report)
    assert Programme.objects.get(code="P-2").training_area.code == "ELEC"
    assert Programme.objects.get(code="P-1").isco_code == "7411"


def test_programme_rows_with_bad_values_are_rejected_with_their_messages():
    """Unknown area, bad ISCO code, hours not above zero, unknown modality or
    delivery: each row is rejected with a plain message."""
    TrainingAreaFactory(code="ELEC", name="Electricidad")
    report = run_import(
        "programmes",
        csv_bytes(
            PROGRAMME_HEADER,
            "P-1,Uno,initial,GASTRO,,40,in_person",
            "P-2,Dos,initial,ELEC,74111,40,in_person",
            "P-3,Tres,initial,ELEC,,0,in_person",
            "P-4,Cuatro,evening,ELEC,,40,by_post",
        ),
    )
    assert messages(report) == [
        'row 2: training_area "GASTRO" is not a known training area (use the code '
        "or the exact name of an existing area; training areas are imported first)",
        'row 3: isco_code "74111" is not an ISCO-08 code (1 to 4 digits)',
        'row 4: hours "0" must be 1 or more',
        'row 5: modality "evening" is not one of: initial, continuous, dual, '
        "certification",
        'row 5: delivery "by_post" is not one of: in_person, virtual, blended',
    ]
    assert not Programme.objects.exists()


# -- course runs -------------------------------------------------------------------


@pytest.fixture
def programme():
    return ProgrammeFactory(code="P-1")


def test_a_course_run_is_stored_with_every_column(programme, centre, company):
    """All the columns of a course run are stored; a re-import changes nothing."""
    data = csv_bytes(
        RUN_HEADER,
        "R-1,P-1,CFP-001,EMP-001,2024-02-01,30/06/2024,SV-SS,,25,1500.50,levy",
    )
    report = run_import("course_runs", data)
    assert report.batch.status == ImportStatus.SUCCEEDED, messages(report)
    run = CourseRun.objects.get(code="R-1")
    assert (run.programme, run.provider, run.company) == (programme, centre, company)
    assert (run.start_date, run.end_date) == (
        datetime.date(2024, 2, 1),
        datetime.date(2024, 6, 30),
    )
    assert (run.capacity, run.cost_usd, run.funding) == (25, Decimal("1500.50"), "levy")
    again = run_import("course_runs", data)
    assert (again.batch.rows_created, again.batch.rows_updated) == (0, 0)


def test_course_run_rows_with_bad_values_are_rejected(programme, centre, company):
    """Unknown codes, a provider that is not a training centre, impossible dates
    and an end before the start are rejected with their messages."""
    report = run_import(
        "course_runs",
        csv_bytes(
            RUN_HEADER,
            "R-1,P-9,CFP-009,EMP-009,2024-02-01,2024-06-30,SV-SS,,,,",
            "R-2,P-1,EMP-001,,2024-02-01,2024-06-30,SV-SS,,,,",
            "R-3,P-1,CFP-001,,2024-02-30,2024-06-30,SV-SS,,,,",
            "R-4,P-1,CFP-001,,2024-06-30,2024-02-01,SV-SS,,,-5,gift",
        ),
    )
    assert messages(report) == [
        'row 2: programme_code "P-9" is not a known programme code',
        'row 2: provider_code "CFP-009" is not a known organization code',
        'row 2: company_code "EMP-009" is not a known organization code',
        'row 3: provider_code "EMP-001" is not a training centre; the provider of '
        "a course run must be an organization of type training_centre",
        'row 4: start_date "2024-02-30" is not a valid date',
        'row 5: cost_usd "-5" must not be negative',
        'row 5: funding "gift" is not one of: levy, public, donor, company, other',
        'row 5: end_date "2024-02-01" is before the start date (2024-06-30)',
    ]
    assert not CourseRun.objects.exists()


def test_a_data_officer_imports_only_its_own_organizations_runs(
    officer_user, programme, centre, other_centre
):
    """A data officer's rows whose provider is another organization, or that
    would change another organization's run, are rejected; its own are stored."""
    CourseRunFactory(code="R-OTHER", provider=other_centre, programme=programme)
    report = run_import(
        "course_runs",
        csv_bytes(
            RUN_HEADER,
            "R-1,P-1,CFP-001,,2024-02-01,2024-06-30,SV-SS,,,,",
            "R-2,P-1,CFP-002,,2024-02-01,2024-06-30,SV-SS,,,,",
            "R-OTHER,P-1,CFP-001,,2024-02-01,2024-06-30,SV-SS,,,,",
        ),
        user=officer_user,
    )
    assert messages(report) == [
        'row 3: provider_code "CFP-002" is another organization; you may only '
        "import the course runs your own organization provides",
        'row 4: code "R-OTHER" is another organization\'s course run; you may only '
        "change your own organization's runs",
    ]
    assert CourseRun.objects.get(code="R-1").provider == centre
    assert CourseRun.objects.get(code="R-OTHER").provider == other_centre


def test_a_municipality_must_be_of_the_runs_department(programme, centre):
    """A municipality is matched within the row's department."""
    report = run_import(
        "course_runs",
        csv_bytes(RUN_HEADER, "R-1,P-1,CFP-001,,2024-02-01,2024-06-30,SV-SS,Narnia,,,"),
    )
    assert messages(report) == [
        'row 2: municipality "Narnia" is not a municipality of San Salvador'
    ]


# -- levy contributions ------------------------------------------------------------


def test_levy_contributions_are_upserted_by_company_and_month(company):
    """The period is a month (stored as its first day); a second file for the same
    company and month updates the amount."""
    report = run_import(
        "levy_contributions",
        csv_bytes(LEVY_HEADER, "EMP-001,2024-03,1250.50", "EMP-001,04/2024,900"),
    )
    assert report.batch.rows_created == 2, messages(report)
    report = run_import(
        "levy_contributions", csv_bytes(LEVY_HEADER, "EMP-001,2024-03,1300")
    )
    assert (report.batch.rows_created, report.batch.rows_updated) == (0, 1)
    levy = LevyContribution.objects.get(period=datetime.date(2024, 3, 1))
    assert levy.amount_usd == Decimal("1300.00")


def test_levy_rows_with_bad_values_are_rejected(company, centre):
    """Only companies pay the levy; periods are months; amounts are dollars; the
    same company and month twice in a file rejects the later row."""
    OrganizationFactory(code="GOV-1", type=OrganizationType.GOVERNMENT)
    report = run_import(
        "levy_contributions",
        csv_bytes(
            LEVY_HEADER,
            "CFP-001,2024-03,10",
            "NOPE,2024-03,10",
            "EMP-001,2024-13,10",
            "EMP-001,2024-05,1.234",
            "EMP-001,2024-06,10",
            "EMP-001,2024-06,20",
        ),
    )
    assert messages(report) == [
        'row 2: company_code "CFP-001" is not a company (an organization of type '
        "company)",
        'row 3: company_code "NOPE" is not a known organization code',
        'row 4: period "2024-13" is not a valid month (use YYYY-MM, e.g. 2024-03)',
        'row 5: amount_usd "1.234" has more than 2 decimals',
        'row 7: period "2024-06" duplicated in this file, see row 6',
    ]
