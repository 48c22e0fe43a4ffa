import logging

from django.db import transaction

from . import cube, dashboard

logger = logging.getLogger(__name__)

# The import kinds whose rows feed the indicators: the cube's sources, and the
# population and tracer data (read as they are, but a new build is what retires
# the cached pages).
# Organizations and training areas only name things by code; a change of code
# needs `semillero indicators rebuild`.
KINDS_IN_CUBE = {
    "programmes",
    "course_runs",
    "enrolments",
    "population",
    "tracer_responses",
    "social_security",
}


def refresh_cube_after_import(sender, *, batch, **kwargs):
    """Bring the cube up to date with what the import stored. A failure here is
    logged and does not touch the import: the next read of the cube through
    `cube.ensure_fresh()` catches up."""
    if batch.kind not in KINDS_IN_CUBE:
        return
    try:
        build = cube.refresh(since=batch.started_at, triggered_by=f"import #{batch.pk}")
        dashboard.warm(build)
    except Exception:
        logger.exception("refreshing the indicator cube after import %s", batch.pk)


def mark_cube_stale(sender, **kwargs):
    """A source record was saved or deleted one at a time: the next reader
    refreshes the cube (once the change is committed and visible to it)."""
    transaction.on_commit(cube.mark_stale)
