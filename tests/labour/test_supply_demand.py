"""Labour demand: the `demand` import kind, supply against demand by ISCO-08
sub-major group and department (checked against figures computed by hand), the
page and its downloads, and the demand shown on programme pages."""

import datetime

import pytest
from django.urls import reverse

from semillero.core.importing import importer_classes
from semillero.core.importing.services import import_file, importable_kinds
from semillero.labour.importers import DemandImporter
from semillero.labour.models import DemandSignal
from semillero.labour.selectors import supply_demand
from tests.factories import department
from tests.training.factories import (
    CourseRunFactory,
    EnrolmentFactory,
    ProgrammeFactory,
)

pytestmark = pytest.mark.django_db

DEMAND = """source,date,isco_code,department,vacancies
portal,2024-03-01,7411,SV-SS,10
portal,01/06/2024,7412,San Salvador,5
portal,2024-03-01,3512,SV-SS,30
bolsa,2024-05-01,74,SV-LI,5
bolsa,2023-02-01,35,sv-ss,8
bolsa,2023-02-01,9999,SV-SS,3
bolsa,2023-02-01,7,SV-SS,3
bolsa,2023-02-01,7411,SV-XX,3
bolsa,2023-02-01,7411,SV-SS,-1
"""


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def demand_file(tmp_path):
    path = tmp_path / "demanda.csv"
    path.write_text(DEMAND, encoding="utf-8")
    return path


@pytest.fixture
def demand(demand_file):
    report = import_file(kind="demand", path=demand_file)
    assert report.batch.rows_created == 5
    return report


def enrol(run, status, n):
    completion = run.end_date if status in ("completed", "certified") else None
    for _ in range(n):
        EnrolmentFactory(course_run=run, status=status, completion_date=completion)


@pytest.fixture
def supply(db):
    """Completers (completed or certified) by sub-major group, run department
    and the year the run ended:
    (74, SV-SS, 2024) = 3 + 1 = 4 (dropped and enrolled do not count)
    (74, SV-LI, 2024) = 2   (a second programme of group 74: 7412)
    (35, SV-SS, 2023) = 5
    (74, SV-SS, 2025) = 1
    A programme aimed at a major group only ("7") or at none counts nowhere."""
    electric = ProgrammeFactory(code="ELE", isco_code="7411")
    electric2 = ProgrammeFactory(code="ELE2", isco_code="7412")
    ict = ProgrammeFactory(code="ICT", isco_code="35")
    vague = ProgrammeFactory(code="VAG", isco_code="7")
    none = ProgrammeFactory(code="NON", isco_code="")
    d = datetime.date
    r1 = CourseRunFactory(
        programme=electric, start_date=d(2024, 1, 8), end_date=d(2024, 6, 30)
    )
    enrol(r1, "completed", 3)
    enrol(r1, "certified", 1)
    enrol(r1, "dropped", 2)
    enrol(r1, "enrolled", 1)
    r2 = CourseRunFactory(
        programme=electric2,
        start_date=d(2024, 6, 3),
        end_date=d(2024, 11, 30),
        department=department("SV-LI"),
    )
    enrol(r2, "completed", 2)
    r3 = CourseRunFactory(
        programme=ict, start_date=d(2023, 6, 5), end_date=d(2023, 12, 15)
    )
    enrol(r3, "certified", 5)
    for programme in (vague, none):
        run = CourseRunFactory(
            programme=programme, start_date=d(2024, 1, 8), end_date=d(2024, 3, 1)
        )
        enrol(run, "completed", 3)
    r5 = CourseRunFactory(
        programme=electric, start_date=d(2024, 9, 2), end_date=d(2025, 1, 10)
    )
    enrol(r5, "completed", 1)
    return electric


def test_demand_is_an_import_kind_with_the_columns_of_data_formats(
    admin_user, analyst_user
):
    assert importer_classes()["demand"] is DemandImporter
    assert [c.name for c in DemandImporter.columns] == [
        "source",
        "date",
        "isco_code",
        "department",
        "vacancies",
    ]
    assert all(c.required for c in DemandImporter.columns)
    assert "demand" in importable_kinds(admin_user)
    assert "demand" not in importable_kinds(analyst_user)


def test_the_import_validates_codes_and_departments(demand, demand_file):
    """4-digit unit groups and 2-digit sub-major groups are accepted and counted
    in their sub-major group; unknown groups, major groups alone, unknown
    departments and negative vacancies are rejected by row."""
    batch = demand.batch
    assert batch.rows_rejected == 4
    assert sorted({e.row for e in demand.errors}) == [7, 8, 9, 10]
    assert {e.column for e in demand.errors} == {"isco_code", "department", "vacancies"}
    stored = sorted(
        DemandSignal.objects.values_list(
            "isco_code", "occupation__code", "department__code", "vacancies"
        )
    )
    assert stored == [
        ("35", "35", "SV-SS", 8),
        ("3512", "35", "SV-SS", 30),
        ("74", "74", "SV-LI", 5),
        ("7411", "74", "SV-SS", 10),
        ("7412", "74", "SV-SS", 5),
    ]
    again = import_file(kind="demand", path=demand_file)
    assert again.batch.rows_created == 0
    assert again.batch.rows_unchanged == 5


def test_supply_and_demand_in_2024_against_hand_computed_figures(demand, supply):
    """2024, the whole country. Vacancies: 74 = 10 + 5 + 5 = 20, 35 = 30 (50);
    completers: 74 = 4 + 2 = 6, 35 = 0 (6). Shares: 74 = 0.4 of the vacancies
    and 6/6 = 1.0 of the completers, gap −60.0 points; 35 = 0.6 and 0, +60.0.
    Completers per 100 vacancies: 74 = 6 × 100 / 20 = 30.0; 35 = 0.0."""
    result = supply_demand(year=2024)
    rows = {r.occupation: r for r in result.rows}
    assert set(rows) == {"35", "74"}
    assert (rows["74"].vacancies, rows["74"].completers) == (20, 6)
    assert (rows["35"].vacancies, rows["35"].completers) == (30, 0)
    assert rows["74"].gap_points == -60.0
    assert rows["35"].gap_points == 60.0
    assert rows["74"].completers_per_100_vacancies == 30.0
    assert rows["35"].completers_per_100_vacancies == 0.0
    assert (result.total_vacancies, result.total_completers) == (50, 6)
    assert [r.occupation for r in result.under] == ["35"]
    assert [r.occupation for r in result.over] == ["74"]


def test_gaps_by_department_against_hand_computed_figures(demand, supply):
    """Pairs in 2024 over the country's totals (50 vacancies, 6 completers):
    (35, SS) 30/50 − 0/6 = +60.0; (74, SS) 15/50 − 4/6 = −36.7;
    (74, LI) 5/50 − 2/6 = −23.3. In La Libertad alone, 74 has all the vacancies
    and all the completers: gap 0, neither under- nor over-trained."""
    result = supply_demand(year=2024)
    assert [(r.occupation, r.department, r.gap_points) for r in result.pairs_under] == [
        ("35", "SV-SS", 60.0)
    ]
    assert [(r.occupation, r.department, r.gap_points) for r in result.pairs_over] == [
        ("74", "SV-SS", -36.7),
        ("74", "SV-LI", -23.3),
    ]
    libertad = supply_demand(year=2024, department="SV-LI")
    assert [
        (r.occupation, r.vacancies, r.completers, r.gap_points) for r in libertad.rows
    ] == [("74", 5, 2, 0.0)]
    assert libertad.under == [] and libertad.over == []
    assert libertad.pairs_under == []


def test_trend_by_year(demand, supply):
    """All occupations: 2023 8 vacancies and 5 completers; 2024 50 and 6; 2025
    no signal (None, not zero) and 1 completer. Group 74 alone: 2023 has
    vacancies of no source for it (0) and no completer of it (0)."""
    result = supply_demand(year=None)
    assert result.trend == [
        {"year": 2023, "vacancies": 8, "completers": 5},
        {"year": 2024, "vacancies": 50, "completers": 6},
        {"year": 2025, "vacancies": None, "completers": 1},
    ]
    electric = supply_demand(year=None, occupation="74")
    assert electric.trend[0] == {"year": 2023, "vacancies": 0, "completers": 0}
    assert {r.occupation: r.completers for r in result.rows} == {"35": 5, "74": 7}


def test_the_page_is_for_planners(client, demand, supply, analyst_user, officer_user):
    url = reverse("labour:supply_demand")
    assert "/accounts/login/" in client.get(url).url
    client.force_login(officer_user)
    assert client.get(url).status_code == 403
    client.force_login(analyst_user)
    response = client.get(url, {"year": "2024"})
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        'data-occupation="35" data-vacancies="30" data-completers="0" data-gap="60.0"'
        in html
    )
    assert 'data-vacancies="50" data-completers="6"' in html
    # The latest year with demand is the default.
    assert client.get(url).context["year"] == 2024


def test_the_page_downloads(client, demand, supply, analyst_user):
    client.force_login(analyst_user)
    url = reverse("labour:supply_demand")
    response = client.get(url, {"year": "2024", "export": "csv"})
    lines = response.content.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 3
    assert lines[1].startswith("35,")
    pairs = client.get(url, {"year": "2024", "export": "csv", "table": "pairs"})
    assert len(pairs.content.decode("utf-8-sig").strip().splitlines()) == 4
    xlsx = client.get(url, {"year": "all", "export": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_programme_pages_show_the_demand_for_the_target_occupation(
    client, demand, supply, admin_user
):
    """Group 74 had 20 vacancies in 2024 and none in other years."""
    page = client.get(reverse("training:catalogue_programme", args=[supply.pk]))
    html = page.content.decode()
    assert 'data-occupation="74"' in html
    assert 'data-year="2024" data-vacancies="20"' in html
    assert 'data-year="2023"' not in html
    client.force_login(admin_user)
    html = client.get(
        reverse("training:programme_detail", args=[supply.pk])
    ).content.decode()
    assert 'data-year="2024" data-vacancies="20"' in html
    assert reverse("labour:supply_demand") + "?occupation=74" in html
