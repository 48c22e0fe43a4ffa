"""The cube: refreshed after each import it equals a from-scratch build, a
deletion is caught, and every build records its snapshot."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from semillero.indicators import cube
from semillero.indicators.compute import compute, compute_many
from semillero.indicators.models import CubeBuild, EnrolmentCell, RunCell
from semillero.training.models import Enrolment, Trainee
from tests.core.import_support import csv_bytes, run_import
from tests.factories import OrganizationFactory, TrainingAreaFactory
from tests.training.factories import dui

pytestmark = pytest.mark.django_db

PROGRAMMES = "code,name,modality,training_area,isco_code,hours,delivery"
RUNS = (
    "code,programme_code,provider_code,company_code,start_date,end_date,"
    "department,municipality,capacity,cost_usd,funding"
)
ENROLMENTS = (
    "course_run_code,person_id,sex,birth_date,department,status,completion_date,"
    "disability,returned_migrant,rural,low_income"
)
ANA, LUIS, ROSA = dui(12_345_670), dui(23_456_781), dui(34_567_892)


@pytest.fixture
def reference(db):
    TrainingAreaFactory(code="ELEC")
    TrainingAreaFactory(code="CONF")
    OrganizationFactory(code="CFP-001")
    OrganizationFactory(code="CFP-002")


def imported(kind, *lines, capture):
    """Import a CSV and run what happens after its commit (the cube refresh)."""
    with capture(execute=True):
        report = run_import(kind, csv_bytes(*lines))
    assert report.batch.rows_rejected == 0, report.errors
    return report


def cube_contents():
    cells = sorted(
        tuple(v for k, v in row.items() if k != "id")
        for row in EnrolmentCell.objects.values()
    )
    runs = sorted(
        tuple(v for k, v in row.items() if k != "id")
        for row in RunCell.objects.values()
    )
    return cells, runs


def assert_cube_equals_rebuild():
    refreshed = cube_contents()
    cube.rebuild()
    assert refreshed == cube_contents()


def test_refresh_after_each_import_equals_rebuild(
    reference, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    imported(
        "programmes",
        PROGRAMMES,
        "P-ELEC,Electricidad,initial,ELEC,7411,120,in_person",
        "P-CONF,Confección,continuous,CONF,,80,blended",
        capture=capture,
    )
    imported(
        "course_runs",
        RUNS,
        "R1,P-ELEC,CFP-001,,2024-02-01,2024-06-30,SV-SS,,20,1000.00,levy",
        "R2,P-CONF,CFP-002,,2024-03-01,2025-01-31,SV-LI,,20,,public",
        capture=capture,
    )
    imported(
        "enrolments",
        ENROLMENTS,
        f"R1,{ANA},F,2000-05-17,SV-SS,certified,2024-06-30,,,sí,",
        f"R1,{LUIS},M,1990-01-01,SV-SS,dropped,,,,,",
        f"R2,{ROSA},F,1975-03-02,SV-LI,enrolled,,,,,",
        f"R2,{ANA},F,2000-05-17,SV-SS,enrolled,,,,,",
        capture=capture,
    )
    assert CubeBuild.objects.last().kind == CubeBuild.Kind.FULL  # the first one
    assert_cube_equals_rebuild()
    assert compute("enrolments", 2024)[0]["value"] == 4
    assert compute("trainees", 2024)[0]["value"] == 3

    # Luis comes back and completes; Ana moves to La Libertad (all her cells change).
    imported(
        "enrolments",
        ENROLMENTS,
        f"R1,{LUIS},M,1990-01-01,SV-SS,completed,2024-06-30,,,,",
        f"R1,{ANA},F,2000-05-17,SV-LI,certified,2024-06-30,,,sí,",
        capture=capture,
    )
    build = CubeBuild.objects.first()
    assert build.kind == CubeBuild.Kind.REFRESH
    assert build.trainees_refreshed == 2
    assert build.triggered_by.startswith("import #")
    assert_cube_equals_rebuild()
    assert compute("completion_rate", 2024)[0]["value"] == 1.0
    by_dept = compute("trainees", 2024, ["department"])
    assert [(r["department"], r["value"]) for r in by_dept] == [
        ("SV-LI", 2),
        ("SV-SS", 1),
    ]

    # R2 moves to 2025 and gets a cost; P-ELEC becomes dual.
    imported(
        "course_runs",
        RUNS,
        "R2,P-CONF,CFP-002,,2025-03-01,2025-08-31,SV-LI,,20,500.00,public",
        capture=capture,
    )
    imported(
        "programmes",
        PROGRAMMES,
        "P-ELEC,Electricidad,dual,ELEC,7411,120,in_person",
        capture=capture,
    )
    assert_cube_equals_rebuild()
    assert compute("enrolments", 2024)[0]["value"] == 2
    assert compute("enrolments", 2025)[0]["value"] == 2
    modality = compute("enrolments", 2024, ["modality"])
    assert [(r["modality"], r["value"]) for r in modality] == [("dual", 2)]
    assert compute("cost_per_completer", 2024)[0]["value"] == 500.0  # $1,000 / 2


def test_reimport_of_the_same_file_changes_nothing(
    reference, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    imported(
        "programmes",
        PROGRAMMES,
        "P-ELEC,Electricidad,initial,ELEC,,120,in_person",
        capture=capture,
    )
    imported(
        "course_runs",
        RUNS,
        "R1,P-ELEC,CFP-001,,2024-02-01,2024-06-30,SV-SS,,20,,levy",
        capture=capture,
    )
    lines = (ENROLMENTS, f"R1,{ANA},F,2000-05-17,SV-SS,enrolled,,,,,")
    imported("enrolments", *lines, capture=capture)
    imported("enrolments", *lines, capture=capture)
    assert CubeBuild.objects.first().trainees_refreshed == 0
    assert_cube_equals_rebuild()


def test_a_deletion_is_caught_by_a_full_rebuild(
    world_of_two, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        Enrolment.objects.filter(trainee__sex="M").delete()
    build = cube.ensure_fresh()
    assert build.kind == CubeBuild.Kind.FULL
    assert compute("enrolments", 2024)[0]["value"] == 1


def test_ensure_fresh_builds_nothing_when_nothing_changed(world_of_two):
    before = CubeBuild.objects.count()
    cube.ensure_fresh(thorough=True)
    assert CubeBuild.objects.count() == before


def test_a_save_marks_the_cube_stale_for_the_next_reader(
    world_of_two, django_capture_on_commit_callbacks
):
    trainee = Trainee.objects.get(sex="F")
    trainee.sex = "M"
    with django_capture_on_commit_callbacks(execute=True):
        trainee.save()
    build = cube.ensure_fresh()
    assert build.kind == CubeBuild.Kind.REFRESH
    assert build.trainees_refreshed == 1
    assert compute("women_share", 2024)[0]["value"] == 0.0
    assert cube.ensure_fresh() == build  # the mark is spent


def test_a_thorough_check_finds_a_change_that_sent_no_signal(world_of_two):
    Trainee.objects.filter(sex="F").update(sex="M", updated_at=timezone.now())
    assert cube.ensure_fresh() == cube.latest_build()  # the cheap check trusts marks
    build = cube.ensure_fresh(thorough=True)
    assert build.kind == CubeBuild.Kind.REFRESH
    assert compute("women_share", 2024)[0]["value"] == 0.0


def test_build_records_the_snapshot(world_of_two):
    build = cube.latest_build()
    assert build.snapshot["enrolments"] == 2
    assert build.snapshot["trainees"] == 2
    assert build.snapshot["course_runs"] == 1
    assert build.cells == EnrolmentCell.objects.count() + RunCell.objects.count() == 3
    assert build.finished_at >= build.started_at


def test_rebuild_command(world_of_two):
    out = io.StringIO()
    call_command("indicators", "rebuild", stdout=out)
    assert out.getvalue().startswith("cube rebuilt: 3 cells from 2 enrolments in ")
    assert CubeBuild.objects.first().triggered_by == "semillero indicators rebuild"


def test_the_command_line_reads_a_current_cube(world_of_two):
    """Data changed with no import: the command brings the cube up to date."""
    from tests.training.factories import EnrolmentFactory

    EnrolmentFactory(course_run=Enrolment.objects.first().course_run)
    out = io.StringIO()
    call_command(
        "indicators", "--year", "2024", "--indicator", "enrolments", stdout=out
    )
    assert '"value": 3' in out.getvalue()
    rows, _ = compute_many(["enrolments"], 2024)
    assert rows[0]["value"] == 3


@pytest.fixture
def world_of_two(db):
    import datetime
    from decimal import Decimal

    from tests.training.factories import (
        CourseRunFactory,
        EnrolmentFactory,
        TraineeFactory,
    )

    run = CourseRunFactory(
        start_date=datetime.date(2024, 2, 1),
        end_date=datetime.date(2024, 6, 30),
        cost_usd=Decimal("100.00"),
    )
    EnrolmentFactory(course_run=run, trainee=TraineeFactory(sex="F"))
    EnrolmentFactory(course_run=run, trainee=TraineeFactory(sex="M"))
    cube.rebuild()


def test_a_population_import_retires_the_cached_pages(
    world_of_two, django_capture_on_commit_callbacks
):
    """Coverage reads the population as it is; a new build changes the cache keys
    of the pages that showed the old figures."""
    before = cube.latest_build()
    imported(
        "population",
        "department,year,sex,population",
        "SV-SS,2024,F,1000",
        capture=django_capture_on_commit_callbacks,
    )
    assert cube.latest_build() != before
    assert compute("coverage_per_1000", 2024)[0]["denominator"] == 1000


def test_a_rebuild_puts_its_indexes_back(world_of_two):
    """The rebuild drops the cell indexes for the bulk fill; they must return."""
    from django.db import connection

    from semillero.indicators.models import EnrolmentCell

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(
            cursor, EnrolmentCell._meta.db_table
        )
    names = {name for name, c in constraints.items() if c["index"]}
    assert {i.name for i in EnrolmentCell._meta.indexes} <= names


def test_the_rebuild_command_computes_the_default_dashboard(world_of_two):
    """After a build nobody waits for the default view: its numbers are cached."""
    from django.core.cache import cache

    from semillero.indicators import dashboard

    call_command("indicators", "rebuild", stdout=io.StringIO())
    build = cube.latest_build()
    year = dashboard.available_years(build)[0]
    assert cache.get(dashboard.Dashboard(year=year, build=build).cache_key())
