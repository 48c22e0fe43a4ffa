"""The catalogue as a file: export to JSON or CSV, and read either back for
`services.catalogue_load` (imports by slug; a re-import changes nothing).

JSON is a list of entries as `services.snapshot` writes them. CSV has one row per
entry and the same columns; list cells separate their items with " | ":

    amendment_years   2005 | 2020
    trends            work_based | governance
    parameters        rate: 1 % de la planilla | firm_size_threshold: 10 o más
    sources           https://… Título | https://…
    links, objectives slug | slug ; 3 | 7
"""

import csv
import io
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import Entry
from .services import FIELDS, snapshot

SEPARATOR = " | "
LIST_FIELDS = ("amendment_years", "trends", "links", "objectives")
MAX_FILE_SIZE = 5 * 1024 * 1024


def export_entries() -> list[dict[str, Any]]:
    entries = Entry.objects.prefetch_related("trends", "links", "objectives").order_by(
        "country", "year", "slug"
    )
    return [snapshot(e) for e in entries]


def to_json(entries: list[dict]) -> str:
    return json.dumps(entries, ensure_ascii=False, indent=2) + "\n"


def to_csv(entries: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    for entry in entries:
        row = dict(entry)
        for name in LIST_FIELDS:
            row[name] = SEPARATOR.join(str(v) for v in entry[name])
        row["parameters"] = SEPARATOR.join(
            f"{k}: {v}" for k, v in entry["parameters"].items()
        )
        row["sources"] = SEPARATOR.join(
            f"{s['url']} {s.get('title', '')}".strip() for s in entry["sources"]
        )
        row["last_checked"] = entry["last_checked"] or ""
        writer.writerow(row)
    return out.getvalue()


def read_file(name: str, content: bytes) -> list[dict[str, Any]]:
    """The entries of an uploaded file (JSON or CSV, by its name or content)."""
    if len(content) > MAX_FILE_SIZE:
        raise ValidationError(_("The file is too large."))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_("The file is not UTF-8 text.")) from None
    if name.lower().endswith(".json") or text.lstrip().startswith("["):
        return _read_json(text)
    return _read_csv(text)


def _read_json(text: str) -> list[dict]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(
            _("The file is not valid JSON (line %(line)d).") % {"line": exc.lineno}
        ) from None
    if not isinstance(data, list) or not all(isinstance(e, dict) for e in data):
        raise ValidationError(_("The JSON file must hold a list of entries."))
    return data


def _read_csv(text: str) -> list[dict]:
    # Comma or semicolon, whichever the header row uses more (data-formats.md).
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    if reader.fieldnames is None:
        raise ValidationError(_("The file is empty."))
    headers = [h.strip().lower() for h in reader.fieldnames]
    if "name" not in headers:
        raise ValidationError(_("The file has no “name” column."))
    entries = []
    for raw in reader:
        row = {k.strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        entry: dict[str, Any] = {k: v for k, v in row.items() if k in FIELDS}
        for name in LIST_FIELDS:
            if name in entry:
                entry[name] = _split(entry[name])
        if "parameters" in entry:
            parameters = {}
            for item in _split(entry["parameters"]):
                key, _sep, value = item.partition(":")
                parameters[key.strip()] = value.strip()
            entry["parameters"] = parameters
        if "sources" in entry:
            entry["sources"] = [
                {"url": url, "title": title.strip()}
                for url, _sep, title in (
                    s.partition(" ") for s in _split(entry["sources"])
                )
            ]
        entries.append(entry)
    return entries


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split("|") if part.strip()]
