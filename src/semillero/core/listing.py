"""The list pages' common machinery: search (`q`), whitelisted filters, sorting by
whitelisted columns (`sort=name`, `sort=-name`), pagination that keeps the other
parameters, and the download of the filtered list as CSV or XLSX.

A view declares its columns and filters, passes `listing.selector_kwargs()` to its
selector (where scoping and filtering happen), and hands the rows back:

    listing = Listing(request, name="organizations", title=_("Organizations"),
                      columns=COLUMNS, filters=FILTERS, default_sort="name")
    rows = organization_list(user=request.user, **listing.selector_kwargs())
    return listing.respond(rows, "…/list.html", "…/_results.html", {"listing": listing})

Nothing a user types reaches `order_by` or a filter unless it is in a whitelist.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _

from .exports import FORMATS, export_response

PAGE_SIZE = 50
MAX_QUERY_LENGTH = 200


def _attribute_path(path: str) -> Callable[[Any], Any]:
    def get(obj):
        for part in path.split("."):
            if obj is None:
                return None
            obj = getattr(obj, part)
            if callable(obj) and not hasattr(obj, "_meta"):
                obj = obj()
        return obj

    return get


@dataclass(frozen=True)
class Column:
    """A column of a list: its header, how to sort by it, its value in exports."""

    name: str
    label: Any
    # ORM fields to order by; empty: the column is not sortable.
    sort: tuple[str, ...] = ()
    # The value in exports: a function of the row, or an attribute path such as
    # "department.name" (callables on the way, like get_type_display, are called).
    value: Callable[[Any], Any] | str | None = None
    numeric: bool = False
    export: bool = True  # a column of the downloads
    table: bool = True  # a column of the page's table

    def get(self, obj):
        value = self.value or self.name
        return (_attribute_path(value) if isinstance(value, str) else value)(obj)


@dataclass(frozen=True)
class Filter:
    """A filter offered as a select: only the listed values are accepted."""

    name: str
    label: Any
    # (value, label) pairs, or a function returning them (e.g. departments from
    # the database, read once per request).
    choices: Iterable[tuple[str, Any]] | Callable[[], Iterable[tuple[str, Any]]]
    empty_label: Any = _("All")

    def resolve_choices(self) -> list[tuple[str, Any]]:
        choices = self.choices() if callable(self.choices) else self.choices
        return [(str(value), label) for value, label in choices]


@dataclass(frozen=True)
class Header:
    label: Any
    url: str | None  # None: not sortable
    direction: str | None  # "asc", "desc" or None
    numeric: bool

    @property
    def aria_sort(self) -> str | None:
        return {"asc": "ascending", "desc": "descending"}.get(self.direction or "")


class Listing:
    def __init__(
        self,
        request: HttpRequest,
        *,
        name: str,
        title: Any,
        columns: Iterable[Column],
        filters: Iterable[Filter] = (),
        default_sort: str,
        per_page: int = PAGE_SIZE,
        search: bool = True,
    ):
        self.request = request
        self.name = name
        self.title = title
        self.columns = list(columns)
        self.per_page = per_page
        self.search = search
        params = request.GET
        self.q = params.get("q", "").strip()[:MAX_QUERY_LENGTH] if search else ""
        self._filters = list(filters)
        self.filter_choices = {f.name: f.resolve_choices() for f in self._filters}
        self.filters: dict[str, str] = {}
        for f in self._filters:
            value = params.get(f.name, "")
            if value and value in {v for v, _label in self.filter_choices[f.name]}:
                self.filters[f.name] = value
        self._sortable = {c.name: c for c in self.columns if c.sort}
        self.default_sort = default_sort
        sort = params.get("sort", "")
        self.sort = sort if sort.lstrip("-") in self._sortable else default_sort
        export = params.get("export", "")
        self.export_format = export if export in FORMATS else None
        self.page: Page | None = None

    # What the selector receives ---------------------------------------------------

    def selector_kwargs(self) -> dict[str, str]:
        kwargs = dict(self.filters)
        if self.search:
            kwargs["q"] = self.q
        return kwargs

    @property
    def is_filtered(self) -> bool:
        return bool(self.q or self.filters)

    # Sorting and pages -----------------------------------------------------------------

    def ordering(self) -> list:
        descending = self.sort.startswith("-")
        column = self._sortable.get(self.sort.lstrip("-"))
        if column is None:
            return []
        # NULLs last both ways and on both databases (SQLite and PostgreSQL differ).
        fields = [
            F(f).desc(nulls_last=True) if descending else F(f).asc(nulls_last=True)
            for f in column.sort
        ]
        return [*fields, "pk"]  # a total order: no row on two pages

    def order(self, rows):
        ordering = self.ordering()
        return rows.order_by(*ordering) if ordering else rows

    def paginate(self, rows) -> Page:
        paginator = Paginator(self.order(rows), self.per_page)
        self.page = paginator.get_page(self.request.GET.get("page"))
        return self.page

    def respond(
        self, rows, template: str, partial_template: str, context: dict
    ) -> HttpResponse:
        """What every list view answers: the download when one was asked for,
        else the page (or, for htmx, its results) showing the current page."""
        if self.export_format:
            return self.export(rows)
        self.paginate(rows)
        return render_list(self.request, template, partial_template, context)

    # URLs that keep the other parameters ----------------------------------------------

    def url(self, **changes) -> str:
        params = self.request.GET.copy()
        params.pop("export", None)
        for key, value in changes.items():
            if value is None or value == "":
                params.pop(key, None)
            else:
                params[key] = str(value)
        encoded = params.urlencode()
        return f"{self.request.path}?{encoded}" if encoded else self.request.path

    @property
    def headers(self) -> list[Header]:
        headers = []
        for column in self.columns:
            if not column.table:
                continue
            if not column.sort:
                headers.append(Header(column.label, None, None, column.numeric))
                continue
            direction = None
            if self.sort == column.name:
                direction = "asc"
            elif self.sort == f"-{column.name}":
                direction = "desc"
            next_sort = f"-{column.name}" if direction == "asc" else column.name
            headers.append(
                Header(
                    column.label,
                    self.url(sort=next_sort, page=None),
                    direction,
                    column.numeric,
                )
            )
        return headers

    @property
    def filter_fields(self) -> list[dict]:
        return [
            {
                "name": f.name,
                "label": f.label,
                "empty_label": f.empty_label,
                "options": [
                    (value, label, self.filters.get(f.name) == value)
                    for value, label in self.filter_choices[f.name]
                ],
            }
            for f in self._filters
        ]

    def page_url(self, number: int) -> str:
        return self.url(page=number if number > 1 else None)

    @property
    def pages(self) -> dict[str, str | None]:
        """Links to the first, previous, next and last pages (None where none)."""
        page = self.page
        if page is None:
            return {}
        last = page.paginator.num_pages
        return {
            "first": self.page_url(1) if page.number > 1 else None,
            "previous": (
                self.page_url(page.previous_page_number())
                if page.has_previous()
                else None
            ),
            "next": self.page_url(page.next_page_number()) if page.has_next() else None,
            "last": self.page_url(last) if page.number < last else None,
        }

    def export_url(self, file_format: str) -> str:
        url = self.url(page=None)
        return f"{url}{'&' if '?' in url else '?'}export={file_format}"

    @property
    def csv_url(self) -> str:
        return self.export_url("csv")

    @property
    def xlsx_url(self) -> str:
        return self.export_url("xlsx")

    # Downloads ----------------------------------------------------------------------

    def export(self, rows) -> HttpResponse:
        """The whole filtered, sorted list (not one page) as a download, audited."""
        columns = [(c.label, c.get) for c in self.columns if c.export]
        filters = dict(self.filters)
        if self.q:
            filters["q"] = self.q
        filters["sort"] = self.sort
        return export_response(
            actor=self.request.user,
            rows=self.order(rows),
            columns=columns,
            file_format=self.export_format or "csv",
            what=self.name,
            title=self.title,
            filters=filters,
        )


def render_list(
    request: HttpRequest, template: str, partial_template: str, context: dict
) -> HttpResponse:
    """The whole page, or only its results when htmx updates them in place."""
    htmx = getattr(request, "htmx", None)
    partial = bool(htmx) and not htmx.boosted and htmx.target == "results"
    response = render(request, partial_template if partial else template, context)
    # The same URL answers with a page or a fragment: caches must keep both apart.
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response
