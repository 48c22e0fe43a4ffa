"""Background work of plans: making a board report (`semillero db_worker`)."""

import logging

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.text import slugify
from django_tasks import task

from . import report as board
from .models import BoardReport

logger = logging.getLogger(__name__)

State = BoardReport.State


@task()
def make_board_report(report_id: int) -> str:
    """Make the PDF and the XLSX of a queued board report; the outcome (ready,
    or failed with the error) goes to the report."""
    # Claim it: a task delivered twice finds it no longer queued and stops.
    claimed = BoardReport.objects.filter(pk=report_id, state=State.QUEUED).update(
        state=State.RUNNING
    )
    report = BoardReport.objects.select_related("plan__institute").get(pk=report_id)
    if not claimed:
        return report.state
    try:
        data = board.report_data(report.plan, report.year)
        pdf = board.build_pdf(report.plan, report.year, data=data)
        xlsx = board.build_xlsx(report.plan, report.year, data=data)
    except Exception as exc:
        logger.exception(
            "Board report %s (plan %s, %s) failed",
            report.pk,
            report.plan_id,
            report.year,
        )
        report.state = State.FAILED
        report.error = f"{type(exc).__name__}: {exc}"
        report.finished_at = timezone.now()
        report.save(update_fields=["state", "error", "finished_at"])
        return report.state
    name = f"{slugify(report.plan.name) or 'plan'}-{report.year}-{report.pk}"
    report.pdf.save(f"{name}.pdf", ContentFile(pdf), save=False)
    report.xlsx.save(f"{name}.xlsx", ContentFile(xlsx), save=False)
    report.state = State.READY
    report.error = ""
    report.finished_at = timezone.now()
    report.save(update_fields=["pdf", "xlsx", "state", "error", "finished_at"])
    return report.state
