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
