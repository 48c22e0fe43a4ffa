"""Progress of a running import, kept in Django's cache.

The cache (a file cache shared by the web and worker processes) is outside the
database, so progress written during the import's transaction is visible at
once and survives that transaction's rollback.
"""

from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

READING = "reading"
VALIDATING = "validating"
STORING = "storing"
FINISHED = "finished"
PHASE_LABELS = {
    READING: _("Reading the file"),
    VALIDATING: _("Checking the rows"),
    STORING: _("Saving"),
    FINISHED: _("Finished"),
}
TIMEOUT_SECONDS = 24 * 3600


def _key(batch_id: int) -> str:
    return f"imports:progress:{batch_id}"


def progress_set(batch_id: int, phase: str, done: int = 0, total: int = 0) -> None:
    cache.set(
        _key(batch_id),
        {"phase": phase, "done": done, "total": total},
        TIMEOUT_SECONDS,
    )


def progress_get(batch_id: int) -> dict | None:
    """{"phase", "done", "total", "label"} or None when nothing was recorded."""
    progress = cache.get(_key(batch_id))
    if progress is None:
        return None
    return {**progress, "label": PHASE_LABELS.get(progress["phase"], "")}
