"""Every write of the quality app: accreditations (of centres and of programmes),
quality audits and their findings, facilities and their equipment.

Each service checks permission first (`accounts.permissions`), validates, writes in
one transaction and records an audit event (`quality.events`). Validation errors are
`ValidationError`s keyed by field, so forms and the API show them next to the field.
Services that compare with "today" take it as an optional keyword (tests pass a
fixed day; everyone else gets the local date).
"""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from semillero.accounts.models import Role
from semillero.accounts.permissions import (
    can_follow_up_finding,
    can_manage_facilities,
    can_manage_quality,
    require,
)
from semillero.registry.models import (
    Department,
    Instructor,
    Municipality,
    Organization,
    OrganizationType,
    TrainingArea,
)
from semillero.training.models import Programme

from . import events
from .models import (
    IN_FORCE_STATUSES,
    Accreditation,
    AccreditationStatus,
    Equipment,
    EquipmentCondition,
    Facility,
    Finding,
    FindingStatus,
    ProgrammeAccreditation,
    QualityAudit,
)

ACCREDITATION_UPDATABLE = frozenset(
    {"status", "scope", "valid_from", "valid_until", "decision_reference"}
)
PROGRAMME_ACCREDITATION_UPDATABLE = frozenset(
    {"status", "valid_from", "valid_until", "decision_reference"}
)
AUDIT_UPDATABLE = frozenset({"audit_date", "type", "auditor", "result", "summary"})
FINDING_UPDATABLE = frozenset(
    {
        "severity",
        "description",
        "required_action",
        "due_date",
        "status",
        "closing_note",
        "closed_on",
    }
)
# What the audited organization's data officer may change: the follow-up.
FINDING_FOLLOW_UP = frozenset({"status", "closing_note"})
FACILITY_UPDATABLE = frozenset(
    {
        "name",
        "kind",
        "training_areas",
        "department",
        "municipality",
        "capacity",
        "available_to_share",
        "contact_note",
        "instructors",
        "equipment",
    }
)
# Roles whose users may audit: the institute's own staff.
AUDITOR_ROLES = (Role.NATIONAL_ADMIN, Role.ANALYST)


def _check_keys(data: dict, allowed: frozenset) -> None:
    unknown = set(data) - allowed
    if unknown:
        # A programming error, not a user's: callers pass whitelisted fields only.
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _model_errors(instance, exclude=()) -> dict[str, list[str]]:
    """Field validation of the model (lengths, choices); constraints are checked by
    the services with messages a person understands."""
    try:
        instance.full_clean(exclude=list(exclude), validate_constraints=False)
    except ValidationError as exc:
        return dict(exc.message_dict)
    return {}


def _add(errors: dict, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _apply(instance, data: dict) -> dict:
    """Set the changed fields of `data` on `instance`; {field: (old, new)}."""
    changes = {}
    for field, value in data.items():
        value = _strip(value)
        old = getattr(instance, field)
        if old != value:
            changes[field] = (old, value)
            setattr(instance, field, value)
    return changes


# Accreditation ----------------------------------------------------------------------


def _dates_errors(record, errors: dict) -> None:
    if record.status in IN_FORCE_STATUSES:
        if record.valid_from is None:
            _add(errors, "valid_from", _("An accreditation in force needs its start."))
        if record.valid_until is None:
            _add(
                errors,
                "valid_until",
                _("An accreditation in force needs the date it lapses."),
            )
    if (
        record.valid_from
        and record.valid_until
        and record.valid_until < record.valid_from
    ):
        _add(errors, "valid_until", _("It cannot lapse before it starts."))


def _overlap_errors(record, others, errors: dict) -> None:
    """Two records in force over the same days would make the status ambiguous."""
    if not (
        record.status in IN_FORCE_STATUSES and record.valid_from and record.valid_until
    ):
        return
    overlapping = (
        others.filter(
            status__in=IN_FORCE_STATUSES,
            valid_from__lte=record.valid_until,
            valid_until__gte=record.valid_from,
        )
        .exclude(pk=record.pk)
        .order_by("valid_from")
        .first()
    )
    if overlapping is not None:
        _add(
            errors,
            "valid_from",
            _(
                "Another accreditation is in force from %(start)s to %(end)s: "
                "change its dates or status first."
            )
            % {
                "start": overlapping.valid_from.isoformat(),
                "end": overlapping.valid_until.isoformat(),
            },
        )


def _centre_errors(organization: Organization, errors: dict) -> None:
    if organization.type != OrganizationType.TRAINING_CENTRE:
        _add(
            errors,
            "organization",
            _("Only training centres are accredited; %(name)s is a %(type)s.")
            % {"name": organization.name, "type": organization.get_type_display()},
        )


def _accreditation_errors(accreditation: Accreditation) -> dict:
    errors = _model_errors(accreditation, exclude=["organization"])
    _centre_errors(accreditation.organization, errors)
    _dates_errors(accreditation, errors)
    _overlap_errors(
        accreditation,
        Accreditation.objects.filter(organization=accreditation.organization_id),
        errors,
    )
    return errors


def accreditation_create(
    *,
    actor,
    organization: Organization,
    status: str = AccreditationStatus.IN_PROCESS,
    scope: str = "",
    valid_from: date | None = None,
    valid_until: date | None = None,
    decision_reference: str = "",
) -> Accreditation:
    """Record the institute's accreditation (or application) of a training centre.
    A renewal is a new record: the old one keeps its dates."""
    require(can_manage_quality(actor), _("Only the institute manages accreditations."))
    accreditation = Accreditation(
        organization=organization,
        status=status,
        scope=_strip(scope),
        valid_from=valid_from,
        valid_until=valid_until,
        decision_reference=_strip(decision_reference),
    )
    _raise(_accreditation_errors(accreditation))
    with transaction.atomic():
        accreditation.save()
        events.accreditation_created_event(actor=actor, accreditation=accreditation)
    return accreditation


def accreditation_update(
    *, actor, accreditation: Accreditation, data: dict[str, Any]
) -> Accreditation:
    require(can_manage_quality(actor), _("Only the institute manages accreditations."))
    _check_keys(data, ACCREDITATION_UPDATABLE)
    with transaction.atomic():
        accreditation = (
            Accreditation.objects.select_for_update(of=("self",))
            .select_related("organization")
            .get(pk=accreditation.pk)
        )
        changes = _apply(accreditation, data)
        if not changes:
            return accreditation
        _raise(_accreditation_errors(accreditation))
        accreditation.save()
        events.accreditation_updated_event(
            actor=actor, accreditation=accreditation, changes=changes
        )
    return accreditation


def _programme_accreditation_errors(record: ProgrammeAccreditation) -> dict:
    errors = _model_errors(record, exclude=["organization", "programme"])
    _centre_errors(record.organization, errors)
    _dates_errors(record, errors)
    _overlap_errors(
        record,
        ProgrammeAccreditation.objects.filter(
            organization=record.organization_id, programme=record.programme_id
        ),
        errors,
    )
    return errors


def programme_accreditation_create(
    *,
    actor,
    organization: Organization,
    programme: Programme,
    status: str = AccreditationStatus.IN_PROCESS,
    valid_from: date | None = None,
    valid_until: date | None = None,
    decision_reference: str = "",
) -> ProgrammeAccreditation:
    """Record that a training centre may (or asks to) deliver a programme."""
    require(can_manage_quality(actor), _("Only the institute manages accreditations."))
    record = ProgrammeAccreditation(
        organization=organization,
        programme=programme,
        status=status,
        valid_from=valid_from,
        valid_until=valid_until,
        decision_reference=_strip(decision_reference),
    )
    _raise(_programme_accreditation_errors(record))
    with transaction.atomic():
        record.save()
        events.programme_accreditation_created_event(actor=actor, accreditation=record)
    return record


def programme_accreditation_update(
    *, actor, accreditation: ProgrammeAccreditation, data: dict[str, Any]
) -> ProgrammeAccreditation:
    require(can_manage_quality(actor), _("Only the institute manages accreditations."))
    _check_keys(data, PROGRAMME_ACCREDITATION_UPDATABLE)
    with transaction.atomic():
        record = (
            ProgrammeAccreditation.objects.select_for_update(of=("self",))
            .select_related("organization", "programme")
            .get(pk=accreditation.pk)
        )
        changes = _apply(record, data)
        if not changes:
            return record
        _raise(_programme_accreditation_errors(record))
        record.save()
        events.programme_accreditation_updated_event(
            actor=actor, accreditation=record, changes=changes
        )
    return record


# Audits and findings ------------------------------------------------------------------


def _audit_errors(audit: QualityAudit, today: date) -> dict:
    errors = _model_errors(audit, exclude=["organization", "auditor"])
    if audit.audit_date and audit.audit_date > today and audit.result:
        _add(errors, "result", _("An audit still to come has no result yet."))
    auditor = audit.auditor
    if auditor is not None:
        if not auditor.is_active or auditor.role not in AUDITOR_ROLES:
            _add(
                errors,
                "auditor",
                _("The auditor must be an active member of the institute's staff."),
            )
        elif auditor.organization_id == audit.organization_id:
            _add(
                errors,
                "auditor",
                _("An organization cannot be audited by its own staff."),
            )
    return errors


def _finding_errors(finding: Finding, audit: QualityAudit, today: date) -> dict:
    errors = _model_errors(finding, exclude=["audit"])
    if finding.due_date and audit.audit_date and finding.due_date < audit.audit_date:
        _add(
            errors,
            "due_date",
            _("The due date cannot be before the audit (%(date)s).")
            % {"date": audit.audit_date.isoformat()},
        )
    if finding.status == FindingStatus.CLOSED:
        if finding.closed_on is None:
            _add(errors, "closed_on", _("Give the date the finding was closed."))
        elif finding.closed_on > today:
            _add(errors, "closed_on", _("A finding cannot be closed in the future."))
        elif audit.audit_date and finding.closed_on < audit.audit_date:
            _add(errors, "closed_on", _("A finding cannot be closed before its audit."))
        if not (finding.closing_note or "").strip():
            _add(
                errors,
                "closing_note",
                _("Say how the finding was resolved before closing it."),
            )
    elif finding.closed_on is not None:
        _add(errors, "closed_on", _("Only a closed finding has a closing date."))
    return errors


def _finding_from(data: dict) -> Finding:
    return Finding(
        severity=data.get("severity", ""),
        description=_strip(data.get("description", "")),
        required_action=_strip(data.get("required_action", "")),
        due_date=data.get("due_date"),
        status=data.get("status") or FindingStatus.OPEN,
        closing_note=_strip(data.get("closing_note", "")),
        closed_on=data.get("closed_on"),
    )


def audit_create(
    *,
    actor,
    organization: Organization,
    audit_date: date,
    type: str,
    auditor=None,
    result: str = "",
    summary: str = "",
    findings: Iterable[dict[str, Any]] = (),
    today: date | None = None,
) -> QualityAudit:
    """Record a quality audit and, in the same transaction, its findings (dicts with
    severity, description, required_action, due_date and optionally status,
    closing_note, closed_on). Errors of the n-th finding come keyed
    "findings-<n>-<field>" (n from 0)."""
    require(can_manage_quality(actor), _("Only the institute records audits."))
    today = today or timezone.localdate()
    audit = QualityAudit(
        organization=organization,
        audit_date=audit_date,
        type=type,
        auditor=auditor,
        result=result or "",
        summary=_strip(summary),
    )
    errors = _audit_errors(audit, today)
    new_findings = []
    for n, data in enumerate(findings):
        finding = _finding_from(data)
        for field, messages in _finding_errors(finding, audit, today).items():
            errors.setdefault(f"findings-{n}-{field}", []).extend(messages)
        new_findings.append(finding)
    if new_findings and audit_date and audit_date > today:
        _add(errors, "audit_date", _("An audit still to come has no findings yet."))
    _raise(errors)
    with transaction.atomic():
        audit.save()
        for finding in new_findings:
            finding.audit = audit
        Finding.objects.bulk_create(new_findings)
        events.audit_created_event(actor=actor, audit=audit, findings=len(new_findings))
        for finding in new_findings:
            events.finding_created_event(actor=actor, finding=finding)
    return audit


def audit_update(
    *,
    actor,
    audit: QualityAudit,
    data: dict[str, Any],
    today: date | None = None,
) -> QualityAudit:
    require(can_manage_quality(actor), _("Only the institute records audits."))
    _check_keys(data, AUDIT_UPDATABLE)
    today = today or timezone.localdate()
    with transaction.atomic():
        audit = (
            QualityAudit.objects.select_for_update(of=("self",))
            .select_related("organization", "auditor")
            .get(pk=audit.pk)
        )
        data = {**data}
        if "result" in data and data["result"] is None:
            data["result"] = ""
        changes = _apply(audit, data)
        if not changes:
            return audit
        errors = _audit_errors(audit, today)
        if "audit_date" in changes:
            earliest = audit.findings.order_by("due_date").first()
            if earliest is not None and earliest.due_date < audit.audit_date:
                _add(
                    errors,
                    "audit_date",
                    _("A finding of this audit is due before that date."),
                )
            if audit.audit_date > today and audit.findings.exists():
                _add(
                    errors,
                    "audit_date",
                    _("An audit still to come has no findings yet."),
                )
        _raise(errors)
        audit.save()
        events.audit_updated_event(actor=actor, audit=audit, changes=changes)
    return audit


def finding_create(
    *,
    actor,
    audit: QualityAudit,
    severity: str,
    description: str,
    due_date: date,
    required_action: str = "",
    today: date | None = None,
) -> Finding:
    """Add a finding to an audit already held."""
    require(can_manage_quality(actor), _("Only the institute records findings."))
    today = today or timezone.localdate()
    finding = _finding_from(
        {
            "severity": severity,
            "description": description,
            "required_action": required_action,
            "due_date": due_date,
        }
    )
    finding.audit = audit
    errors = _finding_errors(finding, audit, today)
    if audit.audit_date > today:
        _add(errors, "due_date", _("An audit still to come has no findings yet."))
    _raise(errors)
    with transaction.atomic():
        finding.save()
        events.finding_created_event(actor=actor, finding=finding)
    return finding


def finding_update(
    *,
    actor,
    finding: Finding,
    data: dict[str, Any],
    today: date | None = None,
) -> Finding:
    """Change a finding. The institute changes anything, and closes it; the audited
    organization's data officer follows it up: status (open, in progress) and the
    closing note, the account of what it did, which the institute reads before
    closing. Reopening a finding clears its closing date."""
    organization = finding.audit.organization
    require(
        can_follow_up_finding(actor, organization),
        _("You may not follow up this finding."),
    )
    _check_keys(data, FINDING_UPDATABLE)
    manager = can_manage_quality(actor)
    if not manager:
        require(
            not set(data) - FINDING_FOLLOW_UP,
            _("Your organization follows up a finding: status and closing note."),
        )
    today = today or timezone.localdate()
    with transaction.atomic():
        finding = (
            Finding.objects.select_for_update(of=("self",))
            .select_related("audit", "audit__organization")
            .get(pk=finding.pk)
        )
        data = {**data}
        new_status = data.get("status", finding.status)
        if not manager:
            require(
                finding.status != FindingStatus.CLOSED,
                _("The institute closed this finding; ask it to reopen it."),
            )
            require(
                new_status != FindingStatus.CLOSED,
                _("The institute closes findings once it has checked them."),
            )
        if (
            finding.status == FindingStatus.CLOSED
            and new_status != FindingStatus.CLOSED
        ):
            data.setdefault("closed_on", None)  # reopened: no longer closed on a day
        changes = _apply(finding, data)
        if not changes:
            return finding
        _raise(_finding_errors(finding, finding.audit, today))
        finding.save()
        events.finding_updated_event(actor=actor, finding=finding, changes=changes)
    return finding


def finding_close(
    *,
    actor,
    finding: Finding,
    closing_note: str,
    closed_on: date | None = None,
    today: date | None = None,
) -> Finding:
    """The institute closes a finding, on `closed_on` (default today)."""
    require(can_manage_quality(actor), _("Only the institute closes findings."))
    today = today or timezone.localdate()
    return finding_update(
        actor=actor,
        finding=finding,
        data={
            "status": FindingStatus.CLOSED,
            "closing_note": closing_note,
            "closed_on": closed_on or today,
        },
        today=today,
    )


# Facilities ---------------------------------------------------------------------------


def _equipment_rows(equipment: Iterable[dict[str, Any]]) -> list[Equipment]:
    rows = []
    for data in equipment:
        rows.append(
            Equipment(
                item=_strip(data.get("item", "")),
                quantity=data.get("quantity")
                if data.get("quantity") is not None
                else 1,
                condition=data.get("condition") or EquipmentCondition.GOOD,
            )
        )
    return rows


def _equipment_key(rows) -> list[tuple]:
    return sorted((e.item, e.quantity, e.condition) for e in rows)


def _facility_errors(
    facility: Facility,
    *,
    instructors: list[Instructor] | None,
    equipment: list[Equipment] | None,
) -> dict:
    errors = _model_errors(facility, exclude=["organization"])
    if (
        facility.municipality_id
        and facility.department_id
        and facility.municipality.department_id != facility.department_id
    ):
        _add(
            errors,
            "municipality",
            _("%(municipality)s is not in %(department)s.")
            % {
                "municipality": facility.municipality,
                "department": facility.department,
            },
        )
    if facility.capacity is not None and facility.capacity < 1:
        _add(errors, "capacity", _("The capacity is at least one person."))
    if instructors:
        foreign = sorted(
            i.code for i in instructors if i.organization_id != facility.organization_id
        )
        if foreign:
            _add(
                errors,
                "instructors",
                _("These instructors are not of %(organization)s: %(codes)s.")
                % {
                    "organization": facility.organization.name,
                    "codes": ", ".join(foreign),
                },
            )
    for n, item in enumerate(equipment or []):
        item_errors = _model_errors(item, exclude=["facility"])
        if item.quantity is not None and item.quantity < 1:
            item_errors.setdefault("quantity", []).append(
                _("The quantity is at least one.")
            )
        for field, messages in item_errors.items():
            errors.setdefault(f"equipment-{n}-{field}", []).extend(messages)
    return errors


def facility_create(
    *,
    actor,
    organization: Organization,
    name: str,
    kind: str,
    department: Department,
    municipality: Municipality | None = None,
    training_areas: Iterable[TrainingArea] = (),
    capacity: int | None = None,
    available_to_share: bool = False,
    contact_note: str = "",
    instructors: Iterable[Instructor] = (),
    equipment: Iterable[dict[str, Any]] = (),
) -> Facility:
    """Register a facility of an organization with its equipment (dicts with item,
    quantity, condition) and the instructors who work in it."""
    require(
        can_manage_facilities(actor, organization),
        _("You may not register facilities of this organization."),
    )
    facility = Facility(
        organization=organization,
        name=_strip(name),
        kind=kind,
        department=department,
        municipality=municipality,
        capacity=capacity,
        available_to_share=bool(available_to_share),
        contact_note=_strip(contact_note),
    )
    instructors = list(dict.fromkeys(instructors))
    rows = _equipment_rows(equipment)
    _raise(_facility_errors(facility, instructors=instructors, equipment=rows))
    with transaction.atomic():
        facility.save()
        facility.training_areas.set(list(training_areas))
        facility.instructors.set(instructors)
        for row in rows:
            row.facility = facility
        Equipment.objects.bulk_create(rows)
        events.facility_created_event(actor=actor, facility=facility)
    return facility


def facility_update(*, actor, facility: Facility, data: dict[str, Any]) -> Facility:
    """Change a facility; `equipment`, when given, replaces the whole list."""
    require(
        can_manage_facilities(actor, facility.organization_id),
        _("You may not edit this facility."),
    )
    _check_keys(data, FACILITY_UPDATABLE)
    with transaction.atomic():
        facility = (
            Facility.objects.select_for_update(of=("self",))
            .select_related("organization", "department", "municipality")
            .get(pk=facility.pk)
        )
        data = {**data}
        areas = data.pop("training_areas", None)
        instructors = data.pop("instructors", None)
        equipment = data.pop("equipment", None)
        if "available_to_share" in data:
            data["available_to_share"] = bool(data["available_to_share"])
        changes = _apply(facility, data)
        if areas is not None:
            areas = list(dict.fromkeys(areas))
            old = sorted(a.code for a in facility.training_areas.all())
            new = sorted(a.code for a in areas)
            if old != new:
                changes["training_areas"] = (", ".join(old), ", ".join(new))
        if instructors is not None:
            instructors = list(dict.fromkeys(instructors))
            old = sorted(i.code for i in facility.instructors.all())
            new = sorted(i.code for i in instructors)
            if old != new:
                changes["instructors"] = (", ".join(old), ", ".join(new))
        rows = None
        if equipment is not None:
            rows = _equipment_rows(equipment)
            current = list(facility.equipment.all())
            if _equipment_key(current) != _equipment_key(rows):
                changes["equipment"] = (len(current), len(rows))
        if not changes:
            return facility
        _raise(_facility_errors(facility, instructors=instructors, equipment=rows))
        facility.save()
        if "training_areas" in changes:
            facility.training_areas.set(areas)
        if "instructors" in changes:
            facility.instructors.set(instructors)
        if "equipment" in changes:
            facility.equipment.all().delete()
            for row in rows:
                row.facility = facility
            Equipment.objects.bulk_create(rows)
        events.facility_updated_event(actor=actor, facility=facility, changes=changes)
    return facility
