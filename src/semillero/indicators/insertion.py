"""Labour-market insertion and access indicators (spec: "Labour-market insertion"
and "Access to the programmes that work").

A tracer cohort (Y, m) is small (the sampled graduates of the runs ending in Y,
in the wave of m months): its rows are read once with their dimensions and the
indicators are worked out here, with scipy's Wilson interval. Completers and
enrolments come from the cube; social-security months from the tracer app.
"""

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from django.conf import settings
from django.db.models import F, Q, Sum, Value
from django.db.models.functions import ExtractYear, NullIf
from scipy.stats import binomtest

from semillero.core.periods import month_after
from semillero.tracer.models import (
    WORKING,
    EmploymentStatus,
    SocialSecurityRecord,
    StudyStatus,
    TracerResponse,
    TracerStudy,
)
from semillero.training.models import Enrolment

from . import cube
from . import definitions as d
from .models import EnrolmentCell

Z = 1.959964
COMPLETED = cube.COMPLETED

# Dimension -> the path of its code from a tracer response or an enrolment.
_PATHS = {
    d.DEPARTMENT: "trainee__department__code",
    d.PROGRAMME: "course_run__programme__code",
    d.TRAINING_AREA: "course_run__programme__training_area__code",
    d.MODALITY: "course_run__programme__modality",
    d.PROVIDER: "course_run__provider__code",
}


def _dimension_expressions() -> dict:
    """The same dimensions as the cube's, for rows that have `trainee` and
    `course_run` (tracer responses, enrolments)."""
    exprs = {dim: F(path) for dim, path in _PATHS.items()}
    exprs[d.SEX] = NullIf("trainee__sex", Value(""))
    exprs[d.AGE_GROUP] = cube.age_group_at_start()
    exprs[d.VULNERABLE] = cube.vulnerable_flag()
    return {f"_d_{dim}": expr for dim, expr in exprs.items()}


def _with_dimensions(qs, filters: Mapping[str, object], *fields: str) -> list[dict]:
    """Rows of `qs` as dicts keyed by dimension names plus `fields`, restricted
    by `filters`."""
    exprs = _dimension_expressions()
    qs = qs.order_by().annotate(**exprs)
    for dim, value in filters.items():
        qs = qs.filter(**{f"_d_{dim}": value})
    rows = []
    for row in qs.values(*exprs, *fields):
        rows.append({k.removeprefix("_d_"): v for k, v in row.items()})
    return rows


def _group(rows: Iterable[dict], dims: Sequence[str]) -> dict[tuple, list[dict]]:
    cells: dict[tuple, list[dict]] = defaultdict(list)
    for row in rows:
        cells[tuple(row[dim] for dim in dims)].append(row)
    return cells


# -- statistics ------------------------------------------------------------------


def wilson(successes: int, n: int) -> tuple[float | None, float | None]:
    """95 % Wilson interval of a proportion (scipy), None for n = 0."""
    if not n:
        return None, None
    ci = binomtest(successes, n).proportion_ci(confidence_level=0.95, method="wilson")
    return float(ci.low), float(ci.high)


def wilson_from_proportion(p: float, n: float) -> tuple[float, float]:
    """The Wilson interval for a proportion `p` over an effective size `n` that
    need not be a whole number (a Kish size): the spec's formula, which is what
    scipy computes for whole numbers."""
    z2 = Z * Z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return centre - half, centre + half


def kaplan_meier_median(times: Iterable[tuple[float, bool]]) -> float | None:
    """The smallest t with S(t) ≤ 0.5, from (time, event) pairs; None when S
    never reaches 0.5. At a time, events come before censoring (the usual rule)."""
    times = sorted(times)
    at_risk = len(times)
    survival = 1.0
    i = 0
    while i < len(times):
        t = times[i][0]
        events = censored = 0
        while i < len(times) and times[i][0] == t:
            if times[i][1]:
                events += 1
            else:
                censored += 1
            i += 1
        if events:
            survival *= 1 - events / at_risk
            if survival <= 0.5:
                return t
        at_risk -= events + censored
    return None


def class_adjusted(cells: Iterable[tuple[int, int, int]]) -> dict:
    """The class-adjusted proportion from cells (Nc completers, rc respondents,
    kc successes): each respondent of a cell stands for Nc/rc completers; the
    value is Σ Nc·kc/rc / Σ Nc over the cells with respondents, its interval
    Wilson's on the Kish effective size (Σw)²/Σw². Also the weight coverage
    (completers in cells with respondents / all completers)."""
    completers = covered = 0
    weighted: float = 0
    weights: list[float] = []
    for n_c, r_c, k_c in cells:
        completers += n_c
        if not r_c:
            continue
        covered += n_c
        weighted += n_c * k_c / r_c
        weights += [n_c / r_c] * r_c
    value = _ratio(weighted, covered)
    squares = sum(w * w for w in weights)
    n_eff = sum(weights) ** 2 / squares if squares else None
    low = high = None
    if value is not None and n_eff:
        low, high = wilson_from_proportion(value, n_eff)
    return {
        "value": value,
        "weighted": weighted,
        "covered": covered,
        "completers": completers,
        "coverage": _ratio(covered, completers),
        "respondents": len(weights),
        "n_eff": n_eff,
        "ci_low": low,
        "ci_high": high,
    }


# -- the tracer cohort --------------------------------------------------------------


def _cohort(year: int, followup: int, filters) -> list[dict]:
    qs = TracerResponse.objects.filter(
        followup_months=followup, course_run__end_date__year=year
    )
    return _with_dimensions(
        qs,
        filters,
        "responded",
        "employment_status",
        "formal",
        "job_related",
        "months_to_first_job",
        "followup_months",
        "survey_date",
    )


def cohort_rows(year: int, followup: int) -> list[dict]:
    """Every row of the tracer cohort (Y, m), respondents or not, as dicts with
    the dimensions (`sex`, `age_group`, `programme`, `department`, …) and the
    answers (`responded`, `employment_status`, `formal`, `survey_date`, …)."""
    return _cohort(year, followup, {})


def cohorts() -> list[tuple[int, int]]:
    """(year the runs ended, follow-up months) of every tracer cohort."""
    return sorted(
        TracerResponse.objects.order_by()
        .annotate(_year=ExtractYear("course_run__end_date"))
        .values_list("_year", "followup_months")
        .distinct()
    )


def settled_cohorts() -> list[tuple[int, int]]:
    """The cohorts whose tracer study is not in fieldwork: those the headline
    figures (national dashboard, public catalogue) may show. A cohort that came
    only as a file has no study and is settled."""
    in_fieldwork = set(
        TracerStudy.objects.filter(status=StudyStatus.FIELDWORK).values_list(
            "cohort_year", "followup_months"
        )
    )
    return [c for c in cohorts() if c not in in_fieldwork]


def latest_cohort(
    found: Sequence[tuple[int, int]], followup: int = 6
) -> tuple[int, int] | None:
    """The latest cohort of `found` with this follow-up, else the latest one."""
    if not found:
        return None
    wanted = [c for c in found if c[1] == followup]
    return max(wanted or found)


def is_respondent(row) -> bool:
    return bool(row["responded"]) and bool(row["employment_status"])


def is_working(row) -> bool:
    return row["employment_status"] in WORKING


def _ratio(num, den):
    return None if not den else num / den


class InsertionQuery:
    """One insertion indicator's request (like compute._Query)."""

    def __init__(self, ind, year: int, followup: int, dims, filters):
        self.ind = ind
        self.year = year
        self.followup = followup
        self.dims = tuple(dims)
        self.filters = dict(filters or {})

    def row(self, key: tuple, value, num=None, den=None, low=None, high=None):
        out = {
            "indicator": self.ind.code,
            "year": self.year,
            "followup_months": self.followup,
        }
        out.update(zip(self.dims, key, strict=True))
        out.update(
            value=value, numerator=num, denominator=den, ci_low=low, ci_high=high
        )
        return out

    def cells(self, rows: list[dict]) -> dict[tuple, list[dict]]:
        cells = _group(rows, self.dims)
        if not self.dims and () not in cells:
            cells[()] = []
        return cells


def _response_rate(q: InsertionQuery):
    cells = q.cells(_cohort(q.year, q.followup, q.filters))
    out = []
    for key, rows in cells.items():
        num = sum(1 for r in rows if r["responded"])
        out.append(q.row(key, _ratio(num, len(rows)), num, len(rows)))
    return out


def _proportion_rows(q: InsertionQuery, eligible, success, interval=False):
    cells = q.cells(_cohort(q.year, q.followup, q.filters))
    out = []
    for key, rows in cells.items():
        den_rows = [r for r in rows if eligible(r)]
        num = sum(1 for r in den_rows if success(r))
        low, high = wilson(num, len(den_rows)) if interval else (None, None)
        out.append(
            q.row(key, _ratio(num, len(den_rows)), num, len(den_rows), low, high)
        )
    return out


def _employment_rate(q):
    return _proportion_rows(q, is_respondent, is_working, interval=True)


def _unemployment_rate(q):
    def active(r):
        return is_respondent(r) and (
            is_working(r) or r["employment_status"] == EmploymentStatus.UNEMPLOYED
        )

    return _proportion_rows(
        q, active, lambda r: r["employment_status"] == EmploymentStatus.UNEMPLOYED
    )


def _formal_share(q):
    return _proportion_rows(
        q,
        lambda r: is_respondent(r) and is_working(r) and r["formal"] is not None,
        lambda r: r["formal"] is True,
    )


def _job_relevance_share(q):
    return _proportion_rows(
        q,
        lambda r: is_respondent(r) and is_working(r) and r["job_related"] is not None,
        lambda r: r["job_related"] >= 4,
    )


def _completers_by(q: InsertionQuery, *extra: str) -> dict[tuple, int]:
    """Completers of Y (the cube: completed or certified, run ending in Y) per
    cell × `extra` columns."""
    columns = {d.DEPARTMENT: "residence"}
    qs = EnrolmentCell.objects.order_by().filter(end_year=q.year, status__in=COMPLETED)
    for dim, value in q.filters.items():
        qs = qs.filter(**{columns.get(dim, dim): value})
    names = [columns.get(dim, dim) for dim in (*q.dims, *extra)]
    return {
        tuple(row[n] for n in names): row["n"]
        for row in qs.values(*names).annotate(n=Sum("enrolments"))
    }


def _employment_rate_weighted(q, *, coverage=False):
    """Class-adjusted employment rate (cells programme × sex), Wilson interval on
    the Kish effective size; or, with `coverage`, the weight coverage."""
    completers = _completers_by(q, d.PROGRAMME, d.SEX)
    respondents: dict[tuple, list[dict]] = defaultdict(list)
    for row in _cohort(q.year, q.followup, q.filters):
        if is_respondent(row):
            key = tuple(row[dim] for dim in (*q.dims, d.PROGRAMME, d.SEX))
            respondents[key].append(row)
    by_cell: dict[tuple, list[tuple]] = defaultdict(list)
    for key in set(completers) | set(respondents):
        by_cell[key[: len(q.dims)]].append(key)
    if not q.dims and () not in by_cell:
        by_cell[()] = []
    out = []
    for cell, keys in by_cell.items():
        est = class_adjusted(
            (
                completers.get(k, 0),
                len(respondents.get(k, ())),
                sum(1 for r in respondents.get(k, ()) if is_working(r)),
            )
            for k in keys
        )
        if coverage:
            out.append(q.row(cell, est["coverage"], est["covered"], est["completers"]))
            continue
        out.append(
            q.row(
                cell,
                est["value"],
                est["weighted"],
                est["covered"],
                est["ci_low"],
                est["ci_high"],
            )
        )
    return out


def _weight_coverage(q):
    return _employment_rate_weighted(q, coverage=True)


def _formal_employment_admin(q):
    """Completers of Y with a completion date who have a social-security month
    at completion month + m, over those completers."""
    qs = Enrolment.objects.filter(
        course_run__end_date__year=q.year,
        status__in=COMPLETED,
        completion_date__isnull=False,
    )
    rows = _with_dimensions(qs, q.filters, "trainee__person_key", "completion_date")
    for row in rows:
        row["target"] = month_after(row["completion_date"], q.followup)
    found = set()
    keys = sorted({r["trainee__person_key"] for r in rows})
    targets = {r["target"] for r in rows}
    for i in range(0, len(keys), 5000):
        found.update(
            SocialSecurityRecord.objects.filter(
                person_key__in=keys[i : i + 5000], period__in=targets
            ).values_list("person_key", "period")
        )
    out = []
    for key, cell_rows in q.cells(rows).items():
        num = sum(
            1 for r in cell_rows if (r["trainee__person_key"], r["target"]) in found
        )
        out.append(q.row(key, _ratio(num, len(cell_rows)), num, len(cell_rows)))
    return out


def _median_months_to_first_job(q):
    out = []
    cells = q.cells(_cohort(q.year, q.followup, q.filters))
    for key, rows in cells.items():
        times = []
        for r in rows:
            if not is_respondent(r):
                continue
            if r["months_to_first_job"] is not None:
                times.append((r["months_to_first_job"], True))
            elif not is_working(r):
                times.append((r["followup_months"], False))
        median = kaplan_meier_median(times)
        out.append(
            q.row(key, None if median is None else float(median), None, len(times))
        )
    return out


# -- access to the programmes that work ---------------------------------------------


def high_insertion_programmes(year: int, followup: int) -> set[str]:
    """Programmes with at least INSERTION_MIN_RESPONDENTS respondents in the
    cohort (Y, m) whose employment rate's lower bound reaches the cohort's rate."""
    rows = [r for r in _cohort(year, followup, {}) if is_respondent(r)]
    if not rows:
        return set()
    overall = sum(1 for r in rows if is_working(r)) / len(rows)
    by_programme = _group(rows, [d.PROGRAMME])
    out = set()
    for (programme,), prog_rows in by_programme.items():
        n = len(prog_rows)
        if n < settings.INSERTION_MIN_RESPONDENTS:
            continue
        low, _high = wilson(sum(1 for r in prog_rows if is_working(r)), n)
        if low >= overall:
            out.add(programme)
    return out


def _high_insertion_count(q):
    programmes = high_insertion_programmes(q.year, q.followup)
    if not q.dims and not q.filters:
        return [q.row((), len(programmes))]
    # Count them per cell of their own attributes (area, modality).
    qs = EnrolmentCell.objects.order_by().filter(programme__in=programmes)
    for dim, value in q.filters.items():
        qs = qs.filter(**{dim: value})
    names = list(q.dims)
    counts = defaultdict(set)
    for row in qs.values(*names, "programme").distinct():
        counts[tuple(row[n] for n in names)].add(row["programme"])
    out = [q.row(key, len(progs)) for key, progs in counts.items()]
    if not q.dims and not out:
        out = [q.row((), 0)]
    return out


def _share_in_high_insertion(q, *, women: bool, gap: bool):
    from .compute import compute_series

    programmes = high_insertion_programmes(q.year, q.followup)
    columns = {d.DEPARTMENT: "residence"}
    qs = EnrolmentCell.objects.order_by().filter(
        start_year=q.year, programme__in=programmes
    )
    for dim, value in q.filters.items():
        qs = qs.filter(**{columns.get(dim, dim): value})
    if women:
        qs, success = qs.filter(sex__in=("F", "M")), Q(sex="F")
    else:
        success = Q(vulnerable=True)
    names = [columns.get(dim, dim) for dim in q.dims]
    sums = {"num": Sum("enrolments", filter=success), "den": Sum("enrolments")}
    if names:
        grouped = qs.values(*names).annotate(**sums)
    else:  # values() without names would group by every column
        grouped = [qs.aggregate(**sums)]
    cells = {
        tuple(row[n] for n in names): (row["num"] or 0, row["den"] or 0)
        for row in grouped
    }
    overall = {}
    if gap:
        base = "women_share" if women else "vulnerable_share"
        for row in compute_series(base, [q.year], q.dims, q.filters):
            overall[tuple(row[dim] for dim in q.dims)] = row["value"]
    out = []
    for key, (num, den) in cells.items():
        value = _ratio(num, den)
        if gap:
            other = overall.get(key)
            value = None if value is None or other is None else value - other
        out.append(q.row(key, value, num, den))
    return out


COMPUTE = {
    "tracer_response_rate": _response_rate,
    "employment_rate": _employment_rate,
    "unemployment_rate": _unemployment_rate,
    "formal_share": _formal_share,
    "job_relevance_share": _job_relevance_share,
    "employment_rate_weighted": _employment_rate_weighted,
    "weight_coverage": _weight_coverage,
    "formal_employment_admin": _formal_employment_admin,
    "median_months_to_first_job": _median_months_to_first_job,
    "high_insertion_programmes": _high_insertion_count,
    "women_share_high_insertion": lambda q: _share_in_high_insertion(
        q, women=True, gap=False
    ),
    "women_access_gap": lambda q: _share_in_high_insertion(q, women=True, gap=True),
    "vulnerable_share_high_insertion": lambda q: _share_in_high_insertion(
        q, women=False, gap=False
    ),
    "vulnerable_access_gap": lambda q: _share_in_high_insertion(
        q, women=False, gap=True
    ),
}


def compute_insertion(ind, year: int, followup: int, dims, filters) -> list[dict]:
    return COMPUTE[ind.code](InsertionQuery(ind, year, followup, dims, filters))
