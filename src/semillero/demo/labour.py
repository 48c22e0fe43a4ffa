"""The demo's labour-demand signals, 2022–2025: quarterly vacancies from two
sources by occupation (ISCO-08 unit groups, counted in their sub-major groups)
and department.

Illustrative figures shaped like the Salvadoran labour market as the brief
describes it: strong demand for machine operators of manufacturing (the
garment maquila), ICT support technicians, hospitality and construction trades;
vacancies concentrated in San Salvador and La Libertad."""

from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from semillero.labour.importers import ISCO, SUB_MAJOR_LEVEL
from semillero.labour.models import DemandSignal
from semillero.registry.models import ClassificationItem, Department

from .context import DemoContext

NAME = "labour"
TITLE = gettext_lazy("Labour demand")

YEARS = range(2022, 2026)
# Source → share of the vacancies it carries.
SOURCES = {
    "Portal de empleo en línea (demo)": 0.65,
    "Red Nacional de Empleo (demo)": 0.35,
}
# Vacancies of a quarter in the whole country, 2022.
QUARTER_VACANCIES = 9_000
# Occupation (ISCO-08 unit group) → weight; growth per year on top.
OCCUPATIONS = {
    "8153": 9.0,  # sewing-machine operators (maquila)
    "8160": 3.0,  # food products machine operators
    "8141": 2.0,  # rubber and plastic products machine operators
    "3512": 6.0,  # ICT user support technicians
    "3513": 2.5,  # computer network technicians
    "5120": 5.0,  # cooks
    "5131": 5.0,  # waiters
    "9412": 2.0,  # kitchen helpers
    "7112": 4.5,  # bricklayers
    "7115": 2.5,  # carpenters
    "7126": 2.0,  # plumbers
    "5223": 7.0,  # shop sales assistants
    "4222": 6.0,  # contact centre agents
    "4110": 3.0,  # general office clerks
    "8322": 3.5,  # car, taxi and van drivers
    "9329": 3.5,  # manufacturing labourers
    "7231": 1.5,  # motor vehicle mechanics
    "7411": 1.2,  # building electricians
    "7531": 1.0,  # tailors and dressmakers
    "3115": 0.8,  # mechanical engineering technicians
    "3341": 0.8,  # office supervisors
    "4311": 1.0,  # accounting clerks
    "2512": 1.2,  # software developers
    "5311": 0.8,  # child care workers
    "9112": 2.0,  # cleaners
}
GROWTH = {2022: 1.0, 2023: 1.05, 2024: 1.09, 2025: 1.14}
FAST_GROWTH = {"35": 0.08, "25": 0.08}  # ICT grows faster, per year after 2022
DEPARTMENTS = {
    "SV-SS": 0.42,
    "SV-LI": 0.20,
    "SV-SA": 0.07,
    "SV-SM": 0.06,
    "SV-SO": 0.05,
    "SV-PA": 0.03,
    "SV-AH": 0.025,
    "SV-US": 0.025,
    "SV-CU": 0.025,
    "SV-CH": 0.015,
    "SV-SV": 0.015,
    "SV-UN": 0.015,
    "SV-CA": 0.01,
    "SV-MO": 0.01,
}


def check() -> None:
    """Always possible: the signals carry the demo's own source names."""


def generate(ctx: DemoContext) -> dict[str, int]:
    rng = ctx.random(NAME).np
    groups = dict(
        ClassificationItem.objects.filter(
            classification=ISCO, level=SUB_MAJOR_LEVEL
        ).values_list("code", "pk")
    )
    departments = dict(Department.objects.values_list("code", "pk"))
    total_weight = sum(OCCUPATIONS.values())
    signals = []
    for year in YEARS:
        for quarter in range(4):
            day = date(year, 3 * quarter + 1, 1)
            if day > ctx.as_of:
                continue
            for code, weight in OCCUPATIONS.items():
                growth = GROWTH[year] + FAST_GROWTH.get(code[:2], 0) * (year - 2022)
                for dept, dept_share in DEPARTMENTS.items():
                    for source, source_share in SOURCES.items():
                        mean = (
                            QUARTER_VACANCIES
                            * weight
                            / total_weight
                            * growth
                            * dept_share
                            * source_share
                        )
                        vacancies = int(rng.poisson(mean))
                        if vacancies:
                            signals.append(
                                DemandSignal(
                                    source=source,
                                    date=day,
                                    isco_code=code,
                                    occupation_id=groups[code[:2]],
                                    department_id=departments[dept],
                                    vacancies=vacancies,
                                )
                            )
    # The demo's own sources only: a demo rebuilt on the same database (its
    # markers removed) replaces its signals instead of colliding with them.
    DemandSignal.objects.filter(source__in=SOURCES).delete()
    DemandSignal.objects.bulk_create(signals, batch_size=2000)
    return {
        "signals": len(signals),
        "vacancies": sum(s.vacancies for s in signals),
    }


def describe(counts: dict[str, int]) -> str:
    return _(
        "%(signals)s labour-demand signals (illustrative), %(vacancies)s vacancies "
        "in 2022–2025"
    ) % {"signals": counts.get("signals", 0), "vacancies": counts.get("vacancies", 0)}
