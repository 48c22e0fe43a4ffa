"""Board reports of a plan: asked for by a reader, made in the background
(`tasks.make_board_report`), downloaded by the plan's readers."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from semillero.accounts.permissions import can_read_plans, require

from . import events
from .models import BoardReport, Plan
from .tasks import make_board_report

# A report queued or being made for longer than this was lost (a worker that
# died): it no longer stands in the way of a new request.
ABANDONED_AFTER = timedelta(hours=1)
PENDING = (BoardReport.State.QUEUED, BoardReport.State.RUNNING)


@transaction.atomic
def request_board_report(plan: Plan, *, user, year: int) -> BoardReport:
    """Queue the board report of `plan` for `year`, or return the one already
    queued or being made for that plan and year."""
    require(can_read_plans(user))
    if year not in plan.years:
        raise ValidationError(
            _("Choose a year of the plan (%(start)s–%(end)s).")
            % {"start": plan.start_year, "end": plan.end_year}
        )
    # Two requests at once for the same plan wait for each other here, so the
    # second finds the first's report (SQLite's IMMEDIATE transactions already
    # serialise writers).
    Plan.objects.select_for_update().only("pk").get(pk=plan.pk)
    pending = (
        BoardReport.objects.filter(
            plan=plan,
            year=year,
            state__in=PENDING,
            requested_at__gte=timezone.now() - ABANDONED_AFTER,
        )
        .order_by("-requested_at")
        .first()
    )
    if pending:
        return pending
    report = BoardReport.objects.create(plan=plan, year=year, requested_by=user)
    events.report_requested_event(report=report, user=user)
    transaction.on_commit(lambda: make_board_report.enqueue(report.pk))
    return report


def board_report(*, user, pk: int) -> BoardReport:
    require(can_read_plans(user))
    return BoardReport.objects.select_related("plan__institute").get(pk=pk)
