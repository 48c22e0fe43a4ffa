"""Compute the indicators of `definitions.py` from the cube (`models.py`).

One grouped query per indicator (several years at once): the dimensions are cube
columns and the cells come from `GROUP BY`. Only cells present in the data are
returned; with no dimension, every asked year gets its national row (counts 0,
ratios null on an empty year).

Each row is a dict: ``indicator, year, <dimensions…>, value, numerator,
denominator, ci_low, ci_high``. Counts and the segregation index carry no
numerator/denominator; ratios carry both; a zero denominator gives a null value.

`filters` ({dimension: code}) restricts the data before grouping, the way the
dashboards' filters do; a filter on a dimension the indicator cannot be cut by is
refused like a `--by` would be.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from django.db.models import Count, Q, Sum

from semillero.registry.selectors import population_table
from semillero.training.models import EnrolmentStatus

from . import cube
from . import definitions as d
from .definitions import Indicator
from .models import EnrolmentCell, RunCell

COMPLETED = cube.COMPLETED
# Where a row's numerator and denominator are not the counts of people it rests
# on (an index), the row carries those counts here, for disclosure control.
COUNTS = "counts"
FINISHED = (*COMPLETED, EnrolmentStatus.DROPPED)

_COLUMNS = {
    d.SEX: "sex",
    d.AGE_GROUP: "age_group",
    d.PROGRAMME: "programme",
    d.TRAINING_AREA: "training_area",
    d.MODALITY: "modality",
    d.PROVIDER: "provider",
    d.VULNERABLE: "vulnerable",
}


def _column(dim: str, basis: str) -> str:
    if dim == d.DEPARTMENT:
        return "residence" if basis == "people" else "run_department"
    return _COLUMNS[dim]


class _Query:
    """One indicator's request: which years, cut how, restricted how."""

    def __init__(self, ind: Indicator, years, dims, filters):
        self.ind = ind
        self.years = tuple(years)
        self.dims = tuple(dims)
        self.filters = dict(filters or {})

    def column(self, dim: str) -> str:
        return _column(dim, self.ind.basis)

    def source(self, model, year_field: str):
        qs = model.objects.order_by().filter(**{f"{year_field}__in": self.years})
        for dim, value in self.filters.items():
            qs = qs.filter(**{self.column(dim): value})
        return qs

    def cells(self, qs, year_field: str, *extra: str, **aggregates) -> list[dict]:
        """Grouped rows keyed by `year`, each dimension name and `extra` columns."""
        columns = [self.column(dim) for dim in self.dims]
        out = []
        for row in qs.values(year_field, *columns, *extra).annotate(**aggregates):
            cell = {"year": row.pop(year_field)}
            for dim, col in zip(self.dims, columns, strict=True):
                cell[dim] = row[col]
            for col in extra:
                cell[col] = row[col]
            cell.update({k: row[k] for k in aggregates})
            out.append(cell)
        return out

    def row(self, cell: Mapping, value, num=None, den=None) -> dict:
        out = {"indicator": self.ind.code, "year": cell["year"]}
        out.update({dim: cell.get(dim) for dim in self.dims})
        out.update(
            value=value, numerator=num, denominator=den, ci_low=None, ci_high=None
        )
        return out

    def with_empty_years(self, rows: list[dict], empty_row) -> list[dict]:
        """The national series has a row for every year, even an empty one."""
        if self.dims:
            return rows
        present = {r["year"] for r in rows}
        return rows + [empty_row(y) for y in self.years if y not in present]


def _ratio(numerator, denominator) -> float | None:
    if not denominator:
        return None
    return float(numerator) / float(denominator)


def _starting(q: _Query):
    return q.source(EnrolmentCell, "start_year")


def _ending(q: _Query):
    return q.source(EnrolmentCell, "end_year")


# -- one function per indicator ---------------------------------------------------


def _count_rows(q: _Query, cells) -> list[dict]:
    rows = [q.row(c, c["n"]) for c in cells]
    return q.with_empty_years(rows, lambda y: q.row({"year": y}, 0))


def _enrolments(q):
    return _count_rows(q, q.cells(_starting(q), "start_year", n=Sum("enrolments")))


def _trainees(q):
    cells = q.cells(_starting(q), "start_year", n=Count("trainee_id", distinct=True))
    return _count_rows(q, cells)


def _ratio_rows(q: _Query, qs, year_field: str, num_q: Q) -> list[dict]:
    cells = q.cells(
        qs, year_field, num=Sum("enrolments", filter=num_q), den=Sum("enrolments")
    )
    rows = [
        q.row(c, _ratio(c["num"] or 0, c["den"]), c["num"] or 0, c["den"])
        for c in cells
    ]
    return q.with_empty_years(rows, lambda y: q.row({"year": y}, None, 0, 0))


def _completion_rate(q):
    qs = _ending(q).filter(status__in=FINISHED)
    return _ratio_rows(q, qs, "end_year", Q(status__in=COMPLETED))


def _certification_rate(q):
    qs = _ending(q).filter(status__in=COMPLETED)
    return _ratio_rows(q, qs, "end_year", Q(status=EnrolmentStatus.CERTIFIED))


def _women_share(q):
    qs = _starting(q).filter(sex__in=("F", "M"))
    return _ratio_rows(q, qs, "start_year", Q(sex="F"))


def _vulnerable_share(q):
    return _ratio_rows(q, _starting(q), "start_year", Q(vulnerable=True))


def _duncan(areas: Iterable[Mapping[str, int]]) -> float | None:
    areas = list(areas)
    women = sum(a.get("F", 0) for a in areas)
    men = sum(a.get("M", 0) for a in areas)
    if not (women and men):
        return None
    return 0.5 * sum(abs(a.get("F", 0) / women - a.get("M", 0) / men) for a in areas)


def _segregation_index(q):
    """Duncan D per cell from one grouped count by cell × area × sex."""
    qs = _starting(q).filter(sex__in=("F", "M"))
    grouped = q.cells(qs, "start_year", "training_area", "sex", n=Sum("enrolments"))
    by_cell: dict[tuple, dict] = defaultdict(lambda: defaultdict(dict))
    for g in grouped:
        key = (g["year"], *(g[dim] for dim in q.dims))
        by_cell[key][g["training_area"]][g["sex"]] = g["n"]
    rows = []
    for (year, *values), areas in by_cell.items():
        cell = {"year": year, **dict(zip(q.dims, values, strict=True))}
        row = q.row(cell, _duncan(areas.values()))
        row[COUNTS] = [
            sum(a.get("F", 0) for a in areas.values()),
            sum(a.get("M", 0) for a in areas.values()),
        ]
        rows.append(row)
    return q.with_empty_years(rows, lambda y: q.row({"year": y}, None))


def _cost_per_completer(q):
    qs = q.source(RunCell, "end_year")
    cells = q.cells(qs, "end_year", cost=Sum("cost_usd"), den=Sum("completers"))
    rows = []
    for c in cells:
        cost = float(c["cost"] or 0)
        den = c["den"] or 0
        rows.append(q.row(c, _ratio(cost, den), cost, den))
    return q.with_empty_years(rows, lambda y: q.row({"year": y}, None, 0.0, 0))


# -- population-based indicators ---------------------------------------------------


class _Population:
    """Population of an area (a department or the country) by year and sex."""

    def __init__(self):
        self._tables: dict[int, dict[tuple[str, str], int]] = {}

    def of(self, year: int, department: str | None, sex: str | None) -> int | None:
        if year not in self._tables:
            self._tables[year] = population_table(year=year)
        values = [
            n
            for (dept, s), n in self._tables[year].items()
            if (department is None or dept == department) and (sex is None or s == sex)
        ]
        return sum(values) if values else None


def _resident_trainees(q: _Query, *extra: str) -> list[dict]:
    qs = _starting(q).filter(residence__isnull=False)
    return q.cells(qs, "start_year", *extra, n=Count("trainee_id", distinct=True))


def _area_of(q: _Query, cell: Mapping) -> str | None:
    return cell.get(d.DEPARTMENT, q.filters.get(d.DEPARTMENT))


def _coverage_per_1000(q):
    population = _Population()
    rows = []
    for c in _resident_trainees(q):
        sex = c.get(d.SEX, q.filters.get(d.SEX))
        pop = population.of(c["year"], _area_of(q, c), sex)
        value = _ratio(c["n"], pop)
        rows.append(q.row(c, None if value is None else value * 1000, c["n"], pop))

    def empty(year):
        pop = population.of(year, q.filters.get(d.DEPARTMENT), q.filters.get(d.SEX))
        return q.row({"year": year}, 0.0 if pop else None, 0, pop)

    return q.with_empty_years(rows, empty)


def _parity(q: _Query, adjust: bool) -> list[dict]:
    population = _Population()
    by_cell: dict[tuple, dict[str, int]] = defaultdict(dict)
    for c in _resident_trainees(q, "sex"):
        key = (c["year"], *(c[dim] for dim in q.dims))
        by_cell[key][c["sex"]] = c["n"]
    rows = []
    for (year, *values), trainees in by_cell.items():
        cell = {"year": year, **dict(zip(q.dims, values, strict=True))}
        area = _area_of(q, cell)
        women = _ratio(trainees.get("F", 0), population.of(year, area, "F"))
        men = _ratio(trainees.get("M", 0), population.of(year, area, "M"))
        gpi = _ratio(women, men) if women is not None else None
        if adjust and gpi is not None and gpi > 1:
            gpi = 2 - 1 / gpi
        row = q.row(cell, gpi, women, men)
        row[COUNTS] = [trainees.get("F", 0), trainees.get("M", 0)]
        rows.append(row)
    return q.with_empty_years(rows, lambda y: q.row({"year": y}, None))


def _gender_parity_index(q):
    return _parity(q, adjust=False)


def _gender_parity_index_adjusted(q):
    return _parity(q, adjust=True)


_COMPUTE = {
    "enrolments": _enrolments,
    "trainees": _trainees,
    "completion_rate": _completion_rate,
    "certification_rate": _certification_rate,
    "women_share": _women_share,
    "vulnerable_share": _vulnerable_share,
    "coverage_per_1000": _coverage_per_1000,
    "gender_parity_index": _gender_parity_index,
    "gender_parity_index_adjusted": _gender_parity_index_adjusted,
    "segregation_index": _segregation_index,
    "cost_per_completer": _cost_per_completer,
}


def _sort_key(dims: Sequence[str]):
    def key(row):
        out = [row["year"]]
        for dim in dims:
            v = row[dim]
            if dim == d.AGE_GROUP and v is not None:
                v = d.AGE_GROUPS.index(v)
            out.append((v is None, v if v is not None else 0))
        return out

    return key


def disclosure_counts(row: dict) -> list:
    """The counts of people a figure rests on (see core.suppression)."""
    if COUNTS in row:
        return row[COUNTS]
    if d.get(row["indicator"]).unit == "count":
        return [row["value"]]
    return [row["numerator"], row["denominator"]]


def refused_dimensions(ind: Indicator, dims: Iterable[str]) -> list[str]:
    return [dim for dim in dims if not ind.allows(dim)]


def compute_series(
    code: str,
    years: Iterable[int],
    dims: Sequence[str] = (),
    filters: Mapping[str, object] | None = None,
    followup: int = 6,
) -> list[dict]:
    """Rows of one indicator for several years, cut by `dims` and restricted by
    `filters` (all must be allowed), ordered by year then cell. Insertion and
    access indicators are for the tracer cohorts (Y, `followup`)."""
    ind = d.get(code)
    refused = refused_dimensions(ind, [*dims, *(filters or {})])
    if refused:
        raise ValueError(f"{code} cannot be cut by {', '.join(refused)}")
    if ind.followup:
        from .insertion import compute_insertion

        rows = [
            row
            for year in years
            for row in compute_insertion(ind, year, followup, dims, filters or {})
        ]
    else:
        rows = _COMPUTE[code](_Query(ind, years, dims, filters))
    return sorted(rows, key=_sort_key(dims))


def compute(
    code: str, year: int, dims: Sequence[str] = (), filters=None, followup: int = 6
) -> list[dict]:
    """Rows of one indicator for `year` cut by `dims`."""
    return compute_series(code, [year], dims, filters, followup)


def compute_many(
    codes: Iterable[str] | None, year: int, dims: Sequence[str] = (), followup: int = 6
) -> tuple[list[dict], list[tuple[str, list[str]]]]:
    """Rows of several indicators in registry order, and the ones left out
    (code, the dimensions it cannot be cut by)."""
    wanted = set(codes) if codes else set(d.BY_CODE)
    rows, left_out = [], []
    for ind in d.INDICATORS:
        if ind.code not in wanted:
            continue
        refused = refused_dimensions(ind, dims)
        if refused:
            left_out.append((ind.code, refused))
            continue
        rows.extend(compute(ind.code, year, dims, followup=followup))
    return rows, left_out


def output_fields(row: dict, dims: Sequence[str]) -> list[str]:
    """The fields of a row in the output contract: `followup_months` for the
    insertion and access indicators only."""
    followup = ["followup_months"] if d.get(row["indicator"]).followup else []
    return ["indicator", "year", *followup, *dims, *VALUE_FIELDS]


VALUE_FIELDS = ("value", "numerator", "denominator", "ci_low", "ci_high")
