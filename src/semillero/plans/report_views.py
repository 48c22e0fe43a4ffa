"""Board report pages: ask for one from the scorecard, follow it while it is
made (htmx polls the status), download its PDF and XLSX. Thin shells over
`reports` (the service) and `tasks` (the background work)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from semillero.accounts import events as audit
from semillero.accounts.permissions import can_edit_plans

from . import reports, selectors
from .models import BoardReport, PlanIndicator

FILES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _get(selector, **kwargs):
    try:
        return selector(**kwargs)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


@login_required
@require_POST
def report_request(request, pk):
    plan = _get(selectors.plan, user=request.user, pk=pk)
    back = reverse("plans:scorecard", args=[plan.pk])
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        year = None
    try:
        if year is None:
            raise ValidationError(
                _("Choose a year of the plan (%(start)s–%(end)s).")
                % {"start": plan.start_year, "end": plan.end_year}
            )
        report = reports.request_board_report(plan, user=request.user, year=year)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    messages.success(
        request,
        _(
            "The board report of %(year)s is being prepared; its links appear in "
            "“Board report” below when it is ready."
        )
        % {"year": report.year},
    )
    return redirect(f"{back}?year={report.year}#board-reports")


@login_required
@require_GET
def report_status(request, pk):
    """The report's state: a list item that htmx polls every 2 s while the
    report is queued or being made, with the download links once ready."""
    report = _get(reports.board_report, user=request.user, pk=pk)
    context = {"report": report, "can_manage": can_edit_plans(request.user)}
    if request.htmx:
        return render(request, "plans/_board_report.html", context)
    return render(request, "plans/board_report.html", context)


def _download(request, pk, file_format: str):
    report = _get(reports.board_report, user=request.user, pk=pk)
    stored = getattr(report, file_format)
    if report.state != BoardReport.State.READY or not stored:
        raise Http404
    audit.data_exported_event(
        actor=request.user,
        what="plan_board_report",
        file_format=file_format,
        rows=PlanIndicator.objects.filter(objective__axis__plan=report.plan).count(),
        filters={"plan": report.plan_id, "year": report.year, "report": report.pk},
    )
    name = slugify(f"{_('board report')} {report.plan.name} {report.year}")
    return FileResponse(
        stored.open("rb"),
        as_attachment=True,
        filename=f"{name}.{file_format}",
        content_type=FILES[file_format],
    )


@login_required
@require_GET
def report_pdf(request, pk):
    return _download(request, pk, "pdf")


@login_required
@require_GET
def report_xlsx(request, pk):
    return _download(request, pk, "xlsx")
