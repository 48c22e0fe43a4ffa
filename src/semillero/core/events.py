"""Audit events of the shared pieces (imports): small keyword-only functions,
the only writers of these actions to the audit trail."""

from django.utils.translation import gettext as _

from semillero.accounts.audit import record_event

IMPORT_STARTED = "import.started"
IMPORT_FINISHED = "import.finished"


def import_started_event(*, batch, user):
    return record_event(
        actor=user,
        action=IMPORT_STARTED,
        obj=batch,
        summary=_("Import of %(kind)s started: %(file)s")
        % {"kind": batch.kind, "file": batch.file_name},
        details={
            "kind": batch.kind,
            "file_name": batch.file_name,
            "file_size": batch.file_size,
            "mode": batch.mode,
        },
    )


def import_finished_event(*, batch, user, updated_keys=()):
    """One event per import, with its counts and the keys of the records it
    changed (at most storing.UPDATED_KEYS_KEPT of them)."""
    updated_keys = list(updated_keys)
    return record_event(
        actor=user,
        action=IMPORT_FINISHED,
        obj=batch,
        summary=_(
            "Import of %(kind)s %(status)s: %(created)d created, "
            "%(updated)d updated, %(unchanged)d unchanged, %(rejected)d rejected"
        )
        % {
            "kind": batch.kind,
            "status": batch.get_status_display(),
            "created": batch.rows_created,
            "updated": batch.rows_updated,
            "unchanged": batch.rows_unchanged,
            "rejected": batch.rows_rejected,
        },
        details={
            "kind": batch.kind,
            "file_name": batch.file_name,
            "status": batch.status,
            "mode": batch.mode,
            "rows": batch.rows_total,
            "created": batch.rows_created,
            "updated": batch.rows_updated,
            "unchanged": batch.rows_unchanged,
            "rejected": batch.rows_rejected,
            "warned": batch.rows_warned,
            "file_error": batch.file_error,
            "updated_keys": updated_keys,
            "updated_keys_truncated": batch.rows_updated > len(updated_keys),
        },
    )
