"""Compute the indicators of `definitions.py` straight from the database.

One query per indicator × disaggregation: the dimensions are SQL expressions and
the cells come from `GROUP BY`. Only cells present in the data are returned. With
no dimension, the national row is always returned (counts 0, ratios null on an
empty year).

Each row is a dict: ``indicator, year, <dimensions…>, value, numerator,
denominator, ci_low, ci_high``. Counts and the segregation index carry no
numerator/denominator; ratios carry both; a zero denominator gives a null value.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import (
    Coalesce,
    ExtractDay,
    ExtractMonth,
    ExtractYear,
)

from semillero.training.models import CourseRun, Enrolment, EnrolmentStatus

from . import definitions as d
from .definitions import Indicator

COMPLETED = (EnrolmentStatus.COMPLETED, EnrolmentStatus.CERTIFIED)
FINISHED = (*COMPLETED, EnrolmentStatus.DROPPED)

_AGE_BOUNDS = (  # (lower age, group), checked from the top
    (65, "65+"),
    (45, "45-64"),
    (30, "30-44"),
    (25, "25-29"),
    (18, "18-24"),
    (15, "15-17"),
)


def _year_range(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def _age_group(run: str, trainee: str):
    """Age group label from whole years at the run's start date (None: no birth date)."""
    start, birth = f"{run}start_date", f"{trainee}birth_date"
    before_birthday = Case(
        When(
            Q(**{f"{start}__month__lt": ExtractMonth(birth)})
            | Q(
                **{
                    f"{start}__month": ExtractMonth(birth),
                    f"{start}__day__lt": ExtractDay(birth),
                }
            ),
            then=Value(1),
        ),
        default=Value(0),
        output_field=IntegerField(),
    )
    age = ExtractYear(start) - ExtractYear(birth) - before_birthday
    whens = [When(**{f"{birth}__isnull": True}, then=Value(None))]
    whens += [When(Q(_age__gte=low), then=Value(label)) for low, label in _AGE_BOUNDS]
    return age, Case(*whens, default=Value("<15"))


def _vulnerable(trainee: str):
    flags = ("disability", "returned_migrant", "rural", "low_income")
    any_true = Q()
    for flag in flags:
        any_true |= Q(**{f"{trainee}{flag}": True})
    return Case(
        When(any_true, then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


def _annotate_dimensions(qs, dims: Sequence[str], *, on: str, basis: str):
    """Annotate `qs` with one `_d_<dim>` field per dimension.

    `on` is "enrolment" (qs of Enrolment) or "run" (qs of CourseRun). `basis`
    chooses the department: residence ("people") or the run's ("offer").
    """
    run = "course_run__" if on == "enrolment" else ""
    trainee = "trainee__"
    paths = {
        d.SEX: f"{trainee}sex",
        d.PROGRAMME: f"{run}programme__code",
        d.TRAINING_AREA: f"{run}programme__training_area__code",
        d.MODALITY: f"{run}programme__modality",
        d.PROVIDER: f"{run}provider__code",
        d.DEPARTMENT: (
            f"{trainee}department__code"
            if basis == "people"
            else f"{run}department__code"
        ),
    }
    annotations = {}
    for dim in dims:
        if dim == d.AGE_GROUP:
            age, group = _age_group(run, trainee)
            qs = qs.annotate(_age=age)
            annotations[f"_d_{dim}"] = group
        elif dim == d.VULNERABLE:
            annotations[f"_d_{dim}"] = _vulnerable(trainee)
        else:
            annotations[f"_d_{dim}"] = F(paths[dim])
    return qs.annotate(**annotations)


def _cells(qs, dims: Sequence[str], **aggregates) -> list[dict]:
    """Group `qs` (already annotated) by the dimensions; rows keyed by dim name."""
    if not dims:
        return [qs.aggregate(**aggregates)]
    keys = [f"_d_{dim}" for dim in dims]
    out = []
    for row in qs.order_by().values(*keys).annotate(**aggregates):
        cell = {dim: row.pop(f"_d_{dim}") for dim in dims}
        if d.SEX in cell and cell[d.SEX] == "":
            cell[d.SEX] = None
        cell.update(row)
        out.append(cell)
    return out


def _ratio(numerator, denominator) -> float | None:
    if not denominator:
        return None
    return float(numerator) / float(denominator)


def _row(ind: Indicator, year: int, dims, cell, value, num=None, den=None) -> dict:
    row = {"indicator": ind.code, "year": year}
    row.update({dim: cell.get(dim) for dim in dims})
    row.update(value=value, numerator=num, denominator=den, ci_low=None, ci_high=None)
    return row


def _enrolments_of(year: int):
    return Enrolment.objects.filter(course_run__start_date__range=_year_range(year))


def _ending_in(year: int):
    return Enrolment.objects.filter(course_run__end_date__range=_year_range(year))


# -- one function per indicator ---------------------------------------------------


def _enrolments(ind, year, dims):
    qs = _annotate_dimensions(
        _enrolments_of(year), dims, on="enrolment", basis="people"
    )
    return [_row(ind, year, dims, c, c["n"]) for c in _cells(qs, dims, n=Count("id"))]


def _trainees(ind, year, dims):
    qs = _annotate_dimensions(
        _enrolments_of(year), dims, on="enrolment", basis="people"
    )
    cells = _cells(qs, dims, n=Count("trainee", distinct=True))
    return [_row(ind, year, dims, c, c["n"]) for c in cells]


def _ratio_rows(ind, year, dims, qs, num_q: Q):
    qs = _annotate_dimensions(qs, dims, on="enrolment", basis="people")
    cells = _cells(qs, dims, num=Count("id", filter=num_q), den=Count("id"))
    return [
        _row(ind, year, dims, c, _ratio(c["num"], c["den"]), c["num"], c["den"])
        for c in cells
    ]


def _completion_rate(ind, year, dims):
    qs = _ending_in(year).filter(status__in=FINISHED)
    return _ratio_rows(ind, year, dims, qs, Q(status__in=COMPLETED))


def _certification_rate(ind, year, dims):
    qs = _ending_in(year).filter(status__in=COMPLETED)
    return _ratio_rows(ind, year, dims, qs, Q(status=EnrolmentStatus.CERTIFIED))


def _women_share(ind, year, dims):
    qs = _enrolments_of(year).filter(trainee__sex__in=("F", "M"))
    return _ratio_rows(ind, year, dims, qs, Q(trainee__sex="F"))


def _vulnerable_share(ind, year, dims):
    qs = _enrolments_of(year).annotate(_vul=_vulnerable("trainee__"))
    return _ratio_rows(ind, year, dims, qs, Q(_vul=True))


def _segregation_index(ind, year, dims):
    """Duncan D per cell from one grouped count by cell × area × sex."""
    qs = _enrolments_of(year).filter(trainee__sex__in=("F", "M"))
    qs = _annotate_dimensions(qs, dims, on="enrolment", basis="people")
    keys = [f"_d_{dim}" for dim in dims]
    grouped = (
        qs.order_by()
        .values(*keys, "course_run__programme__training_area", "trainee__sex")
        .annotate(n=Count("id"))
    )
    # cell -> area -> {"F": n, "M": n}
    by_cell: dict[tuple, dict] = defaultdict(lambda: defaultdict(dict))
    for g in grouped:
        cell = tuple(g[k] for k in keys)
        area = g["course_run__programme__training_area"]
        by_cell[cell][area][g["trainee__sex"]] = g["n"]
    if not dims and not by_cell:
        by_cell[()] = {}
    rows = []
    for cell, areas in by_cell.items():
        women = sum(a.get("F", 0) for a in areas.values())
        men = sum(a.get("M", 0) for a in areas.values())
        value = None
        if women and men:
            value = 0.5 * sum(
                abs(a.get("F", 0) / women - a.get("M", 0) / men) for a in areas.values()
            )
        rows.append(_row(ind, year, dims, dict(zip(dims, cell, strict=True)), value))
    return rows


def _cost_per_completer(ind, year, dims):
    completers = (
        Enrolment.objects.filter(course_run=OuterRef("pk"), status__in=COMPLETED)
        .order_by()
        .values("course_run")
        .annotate(c=Count("id"))
        .values("c")
    )
    runs = CourseRun.objects.filter(
        end_date__range=_year_range(year), cost_usd__isnull=False
    ).annotate(_completers=Coalesce(Subquery(completers), 0))
    runs = _annotate_dimensions(runs, dims, on="run", basis="offer")
    cells = _cells(runs, dims, cost=Sum("cost_usd"), den=Sum("_completers"))
    rows = []
    for c in cells:
        cost = float(c["cost"]) if c["cost"] is not None else 0.0
        den = c["den"] or 0
        rows.append(_row(ind, year, dims, c, _ratio(cost, den), cost, den))
    return rows


_COMPUTE = {
    "enrolments": _enrolments,
    "trainees": _trainees,
    "completion_rate": _completion_rate,
    "certification_rate": _certification_rate,
    "women_share": _women_share,
    "vulnerable_share": _vulnerable_share,
    "segregation_index": _segregation_index,
    "cost_per_completer": _cost_per_completer,
}


def _sort_key(dims: Sequence[str]):
    def key(row):
        out = []
        for dim in dims:
            v = row[dim]
            if dim == d.AGE_GROUP and v is not None:
                v = d.AGE_GROUPS.index(v)
            out.append((v is None, v if v is not None else 0))
        return out

    return key


def compute(code: str, year: int, dims: Sequence[str] = ()) -> list[dict]:
    """Rows of one indicator for `year` cut by `dims` (all must be allowed)."""
    ind = d.get(code)
    dims = tuple(dims)
    refused = [dim for dim in dims if not ind.allows(dim)]
    if refused:
        raise ValueError(f"{code} cannot be cut by {', '.join(refused)}")
    rows = _COMPUTE[code](ind, year, dims)
    return sorted(rows, key=_sort_key(dims))


def compute_many(
    codes: Iterable[str] | None, year: int, dims: Sequence[str] = ()
) -> tuple[list[dict], list[tuple[str, list[str]]]]:
    """Rows of several indicators in registry order, and the ones left out
    (code, the dimensions it cannot be cut by)."""
    wanted = set(codes) if codes else set(d.BY_CODE)
    rows, left_out = [], []
    for ind in d.INDICATORS:
        if ind.code not in wanted:
            continue
        refused = [dim for dim in dims if not ind.allows(dim)]
        if refused:
            left_out.append((ind.code, refused))
            continue
        rows.extend(compute(ind.code, year, dims))
    return rows, left_out
