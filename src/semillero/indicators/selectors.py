"""Reads of indicators for people (pages, API): who may see what, and from which
build of the cube. The command line calls `compute` directly (authorised users
at the server)."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from semillero.accounts.permissions import (
    can_read_indicators_of,
    can_read_national_indicators,
    require,
)
from semillero.core.suppression import is_small, threshold

from . import cube
from . import definitions as d
from .compute import compute, compute_series, refused_dimensions
from .dashboard import CACHE_SECONDS
from .insertion import settled_cohorts
from .models import CubeBuild

# The public catalogue's figure: employment this many months after the course.
CATALOGUE_FOLLOWUP = 6


@dataclass
class IndicatorTable:
    rows: list[dict]
    # (indicator code, the dimensions or filters it cannot be cut by)
    left_out: list[tuple[str, list[str]]] = field(default_factory=list)
    build: CubeBuild | None = None


def scoped_filters(user, filters: Mapping[str, object] | None) -> dict:
    """The filters a user's request runs with: national readers as asked; an
    organization's data officer always on its own organization (as provider)."""
    filters = {k: v for k, v in (filters or {}).items() if v not in (None, "")}
    require(
        bool(user and user.is_authenticated),
        _("Log in to see indicators."),
    )
    if can_read_national_indicators(user):
        return filters
    organization = user.organization
    require(
        organization is not None and can_read_indicators_of(user, organization),
        _("You are not allowed to see indicators."),
    )
    asked = filters.get(d.PROVIDER)
    if asked and asked != organization.code:
        raise PermissionDenied(
            _("You may only see the indicators of your own organization.")
        )
    filters[d.PROVIDER] = organization.code
    return filters


def indicator_table(
    *,
    user,
    years: Iterable[int],
    codes: Iterable[str] | None = None,
    dims: Sequence[str] = (),
    filters: Mapping[str, object] | None = None,
    followup: int = 6,
) -> IndicatorTable:
    """Rows of the indicators (registry order) for `years`, cut by `dims` and
    restricted by `filters`; an indicator that cannot be cut or filtered that
    way is left out and listed."""
    filters = scoped_filters(user, filters)
    build = cube.ensure_fresh(triggered_by="read")
    wanted = set(codes) if codes else set(d.BY_CODE)
    years = list(years)
    table = IndicatorTable(rows=[], build=build)
    for ind in d.INDICATORS:
        if ind.code not in wanted:
            continue
        refused = refused_dimensions(ind, [*dims, *filters])
        if refused:
            table.left_out.append((ind.code, refused))
            continue
        table.rows.extend(compute_series(ind.code, years, dims, filters, followup))
    return table


def catalogue_insertion() -> dict:
    """Employment rate six months after the course of every programme, for the
    public catalogue (no login): {} without a 6-month tracer cohort, else its
    `year`, `followup` and `programmes` {code: figure}, from the latest cohort
    whose tracer study is not in fieldwork (provisional figures stay off public
    pages). A figure is `shown` only when the programme has at least
    INSERTION_MIN_RESPONDENTS respondents and its counts pass small-cell
    suppression; then it has `value`, `ci_low`, `ci_high` and `respondents`. All
    programmes from one read of the cohort, cached per cube build (a tracer
    import makes a new one), change mark and the two settings."""
    build = cube.latest_build()
    # The public catalogue does not refresh the cube (it must stay cheap); a
    # change marked since the build (a tracer study closed, say) starts a new key.
    stale = cache.get(cube.STALE_KEY)
    minimum, k = settings.INSERTION_MIN_RESPONDENTS, threshold()
    key = ":".join(
        str(part)
        for part in (
            "indicators:catalogue-insertion",
            build.pk if build else 0,
            stale.timestamp() if stale else 0,
            minimum,
            k,
        )
    )
    return cache.get_or_set(key, lambda: _catalogue_insertion(minimum), CACHE_SECONDS)


def _catalogue_insertion(minimum: int) -> dict:
    found = [c for c in settled_cohorts() if c[1] == CATALOGUE_FOLLOWUP]
    if not found:
        return {}
    year, followup = max(found)
    programmes = {}
    for row in compute("employment_rate", year, [d.PROGRAMME], followup=followup):
        working, respondents = row["numerator"], row["denominator"]
        if respondents < minimum or is_small([working, respondents]):
            programmes[row[d.PROGRAMME]] = {"shown": False}
            continue
        programmes[row[d.PROGRAMME]] = {
            "shown": True,
            "value": row["value"],
            "ci_low": row["ci_low"],
            "ci_high": row["ci_high"],
            "respondents": respondents,
        }
    return {
        "year": year,
        "followup": followup,
        "min_respondents": minimum,
        "programmes": programmes,
    }
