"""Every write to the catalogue: create and revise entries (each save keeps a
revision with the whole entry as JSON), and load many at once (imports).

An entry's content travels as a plain dict, the same in revisions, exports and
imports (see `snapshot`):

    {"slug", "kind", "country", "name", "year", "amendment_years",
     "instrument_type", "trends", "parameters", "summary", "sources",
     "last_checked", "links", "objectives"}

`links` are slugs of other entries; `objectives` are ids of plan objectives
(`plans.Objective`); `last_checked` an ISO date.
"""

import datetime
import functools
import gettext
import re
from typing import Any

import pycountry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from semillero.accounts.permissions import can_edit_policy_catalogue, require
from semillero.plans.models import Objective

from . import events
from .models import (
    INTERNATIONAL,
    Entry,
    EntryKind,
    EntryRevision,
    EntryTrend,
    InstrumentType,
    Trend,
)
from .search import document

FIELDS = (
    "slug",
    "kind",
    "country",
    "name",
    "year",
    "amendment_years",
    "instrument_type",
    "trends",
    "parameters",
    "summary",
    "sources",
    "last_checked",
    "links",
    "objectives",
)
FIRST_YEAR, LAST_YEAR = 1900, 2100
_PARAMETER_KEY = re.compile(r"[a-z][a-z0-9_]{0,39}")


@functools.cache
def _country_names(language: str):
    """pycountry's ISO 3166-1 translations for a language, loaded once per
    process (the catalogue names countries on every row of every page)."""
    try:
        return gettext.translation(
            "iso3166-1", pycountry.LOCALES_DIR, languages=[language]
        ).gettext
    except OSError:
        return lambda name: name


def country_name(code: str) -> str:
    """The country's name in the current language (pycountry's translations)."""
    if code == INTERNATIONAL:
        return _("International")
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    language = (translation.get_language() or "es").split("-")[0]
    if language == "en":
        return country.name
    return _country_names(language)(country.name)


def snapshot(entry: Entry) -> dict[str, Any]:
    """The entry's whole content as plain JSON values (revisions, exports)."""
    return {
        "slug": entry.slug,
        "kind": entry.kind,
        "country": entry.country,
        "name": entry.name,
        "year": entry.year,
        "amendment_years": list(entry.amendment_years),
        "instrument_type": entry.instrument_type,
        "trends": entry.trend_codes,
        "parameters": dict(entry.parameters),
        "summary": entry.summary,
        "sources": [dict(s) for s in entry.sources],
        "last_checked": entry.last_checked.isoformat() if entry.last_checked else None,
        "links": sorted(e.slug for e in entry.links.all()),
        "objectives": sorted(o.pk for o in entry.objectives.all()),
    }


# Validation -------------------------------------------------------------------------


def clean_entry_data(
    data: dict[str, Any], *, known_slugs: set[str] = frozenset()
) -> dict[str, Any]:
    """Check and normalise an entry's content; raise ValidationError with the
    problems by field. Links and objectives are checked against the database
    (links may also name `known_slugs`, the entries of the same import)."""
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}

    def fail(field, message):
        errors.setdefault(field, []).append(message)

    unknown = set(data) - set(FIELDS)
    if unknown:
        fail(
            "__all__",
            _("Unknown fields: %(names)s") % {"names": ", ".join(sorted(unknown))},
        )

    name = str(data.get("name") or "").strip()
    if not name:
        fail("name", _("is required"))
    elif len(name) > 300:
        fail("name", _("is too long (at most %(max)d characters)") % {"max": 300})
    clean["name"] = name

    slug = str(data.get("slug") or "").strip() or slugify(name)[:100]
    if slug != slugify(slug) or not slug:
        fail("slug", _("use only lower-case letters, digits and hyphens"))
    clean["slug"] = slug[:100]

    kind = data.get("kind") or EntryKind.INSTRUMENT
    if kind not in EntryKind.values:
        fail(
            "kind",
            _("is not one of: %(values)s") % {"values": ", ".join(EntryKind.values)},
        )
    clean["kind"] = kind

    country = str(data.get("country") or "").strip().upper()
    if country != INTERNATIONAL and pycountry.countries.get(alpha_2=country) is None:
        fail("country", _("is not an ISO 3166-1 country code (e.g. SV) or INT"))
    clean["country"] = country

    year = _year(data.get("year"))
    if year is None:
        fail(
            "year",
            _("must be a year between %(first)d and %(last)d")
            % {"first": FIRST_YEAR, "last": LAST_YEAR},
        )
    clean["year"] = year

    amendments = []
    for value in _list(data.get("amendment_years")):
        amended = _year(value)
        if amended is None:
            fail(
                "amendment_years",
                _("must be a year between %(first)d and %(last)d")
                % {"first": FIRST_YEAR, "last": LAST_YEAR},
            )
        elif year is not None and amended < year:
            fail("amendment_years", _("an amendment cannot be older than the entry"))
        else:
            amendments.append(amended)
    clean["amendment_years"] = sorted(set(amendments))

    instrument_type = data.get("instrument_type") or ""
    if instrument_type and instrument_type not in InstrumentType.values:
        fail(
            "instrument_type",
            _("is not one of: %(values)s")
            % {"values": ", ".join(InstrumentType.values)},
        )
    if kind == EntryKind.INSTRUMENT and not instrument_type:
        fail("instrument_type", _("an instrument needs a type"))
    clean["instrument_type"] = instrument_type

    trends = sorted(set(_list(data.get("trends"))))
    bad = [t for t in trends if t not in Trend.values]
    if bad:
        fail("trends", _("unknown trends: %(values)s") % {"values": ", ".join(bad)})
    clean["trends"] = [t for t in trends if t in Trend.values]

    parameters = data.get("parameters") or {}
    if not isinstance(parameters, dict):
        fail("parameters", _("must be pairs of a name and a value"))
        parameters = {}
    clean_parameters = {}
    for key, value in parameters.items():
        key = str(key).strip()
        if not _PARAMETER_KEY.fullmatch(key):
            fail(
                "parameters",
                _("“%(key)s” is not a parameter name (lower-case letters, digits, _)")
                % {"key": key},
            )
            continue
        value = str(value).strip()
        if value:
            clean_parameters[key] = value[:300]
    clean["parameters"] = clean_parameters

    summary = str(data.get("summary") or "").strip()
    if not summary:
        fail("summary", _("is required"))
    clean["summary"] = summary

    sources = []
    for source in _list(data.get("sources")):
        if isinstance(source, str):
            source = {"url": source, "title": ""}
        url = str((source or {}).get("url") or "").strip()
        if not re.fullmatch(r"https?://\S+", url):
            fail(
                "sources",
                _("“%(url)s” is not a web address (http:// or https://)")
                % {"url": url},
            )
            continue
        sources.append(
            {"url": url, "title": str(source.get("title") or "").strip()[:300]}
        )
    clean["sources"] = sources

    last_checked = data.get("last_checked")
    if isinstance(last_checked, str) and last_checked.strip():
        try:
            last_checked = datetime.date.fromisoformat(last_checked.strip())
        except ValueError:
            fail("last_checked", _("is not a valid date"))
            last_checked = None
    elif not isinstance(last_checked, datetime.date):
        last_checked = None
    clean["last_checked"] = last_checked

    links = sorted(set(_list(data.get("links"))) - {clean["slug"]})
    found = set(Entry.objects.filter(slug__in=links).values_list("slug", flat=True))
    missing = [s for s in links if s not in found and s not in known_slugs]
    if missing:
        fail("links", _("unknown entries: %(values)s") % {"values": ", ".join(missing)})
    clean["links"] = links

    objectives = sorted(
        {int(o) for o in _list(data.get("objectives")) if str(o).isdigit()}
    )
    found_objectives = set(
        Objective.objects.filter(pk__in=objectives).values_list("pk", flat=True)
    )
    if len(found_objectives) != len(objectives):
        fail("objectives", _("unknown plan objectives"))
    clean["objectives"] = objectives

    if errors:
        raise ValidationError(errors)
    return clean


def _year(value) -> int | None:
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return year if FIRST_YEAR <= year <= LAST_YEAR else None


def _list(value) -> list:
    if value is None or value == "":
        return []
    if isinstance(value, list | tuple | set):
        return list(value)
    return [value]


# Writes -----------------------------------------------------------------------------


def _require_editor(actor) -> None:
    """Editors write; `actor=None` is the system itself (the command line, the
    demo), as for imports."""
    if actor is not None:
        require(can_edit_policy_catalogue(actor))


def _document(entry: Entry, trends: list[str]) -> str:
    """The search document: the entry's words in Spanish and English labels."""
    texts = [entry.name, entry.summary, str(entry.year), entry.slug.replace("-", " ")]
    texts += [str(y) for y in entry.amendment_years]
    texts += list(entry.parameters.values())
    texts += [s.get("title", "") for s in entry.sources]
    for language in ("es", "en"):
        with translation.override(language):
            texts.append(country_name(entry.country))
            texts.append(str(EntryKind(entry.kind).label))
            if entry.instrument_type:
                texts.append(str(InstrumentType(entry.instrument_type).label))
            texts += [str(Trend(t).label) for t in trends]
    return document(*texts)


def _save(*, actor, entry: Entry, data: dict, note: str) -> EntryRevision:
    created = entry.pk is None
    for field in (
        "slug",
        "kind",
        "country",
        "name",
        "year",
        "amendment_years",
        "instrument_type",
        "parameters",
        "summary",
        "sources",
        "last_checked",
    ):
        setattr(entry, field, data[field])
    entry.search_document = _document(entry, data["trends"])
    entry.save()
    EntryTrend.objects.filter(entry=entry).exclude(trend__in=data["trends"]).delete()
    have = set(EntryTrend.objects.filter(entry=entry).values_list("trend", flat=True))
    EntryTrend.objects.bulk_create(
        [EntryTrend(entry=entry, trend=t) for t in data["trends"] if t not in have]
    )
    entry.links.set(Entry.objects.filter(slug__in=data["links"]))
    entry.objectives.set(data["objectives"])
    last = entry.revisions.order_by("-number").values_list("number", flat=True).first()
    revision = EntryRevision.objects.create(
        entry=entry,
        number=(last or 0) + 1,
        data=snapshot(entry),
        note=note[:300],
        author=actor if getattr(actor, "pk", None) else None,
        author_username=getattr(actor, "username", "") or "",
    )
    events.entry_saved_event(
        actor=actor, entry=entry, revision=revision, created=created
    )
    return revision


@transaction.atomic
def entry_create(*, actor, data: dict[str, Any], note: str = "") -> Entry:
    _require_editor(actor)
    clean = clean_entry_data(data)
    if Entry.objects.filter(slug=clean["slug"]).exists():
        raise ValidationError({"slug": [_("another entry has this identifier")]})
    entry = Entry()
    _save(actor=actor, entry=entry, data=clean, note=note or _("Created"))
    return entry


@transaction.atomic
def entry_update(*, actor, entry: Entry, data: dict[str, Any], note: str = "") -> Entry:
    """Revise an entry. `data` may hold only some fields: the others keep their
    value. A save that changes nothing writes no revision."""
    _require_editor(actor)
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    current = snapshot(entry)
    clean = clean_entry_data({**current, **data})
    if (
        clean["slug"] != entry.slug
        and Entry.objects.filter(slug=clean["slug"]).exists()
    ):
        raise ValidationError({"slug": [_("another entry has this identifier")]})
    if _comparable(clean) == _comparable(current):
        return entry
    _save(actor=actor, entry=entry, data=clean, note=note or _("Revised"))
    return entry


def _comparable(data: dict) -> dict:
    data = dict(data)
    if isinstance(data.get("last_checked"), datetime.date):
        data["last_checked"] = data["last_checked"].isoformat()
    return data


@transaction.atomic
def catalogue_load(
    *, actor, entries: list[dict[str, Any]], note: str, file_name: str = ""
) -> dict[str, int]:
    """Create or revise many entries at once (an import), by slug: all or
    nothing. Links may point to entries further down the list. Raises
    ValidationError with the problems of each entry ("slug: field: message")."""
    _require_editor(actor)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    problems: list[str] = []
    in_file = {str(d.get("slug") or "") for d in entries} - {""}
    cleaned: list[dict] = []
    seen: set[str] = set()
    for number, data in enumerate(entries, 1):
        label = str(data.get("slug") or data.get("name") or f"#{number}")
        try:
            clean = clean_entry_data(data, known_slugs=in_file)
        except ValidationError as exc:
            problems.extend(_messages(label, exc))
            continue
        if clean["slug"] in seen:
            problems.append(f"{label}: slug: " + _("appears twice in the file"))
            continue
        seen.add(clean["slug"])
        # An entry without a links column keeps the links it has.
        clean["_keep_links"] = "links" not in data
        cleaned.append(clean)
    if problems:
        raise ValidationError(problems)
    # First pass: every entry, with the links that exist already; second pass:
    # the links to entries the file created, amending the revision just written.
    written: dict[str, tuple[EntryRevision, list[str]]] = {}
    for clean in cleaned:
        keep = clean.pop("_keep_links")
        entry = Entry.objects.filter(slug=clean["slug"]).first()
        current = snapshot(entry) if entry is not None else None
        if keep:
            clean["links"] = current["links"] if current else []
        if current is not None and _comparable(clean) == _comparable(current):
            counts["unchanged"] += 1
            continue
        counts["updated" if entry is not None else "created"] += 1
        final_links = clean["links"]
        clean = {
            **clean,
            "links": [s for s in final_links if Entry.objects.filter(slug=s).exists()],
        }
        revision = _save(actor=actor, entry=entry or Entry(), data=clean, note=note)
        if clean["links"] != final_links:
            written[clean["slug"]] = (revision, final_links)
    for revision, links in written.values():
        entry = revision.entry
        entry.links.set(Entry.objects.filter(slug__in=links))
        revision.data = snapshot(entry)
        revision.save(update_fields=["data"])
    events.catalogue_imported_event(actor=actor, file_name=file_name, counts=counts)
    return counts


def _messages(label: str, exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [
            f"{label}: {field}: {' '.join(m for e in errors for m in e.messages)}"
            for field, errors in exc.error_dict.items()
        ]
    return [f"{label}: {m}" for m in exc.messages]
