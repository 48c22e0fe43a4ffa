"""Open data: indicator tables anyone may download, with small-cell suppression
(core.suppression) and a DCAT-style metadata file.

Two tables per year: by department × sex × training area (the indicators that
can be cut so), and by department (every indicator that can). Figures come from
the cube through `compute_series`, like every other output; the tables are
cached per cube build, year and language.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from semillero.core.suppression import suppressed, threshold

from . import definitions as d
from .compute import compute_series, disclosure_counts, refused_dimensions
from .dashboard import dimension_labels, dimension_title, indicator_label
from .models import CubeBuild

LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
LICENCE_NAME = "Creative Commons Atribución 4.0 (CC BY 4.0)"
CACHE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class OpenTable:
    id: str
    title: object  # lazy translation
    dims: tuple[str, ...]
    # Insertion tables hold the tracer cohorts (Y, FOLLOWUP) and their intervals.
    insertion: bool = False

    def indicators(self) -> list[d.Indicator]:
        return [
            i
            for i in d.INDICATORS
            if i.followup == self.insertion and not refused_dimensions(i, self.dims)
        ]


# The wave the insertion table publishes (months after completing the course).
FOLLOWUP = 6


TABLES = (
    OpenTable(
        "department-sex-area",
        gettext_lazy("Indicators by department, sex and training area"),
        (d.DEPARTMENT, d.SEX, d.TRAINING_AREA),
    ),
    OpenTable(
        "department",
        gettext_lazy("Indicators by department"),
        (d.DEPARTMENT,),
    ),
    OpenTable(
        "insertion-department-sex",
        gettext_lazy(
            "Labour-market insertion six months after the course, by department and sex"
        ),
        (d.DEPARTMENT, d.SEX),
        insertion=True,
    ),
)
BY_ID = {t.id: t for t in TABLES}


def rows(table: OpenTable, year: int, build: CubeBuild | None) -> list[dict]:
    """The table's rows for `year`, suppressed, with names beside the codes."""
    key = (
        f"indicators:open:{build.pk if build else 0}:{table.id}:{year}:{get_language()}"
    )
    return cache.get_or_set(key, lambda: _rows(table, year), CACHE_SECONDS)


def _rows(table: OpenTable, year: int) -> list[dict]:
    out = []
    for ind in table.indicators():
        for row in compute_series(ind.code, [year], table.dims, followup=FOLLOWUP):
            out.append(suppressed(row, disclosure_counts(row)))
    labels = {dim: dimension_labels(dim, {r[dim] for r in out}) for dim in table.dims}
    for row in out:
        row["indicator_name"] = indicator_label(row["indicator"])
        for dim in table.dims:
            value = row[dim]
            row[f"{dim}_name"] = (
                str(labels[dim].get(value, value)) if value is not None else ""
            )
    return out


def columns(table: OpenTable) -> list[tuple[str, object]]:
    """(header, value function) for the downloads: codes then names, then the
    figures and the suppression flag."""

    def get(key):
        return lambda row: row.get(key)

    cols = [("indicator", get("indicator")), ("year", get("year"))]
    for dim in table.dims:
        cols.append((dim, get(dim)))
        cols.append((f"{dim}_name", get(f"{dim}_name")))
    if table.insertion:
        cols.insert(2, ("followup_months", get("followup_months")))
    cols += [
        ("indicator_name", get("indicator_name")),
        ("value", get("value")),
        ("numerator", get("numerator")),
        ("denominator", get("denominator")),
    ]
    if table.insertion:
        cols += [("ci_low", get("ci_low")), ("ci_high", get("ci_high"))]
    cols.append(("suppressed", lambda row: "true" if row["suppressed"] else "false"))
    return cols


def metadata(table: OpenTable, year: int, build, *, urls: dict) -> dict:
    """DCAT-style description of one table (JSON-LD keys of DCAT and Dublin Core)."""
    k = threshold()
    return {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "prov": "http://www.w3.org/ns/prov#",
        },
        "@type": "dcat:Dataset",
        "dct:identifier": f"semillero-{table.id}-{year}",
        "dct:title": f"{table.title} — {year}",
        "dct:description": _(
            "Indicators of participation and results of vocational training in "
            "%(year)s, by %(dimensions)s. One row per indicator and cell; cells "
            "with no enrolment are absent."
        )
        % {
            "year": year,
            "dimensions": ", ".join(dimension_title(dim).lower() for dim in table.dims),
        },
        "dct:temporal": {
            "dcat:startDate": f"{year}-01-01",
            "dcat:endDate": f"{year}-12-31",
        },
        "dct:spatial": "El Salvador",
        "dct:language": get_language(),
        "dct:license": LICENCE_URL,
        "dct:rights": LICENCE_NAME,
        "dct:modified": build.finished_at.isoformat() if build else None,
        "dct:conformsTo": urls["method"],
        "method": _(
            "Each indicator is defined once in the registry of the system; the "
            "definitions (numerator, denominator, reference period) are on the "
            "page named in dct:conformsTo. Enrolments count in the year their "
            "course run starts; completions in the year it ends."
        ),
        "indicators": [
            {"code": ind.code, "name": indicator_label(ind.code), "unit": ind.unit}
            for ind in table.indicators()
        ],
        "dimensions": list(table.dims),
        "followup_months": FOLLOWUP if table.insertion else None,
        "suppression": {
            "k": k,
            "rule": _(
                "A count below %(k)s, and a ratio whose numerator or denominator "
                "is below %(k)s, is left empty with suppressed = true; an index "
                "resting on counts of women and men is suppressed when either is "
                "below %(k)s."
            )
            % {"k": k},
        },
        "prov:wasGeneratedBy": {
            "build": build.pk if build else None,
            "built_at": build.finished_at.isoformat() if build else None,
            "snapshot": build.snapshot if build else None,
        },
        "dcat:distribution": [
            {
                "@type": "dcat:Distribution",
                "dcat:downloadURL": urls["csv"],
                "dcat:mediaType": "text/csv",
            },
            {
                "@type": "dcat:Distribution",
                "dcat:downloadURL": urls["xlsx"],
                "dcat:mediaType": (
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                ),
            },
        ],
    }
