"""Every read of the catalogue: the public list with its search and filters, an
entry with its history, the comparison matrix, the side-by-side comparison and
the timeline. Nothing here needs a login: the catalogue is public."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet

from .models import PARAMETERS, Entry, EntryKind, EntryRevision, InstrumentType
from .search import search
from .services import country_name

MAX_COMPARED = 8


def entry_list(
    *,
    q: str = "",
    kind: str = "",
    country: str = "",
    instrument_type: str = "",
    trend: str = "",
    year: str = "",
) -> QuerySet[Entry]:
    """Entries matching the search and the filters (the values are already
    whitelisted by the page's Listing)."""
    rows = Entry.objects.prefetch_related("trends")
    if kind:
        rows = rows.filter(kind=kind)
    if country:
        rows = rows.filter(country=country)
    if instrument_type:
        rows = rows.filter(instrument_type=instrument_type)
    if trend:
        rows = rows.filter(trends__trend=trend)
    if year:
        rows = rows.filter(year=int(year))
    return search(rows, q)


def countries() -> list[tuple[str, str]]:
    """(code, name) of the countries in the catalogue, by name."""
    codes = Entry.objects.values_list("country", flat=True).distinct()
    return sorted(((c, country_name(c)) for c in codes), key=lambda x: x[1])


def years() -> list[tuple[int, int]]:
    values = Entry.objects.values_list("year", flat=True).distinct()
    return [(y, y) for y in sorted(values, reverse=True)]


def entry_by_slug(slug: str) -> Entry:
    return (
        Entry.objects.prefetch_related(
            "trends",
            "links",
            "linked_from",
            "objectives__axis__plan",
            Prefetch("revisions", queryset=EntryRevision.objects.order_by("-number")),
        )
    ).get(slug=slug)


def revision_changes(revisions: list[EntryRevision]) -> list[dict[str, Any]]:
    """The history, newest first, each revision with the fields it changed."""
    ordered = sorted(revisions, key=lambda r: r.number)
    history = []
    previous: dict[str, Any] = {}
    for revision in ordered:
        changed = [k for k in revision.data if revision.data.get(k) != previous.get(k)]
        history.append({"revision": revision, "changed": changed if previous else []})
        previous = revision.data
    return list(reversed(history))


@dataclass
class Matrix:
    """Instruments counted by country (rows) and type (columns)."""

    countries: list[tuple[str, str]]
    types: list[tuple[str, str]]
    counts: dict[tuple[str, str], int]
    row_totals: dict[str, int]
    column_totals: dict[str, int]
    total: int

    def rows(self) -> list[dict]:
        return [
            {
                "code": code,
                "name": name,
                "cells": [
                    {"type": t, "count": self.counts.get((code, t), 0)}
                    for t, _label in self.types
                ],
                "total": self.row_totals.get(code, 0),
            }
            for code, name in self.countries
        ]


def comparison_matrix(*, trend: str = "") -> Matrix:
    """Countries × instrument types: how many instruments of each type each
    country has (only instruments; success stories and strategies have no type
    to compare)."""
    rows = Entry.objects.filter(kind=EntryKind.INSTRUMENT).exclude(instrument_type="")
    if trend:
        rows = rows.filter(trends__trend=trend)
    counts = Counter(rows.values_list("country", "instrument_type"))
    row_totals: Counter = Counter()
    column_totals: Counter = Counter()
    for (country, kind), n in counts.items():
        row_totals[country] += n
        column_totals[kind] += n
    present = sorted(
        ((c, country_name(c)) for c in row_totals), key=lambda item: item[1]
    )
    return Matrix(
        countries=present,
        types=[(t.value, t.label) for t in InstrumentType],
        counts=dict(counts),
        row_totals=dict(row_totals),
        column_totals=dict(column_totals),
        total=sum(counts.values()),
    )


@dataclass
class Comparison:
    entries: list[Entry]
    # (label, [value per entry]) rows, facts first, then parameters.
    rows: list[tuple[Any, list[Any]]] = field(default_factory=list)


def compare(slugs: list[str]) -> Comparison:
    """Chosen entries side by side: their facts and every key parameter any of
    them has (known parameters first, in PARAMETERS order)."""
    by_slug = {
        e.slug: e
        for e in Entry.objects.filter(slug__in=slugs[:MAX_COMPARED]).prefetch_related(
            "trends"
        )
    }
    entries = [by_slug[s] for s in dict.fromkeys(slugs) if s in by_slug]
    keys: list[str] = []
    for entry in entries:
        for key in entry.parameters:
            if key not in keys:
                keys.append(key)
    known = [k for k in PARAMETERS if k in keys]
    other = sorted(k for k in keys if k not in PARAMETERS)
    rows = [
        (PARAMETERS.get(k, k.replace("_", " ")), [e.parameters.get(k) for e in entries])
        for k in known + other
    ]
    return Comparison(entries=entries, rows=rows)


def entries_of_type(instrument_type: str) -> list[str]:
    return list(
        Entry.objects.filter(instrument_type=instrument_type)
        .order_by("country", "year")
        .values_list("slug", flat=True)
    )


def compare_choices() -> dict[str, list[Entry]]:
    """Every instrument by type label, for the page that picks what to compare."""
    groups: dict[str, list[Entry]] = defaultdict(list)
    for entry in Entry.objects.order_by("instrument_type", "country", "year"):
        groups[entry.instrument_type].append(entry)
    return groups


def timeline(*, country: str = "", instrument_type: str = "") -> list[dict]:
    """Every adoption and amendment, oldest first, grouped by decade."""
    rows = Entry.objects.all()
    if country:
        rows = rows.filter(country=country)
    if instrument_type:
        rows = rows.filter(instrument_type=instrument_type)
    events = []
    for entry in rows:
        events.append({"year": entry.year, "entry": entry, "amendment": False})
        events += [
            {"year": y, "entry": entry, "amendment": True}
            for y in entry.amendment_years
        ]
    events.sort(key=lambda e: (e["year"], e["amendment"], e["entry"].name))
    decades: dict[int, list[dict]] = defaultdict(list)
    for event in events:
        decades[event["year"] // 10 * 10].append(event)
    return [{"decade": d, "events": evs} for d, evs in sorted(decades.items())]
