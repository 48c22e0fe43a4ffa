"""The writes of the import framework. Pages, the CLI and the background task
all go through these functions, so the same permissions and rules apply."""

import logging
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePath

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from semillero.accounts.permissions import can_import, require
from semillero.core.events import import_finished_event, import_started_event
from semillero.core.models import ImportBatch, ImportMode, ImportStatus
from semillero.core.signals import import_stored

from . import progress
from .badrows import bad_rows_csv
from .base import Importer, get_importer, importer_classes
from .engine import ImportRun
from .errors import ImportFileError, RowError
from .reading import file_format, read_table

logger = logging.getLogger(__name__)


@dataclass
class ImportReport:
    """What the caller of `import_batch_process` needs beyond the batch: every
    row error (the batch keeps only the first MAX_ERRORS_KEPT) and whether the
    import stopped on an unexpected error rather than on the data."""

    batch: ImportBatch
    errors: list[RowError]
    crashed: bool = False


def importable_kinds(user) -> dict[str, type[Importer]]:
    """The kinds `user` may import (every kind for the system: user None)."""
    return {
        kind: cls
        for kind, cls in importer_classes().items()
        if user is None or can_import(user, kind)
    }


def check_upload(*, file_name: str, size: int) -> None:
    """Refuse, before storing anything, files of the wrong type or size."""
    if file_format(file_name) is None:
        raise ImportFileError(_("Only CSV and XLSX files can be imported."))
    if size == 0:
        raise ImportFileError(_("The file is empty."))
    if size > settings.IMPORT_MAX_FILE_BYTES:
        raise ImportFileError(
            _("The file is larger than the maximum of %(max)s.")
            % {"max": filesizeformat(settings.IMPORT_MAX_FILE_BYTES)}
        )


def import_batch_create(
    *,
    kind: str,
    user,
    file: File,
    file_name: str,
    all_or_nothing: bool = False,
    form_token: str = "",
    language: str | None = None,
) -> tuple[ImportBatch, bool]:
    """Record an uploaded file as a queued import. Returns (batch, created):
    a second submit of the same form (same `form_token`) returns the first batch.
    """
    get_importer(kind)
    if user is not None:
        require(
            can_import(user, kind),
            _("You are not allowed to import %(kind)s.") % {"kind": kind},
        )
    if form_token and user is not None:
        existing = ImportBatch.objects.filter(user=user, form_token=form_token).first()
        if existing:
            return existing, False
    check_upload(file_name=file_name, size=file.size)
    batch = ImportBatch(
        kind=kind,
        user=user,
        file_name=PurePath(file_name).name[:255],
        file_size=file.size,
        mode=ImportMode.ALL_OR_NOTHING if all_or_nothing else ImportMode.VALID_ROWS,
        language=language or translation.get_language() or settings.LANGUAGE_CODE,
        form_token=form_token if user is not None else "",
    )
    batch.file.save(file_name, file, save=False)
    try:
        with transaction.atomic():
            batch.save()
    except IntegrityError:
        # The same form submitted twice at the same instant: keep the first.
        batch.file.delete(save=False)
        return ImportBatch.objects.get(user=user, form_token=form_token), False
    return batch, True


def import_batch_submit(*, batch: ImportBatch, background: bool) -> None:
    """Process the batch now, or hand it to the background worker."""
    if background:
        from semillero.core.tasks import process_import

        # After commit: the worker must find the batch row.
        transaction.on_commit(lambda: process_import.enqueue(batch.pk))
    else:
        import_batch_process(batch=batch)


def import_batch_process(
    *, batch: ImportBatch, importer: Importer | None = None
) -> ImportReport:
    """Validate and store the batch's file in one transaction.

    Default mode stores every valid row and rejects the others; all-or-nothing
    stores nothing when any row is rejected. An exception while storing rolls
    everything back and the batch is marked failed.

    `importer`: an importer made by the caller for a file that belongs to one
    object (e.g. a consultation's answers) rather than to a registered kind; the
    caller has checked the permission.
    """
    user = batch.user
    with translation.override(batch.language or settings.LANGUAGE_CODE):
        _start(batch)
        try:
            if importer is None:
                if user is not None and not can_import(user, batch.kind):
                    raise ImportFileError(
                        _("You are not allowed to import %(kind)s.")
                        % {"kind": batch.kind}
                    )
                importer = get_importer(batch.kind)(user=user, batch=batch)
            with batch.file.open("rb") as fh:
                data = fh.read()
            table = read_table(data, batch.file_name)
            # The table holds what is needed; a large file's bytes need not
            # stay in memory through validation and storing.
            del data
            run = ImportRun(
                importer,
                table,
                progress=partial(progress.progress_set, batch.pk),
            )
            run.validate()
        except ImportFileError as exc:
            _finish(batch, ImportStatus.FAILED, file_error=exc.message)
            return ImportReport(batch=batch, errors=[])
        except Exception:
            logger.exception("import %s failed while validating", batch.pk)
            _finish(batch, ImportStatus.FAILED, file_error=_unexpected_error())
            return ImportReport(batch=batch, errors=[], crashed=True)

        errors = run.errors()
        batch.rows_total = run.total_rows
        batch.rows_rejected = len(run.rejected)
        batch.warnings = run.warnings
        batch.rows_warned = run.rows_warned
        batch.row_warnings = [w.as_dict() for w in run.row_warnings]
        batch.error_count = len(errors)
        batch.errors = [e.as_dict() for e in errors[: ImportBatch.MAX_ERRORS_KEPT]]
        if run.rejected:
            name = f"{PurePath(batch.file_name).stem}-errors.csv"
            content = bad_rows_csv(table.headers, run.rejected.values())
            batch.bad_rows_file.save(name, ContentFile(content), save=False)

        if run.rejected and (batch.all_or_nothing or run.valid_rows == 0):
            _finish(batch, ImportStatus.FAILED)
            return ImportReport(batch=batch, errors=errors)
        try:
            with transaction.atomic():
                result = run.store()
                batch.rows_created = result.created
                batch.rows_updated = result.updated
                batch.rows_unchanged = result.unchanged
                status = (
                    ImportStatus.PARTIAL if run.rejected else ImportStatus.SUCCEEDED
                )
                # The batch and its audit event commit with the data, or not at all.
                _finish(batch, status, updated_keys=result.updated_keys)
        except Exception as exc:
            if isinstance(exc, PermissionDenied):
                message = _("%(reason)s Nothing was stored.") % {"reason": exc}
            else:
                logger.exception("import %s failed while storing", batch.pk)
                message = _unexpected_error()
            batch.rows_created = batch.rows_updated = batch.rows_unchanged = 0
            _finish(batch, ImportStatus.FAILED, file_error=message)
            return ImportReport(batch=batch, errors=errors, crashed=True)
        # Outside the import's transaction: a listener's failure cannot undo it.
        transaction.on_commit(lambda: import_stored.send(sender=None, batch=batch))
        return ImportReport(batch=batch, errors=errors)


def import_file(
    *, kind: str, path: str | Path, user=None, all_or_nothing: bool = False
) -> ImportReport:
    """Import a file from disk (the command line). A copy is kept under
    MEDIA_ROOT/imports/ like every upload."""
    path = Path(path)
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise ImportFileError(
            _("The file could not be opened: %(error)s") % {"error": exc.strerror}
        ) from None
    with handle:
        batch, _created = import_batch_create(
            kind=kind,
            user=user,
            file=File(handle, name=path.name),
            file_name=path.name,
            all_or_nothing=all_or_nothing,
        )
    return import_batch_process(batch=batch)


def _unexpected_error() -> str:
    return _(
        "The import stopped because of an unexpected error; nothing was stored. "
        "Please tell the system administrator."
    )


def _start(batch: ImportBatch) -> None:
    batch.status = ImportStatus.RUNNING
    batch.started_at = timezone.now()
    batch.save(update_fields=["status", "started_at"])
    progress.progress_set(batch.pk, progress.READING)
    import_started_event(batch=batch, user=batch.user)


def _finish(
    batch: ImportBatch, status: str, *, file_error: str = "", updated_keys=()
) -> None:
    batch.status = status
    batch.file_error = file_error
    batch.finished_at = timezone.now()
    batch.save()
    import_finished_event(batch=batch, user=batch.user, updated_keys=updated_keys)
    progress.progress_set(
        batch.pk, progress.FINISHED, batch.rows_total, batch.rows_total
    )
