"""The supply-and-demand page: a planning tool for the institute's people (the
same readers as the national indicators). A thin shell over `selectors`."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from semillero.accounts.permissions import can_import, can_read_supply_demand
from semillero.core.exports import FORMATS, export_response
from semillero.indicators import charts
from semillero.registry.selectors import department_list

from . import selectors

ALL_YEARS = "all"


def _columns(with_department: bool):
    columns = [
        (_("ISCO-08 code"), lambda r: r.occupation),
        (_("Occupation (sub-major group)"), lambda r: r.name),
    ]
    if with_department:
        columns.append((_("Department"), lambda r: r.department_name))
    return columns + [
        (_("Vacancies"), lambda r: r.vacancies),
        (_("Completers"), lambda r: r.completers),
        (_("Completers per 100 vacancies"), lambda r: r.completers_per_100_vacancies),
        (_("Share of vacancies"), lambda r: _round(r.demand_share)),
        (_("Share of completers"), lambda r: _round(r.supply_share)),
        (_("Gap (percentage points)"), lambda r: r.gap_points),
    ]


def _round(value):
    return None if value is None else round(value, 4)


@login_required
@require_GET
def supply_demand(request):
    if not can_read_supply_demand(request.user):
        raise PermissionDenied
    departments = list(department_list())
    department = request.GET.get("department", "")
    if department not in {d.code for d in departments}:
        department = ""
    occupations = selectors.sub_major_groups()
    occupation = request.GET.get("occupation", "")
    if occupation not in occupations:
        occupation = ""
    year_param = request.GET.get("year", "")
    latest = selectors.latest_demand_year()
    if year_param == ALL_YEARS:
        year = None
    elif year_param.isdigit():
        year = int(year_param)
    else:
        year = latest
    result = selectors.supply_demand(
        year=year, department=department, occupation=occupation
    )
    export = request.GET.get("export", "")
    if export in FORMATS:
        pairs = request.GET.get("table") == "pairs" and not department
        rows = [*result.pairs_under, *result.pairs_over] if pairs else result.rows
        return export_response(
            actor=request.user,
            rows=rows,
            columns=_columns(pairs),
            file_format=export,
            what="supply_demand",
            title=_("Supply and demand"),
            filters={
                "year": year or ALL_YEARS,
                "department": department,
                "table": "pairs" if pairs else "occupations",
            },
        )
    trend_rows = [
        {"year": t["year"], "measure": str(label), "value": t[key]}
        for t in result.trend
        for key, label in (
            ("vacancies", _("Vacancies")),
            ("completers", _("Completers")),
        )
    ]
    chart = (
        charts.trend_chart(
            trend_rows,
            value="value",
            value_title=_("Number"),
            series="measure",
            series_title=_("Measure"),
            description=_("Vacancies and completers by year"),
        )
        if result.trend
        else None
    )
    query = request.GET.copy()
    query.pop("export", None)
    query.pop("table", None)
    return render(
        request,
        "labour/supply_demand.html",
        {
            "result": result,
            "departments": departments,
            "department": department,
            "department_name": next(
                (d.name for d in departments if d.code == department), ""
            ),
            "occupations": sorted(occupations.values(), key=lambda i: i.code),
            "occupation": occupation,
            "year": year,
            "year_param": ALL_YEARS if year is None else str(year),
            "all_years": ALL_YEARS,
            "chart": chart,
            "query": query.urlencode(),
            "may_import": can_import(request.user, "demand"),
        },
    )
