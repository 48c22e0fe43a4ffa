"""Indicators API (mounted at /api/indicators): the rows of `semillero indicators`
with the same parameters, plus the dashboards' filters and the provenance of the
numbers (the cube build they come from).

Like the command line, no disclosure control: the API needs a login, and an
organization's data officer only gets its own organization's numbers.
"""

import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from semillero.core.api import ERRORS

from . import definitions as d
from .compute import output_fields
from .selectors import indicator_table

router = Router(tags=["indicators"])

Dimension = Literal[d.DIMENSIONS]  # type: ignore[valid-type]
Code = Literal[tuple(d.BY_CODE)]  # type: ignore[valid-type]
AgeGroup = Literal[d.AGE_GROUPS]  # type: ignore[valid-type]


class IndicatorParams(Schema):
    year: int = Field(..., ge=1900, le=2200, description="Reference year Y.")
    followup: int = Field(
        6, ge=1, le=120, description="Months after completion (insertion indicators)."
    )
    by: list[Dimension] = Field(
        [], description="Disaggregate by these dimensions, in this order."
    )
    indicator: list[Code] = Field([], description="Only these indicators.")
    # Filters: restrict the data before computing (codes, as in the rows).
    sex: Literal["F", "M"] | None = None
    age_group: AgeGroup | None = None
    department: str | None = Field(None, description="ISO 3166-2 code, e.g. SV-SS.")
    programme: str | None = None
    training_area: str | None = None
    modality: str | None = None
    provider: str | None = Field(None, description="Organization code.")
    vulnerable: bool | None = None


class BuildOut(Schema):
    id: int
    kind: str
    finished_at: datetime.datetime
    snapshot: dict


class LeftOut(Schema):
    indicator: str
    cannot_be_cut_by: list[str]


class IndicatorsOut(Schema):
    rows: list[dict] = Field(
        ...,
        description=(
            "One object per indicator × cell: indicator, year, followup_months "
            "(insertion and access indicators), one key per `by` dimension, value, "
            "numerator, denominator, ci_low, ci_high (null when absent). Numbers "
            "are not rounded."
        ),
    )
    left_out: list[LeftOut]
    build: BuildOut | None


@router.get("", response={200: IndicatorsOut, **ERRORS})
def list_indicators(request: HttpRequest, params: Query[IndicatorParams]):
    dims = list(dict.fromkeys(params.by))
    filters = {
        dim: getattr(params, dim)
        for dim in d.DIMENSIONS
        if getattr(params, dim) is not None
    }
    table = indicator_table(
        user=request.auth,
        years=[params.year],
        codes=params.indicator or None,
        dims=dims,
        filters=filters,
        followup=params.followup,
    )
    return {
        "rows": [
            {f: row.get(f) for f in output_fields(row, dims)} for row in table.rows
        ],
        "left_out": [
            {"indicator": code, "cannot_be_cut_by": refused}
            for code, refused in table.left_out
        ],
        "build": table.build,
    }
