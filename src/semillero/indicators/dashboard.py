"""The dashboards' numbers: one query class, `Dashboard.calculate()`, cached per
cube build, filters and language (PostHog's QueryRunner: caching and provenance
in one place).

Everything comes from `compute_series` (the registry's one computation); this
module only chooses what the page shows and names the codes for people.
"""

import datetime
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from semillero.registry.models import Department, Organization, TrainingArea
from semillero.training.models import Modality, Programme

from . import charts
from . import definitions as d
from .compute import compute, compute_series, refused_dimensions
from .insertion import latest_cohort, settled_cohorts
from .models import CubeBuild, EnrolmentCell

FIRST_YEAR = 2019

# The headline figures, in the order the page shows them.
HEADLINE = (
    "enrolments",
    "trainees",
    "completion_rate",
    "certification_rate",
    "women_share",
    "vulnerable_share",
    "coverage_per_1000",
    "gender_parity_index",
    "segregation_index",
    "cost_per_completer",
)
# Trend charts: (chart id, title, indicators drawn together).
TRENDS = (
    (
        "participation",
        gettext_lazy("Participation by year"),
        ("enrolments", "trainees"),
    ),
    (
        "results",
        gettext_lazy("Results by year"),
        ("completion_rate", "certification_rate", "women_share"),
    ),
)
# A bar chart shows at most this many categories (the table has them all).
BARS_SHOWN = 15
# Each cut shows these indicators per category.
CUT_INDICATORS = ("enrolments", "completion_rate", "women_share")
NATIONAL_CUTS = (d.SEX, d.AGE_GROUP, d.TRAINING_AREA, d.MODALITY, d.PROVIDER)
CENTRE_CUTS = (d.SEX, d.AGE_GROUP, d.TRAINING_AREA, d.MODALITY, d.PROGRAMME)
# The filters a person can set on the page (a centre's page fixes the provider).
FILTERS = (d.DEPARTMENT, d.MODALITY, d.TRAINING_AREA, d.PROVIDER)
CACHE_SECONDS = 24 * 3600
# The national dashboard's insertion figures: the latest tracer cohort of this
# wave (months after the course), else the latest cohort of any wave; cohorts
# whose study is still in fieldwork are left for the insertion page.
INSERTION_FOLLOWUP = 6
INSERTION_HEADLINE = (
    "employment_rate_weighted",
    "tracer_response_rate",
    "formal_employment_admin",
)


def available_years(build: CubeBuild | None) -> list[int]:
    """Years with enrolments in the cube, newest first (at least this year);
    cached per build, as reading them scans an index of every cell."""

    def read() -> list[int]:
        found = EnrolmentCell.objects.order_by().values_list("start_year", flat=True)
        return sorted(set(found.distinct()) or {datetime.date.today().year})[::-1]

    key = f"indicators:years:{build.pk if build else 0}"
    return cache.get_or_set(key, read, CACHE_SECONDS)


def dimension_labels(dim: str, codes) -> dict:
    """Names people read for the codes of a dimension (plain strings: they are
    cached and put into chart specs)."""
    return {code: str(name) for code, name in _labels(dim, codes).items()}


def _labels(dim: str, codes) -> dict:
    codes = [c for c in codes if c is not None]
    if dim == d.SEX:
        return {"F": _("Women"), "M": _("Men")}
    if dim == d.MODALITY:
        return dict(Modality.choices)
    if dim == d.VULNERABLE:
        return {True: _("Vulnerable"), False: _("Not vulnerable")}
    if dim == d.AGE_GROUP:
        return {c: c for c in codes}
    model = {
        d.DEPARTMENT: Department,
        d.TRAINING_AREA: TrainingArea,
        d.PROVIDER: Organization,
        d.PROGRAMME: Programme,
    }[dim]
    return dict(model.objects.filter(code__in=codes).values_list("code", "name"))


def dimension_title(dim: str) -> str:
    return {
        d.SEX: _("Sex"),
        d.AGE_GROUP: _("Age group"),
        d.DEPARTMENT: _("Department"),
        d.PROGRAMME: _("Programme"),
        d.TRAINING_AREA: _("Training area"),
        d.MODALITY: _("Modality"),
        d.PROVIDER: _("Training centre"),
        d.VULNERABLE: _("Vulnerability"),
    }[dim]


def indicator_label(code: str) -> str:
    ind = d.get(code)
    return ind.label_es if get_language() == "es" else ind.label_en


@dataclass
class Dashboard:
    """The numbers of one dashboard page: `year`, `filters` ({dimension: code}),
    and the cuts to show."""

    year: int
    filters: Mapping[str, str] = field(default_factory=dict)
    cuts: tuple[str, ...] = NATIONAL_CUTS
    build: CubeBuild | None = None

    def cache_key(self) -> str:
        state = json.dumps(
            [self.year, sorted(self.filters.items()), self.cuts, get_language()]
        )
        digest = hashlib.sha256(state.encode()).hexdigest()[:24]
        return f"indicators:dashboard:{self.build.pk if self.build else 0}:{digest}"

    def calculate(self) -> dict:
        """The page's numbers, from the cache when this build already made them."""
        return cache.get_or_set(self.cache_key(), self._calculate, CACHE_SECONDS)

    # -- the parts ----------------------------------------------------------------

    def _allowed(self, code: str) -> bool:
        return not refused_dimensions(d.get(code), self.filters)

    def _series(self, code: str) -> dict[int, dict]:
        """The indicator by year: since FIRST_YEAR for those drawn as trends,
        else this year and the one before (the headline's change)."""
        trend = any(code in codes for _chart, _title, codes in TRENDS)
        first = min(FIRST_YEAR, self.year) if trend else self.year - 1
        rows = compute_series(code, range(first, self.year + 1), (), self.filters)
        return {row["year"]: row for row in rows}

    def _calculate(self) -> dict:
        series = {code: self._series(code) for code in HEADLINE if self._allowed(code)}
        return {
            "headline": [self._headline(code, series.get(code)) for code in HEADLINE],
            "trends": [
                self._trend(chart, title, codes, series)
                for chart, title, codes in TRENDS
            ],
            "map": self._map(),
            "cuts": [self._cut(dim) for dim in self.cuts if dim not in self.filters],
        }

    def _headline(self, code: str, series: dict | None) -> dict:
        ind = d.get(code)
        out = {"code": code, "label": indicator_label(code), "unit": ind.unit}
        if series is None:  # cannot be filtered this way
            return {**out, "applies": False}
        now, before = series.get(self.year), series.get(self.year - 1)
        value = now["value"] if now else None
        previous = before["value"] if before else None
        change = None
        if value is not None and previous is not None:
            if ind.unit in ("count", "usd"):
                change = (value - previous) / previous if previous else None
            else:
                change = value - previous
        return {
            **out,
            "applies": True,
            "value": value,
            "numerator": now["numerator"] if now else None,
            "denominator": now["denominator"] if now else None,
            "previous": previous,
            "change": change,
            # counts and money change in %, ratios in percentage points
            "change_kind": "relative" if ind.unit in ("count", "usd") else "absolute",
        }

    def _trend(self, chart: str, title, codes, series) -> dict:
        rows = [
            {
                "year": year,
                "indicator": indicator_label(code),
                "code": code,
                "unit": d.get(code).unit,
                "value": row["value"],
            }
            for code in codes
            if code in series
            for year, row in sorted(series[code].items())
        ]
        percent = all(d.get(code).unit == "ratio" for code in codes)
        spec = charts.trend_chart(
            rows,
            value="value",
            value_title=_("Share") if percent else _("Number"),
            percent=percent,
            series="indicator",
            series_title=_("Indicator"),
            description=str(title),
        )
        return {"id": f"trend-{chart}", "title": str(title), "rows": rows, "spec": spec}

    def _map(self) -> dict:
        code = "coverage_per_1000"
        rows = []
        if self._allowed(code) and d.DEPARTMENT not in self.filters:
            rows = compute_series(code, [self.year], [d.DEPARTMENT], self.filters)
        if not any(r["denominator"] for r in rows):
            # No population loaded: show where the enrolments come from instead.
            code = "enrolments"
            filters = {k: v for k, v in self.filters.items() if k != d.DEPARTMENT}
            rows = compute_series(code, [self.year], [d.DEPARTMENT], filters)
        names = dimension_labels(
            d.DEPARTMENT, Department.objects.values_list("code", flat=True)
        )
        by_code = {r[d.DEPARTMENT]: r for r in rows}
        label = indicator_label(code)
        rows = [
            {
                "department": dept,
                "department_name": name,
                "value": by_code[dept]["value"] if dept in by_code else None,
                "numerator": by_code.get(dept, {}).get("numerator"),
                "denominator": by_code.get(dept, {}).get("denominator"),
            }
            for dept, name in sorted(names.items(), key=lambda item: item[1])
        ]
        spec = charts.tile_map(
            rows,
            value="value",
            value_title=label,
            percent=d.get(code).unit == "ratio",
            description=_("%(indicator)s by department of residence")
            % {"indicator": label},
        )
        return {
            "id": "map",
            "code": code,
            "label": label,
            "unit": d.get(code).unit,
            "rows": rows,
            "spec": spec,
        }

    def _cut(self, dim: str) -> dict:
        codes = [c for c in CUT_INDICATORS if not refused_dimensions(d.get(c), [dim])]
        codes = [c for c in codes if self._allowed(c)]
        by_category: dict = {}
        for code in codes:
            for row in compute_series(code, [self.year], [dim], self.filters):
                by_category.setdefault(row[dim], {})[code] = row["value"]
        labels = dimension_labels(dim, by_category)
        rows = [
            {
                "category": category,
                "label": labels.get(category, category)
                if category is not None
                else _("Unknown"),
                **{code: values.get(code) for code in codes},
                # (value, unit) in the columns' order, for the page's table
                "cells": [(values.get(code), d.get(code).unit) for code in codes],
            }
            for category, values in by_category.items()
        ]
        if dim == d.AGE_GROUP:
            order = {g: i for i, g in enumerate(d.AGE_GROUPS)}
            rows.sort(key=lambda r: order.get(r["category"], len(order)))
        else:
            rows.sort(key=lambda r: -(r.get("enrolments") or 0))
        title = dimension_title(dim)
        spec = charts.bar_chart(
            rows[:BARS_SHOWN],
            category="label",
            value="enrolments",
            category_title=title,
            value_title=indicator_label("enrolments"),
            description=_("Enrolments by %(dimension)s") % {"dimension": title.lower()},
        )
        return {
            "id": f"by-{dim}",
            "dimension": dim,
            "title": title,
            "spec": spec,
            "truncated": len(rows) > BARS_SHOWN,
            "codes": codes,
            "columns": [
                (code, indicator_label(code), d.get(code).unit) for code in codes
            ],
            "rows": rows,
        }


def insertion_summary(build: CubeBuild | None) -> dict:
    """The insertion figures of the national dashboard: {} without tracer data,
    else the cohort (`year`, `followup`) and its `figures` (registry rows with
    label and unit). The latest settled cohort (not in fieldwork) of 6 months,
    else of any wave; computed once per build and language."""

    def calculate() -> dict:
        cohort = latest_cohort(settled_cohorts(), INSERTION_FOLLOWUP)
        if cohort is None:
            return {}
        year, followup = cohort
        figures = []
        for code in INSERTION_HEADLINE:
            (row,) = compute(code, year, followup=followup)
            figures.append(
                {**row, "label": indicator_label(code), "unit": d.get(code).unit}
            )
        return {"year": year, "followup": followup, "figures": figures}

    key = f"indicators:dashboard-insertion:{build.pk if build else 0}:{get_language()}"
    return cache.get_or_set(key, calculate, CACHE_SECONDS)


def _getter(key):
    return lambda row: row.get(key)


def download_tables(data: dict) -> dict[str, tuple[str, list, list]]:
    """The page's tables as {id: (title, [(header, value function)], rows)}, for
    CSV and XLSX downloads: the numbers unrounded, with their parts."""
    value_columns = [
        (_("Value"), _getter("value")),
        (_("Numerator"), _getter("numerator")),
        (_("Denominator"), _getter("denominator")),
    ]
    tables = {
        "headline": (
            _("Main figures"),
            [
                (_("Indicator code"), _getter("code")),
                (_("Indicator"), _getter("label")),
                *value_columns,
                (_("Previous year"), _getter("previous")),
            ],
            [row for row in data["headline"] if row["applies"]],
        ),
        "map": (
            data["map"]["label"],
            [
                (_("Department code"), _getter("department")),
                (_("Department"), _getter("department_name")),
                *value_columns,
            ],
            data["map"]["rows"],
        ),
    }
    for trend in data["trends"]:
        tables[trend["id"]] = (
            trend["title"],
            [
                (_("Year"), _getter("year")),
                (_("Indicator code"), _getter("code")),
                (_("Indicator"), _getter("indicator")),
                (_("Value"), _getter("value")),
            ],
            trend["rows"],
        )
    for cut in data["cuts"]:
        tables[cut["id"]] = (
            cut["title"],
            [
                (_("Code"), _getter("category")),
                (cut["title"], _getter("label")),
                *[(label, _getter(code)) for code, label, _unit in cut["columns"]],
            ],
            cut["rows"],
        )
    return tables


def warm(build: CubeBuild) -> None:
    """Compute the national dashboard's default view (latest year, no filter)
    and its insertion figures in the default language, so the first person to open it after a build does not
    wait (seconds at national scale)."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        Dashboard(year=available_years(build)[0], build=build).calculate()
        insertion_summary(build)
