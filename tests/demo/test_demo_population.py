"""The demo's reference population: every department by sex, 2019 to 2025, adding
up to the census 2024 (6,029,976 people, 52.8% women)."""

from datetime import date

import pytest

from semillero.demo import generate, population
from semillero.demo.context import DEPARTMENT_POPULATION, DemoContext
from semillero.demo.generate import DemoError, build_demo
from semillero.registry.models import Population
from semillero.registry.selectors import population_for, population_table

pytestmark = pytest.mark.django_db

CTX = DemoContext(seed=1, scale="small", as_of=date(2026, 1, 15))


def test_every_department_sex_and_year_has_an_all_ages_figure():
    """14 departments × 2 sexes × 7 years, all ages, in one bulk upsert."""
    assert population.generate(CTX) == {"population": 196}
    assert Population.objects.count() == 196
    assert set(Population.objects.values_list("age_group", flat=True)) == {""}
    assert sorted(set(Population.objects.values_list("year", flat=True))) == list(
        range(2019, 2026)
    )


def test_2024_is_the_census_total_with_52_8_percent_women():
    """The departments add up to 6,029,976 people, 3,183,827 of them women; each
    department's 2024 total is its figure in DEPARTMENT_POPULATION."""
    population.generate(CTX)
    assert population_for(year=2024) == 6_029_976
    assert population_for(year=2024, sex="F") == 3_183_827
    assert population_for(year=2024, sex="M") == 2_846_149
    table = population_table(year=2024)
    assert {
        code: table[(code, "F")] + table[(code, "M")] for code in DEPARTMENT_POPULATION
    } == DEPARTMENT_POPULATION
    assert population_for(year=2024, department_code="SV-SS", sex="F") == 851_262
    assert population_for(year=2024, department_code="SV-SS", sex="M") == 740_652


def test_the_country_grows_about_half_a_percent_a_year():
    """2019 to 2025 grow slowly every year (0.4% to 0.6%); some departments of
    the east shrink slightly."""
    population.generate(CTX)
    totals = [population_for(year=year) for year in range(2019, 2026)]
    assert totals == [
        5_892_333,
        5_919_531,
        5_946_894,
        5_974_422,
        6_002_116,
        6_029_976,
        6_058_005,
    ]
    for before, after in zip(totals, totals[1:], strict=False):
        assert 0.004 < after / before - 1 < 0.006
    union = [population_for(year=y, department_code="SV-UN") for y in (2019, 2025)]
    assert union[1] < union[0]


def test_the_figures_are_the_same_whatever_the_seed():
    """Reference data, not a sample: a second run over the demo's own figures
    passes its check and changes nothing."""
    population.generate(CTX)
    before = list(Population.objects.order_by("pk").values_list())
    population.check()
    population.generate(DemoContext(seed=2, scale="small", as_of=CTX.as_of))
    assert list(Population.objects.order_by("pk").values_list()) == before


def test_figures_the_demo_did_not_make_are_never_overwritten(monkeypatch):
    """An imported figure that is not the demo's stops the demo with a reason."""
    Population.objects.create(
        department_id=CTX.territory.departments["SV-SS"].pk,
        year=2024,
        sex="F",
        population=850_000,
    )
    monkeypatch.setattr(generate, "MODULES", [population])
    with pytest.raises(DemoError) as refused:
        build_demo(seed=1, scale="small", password="semillero-demo", as_of=CTX.as_of)
    assert str(Population._meta.verbose_name_plural) in str(refused.value)
    assert Population.objects.count() == 1
