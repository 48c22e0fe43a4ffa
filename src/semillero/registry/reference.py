"""Reference data shipped with Semillero and loaded after every migrate:
the country's departments (ISO 3166-2, from pycountry), and the data files in
`data/` (municipalities of the country, ISIC Rev.4 and ISCO-08 top levels).

Loading is idempotent (upsert by code) and never deletes, so user-imported
detail (districts, full classification tables) is kept.
"""

import csv
from pathlib import Path

import pycountry
from django.conf import settings
from django.db import transaction

from .models import ClassificationItem, Department, Municipality

DATA_DIR = Path(__file__).parent / "data"


def load_departments(country: str) -> int:
    subdivisions = pycountry.subdivisions.get(country_code=country) or []
    # Only the first level (departments, provinces, states): no parent code.
    top_level = [s for s in subdivisions if not getattr(s, "parent_code", None)]
    for sub in top_level:
        Department.objects.update_or_create(
            code=sub.code, defaults={"name": sub.name, "country": country}
        )
    return len(top_level)


def load_municipalities(country: str) -> int:
    path = DATA_DIR / f"municipalities_{country.lower()}.csv"
    if not path.exists():
        return 0
    departments = {d.code: d for d in Department.objects.filter(country=country)}
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        Municipality.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "department": departments[row["department"]],
            },
        )
    return len(rows)


def load_classifications() -> int:
    """Rows of `data/classifications.csv`: classification, code, level, parent_code,
    name_es, name_en — parents before children."""
    path = DATA_DIR / "classifications.csv"
    if not path.exists():
        return 0
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    existing = {(i.classification, i.code): i for i in ClassificationItem.objects.all()}
    for row in rows:
        parent = (
            existing.get((row["classification"], row["parent_code"]))
            if row["parent_code"]
            else None
        )
        item, _ = ClassificationItem.objects.update_or_create(
            classification=row["classification"],
            code=row["code"],
            defaults={
                "level": int(row["level"]),
                "name_es": row["name_es"],
                "name_en": row["name_en"],
                "parent": parent,
            },
        )
        existing[(item.classification, item.code)] = item
    return len(rows)


@transaction.atomic
def load_reference_data(country: str | None = None) -> dict[str, int]:
    country = country or settings.COUNTRY
    return {
        "departments": load_departments(country),
        "municipalities": load_municipalities(country),
        "classification_items": load_classifications(),
    }
