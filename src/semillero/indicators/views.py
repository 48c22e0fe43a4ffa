"""Indicator pages: the national dashboard and a training centre's dashboard.

Thin shells over `selectors.scoped_filters` (who sees what), `cube.ensure_fresh`
and `dashboard.Dashboard` (the numbers, cached per build). The filters update the
page in place with htmx; every table downloads as CSV or XLSX (audited).
"""

import hashlib

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from semillero.accounts.permissions import (
    can_read_indicators_of,
    can_read_national_indicators,
)
from semillero.core.exports import FORMATS, export_response
from semillero.core.suppression import threshold
from semillero.plans.selectors import plan_targets
from semillero.registry.models import Organization

from . import cube, methods, nonresponse, opendata
from . import dashboard as dash
from . import definitions as d
from . import insertion as insertion_stats
from . import insertion_page as ins
from .forms import DashboardFilterForm
from .selectors import scoped_filters


@login_required
@require_GET
def national_dashboard(request):
    user = request.user
    if not can_read_national_indicators(user):
        if user.organization and can_read_indicators_of(user, user.organization):
            return redirect("indicators:centre_dashboard", code=user.organization.code)
        raise PermissionDenied(_("You are not allowed to see indicators."))
    return _dashboard(request, organization=None)


@login_required
@require_GET
def centre_dashboard(request, code):
    organization = get_object_or_404(Organization, code=code)
    if not can_read_indicators_of(request.user, organization):
        raise PermissionDenied(
            _("You may only see the indicators of your own organization.")
        )
    return _dashboard(request, organization=organization)


def _dashboard(request, *, organization):
    """The page, or its body for htmx, or a table as a file.

    The HTML of a view (its filters and numbers) is cached per cube build,
    language, organization and address: a view seen once since the last build
    costs a cache read. Only the shell around it (menu, user) is rendered anew.
    """
    build = cube.ensure_fresh(triggered_by="dashboard")
    partial = bool(request.htmx) and request.htmx.target == "dashboard-body"
    download = request.GET.get("download")
    key = _page_key(request, build, organization, "body" if partial else "main")
    html = None if download in FORMATS else cache.get(key)
    if html is None:
        context = _dashboard_context(request, build, organization)
        if organization is None and not partial:
            context["insertion"] = dash.insertion_summary(build)
        if download in FORMATS and "data" in context:
            return _download(request, context, download, request.GET.get("table", ""))
        template = "_dashboard_body.html" if partial else "_dashboard_main.html"
        html = render_to_string(f"indicators/{template}", context, request=request)
        if "data" in context:  # an invalid form is not worth keeping
            cache.set(key, html, dash.CACHE_SECONDS)
    if partial:
        return HttpResponse(html)
    return render(
        request,
        "indicators/dashboard.html",
        {"main": mark_safe(html), "organization": organization},  # noqa: S308
    )


def _page_key(request, build, organization, part: str) -> str:
    query = sorted((k, v) for k, v in request.GET.items() if v)
    state = repr([organization.code if organization else "", query, get_language()])
    digest = hashlib.sha256(state.encode()).hexdigest()[:24]
    return f"indicators:page:{build.pk}:{part}:{digest}"


def _dashboard_context(request, build, organization) -> dict:
    years = dash.available_years(build)
    data = request.GET.copy()
    data.setdefault("year", str(years[0]))
    form = DashboardFilterForm(
        data, years=years, build=build, with_provider=organization is None
    )
    context = {"form": form, "organization": organization, "build": build}
    if form.is_valid():
        filters = form.filters()
        if organization is not None:
            filters["provider"] = organization.code
        board = dash.Dashboard(
            year=form.cleaned_data["year"],
            filters=scoped_filters(request.user, filters),
            cuts=dash.NATIONAL_CUTS if organization is None else dash.CENTRE_CUTS,
            build=build,
        )
        context["year"] = board.year
        context["data"] = board.calculate()
    return context


def _download(request, context, file_format: str, table: str):
    """One of the page's tables as a file; 404 for a table the page has not."""
    tables = dash.download_tables(context["data"])
    if table not in tables:
        raise Http404(_("This table does not exist."))
    title, columns, rows = tables[table]
    organization = context["organization"]
    if organization is not None:
        title = f"{title} — {organization.name}"
    return export_response(
        actor=request.user,
        rows=rows,
        columns=columns,
        file_format=file_format,
        what=f"indicators:{table}",
        title=f"{title} {context['year']}",
        filters={k: v for k, v in request.GET.items() if k not in ("download",)},
    )


# Open data: no login ----------------------------------------------------------------


@require_GET
def open_data(request):
    build = cube.ensure_fresh(triggered_by="open data")
    years = dash.available_years(build)
    year = _choice(request, "year", years, default=0)
    table = opendata.BY_ID["department"]
    rows = opendata.rows(table, year, build)
    preview_codes = ("enrolments", "trainees", "completion_rate", "women_share")
    by_department: dict = {}
    for row in rows:
        if row["indicator"] in preview_codes:
            entry = by_department.setdefault(
                row["department"], {"name": row["department_name"], "cells": {}}
            )
            entry["cells"][row["indicator"]] = row
    preview = [
        {
            "name": entry["name"],
            "cells": [
                (entry["cells"].get(code), d.get(code).unit) for code in preview_codes
            ],
        }
        for entry in sorted(by_department.values(), key=lambda e: e["name"])
    ]
    return render(
        request,
        "indicators/open_data.html",
        {
            "year": year,
            "years": years,
            "tables": opendata.TABLES,
            "build": build,
            "k": threshold(),
            "licence_url": opendata.LICENCE_URL,
            "licence_name": opendata.LICENCE_NAME,
            "preview_columns": [dash.indicator_label(c) for c in preview_codes],
            "preview": preview,
        },
    )


def _open_table(table_id, year, build):
    table = opendata.BY_ID.get(table_id)
    if table is None or year not in dash.available_years(build):
        raise Http404(_("There is no such table."))
    return table


@require_GET
def open_data_download(request, table_id, year, file_format):
    if file_format not in FORMATS:
        raise Http404(_("There is no such table."))
    build = cube.ensure_fresh(triggered_by="open data")
    table = _open_table(table_id, year, build)
    user = request.user if request.user.is_authenticated else None
    return export_response(
        actor=user,
        rows=opendata.rows(table, year, build),
        columns=opendata.columns(table),
        file_format=file_format,
        what=f"open-data:{table.id}",
        title=f"{table.title} {year}",
        filters={"year": year},
    )


@require_GET
def open_data_metadata(request, table_id, year):
    build = cube.ensure_fresh(triggered_by="open data")
    table = _open_table(table_id, year, build)

    def url(name, **kwargs):
        return request.build_absolute_uri(reverse(name, kwargs=kwargs))

    urls = {
        fmt: url("opendata:download", table_id=table.id, year=year, file_format=fmt)
        for fmt in FORMATS
    }
    urls["method"] = url("opendata:indicators")
    return JsonResponse(
        opendata.metadata(table, year, build, urls=urls),
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )


@require_GET
def indicator_guide(request):
    """Each indicator explained in plain words (the registry's own texts)."""
    spanish = get_language() == "es"
    indicators = [
        {
            "code": ind.code,
            "label": ind.label_es if spanish else ind.label_en,
            "description": ind.description_es if spanish else ind.description_en,
            "unit": ind.unit,
            "dimensions": [dash.dimension_title(dim) for dim in ind.dimensions],
        }
        for ind in d.INDICATORS
    ]
    return render(
        request,
        "indicators/guide.html",
        {"indicators": indicators, "k": threshold()},
    )


# Labour-market insertion ---------------------------------------------------------


@login_required
@require_GET
def insertion(request):
    """Which programmes lead to jobs (employment rate with its interval, by
    programme) and who gets into those that do (women and vulnerable trainees)."""
    if not can_read_national_indicators(request.user):
        raise PermissionDenied(_("You are not allowed to see indicators."))
    build = cube.ensure_fresh(triggered_by="insertion")
    cohorts = insertion_stats.cohorts()
    context = {"cohorts": cohorts, "build": build}
    if cohorts:
        year, followup, followups = _cohort_choice(request, cohorts)
        page = ins.insertion_page(year, followup, build)
        context.update(page, year=year, followup=followup, followups=followups)
        context["plan_targets"] = [
            {
                "code": code,
                "label": dash.indicator_label(code),
                "value": page["access_national"][code],
                **target,
            }
            for code, target in plan_targets(ins.PLAN_TARGETED, year).items()
        ]
        download = request.GET.get("download")
        if download in FORMATS:
            table = request.GET.get("table", "")
            if table not in ("ranking", "access"):
                raise Http404(_("This table does not exist."))
            title, columns = ins.download_columns(table)
            return export_response(
                actor=request.user,
                rows=page[table],
                columns=columns,
                file_format=download,
                what=f"insertion:{table}",
                title=f"{title} {year} +{followup}",
                filters={"year": year, "followup": followup},
            )
    return render(request, "indicators/insertion.html", context)


def _cohort_choice(request, cohorts) -> tuple[int, int, list[int]]:
    """The cohort asked for (`year`, `followup`), else the latest year whose
    study is not in fieldwork (the latest year when all are) and its first
    follow-up; with the follow-ups of that year."""
    years = sorted({y for y, _m in cohorts})
    settled = [y for y, _m in insertion_stats.settled_cohorts()]
    default = years.index(max(settled)) if settled else -1
    year = _choice(request, "year", years, default=default)
    followups = sorted({m for y, m in cohorts if y == year})
    return year, _choice(request, "followup", followups, default=0), followups


@login_required
@require_GET
def insertion_nonresponse(request):
    """Do those who answered the tracer study look like those who did not? Early
    against late respondents, and respondents against the whole cohort."""
    if not can_read_national_indicators(request.user):
        raise PermissionDenied(_("You are not allowed to see indicators."))
    build = cube.ensure_fresh(triggered_by="insertion")
    cohorts = insertion_stats.cohorts()
    context = {"cohorts": cohorts, "build": build}
    if cohorts:
        year, followup, followups = _cohort_choice(request, cohorts)
        data = nonresponse.nonresponse_check(year, followup, build)
        context.update(data=data, year=year, followup=followup, followups=followups)
        download = request.GET.get("download")
        if download in FORMATS:
            found = nonresponse.download_table(data, request.GET.get("table", ""))
            if found is None:
                raise Http404(_("This table does not exist."))
            title, columns, rows = found
            return export_response(
                actor=request.user,
                rows=rows,
                columns=columns,
                file_format=download,
                what=f"insertion:nonresponse:{request.GET['table']}",
                title=f"{title} {year} +{followup}",
                filters={"year": year, "followup": followup},
            )
    return render(request, "indicators/insertion_nonresponse.html", context)


@require_GET
def insertion_methods(request):
    """How the insertion figures are made, in plain words, with a worked example
    computed by the same functions. Public: nothing in it is about people."""
    return render(request, "indicators/insertion_methods.html", methods.context())


def _choice(request, name: str, options: list[int], *, default: int) -> int:
    """An integer GET parameter among `options`, else options[default]."""
    try:
        value = int(request.GET.get(name, ""))
    except ValueError:
        return options[default]
    return value if value in options else options[default]
