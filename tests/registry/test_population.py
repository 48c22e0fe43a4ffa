"""The reference population: the `population` import kind and the selectors the
coverage indicators divide by."""

import io

import openpyxl
import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from semillero.accounts.models import AuditEvent
from semillero.core.events import IMPORT_FINISHED
from semillero.core.importing.base import importer_classes
from semillero.core.importing.services import importable_kinds
from semillero.core.models import ImportStatus
from semillero.registry.importers import PopulationImporter
from semillero.registry.models import Population
from semillero.registry.selectors import population_for, population_table
from tests.core.import_support import csv_bytes, messages, run_import

from ..factories import department

pytestmark = pytest.mark.django_db

HEADER = "department,year,sex,population,age_group"


def stored() -> list[tuple]:
    return list(
        Population.objects.order_by(
            "department__code", "year", "sex", "age_group"
        ).values_list("department__code", "year", "sex", "age_group", "population")
    )


def xlsx_bytes(*rows) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# -- the kind ------------------------------------------------------------------------


def test_population_is_an_import_kind_with_the_columns_of_data_formats():
    """`population` is importable; its columns and required ones follow
    data-formats.md (age_group optional)."""
    assert importer_classes()["population"] is PopulationImporter
    assert ",".join(c.name for c in PopulationImporter.columns) == HEADER
    assert [c.name for c in PopulationImporter.columns if c.required] == [
        "department",
        "year",
        "sex",
        "population",
    ]


def test_only_the_administrator_imports_the_population(admin_user, officer_user):
    """The population is reference data: the national administrator's kind."""
    assert "population" in importable_kinds(admin_user)
    assert "population" not in importable_kinds(officer_user)


# -- importing -----------------------------------------------------------------------


def test_a_spanish_excel_csv_loads_and_a_reimport_changes_nothing(admin_user):
    """Semicolons, a byte-order mark and Spanish headers, as Excel in Spanish saves
    a CSV: departments by code or name, sex as mujer/hombre, an empty age group is
    all ages. The same file again creates and updates nothing."""
    data = csv_bytes(
        "Departamento,Año,Sexo,Población,Grupo de edad",
        "SV-SS,2024,Mujer,851262,",
        "San Salvador,2024,Hombre,740652,",
        "cabañas,2024,F,21000,15-29",
        "Cabanas,2024,M,20500, 15 - 29 ",
        "La Libertad,2023,f,400000,65+",
        sep=";",
        bom=True,
    )
    report = run_import("population", data, user=admin_user)
    batch = report.batch
    assert batch.status == ImportStatus.SUCCEEDED, messages(report)
    assert (batch.rows_created, batch.rows_updated, batch.rows_unchanged) == (5, 0, 0)
    assert stored() == [
        ("SV-CA", 2024, "F", "15-29", 21000),
        ("SV-CA", 2024, "M", "15-29", 20500),
        ("SV-LI", 2023, "F", "65+", 400000),
        ("SV-SS", 2024, "F", "", 851262),
        ("SV-SS", 2024, "M", "", 740652),
    ]

    again = run_import("population", data, user=admin_user).batch
    assert (again.rows_created, again.rows_updated, again.rows_unchanged) == (0, 0, 5)
    assert len(stored()) == 5
    finished = AuditEvent.objects.filter(action=IMPORT_FINISHED).order_by("pk")
    assert [e.details["kind"] for e in finished] == ["population", "population"]


def test_a_changed_figure_updates_its_row(admin_user):
    """A row whose key exists replaces the figure; the others stay as they are."""
    run_import(
        "population",
        csv_bytes("department,year,sex,population", "SV-SS,2024,F,851262"),
        user=admin_user,
    )
    report = run_import(
        "population",
        csv_bytes(
            "department,year,sex,population",
            "SV-SS,2024,F,851300",
            "SV-SS,2024,M,740652",
        ),
        user=admin_user,
    )
    batch = report.batch
    assert (batch.rows_created, batch.rows_updated, batch.rows_unchanged) == (1, 1, 0)
    assert stored() == [
        ("SV-SS", 2024, "F", "", 851300),
        ("SV-SS", 2024, "M", "", 740652),
    ]


def test_an_xlsx_workbook_with_number_cells_loads(admin_user):
    """Years and figures typed as numbers in Excel are whole numbers."""
    data = xlsx_bytes(
        ["departamento", "anio", "sexo", "poblacion", "grupo_edad"],
        ["Ahuachapán", 2024, "mujer", 180643, None],
        ["Ahuachapán", 2024, "hombre", 168237, None],
        ["SV-PA", 2025, "female", 5000, "0-14"],
        ["SV-PA", 2025, "male", 0, "0-14"],
    )
    report = run_import("population", data, name="poblacion.xlsx", user=admin_user)
    assert report.batch.status == ImportStatus.SUCCEEDED, messages(report)
    assert stored() == [
        ("SV-AH", 2024, "F", "", 180643),
        ("SV-AH", 2024, "M", "", 168237),
        ("SV-PA", 2025, "F", "0-14", 5000),
        ("SV-PA", 2025, "M", "0-14", 0),
    ]
    again = run_import("population", data, name="poblacion.xlsx", user=admin_user)
    assert (again.batch.rows_created, again.batch.rows_unchanged) == (0, 4)


def test_every_bad_value_is_rejected_with_its_message(admin_user):
    """Each problem is named in plain language, row by row; the valid rows are
    stored. (Each bad row has its own key, so no row is also a repeat.)"""
    data = csv_bytes(
        HEADER,
        "SV-SS,2024,F,851262,",
        "Narnia,2024,F,1000,",
        "SV-SS,24,F,1000,",
        "SV-SS,1949,F,1000,",
        "SV-SS,2101,F,1000,",
        "SV-SS,2024.0,F,1000,",
        "SV-SS,2024,X,1000,",
        "SV-SS,2019,M,-5,",
        "SV-SS,2020,M,12.5,",
        "SV-SS,2021,M,851.262,",
        "SV-SS,2022,M,mil,",
        "SV-SS,2024,M,1000,15-",
        "SV-SS,2024,M,1000,29-15",
        "SV-SS,2024,M,1000,adultos",
        "SV-SS,2023,M,,",
    )
    report = run_import("population", data, user=admin_user)
    assert messages(report) == [
        'row 3: department "Narnia" is not a known department (use its code, '
        "e.g. SV-SS, or its name)",
        'row 4: year "24" is not a year between 1950 and 2100 (four digits, e.g. 2024)',
        'row 5: year "1949" is not a year between 1950 and 2100 (four digits, '
        "e.g. 2024)",
        'row 6: year "2101" is not a year between 1950 and 2100 (four digits, '
        "e.g. 2024)",
        'row 7: year "2024.0" is not a year between 1950 and 2100 (four digits, '
        "e.g. 2024)",
        'row 8: sex "X" is not a valid sex (use F or M)',
        'row 9: population "-5" must not be negative',
        'row 10: population "12.5" is not a whole number of people',
        'row 11: population "851.262" is not a whole number: write it without '
        "thousands separators (e.g. 348880)",
        'row 12: population "mil" is not a whole number of people',
        'row 13: age_group "15-" is not an age group (use e.g. 15-29 or 65+)',
        'row 14: age_group "29-15" is not an age group: the first age must not be '
        "above the second",
        'row 15: age_group "adultos" is not an age group (use e.g. 15-29 or 65+)',
        "row 16: population is required",
    ]
    assert report.batch.status == ImportStatus.PARTIAL
    assert stored() == [("SV-SS", 2024, "F", "", 851262)]


def test_a_row_repeating_department_year_sex_and_age_group_is_rejected(admin_user):
    """The key is (department, year, sex, age group), a missing age_group column
    meaning all ages: the first row counts, a repeat is rejected."""
    data = csv_bytes(
        "department,year,sex,population",
        "SV-SS,2024,F,851262",
        "San Salvador,2024,F,851000",
        "SV-SS,2024,M,740652",
    )
    report = run_import("population", data, user=admin_user)
    assert messages(report) == ['row 3: sex "F" duplicated in this file, see row 2']
    assert stored() == [
        ("SV-SS", 2024, "F", "", 851262),
        ("SV-SS", 2024, "M", "", 740652),
    ]


def test_a_malformed_age_group_does_not_pass_for_all_ages(admin_user):
    """A row rejected for its age group is not taken for the all-ages row of its
    department, year and sex: the valid all-ages row after it is stored."""
    data = csv_bytes(HEADER, "SV-SS,2024,F,1000,quince", "SV-SS,2024,F,851262,")
    report = run_import("population", data, user=admin_user)
    assert messages(report) == [
        'row 2: age_group "quince" is not an age group (use e.g. 15-29 or 65+)'
    ]
    assert stored() == [("SV-SS", 2024, "F", "", 851262)]


cell = st.one_of(st.none(), st.text(max_size=20))


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(values=st.fixed_dictionaries({c.name: cell for c in PopulationImporter.columns}))
def test_the_row_parser_never_raises(values):
    """Arbitrary text in every column: accepted, or rejected with a message."""
    importer = PopulationImporter()
    importer.begin([c.name for c in PopulationImporter.columns])
    with translation.override("es"):
        parsed = importer.parse_row(values, row=2)
    assert (parsed.record is None) == bool(parsed.errors)
    assert all(error.message.strip() for error in parsed.errors)


# -- selectors -----------------------------------------------------------------------


def add(code: str, year: int, sex: str, population: int, age_group: str = ""):
    Population.objects.create(
        department=department(code),
        year=year,
        sex=sex,
        age_group=age_group,
        population=population,
    )


@pytest.fixture
def figures():
    """San Salvador: 2022 and 2024. La Libertad: 2023 only. Cabañas: age groups
    only. Ahuachapán: an all-ages figure and an age group, women only."""
    add("SV-SS", 2022, "F", 800)
    add("SV-SS", 2022, "M", 700)
    add("SV-SS", 2024, "F", 850)
    add("SV-SS", 2024, "M", 750)
    add("SV-LI", 2023, "F", 400)
    add("SV-LI", 2023, "M", 380)
    add("SV-CA", 2024, "F", 20, "0-14")
    add("SV-CA", 2024, "F", 30, "15-29")
    add("SV-CA", 2024, "F", 25, "30+")
    add("SV-CA", 2024, "M", 22, "0-14")
    add("SV-CA", 2024, "M", 28, "15-29")
    add("SV-CA", 2024, "M", 20, "30+")
    add("SV-AH", 2024, "F", 180)
    add("SV-AH", 2024, "F", 50, "15-29")


def test_the_figure_of_the_year_asked(figures):
    """A department with figures for the year gives that year's."""
    assert population_for(year=2024, department_code="SV-SS", sex="F") == 850
    assert population_for(year=2024, department_code="SV-SS", sex="M") == 750
    assert population_for(year=2024, department_code="SV-SS") == 1600
    assert population_for(year=2022, department_code="SV-SS") == 1500


def test_else_the_latest_earlier_year(figures):
    """Without figures for the year, the department's latest earlier year counts."""
    assert population_for(year=2023, department_code="SV-SS", sex="F") == 800
    assert population_for(year=2030, department_code="SV-SS", sex="M") == 750
    assert population_for(year=2025, department_code="SV-LI") == 780


def test_age_groups_are_summed_when_there_is_no_all_ages_figure(figures):
    """Cabañas has age groups only: they add up. Ahuachapán has an all-ages
    figure: it counts and its age group does not."""
    assert population_for(year=2024, department_code="SV-CA", sex="F") == 75
    assert population_for(year=2024, department_code="SV-CA") == 145
    assert population_for(year=2024, department_code="SV-AH", sex="F") == 180


def test_the_country_adds_up_each_departments_own_latest_year(figures):
    """The national figure sums every department with a figure, each of its own
    latest year up to the year asked."""
    # 850 (SV-SS 2024) + 400 (SV-LI 2023) + 75 (SV-CA) + 180 (SV-AH)
    assert population_for(year=2024, sex="F") == 1505
    # 750 + 380 + 70; Ahuachapán has no men's figure
    assert population_for(year=2024, sex="M") == 1200
    assert population_for(year=2024) == 2705
    # 2023: San Salvador's 2022 and La Libertad's 2023
    assert population_for(year=2023) == 2280
    assert population_for(year=2022, sex="F") == 800


def test_none_when_no_figure_applies(figures):
    """Before any figure, for a department without figures, or an unknown code."""
    assert population_for(year=2021) is None
    assert population_for(year=2021, department_code="SV-SS", sex="F") is None
    assert population_for(year=2024, department_code="SV-MO") is None
    assert population_for(year=2024, department_code="SV-XX") is None
    assert population_for(year=2024, department_code="SV-AH", sex="M") is None


def test_the_year_is_the_departments_not_the_sexs():
    """La Libertad has women for 2024 but men only for 2023: 2024 is its year, so
    there is no men's figure for 2024 (an older one is not mixed in)."""
    add("SV-LI", 2023, "F", 400)
    add("SV-LI", 2023, "M", 380)
    add("SV-LI", 2024, "F", 410)
    assert population_for(year=2024, department_code="SV-LI", sex="F") == 410
    assert population_for(year=2024, department_code="SV-LI", sex="M") is None
    assert population_for(year=2024, department_code="SV-LI") == 410
    assert population_table(year=2024) == {("SV-LI", "F"): 410}


def test_the_table_has_every_department_and_sex_at_once(figures):
    """population_table gives each (department, sex) by the same rules."""
    assert population_table(year=2024) == {
        ("SV-AH", "F"): 180,
        ("SV-CA", "F"): 75,
        ("SV-CA", "M"): 70,
        ("SV-LI", "F"): 400,
        ("SV-LI", "M"): 380,
        ("SV-SS", "F"): 850,
        ("SV-SS", "M"): 750,
    }
    assert population_table(year=2022) == {("SV-SS", "F"): 800, ("SV-SS", "M"): 700}
    assert population_table(year=2000) == {}


def test_each_selector_is_one_query(figures, django_assert_num_queries):
    """One query for a figure or a whole table, however many departments."""
    with django_assert_num_queries(1):
        population_table(year=2024)
    with django_assert_num_queries(1):
        population_for(year=2024)
    with django_assert_num_queries(1):
        population_for(year=2024, department_code="SV-SS", sex="F")
