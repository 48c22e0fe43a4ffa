"""Bulk upsert by natural key: one query to read a chunk's existing records,
one bulk insert, one bulk update; unchanged records are not written."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

# Keep at most this many keys of updated records for the audit event.
UPDATED_KEYS_KEPT = 100


@dataclass
class StoreResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    updated_keys: list[str] = field(default_factory=list)

    def add(self, other: "StoreResult") -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        room = UPDATED_KEYS_KEPT - len(self.updated_keys)
        self.updated_keys.extend(other.updated_keys[: max(room, 0)])


def upsert_chunk(
    *,
    model,
    key_fields: tuple[str, ...],
    records: list[dict],
    guard: Callable[[object], None] | None = None,
) -> StoreResult:
    """Insert the new records and update the changed ones of one chunk.

    Every record has the same keys: the key fields and the fields to set.
    Fields absent from the records are never touched on existing rows.
    """
    result = StoreResult()
    if not records:
        return result
    keys = [tuple(r[f] for f in key_fields) for r in records]
    # One IN filter per key field selects a superset; exact tuples match below.
    filters = {
        f"{name}__in": {key[i] for key in keys} for i, name in enumerate(key_fields)
    }
    existing = {
        tuple(getattr(obj, f) for f in key_fields): obj
        for obj in model.objects.filter(**filters)
    }
    fields = [f for f in records[0] if f not in key_fields]
    to_create, to_update, changed_fields = [], [], set()
    for key, record in zip(keys, records, strict=True):
        obj = existing.get(key)
        if obj is None:
            to_create.append(model(**record))
            continue
        diff = [f for f in fields if getattr(obj, f) != record[f]]
        if not diff:
            result.unchanged += 1
            continue
        if guard is not None:
            guard(obj)
        for name in diff:
            setattr(obj, name, record[name])
        changed_fields.update(diff)
        to_update.append(obj)
        if len(result.updated_keys) < UPDATED_KEYS_KEPT:
            result.updated_keys.append("/".join(str(k) for k in key))
    if to_create:
        model.objects.bulk_create(to_create)
        result.created = len(to_create)
    if to_update:
        # bulk_update bypasses auto_now, so stamp the change ourselves.
        if any(f.name == "updated_at" for f in model._meta.concrete_fields):
            now = timezone.now()
            for obj in to_update:
                obj.updated_at = now
            changed_fields.add("updated_at")
        model.objects.bulk_update(to_update, sorted(changed_fields))
        result.updated = len(to_update)
    return result
