"""The quality app's event vocabulary: each function writes one audit event.

Changes are recorded as [old, new] per field. Nothing here is personal data: the
auditor is recorded by username, which the audit trail shows to administrators.
"""

from semillero.accounts.audit import record_event


def _jsonable(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "code"):
        return value.code
    if hasattr(value, "username"):
        return value.username
    return str(value)


def _changes(changes: dict) -> dict:
    return {
        field: [_jsonable(old), _jsonable(new)] for field, (old, new) in changes.items()
    }


def accreditation_created_event(*, actor, accreditation):
    return record_event(
        actor=actor,
        action="accreditation_created",
        obj=accreditation,
        summary=f"{accreditation.organization.code}: {accreditation.status}",
        details={
            "organization": accreditation.organization.code,
            "status": accreditation.status,
            "valid_from": _jsonable(accreditation.valid_from),
            "valid_until": _jsonable(accreditation.valid_until),
            "decision_reference": accreditation.decision_reference,
        },
    )


def accreditation_updated_event(*, actor, accreditation, changes: dict):
    return record_event(
        actor=actor,
        action="accreditation_updated",
        obj=accreditation,
        summary=f"{accreditation.organization.code}: {', '.join(changes)}",
        details={"changes": _changes(changes)},
    )


def programme_accreditation_created_event(*, actor, accreditation):
    return record_event(
        actor=actor,
        action="programme_accreditation_created",
        obj=accreditation,
        summary=(
            f"{accreditation.organization.code} · {accreditation.programme.code}: "
            f"{accreditation.status}"
        ),
        details={
            "organization": accreditation.organization.code,
            "programme": accreditation.programme.code,
            "status": accreditation.status,
            "valid_from": _jsonable(accreditation.valid_from),
            "valid_until": _jsonable(accreditation.valid_until),
        },
    )


def programme_accreditation_updated_event(*, actor, accreditation, changes: dict):
    return record_event(
        actor=actor,
        action="programme_accreditation_updated",
        obj=accreditation,
        summary=(
            f"{accreditation.organization.code} · {accreditation.programme.code}: "
            f"{', '.join(changes)}"
        ),
        details={"changes": _changes(changes)},
    )


def audit_created_event(*, actor, audit, findings: int):
    return record_event(
        actor=actor,
        action="quality_audit_created",
        obj=audit,
        summary=f"{audit.organization.code} {audit.audit_date.isoformat()}",
        details={
            "organization": audit.organization.code,
            "audit_date": audit.audit_date.isoformat(),
            "type": audit.type,
            "result": audit.result,
            "auditor": _jsonable(audit.auditor),
            "findings": findings,
        },
    )


def audit_updated_event(*, actor, audit, changes: dict):
    return record_event(
        actor=actor,
        action="quality_audit_updated",
        obj=audit,
        summary=f"{audit.organization.code} {audit.audit_date}: {', '.join(changes)}",
        details={"changes": _changes(changes)},
    )


def finding_created_event(*, actor, finding):
    return record_event(
        actor=actor,
        action="finding_created",
        obj=finding,
        summary=f"{finding.audit.organization.code}: {finding.severity}",
        details={
            "audit": finding.audit_id,
            "severity": finding.severity,
            "due_date": finding.due_date.isoformat(),
        },
    )


def finding_updated_event(*, actor, finding, changes: dict):
    closed = changes.get("status", (None, None))[1] == "closed"
    return record_event(
        actor=actor,
        action="finding_closed" if closed else "finding_updated",
        obj=finding,
        summary=f"{finding.audit.organization.code}: {', '.join(changes)}",
        details={"audit": finding.audit_id, "changes": _changes(changes)},
    )


def facility_created_event(*, actor, facility):
    return record_event(
        actor=actor,
        action="facility_created",
        obj=facility,
        summary=f"{facility.organization.code}: {facility.name}",
        details={"organization": facility.organization.code, "kind": facility.kind},
    )


def facility_updated_event(*, actor, facility, changes: dict):
    return record_event(
        actor=actor,
        action="facility_updated",
        obj=facility,
        summary=f"{facility.organization.code} {facility.name}: {', '.join(changes)}",
        details={"changes": _changes(changes)},
    )
