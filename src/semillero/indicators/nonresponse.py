"""The non-response check of a tracer cohort (Y, m): do the people who answered
look like those who did not? (brief §2: a higher response rate alone does not
prove less bias [T9]; compare early and late respondents [T10].)

Two checks, on the cohort's rows read once (`insertion.cohort_rows`) and the
completers of Y from the cube:

- **Early against late respondents.** Respondents with a survey date are split
  at the median date (the lower median: early = on or before it, so the first
  half by date; the rest late). Late respondents are the nearest thing to those
  who never answered: when their employment rate differs from the early ones'
  (the 95 % Wilson intervals do not overlap), non-respondents may differ too.
  Respondents without a survey date are left out of this split and counted.
- **Respondents against the whole cohort**, on sex, age group, programme (the 15
  with most completers, the rest together) and department of residence: the
  shares among respondents beside those among all sampled rows and among all
  completers of Y; differences of 5 percentage points or more are flagged, and a
  chi-square goodness-of-fit test (scipy) says whether the respondents'
  distribution departs from each reference more than chance would explain.
"""

import statistics
from collections import Counter
from collections.abc import Sequence

from django.core.cache import cache
from django.db.models import Sum
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from scipy.stats import chisquare

from . import definitions as d
from .dashboard import CACHE_SECONDS, dimension_labels, dimension_title
from .insertion import COMPLETED, cohort_rows, is_respondent, is_working, wilson
from .models import EnrolmentCell

# The variables compared, and the cube column each is read from.
VARIABLES = (
    (d.SEX, "sex"),
    (d.AGE_GROUP, "age_group"),
    (d.PROGRAMME, "programme"),
    (d.DEPARTMENT, "residence"),
)
PROGRAMMES_SHOWN = 15
OTHER = "__other__"
# A difference of shares this large (5 percentage points) is flagged.
FLAG_POINTS = 5
# Below this p-value the respondents' distribution is said to differ.
SIGNIFICANCE = 0.05
REFERENCES = ("sample", "completers")


def nonresponse_check(year: int, followup: int, build) -> dict:
    """The page's numbers, cached per cube build, cohort and language."""
    key = f"indicators:nonresponse:{build.pk}:{year}:{followup}:{get_language()}"
    return cache.get_or_set(key, lambda: calculate(year, followup), CACHE_SECONDS)


def calculate(year: int, followup: int) -> dict:
    rows = cohort_rows(year, followup)
    respondents = [r for r in rows if is_respondent(r)]
    return {
        "year": year,
        "followup": followup,
        "sampled": len(rows),
        "answered": sum(1 for r in rows if r["responded"]),
        "respondents": len(respondents),
        "timing": early_and_late(respondents),
        "variables": [
            _compare(dim, column, year, rows, respondents) for dim, column in VARIABLES
        ],
    }


# -- early against late respondents --------------------------------------------------


def _figures(group: str, rows: list[dict]) -> dict:
    working = sum(1 for r in rows if is_working(r))
    low, high = wilson(working, len(rows))
    formal_known = [r for r in rows if is_working(r) and r["formal"] is not None]
    formal = sum(1 for r in formal_known if r["formal"])
    dates = [r["survey_date"] for r in rows]
    return {
        "group": group,
        "first_date": min(dates, default=None),
        "last_date": max(dates, default=None),
        "respondents": len(rows),
        "working": working,
        "employment_rate": working / len(rows) if rows else None,
        "ci_low": low,
        "ci_high": high,
        "formal_known": len(formal_known),
        "formal": formal,
        "formal_share": formal / len(formal_known) if formal_known else None,
    }


def early_and_late(respondents: Sequence[dict]) -> dict:
    """Respondents split at the median survey date, with each half's employment
    rate (Wilson 95 %), formal share and size; `verdict` is "same" when the two
    intervals overlap, "differ" when they do not, "no_dates" when nobody has a
    survey date and "one_group" when every date falls on one side."""
    dated = sorted(
        (r for r in respondents if r["survey_date"] is not None),
        key=lambda r: r["survey_date"],
    )
    out = {
        "dated": len(dated),
        "undated": len(respondents) - len(dated),
        "median_date": None,
        "groups": [],
        "verdict": "no_dates",
    }
    if not dated:
        return out
    median = statistics.median_low([r["survey_date"] for r in dated])
    early = _figures("early", [r for r in dated if r["survey_date"] <= median])
    late = _figures("late", [r for r in dated if r["survey_date"] > median])
    out.update(median_date=median, groups=[early, late])
    if not late["respondents"]:
        out["verdict"] = "one_group"
    elif early["ci_low"] <= late["ci_high"] and late["ci_low"] <= early["ci_high"]:
        out["verdict"] = "same"
    else:
        out["verdict"] = "differ"
    return out


# -- respondents against the whole cohort --------------------------------------------


def _completers(year: int, column: str) -> Counter:
    """Completers of Y (completed or certified, run ending in Y) per value of a
    cube column: the population the sample was drawn from."""
    qs = (
        EnrolmentCell.objects.order_by()
        .filter(end_year=year, status__in=COMPLETED)
        .values(column)
        .annotate(n=Sum("enrolments"))
    )
    return Counter({row[column]: row["n"] for row in qs})


def _share(n: int, total: int) -> float | None:
    return n / total if total else None


def _difference(share, other) -> float | None:
    return None if share is None or other is None else share - other


def _flagged(difference) -> bool:
    # Rounded, so that exactly five points (0.45 − 0.5 in floating point) counts.
    return difference is not None and round(abs(difference) * 100, 9) >= FLAG_POINTS


def goodness_of_fit(observed: Sequence[int], reference: Sequence[int]) -> dict | None:
    """Chi-square goodness of fit of the observed counts to the reference's
    distribution (scipy). Categories the reference has nobody in cannot be
    expected and are left out (`left_out` counts the observed people in them);
    None when fewer than two categories or nobody remain."""
    pairs = [(o, r) for o, r in zip(observed, reference, strict=True) if r > 0]
    left_out = sum(o for o, r in zip(observed, reference, strict=True) if r <= 0)
    n = sum(o for o, _r in pairs)
    total = sum(r for _o, r in pairs)
    if len(pairs) < 2 or not n:
        return None
    expected = [r / total * n for _o, r in pairs]
    result = chisquare([o for o, _r in pairs], expected)
    p_value = float(result.pvalue)
    return {
        "statistic": float(result.statistic),
        "df": len(pairs) - 1,
        "p_value": p_value,
        "differs": p_value < SIGNIFICANCE,
        # The test is approximate when an expected count is below 5.
        "approximate": min(expected) < 5,
        "left_out": left_out,
    }


def _order(dim: str, codes, completers: Counter, sample: Counter) -> list:
    known = [c for c in codes if c is not None]
    if dim == d.AGE_GROUP:
        rank = {g: i for i, g in enumerate(d.AGE_GROUPS)}
        known.sort(key=lambda c: rank.get(c, len(rank)))
    elif dim == d.SEX:
        known.sort()
    else:
        known.sort(key=lambda c: (-completers.get(c, 0), -sample.get(c, 0), c))
    return known + ([None] if None in codes else [])


def _compare(dim: str, column: str, year: int, rows, respondents) -> dict:
    counts = {
        "respondents": Counter(r[dim] for r in respondents),
        "sample": Counter(r[dim] for r in rows),
        "completers": _completers(year, column),
    }
    codes = set().union(*counts.values())
    order = _order(dim, codes, counts["completers"], counts["sample"])
    if dim == d.PROGRAMME and len(order) > PROGRAMMES_SHOWN + 1:
        # The largest programmes by completers, the rest as one category.
        rest = order[PROGRAMMES_SHOWN:]
        for counter in counts.values():
            counter[OTHER] = sum(counter.pop(c, 0) for c in rest)
        order = [*order[:PROGRAMMES_SHOWN], OTHER]
    labels = dimension_labels(dim, order)
    labels[OTHER] = _("Other programmes")
    totals = {name: sum(counter.values()) for name, counter in counts.items()}
    out_rows = []
    for code in order:
        row = {
            "code": code,
            "label": labels.get(code, code) if code is not None else _("Unknown"),
        }
        for name, counter in counts.items():
            row[name] = counter.get(code, 0)
            row[f"{name}_share"] = _share(row[name], totals[name])
        for name in REFERENCES:
            diff = _difference(row["respondents_share"], row[f"{name}_share"])
            row[f"{name}_difference"] = diff
            row[f"{name}_flag"] = _flagged(diff)
        out_rows.append(row)
    observed = [r["respondents"] for r in out_rows]
    tests = {
        name: goodness_of_fit(observed, [r[name] for r in out_rows])
        for name in REFERENCES
    }
    return {
        "dimension": dim,
        "title": dimension_title(dim),
        "rows": out_rows,
        "totals": totals,
        "tests": tests,
        "flagged": any(r[f"{n}_flag"] for r in out_rows for n in REFERENCES),
    }


# -- downloads -----------------------------------------------------------------------


def download_table(data: dict, table: str) -> tuple[str, list, list] | None:
    """(title, [(header, value function)], rows) of one of the page's tables,
    None for a table the page has not."""

    def get(key):
        return lambda row: row.get(key)

    if table == "timing":
        names = {"early": _("Early respondents"), "late": _("Late respondents")}
        return (
            _("Early and late respondents"),
            [
                (_("Group"), lambda row: names[row["group"]]),
                (_("First survey date"), get("first_date")),
                (_("Last survey date"), get("last_date")),
                (_("Respondents"), get("respondents")),
                (_("Working"), get("working")),
                (_("Employment rate"), get("employment_rate")),
                (_("Lower bound (95 per cent)"), get("ci_low")),
                (_("Upper bound (95 per cent)"), get("ci_high")),
                (_("Working, formality known"), get("formal_known")),
                (_("Formal"), get("formal")),
                (_("Formal share"), get("formal_share")),
            ],
            data["timing"]["groups"],
        )
    if table == "distributions":
        rows = [
            {**row, "variable": variable["title"], "dimension": variable["dimension"]}
            for variable in data["variables"]
            for row in variable["rows"]
        ]
        return (
            _("Respondents against the whole cohort"),
            [
                (_("Variable"), get("variable")),
                (_("Code"), lambda row: "" if row["code"] == OTHER else row["code"]),
                (_("Category"), get("label")),
                (_("Respondents"), get("respondents")),
                (_("Share among respondents"), get("respondents_share")),
                (_("Sampled"), get("sample")),
                (_("Share among the sampled"), get("sample_share")),
                (_("Difference from the sampled (points)"), _points("sample")),
                (_("Completers"), get("completers")),
                (_("Share among completers"), get("completers_share")),
                (_("Difference from completers (points)"), _points("completers")),
                (_("Difference of 5 points or more"), _any_flag),
            ],
            rows,
        )
    return None


def _points(reference: str):
    def value(row):
        diff = row[f"{reference}_difference"]
        return None if diff is None else round(diff * 100, 6)

    return value


def _any_flag(row) -> bool:
    return any(row[f"{name}_flag"] for name in REFERENCES)
