"""The numbers of the insertion page: the programmes' employment rates with their
intervals (the ranking) and the shares of women and vulnerable trainees in the
high-insertion programmes against their shares overall, by department (access).
All from `compute` (the registry); cached per cube build and cohort."""

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from . import charts
from . import definitions as d
from .compute import compute
from .dashboard import CACHE_SECONDS, dimension_labels, indicator_label
from .insertion import high_insertion_programmes

HEADLINE = (
    "tracer_response_rate",
    "employment_rate",
    "employment_rate_weighted",
    "weight_coverage",
    "formal_employment_admin",
    "median_months_to_first_job",
    "high_insertion_programmes",
)
# The access indicators the strategic plan sets national targets for (aim 3).
PLAN_TARGETED = ("women_share_high_insertion", "vulnerable_share_high_insertion")
ACCESS = (
    "women_share_high_insertion",
    "women_share",
    "women_access_gap",
    "vulnerable_share_high_insertion",
    "vulnerable_share",
    "vulnerable_access_gap",
)


def insertion_page(year: int, followup: int, build) -> dict:
    key = f"indicators:insertion:{build.pk}:{year}:{followup}:{get_language()}"
    return cache.get_or_set(key, lambda: _calculate(year, followup), CACHE_SECONDS)


def _calculate(year: int, followup: int) -> dict:
    headline = []
    for code in HEADLINE:
        (row,) = compute(code, year, followup=followup)
        headline.append(
            {**row, "label": indicator_label(code), "unit": d.get(code).unit}
        )
    overall = next(r for r in headline if r["indicator"] == "employment_rate")
    ranking = _ranking(year, followup)
    return {
        "headline": headline,
        "ranking": ranking,
        "ranking_spec": charts.interval_chart(
            ranking,
            category="name",
            value="value",
            low="ci_low",
            high="ci_high",
            category_title=_("Programme"),
            value_title=indicator_label("employment_rate"),
            highlight="high_insertion",
            reference=overall["value"],
            description=_(
                "Employment rate of each programme with its 95 per cent interval; "
                "the dashed line is the whole cohort's rate."
            ),
        ),
        "access": _access(year, followup),
        "access_national": {
            code: compute(code, year, followup=followup)[0]["value"]
            for code in PLAN_TARGETED
        },
        "min_respondents": settings.INSERTION_MIN_RESPONDENTS,
    }


def _ranking(year: int, followup: int) -> list[dict]:
    rows = compute("employment_rate", year, [d.PROGRAMME], followup=followup)
    names = dimension_labels(d.PROGRAMME, [r[d.PROGRAMME] for r in rows])
    best = high_insertion_programmes(year, followup)
    out = [
        {
            "programme": r[d.PROGRAMME],
            "name": names.get(r[d.PROGRAMME], r[d.PROGRAMME]),
            "value": r["value"],
            "respondents": r["denominator"],
            "working": r["numerator"],
            "ci_low": r["ci_low"],
            "ci_high": r["ci_high"],
            "small": (r["denominator"] or 0) < settings.INSERTION_MIN_RESPONDENTS,
            "high_insertion": r[d.PROGRAMME] in best,
        }
        for r in rows
    ]
    out.sort(key=lambda r: (r["value"] is None, -(r["value"] or 0), r["name"]))
    return out


def _access(year: int, followup: int) -> list[dict]:
    by_department: dict = {}
    for code in ACCESS:
        for row in compute(code, year, [d.DEPARTMENT], followup=followup):
            by_department.setdefault(row[d.DEPARTMENT], {})[code] = row["value"]
    names = dimension_labels(d.DEPARTMENT, by_department)
    rows = [
        {
            "department": dept,
            "name": names.get(dept, dept) if dept else _("Unknown"),
            **{code: values.get(code) for code in ACCESS},
        }
        for dept, values in by_department.items()
    ]
    return sorted(rows, key=lambda r: r["name"])


def download_columns(table: str) -> tuple[str, list]:
    def get(key):
        return lambda row: row.get(key)

    if table == "ranking":
        return _("Employment rate by programme"), [
            (_("Programme code"), get("programme")),
            (_("Programme"), get("name")),
            (indicator_label("employment_rate"), get("value")),
            (_("Lower bound (95 per cent)"), get("ci_low")),
            (_("Upper bound (95 per cent)"), get("ci_high")),
            (_("Respondents"), get("respondents")),
            (_("Working"), get("working")),
            (_("High insertion"), get("high_insertion")),
        ]
    return _("Access to high-insertion programmes"), [
        (_("Department code"), get("department")),
        (_("Department"), get("name")),
        *[(indicator_label(code), get(code)) for code in ACCESS],
    ]
