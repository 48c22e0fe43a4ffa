"""Audit events of the training app: small keyword-only functions, the only
writers of these actions to the audit trail. No personal value ever goes into
an event: counts and field names only."""

from django.utils.translation import gettext as _

from semillero.accounts.audit import record_event

TRAINEES_IMPORTED = "training.trainees_imported"


def trainees_imported_event(
    *, batch, user, created: int, changed: int, changed_fields: dict[str, int]
):
    """One event per enrolments import: how many trainees it created and
    changed and, per attribute, how many trainees had it changed."""
    return record_event(
        actor=user,
        action=TRAINEES_IMPORTED,
        obj=batch,
        summary=_(
            "Trainees from an enrolments import: %(created)d created, %(changed)d changed"
        )
        % {"created": created, "changed": changed},
        details={
            "created": created,
            "changed": changed,
            "changed_fields": dict(sorted(changed_fields.items())),
        },
    )


# Single-entity writes from the pages and the API (training.services) -------------
# Values are recorded for reference data (programmes, course runs, requests, levy),
# which holds no personal data; an enrolment's event names its status only.


def _jsonable(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if hasattr(value, "code"):
        return value.code
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _changes(changes: dict) -> dict:
    return {
        field: [_jsonable(old), _jsonable(new)] for field, (old, new) in changes.items()
    }


def programme_created_event(*, actor, programme):
    return record_event(
        actor=actor,
        action="programme_created",
        obj=programme,
        summary=f"{programme.code} {programme.name}",
    )


def programme_updated_event(*, actor, programme, changes: dict):
    return record_event(
        actor=actor,
        action="programme_updated",
        obj=programme,
        summary=f"{programme.code}: {', '.join(changes)}",
        details={"changes": _changes(changes)},
    )


def course_run_created_event(*, actor, course_run):
    return record_event(
        actor=actor,
        action="course_run_created",
        obj=course_run,
        summary=f"{course_run.code} ({course_run.provider.code})",
    )


def course_run_updated_event(*, actor, course_run, changes: dict):
    return record_event(
        actor=actor,
        action="course_run_updated",
        obj=course_run,
        summary=f"{course_run.code}: {', '.join(changes)}",
        details={"changes": _changes(changes)},
    )


def enrolment_status_changed_event(*, actor, enrolment, old_status: str):
    return record_event(
        actor=actor,
        action="enrolment_status_changed",
        obj=enrolment,
        summary=f"{enrolment.course_run.code}: {old_status} → {enrolment.status}",
        details={
            "course_run": enrolment.course_run.code,
            "old_status": old_status,
            "new_status": enrolment.status,
        },
    )


def service_request_created_event(*, actor, service_request):
    return record_event(
        actor=actor,
        action="service_request_created",
        obj=service_request,
        summary=f"{service_request.company.code}: {service_request.topic}",
        details={"workers": service_request.workers},
    )


def service_request_updated_event(*, actor, service_request, changes: dict):
    return record_event(
        actor=actor,
        action="service_request_updated",
        obj=service_request,
        summary=f"{service_request.company.code}: {', '.join(changes)}",
        details={"changes": _changes(changes)},
    )


def levy_contribution_created_event(*, actor, contribution):
    return record_event(
        actor=actor,
        action="levy_contribution_created",
        obj=contribution,
        summary=f"{contribution.company.code} {contribution.period:%Y-%m}",
        details={"amount_usd": str(contribution.amount_usd)},
    )
