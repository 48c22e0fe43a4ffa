"""The policy catalogue's event vocabulary: each function writes one audit event."""

from semillero.accounts.audit import record_event


def entry_saved_event(*, actor, entry, revision, created: bool):
    return record_event(
        actor=actor,
        action="policy_entry_created" if created else "policy_entry_updated",
        obj=entry,
        summary=f"{entry.slug} r{revision.number}: {revision.note}"[:500],
        details={"slug": entry.slug, "revision": revision.number},
    )


def catalogue_imported_event(*, actor, file_name: str, counts: dict):
    return record_event(
        actor=actor,
        action="policy_catalogue_imported",
        summary=f"{file_name}: {counts}",
        details={"file_name": file_name, **counts},
    )


def catalogue_exported_event(*, actor, file_format: str, entries: int):
    return record_event(
        actor=actor,
        action="policy_catalogue_exported",
        summary=f"{file_format}: {entries}",
        details={"format": file_format, "entries": entries},
    )
