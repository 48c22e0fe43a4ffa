"""Training supply against labour demand, by ISCO-08 sub-major group.

- Demand: the vacancies of the demand signals (`DemandSignal`), by the signal's
  occupation (its sub-major group), department and the year of its date.
- Supply: completers (status completed or certified) of the course runs of the
  programmes whose target ISCO code (`Programme.isco_code`, 2 to 4 digits)
  falls in that sub-major group (its first two digits), by the course run's
  department and the year the run ended. Computed from the Enrolment table, not
  the indicator cube: the cube has no occupation dimension, and this query
  always reads the current data. Programmes without a target occupation, or with
  only a major group (1 digit), count in no sub-major group.

Vacancy signals count postings, not all of the jobs, and completers count people:
the two are compared by their *shares*. Within a scope (the country or one
department) the gap of an occupation is its share of the vacancies minus its
share of the completers, in percentage points: positive when employers ask for
more of it than the system trains (under-trained), negative when the system
trains more than is asked for (over-trained).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Sum
from django.db.models.functions import Substr

from semillero.indicators.cube import COMPLETED, YearOf
from semillero.registry.models import ClassificationItem, Department
from semillero.training.models import Enrolment

from .importers import ISCO, SUB_MAJOR_LEVEL
from .models import DemandSignal

RANKED = 10


def sub_major_groups() -> dict[str, ClassificationItem]:
    return {
        item.code: item
        for item in ClassificationItem.objects.filter(
            classification=ISCO, level=SUB_MAJOR_LEVEL
        )
    }


def demand_cells(*, department: str = "") -> dict[tuple[str, str, int], int]:
    """Vacancies by (sub-major group, department code, year)."""
    rows = DemandSignal.objects.all()
    if department:
        rows = rows.filter(department__code=department)
    cells = (
        rows.annotate(year=YearOf("date"))
        .values("occupation__code", "department__code", "year")
        .annotate(vacancies=Sum("vacancies"))
        .order_by()
    )
    return {
        (c["occupation__code"], c["department__code"], c["year"]): c["vacancies"]
        for c in cells
    }


def supply_cells(*, department: str = "") -> dict[tuple[str, str, int], int]:
    """Completers by (sub-major group, department code of the run, year the run
    ended), for programmes with a target occupation of 2 to 4 digits."""
    groups = set(sub_major_groups())
    # A 1-digit code (a major group) gives a 1-character prefix, which is no
    # sub-major group and is left out below.
    rows = Enrolment.objects.filter(status__in=COMPLETED).exclude(
        course_run__programme__isco_code=""
    )
    if department:
        rows = rows.filter(course_run__department__code=department)
    cells = (
        rows.annotate(
            occupation=Substr("course_run__programme__isco_code", 1, 2),
            department_code=F("course_run__department__code"),
            year=YearOf("course_run__end_date"),
        )
        .values("occupation", "department_code", "year")
        .annotate(completers=Count("id"))
        .order_by()
    )
    return {
        (c["occupation"], c["department_code"], c["year"]): c["completers"]
        for c in cells
        if c["occupation"] in groups
    }


@dataclass
class GapRow:
    occupation: str
    name: str
    vacancies: int
    completers: int
    demand_share: float | None
    supply_share: float | None
    department: str = ""
    department_name: str = ""

    @property
    def gap(self) -> float | None:
        """Share of vacancies minus share of completers (−1 … 1)."""
        if self.demand_share is None or self.supply_share is None:
            return None
        return self.demand_share - self.supply_share

    @property
    def gap_points(self) -> float | None:
        return None if self.gap is None else round(self.gap * 100, 1)

    @property
    def demand_percent(self) -> float | None:
        return None if self.demand_share is None else round(self.demand_share * 100, 1)

    @property
    def supply_percent(self) -> float | None:
        return None if self.supply_share is None else round(self.supply_share * 100, 1)

    @property
    def completers_per_100_vacancies(self) -> float | None:
        if not self.vacancies:
            return None
        return round(self.completers * 100 / self.vacancies, 1)


@dataclass
class SupplyDemand:
    years: list[int]
    year: int | None  # None: every year together
    department: str  # "" : the whole country
    rows: list[GapRow]  # every occupation with demand or supply, by gap
    under: list[GapRow]  # much demand, little training
    over: list[GapRow]  # much training, little demand
    pairs_under: list[GapRow] = field(default_factory=list)  # (occupation, dept.)
    pairs_over: list[GapRow] = field(default_factory=list)
    trend: list[dict] = field(default_factory=list)
    total_vacancies: int = 0
    total_completers: int = 0


def _rows(
    vacancies: dict, completers: dict, names: dict, departments: dict | None = None
) -> list[GapRow]:
    total_v = sum(vacancies.values())
    total_c = sum(completers.values())
    rows = []
    for key in sorted(set(vacancies) | set(completers)):
        code, dept = key if departments is not None else (key, "")
        v, c = vacancies.get(key, 0), completers.get(key, 0)
        item = names.get(code)
        rows.append(
            GapRow(
                occupation=code,
                name=item.name if item else code,
                vacancies=v,
                completers=c,
                demand_share=v / total_v if total_v else None,
                supply_share=c / total_c if total_c else None,
                department=dept,
                department_name=(departments or {}).get(dept, ""),
            )
        )
    rows.sort(key=lambda r: (-(r.gap or 0), r.occupation, r.department))
    return rows


def supply_demand(
    *, year: int | None = None, department: str = "", occupation: str = ""
) -> SupplyDemand:
    """Demand against supply in a year (None: all years) and a department ("":
    the country), with the gaps ranked; the trend by year is for `occupation`
    (a sub-major group) or for all occupations."""
    names = sub_major_groups()
    departments = dict(Department.objects.values_list("code", "name"))
    demand = demand_cells(department=department)
    supply = supply_cells(department=department)
    years = sorted({k[2] for k in demand} | {k[2] for k in supply})

    def in_year(cells):
        return {k: v for k, v in cells.items() if year is None or k[2] == year}

    by_occupation_v: dict = defaultdict(int)
    by_occupation_c: dict = defaultdict(int)
    by_pair_v: dict = defaultdict(int)
    by_pair_c: dict = defaultdict(int)
    for (code, dept, _y), n in in_year(demand).items():
        by_occupation_v[code] += n
        by_pair_v[(code, dept)] += n
    for (code, dept, _y), n in in_year(supply).items():
        by_occupation_c[code] += n
        by_pair_c[(code, dept)] += n
    rows = _rows(by_occupation_v, by_occupation_c, names)
    ranked = [r for r in rows if r.gap is not None]
    under = [r for r in ranked if r.gap > 0][:RANKED]
    over = sorted((r for r in ranked if r.gap < 0), key=lambda r: r.gap)[:RANKED]
    result = SupplyDemand(
        years=years,
        year=year,
        department=department,
        rows=rows,
        under=under,
        over=over,
        total_vacancies=sum(by_occupation_v.values()),
        total_completers=sum(by_occupation_c.values()),
    )
    if not department:
        pairs = [
            r
            for r in _rows(by_pair_v, by_pair_c, names, departments)
            if r.gap is not None
        ]
        result.pairs_under = [r for r in pairs if r.gap > 0][:RANKED]
        result.pairs_over = sorted(
            (r for r in pairs if r.gap < 0), key=lambda r: r.gap
        )[:RANKED]
    trend_v: dict = defaultdict(int)
    trend_c: dict = defaultdict(int)
    for (code, _d, y), n in demand.items():
        if not occupation or code == occupation:
            trend_v[y] += n
    for (code, _d, y), n in supply.items():
        if not occupation or code == occupation:
            trend_c[y] += n
    # A year without any signal (or any completer) has no figure, not zero: the
    # sources did not cover it.
    demand_years = {k[2] for k in demand}
    supply_years = {k[2] for k in supply}
    result.trend = [
        {
            "year": y,
            "vacancies": trend_v.get(y, 0) if y in demand_years else None,
            "completers": trend_c.get(y, 0) if y in supply_years else None,
        }
        for y in years
    ]
    return result


def latest_demand_year() -> int | None:
    date = DemandSignal.objects.order_by("-date").values_list("date", flat=True).first()
    return date.year if date else None


def occupation_demand(isco_code: str) -> dict | None:
    """The demand for a programme's target occupation (its sub-major group):
    vacancies by year, and by department in the latest year. None when the
    code names no sub-major group or no signal exists for it."""
    code = (isco_code or "")[:2]
    if len(code) < 2:
        return None
    item = sub_major_groups().get(code)
    if item is None:
        return None
    cells = (
        DemandSignal.objects.filter(occupation=item)
        .annotate(year=YearOf("date"))
        .values("year", "department__name")
        .annotate(vacancies=Sum("vacancies"))
        .order_by()
    )
    by_year: dict[int, int] = defaultdict(int)
    by_department: dict[int, dict[str, int]] = defaultdict(dict)
    for c in cells:
        by_year[c["year"]] += c["vacancies"]
        by_department[c["year"]][c["department__name"]] = c["vacancies"]
    if not by_year:
        return {"occupation": item, "years": [], "departments": []}
    latest = max(by_year)
    top = sorted(by_department[latest].items(), key=lambda kv: (-kv[1], kv[0]))[:3]
    return {
        "occupation": item,
        "years": [{"year": y, "vacancies": by_year[y]} for y in sorted(by_year)],
        "latest": latest,
        "departments": [{"name": n, "vacancies": v} for n, v in top],
    }
