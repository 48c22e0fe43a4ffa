"""The registry's event vocabulary: each function writes one audit event.

Instructor events carry field names only, never values: the audit trail is read by
people who may not see instructors' personal data.
"""

from semillero.accounts.audit import record_event


def _jsonable(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _changes(changes: dict) -> dict:
    return {
        field: [_jsonable(old), _jsonable(new)] for field, (old, new) in changes.items()
    }


def organization_created_event(*, actor, organization):
    return record_event(
        actor=actor,
        action="organization_created",
        obj=organization,
        summary=f"{organization.code} {organization.name}",
    )


def organization_updated_event(*, actor, organization, changes: dict):
    return record_event(
        actor=actor,
        action="organization_updated",
        obj=organization,
        summary=f"{organization.code}: {', '.join(changes)}",
        details={"changes": _changes(changes)},
    )


def organization_renamed_event(*, actor, organization, old_name, name_record):
    return record_event(
        actor=actor,
        action="organization_renamed",
        obj=organization,
        summary=f"{old_name} → {name_record.name} ({name_record.valid_from})",
        details={
            "old_name": old_name,
            "new_name": name_record.name,
            "acronym": name_record.acronym,
            "valid_from": name_record.valid_from.isoformat(),
        },
    )


def agreement_created_event(*, actor, agreement, parties):
    return record_event(
        actor=actor,
        action="agreement_created",
        obj=agreement,
        summary=f"{agreement.code} {agreement.title}",
        details={"parties": sorted(p.code for p in parties)},
    )


def agreement_updated_event(*, actor, agreement, changes: dict):
    return record_event(
        actor=actor,
        action="agreement_updated",
        obj=agreement,
        summary=f"{agreement.code}: {', '.join(changes)}",
        details={"changes": _changes(changes)},
    )


def instructor_created_event(*, actor, instructor):
    return record_event(
        actor=actor,
        action="instructor_created",
        obj=instructor,
        summary=f"{instructor.code} ({instructor.organization.code})",
    )


def instructor_updated_event(*, actor, instructor, changed_fields):
    return record_event(
        actor=actor,
        action="instructor_updated",
        obj=instructor,
        summary=f"{instructor.code}: {', '.join(changed_fields)}",
        details={"changed": sorted(changed_fields)},
    )
