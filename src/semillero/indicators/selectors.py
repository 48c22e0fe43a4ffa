"""Reads of indicators for people (pages, API): who may see what, and from which
build of the cube. The command line calls `compute` directly (authorised users
at the server)."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from semillero.accounts.permissions import (
    can_read_indicators_of,
    can_read_national_indicators,
    require,
)

from . import cube
from . import definitions as d
from .compute import compute_series, refused_dimensions
from .models import CubeBuild


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
