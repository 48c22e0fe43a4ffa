"""Background work of the shared pieces: processing large imports."""

from django_tasks import task

from semillero.core.importing.services import import_batch_process
from semillero.core.models import ImportBatch, ImportStatus


@task()
def process_import(batch_id: int) -> str:
    """Process a queued import in the worker (`semillero db_worker`); progress
    goes to the cache, the outcome to the batch."""
    batch = ImportBatch.objects.get(pk=batch_id)
    if batch.status != ImportStatus.QUEUED:
        # Delivered twice: the import already ran (or is running) once.
        return batch.status
    return import_batch_process(batch=batch).batch.status
