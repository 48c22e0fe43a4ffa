"""The reference population of the demo: every department by sex, all ages, for
the years of the demo's training (2019 to 2025), the denominator of the coverage
indicators.

Illustrative figures built on the census 2024 (brief §1): the departments add up
to its 6,029,976 people (`context.DEPARTMENT_POPULATION`) and exactly 52.8% of
them are women. Each department's share of women and its yearly growth are
plausible, not published: more women where men emigrate (the east) and in the
capital; the metropolitan belt growing, the east shrinking slightly. The figures
do not depend on the seed: they are reference data, not a sample.
"""

from functools import cache

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from semillero.core.importing import upsert_chunk
from semillero.registry.models import Population

from .context import DEPARTMENT_POPULATION, DemoContext, allocate

NAME = "population"
TITLE = gettext_lazy("Reference population")

YEARS = range(2019, 2026)
CENSUS_YEAR = 2024
WOMEN_2024 = round(sum(DEPARTMENT_POPULATION.values()) * 0.528)  # 3,183,827

# Women's share of each department's population (before the national total is
# matched exactly).
WOMEN_SHARE = {
    "SV-AH": 0.519, "SV-CA": 0.529, "SV-CH": 0.525, "SV-CU": 0.526,
    "SV-LI": 0.527, "SV-PA": 0.523, "SV-SS": 0.536, "SV-SA": 0.527,
    "SV-SO": 0.522, "SV-SM": 0.533, "SV-US": 0.530, "SV-UN": 0.533,
    "SV-MO": 0.531, "SV-SV": 0.527,
}  # fmt: skip
# Yearly growth in percent (about 0.5% nationally).
GROWTH = {
    "SV-AH": 0.5, "SV-CA": 0.1, "SV-CH": 0.2, "SV-CU": 0.6, "SV-LI": 0.9,
    "SV-PA": 0.6, "SV-SS": 0.5, "SV-SA": 0.4, "SV-SO": 0.6, "SV-SM": 0.4,
    "SV-US": 0.2, "SV-UN": -0.2, "SV-MO": -0.1, "SV-SV": 0.3,
}  # fmt: skip


class ExistingPopulation(Exception):
    pass


@cache
def figures() -> dict[tuple[str, int, str], int]:
    """{(department code, year, sex): people}, all ages."""
    women_2024 = allocate(
        WOMEN_2024,
        {
            code: people * WOMEN_SHARE[code]
            for code, people in DEPARTMENT_POPULATION.items()
        },
    )
    result = {}
    for code, people in DEPARTMENT_POPULATION.items():
        by_sex = {"F": women_2024[code], "M": people - women_2024[code]}
        for year in YEARS:
            factor = (1 + GROWTH[code] / 100) ** (year - CENSUS_YEAR)
            for sex, count in by_sex.items():
                result[(code, year, sex)] = round(count * factor)
    return result


def check() -> None:
    """Population figures the demo did not make are never overwritten. Figures
    equal to the demo's (a demo database rebuilt without them) are no conflict."""
    demo = figures()
    rows = Population.objects.values_list(
        "department__code", "year", "sex", "age_group", "population"
    )
    for code, year, sex, age_group, people in rows.iterator():
        if age_group or demo.get((code, year, sex)) != people:
            raise ExistingPopulation(str(Population._meta.verbose_name_plural))


def generate(ctx: DemoContext) -> dict[str, int]:
    # Through the importer's own upsert, as a `population` file would be stored.
    departments = ctx.territory.departments
    records = [
        {
            "department_id": departments[code].pk,
            "year": year,
            "sex": sex,
            "age_group": "",
            "population": people,
        }
        for (code, year, sex), people in figures().items()
        if code in departments
    ]
    upsert_chunk(
        model=Population,
        key_fields=("department_id", "year", "sex", "age_group"),
        records=records,
    )
    return {"population": len(records)}


def describe(counts: dict[str, int]) -> str:
    return _(
        "%(figures)s population figures (illustrative): every department by sex, "
        "%(first)s to %(last)s"
    ) % {
        "figures": counts.get("population", 0),
        "first": YEARS[0],
        "last": YEARS[-1],
    }
