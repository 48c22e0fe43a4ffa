"""The board report: a reader asks for it on the scorecard, it is made in the
background (tasks run inline in the tests), and its PDF and XLSX carry the
scorecard of the year, in Spanish, under the institute's name of that year."""

import io
import re
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext, override
from pypdf import PdfReader

from semillero.accounts.models import AuditEvent
from semillero.plans import report as board
from semillero.plans.models import ActualStatus, BoardReport, ReportedActual
from semillero.plans.reports import request_board_report
from semillero.plans.scorecard import Scorecard
from semillero.plans.tasks import make_board_report
from semillero.plans.views import scorecard_rows
from semillero.registry.models import OrganizationName
from tests.indicators.world import build_world

from .support import add_indicator, evidence, make_plan

pytestmark = pytest.mark.django_db

INSAFORP = "Instituto Salvadoreño de Formación Profesional"
INCAF = "Instituto Nacional de Capacitación y Formación"


@pytest.fixture
def plan(institute, admin_user):
    """A plan 2022–2026 of an institute called INSAFORP until 8 December 2023
    and INCAF from the 9th, with a computed ratio (72.7 % in 2024: off track),
    a reached milestone (on track) and a count nobody reported (no data)."""
    OrganizationName.objects.create(
        organization=institute,
        name=INSAFORP,
        acronym="INSAFORP",
        valid_from=date(1993, 6, 2),
        valid_to=date(2023, 12, 8),
    )
    OrganizationName.objects.create(
        organization=institute,
        name=INCAF,
        acronym="INCAF",
        valid_from=date(2023, 12, 9),
    )
    build_world()
    plan, objective = make_plan(admin_user, start=2022, end=2026)
    completion = add_indicator(
        admin_user,
        objective,
        "3.1.1",
        name="Tasa de finalización",
        registry_code="completion_rate",
        baseline_value=Decimal("0.6"),
        targets={2023: "0.7", 2024: "0.8"},
    )
    system = add_indicator(
        admin_user,
        objective,
        "3.1.9",
        name="Sistema en funcionamiento",
        source="reported",
        unit="milestone",
        accumulation="milestone",
        targets={2024: 1},
    )
    add_indicator(
        admin_user,
        objective,
        "3.1.5",
        name="Empresas atendidas",
        source="reported",
        unit="count",
        targets={2024: 40},
    )
    ReportedActual.objects.create(
        indicator=system,
        year=2024,
        value=1,
        evidence=evidence(),
        status=ActualStatus.APPROVED,
        reviewed_at=timezone.now(),
    )
    for year, text in [
        (2023, "Lo de 2023"),
        (2024, "Versión anterior"),
        (2024, "Más egresadas en confección"),
    ]:
        completion.narratives.create(
            year=year, what_happened=text, next_steps="Seguir así", author=admin_user
        )
    return plan


def es(msgid: str) -> str:
    """A string as the Spanish report shows it (new strings read in English until
    the translators reach them)."""
    with override("es"):
        return gettext(msgid)


def _ask(client, plan, year, django_capture_on_commit_callbacks):
    """Ask through the page; the task runs when the request's transaction
    commits (inline in the tests)."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("plans:report_request", args=[plan.pk]), {"year": str(year)}
        )
    assert response.status_code == 302
    return response, BoardReport.objects.filter(plan=plan, year=year).latest(
        "requested_at"
    )


def _pdf_text(content: bytes) -> str:
    text = "\n".join(
        page.extract_text() for page in PdfReader(io.BytesIO(content)).pages
    )
    return re.sub(r"[ \u00a0]+", " ", text)


def _download(client, report, kind: str) -> bytes:
    response = client.get(reverse(f"plans:report_{kind}", args=[report.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_the_board_report_is_made_in_the_background_and_reads_as_the_page(
    client, plan, viewer_user, django_capture_on_commit_callbacks
):
    client.force_login(viewer_user)  # a board member asks for it
    response, report = _ask(client, plan, 2024, django_capture_on_commit_callbacks)
    assert response["Location"].startswith(
        reverse("plans:scorecard", args=[plan.pk]) + "?year=2024"
    )
    assert report.state == BoardReport.State.READY, report.error
    assert report.requested_by == viewer_user and report.finished_at
    assert AuditEvent.objects.filter(action="plans.report_requested").count() == 1

    page = client.get(
        reverse("plans:scorecard", args=[plan.pk]) + "?year=2024"
    ).content.decode()
    assert reverse("plans:report_pdf", args=[report.pk]) in page
    pdf = _download(client, report, "pdf")
    assert pdf.startswith(b"%PDF")
    text = _pdf_text(pdf)
    assert "Plan Estratégico 2022–2026" in text
    assert INCAF in text and INSAFORP not in text
    assert es("Board report") in text
    for code in ("3.1.1", "3.1.9", "3.1.5"):
        assert code in text
    # As the scorecard shows them: 72.7 % actual, 64 % progress, off track; the
    # milestone reached and on track; the count without data.
    assert "72.7 %" in page.replace("\xa0", " ") and "72.7 %" in text
    assert "64 %" in page and "64 %" in text
    assert "Rezagado" in text and "En curso" in text and "Sin datos" in text
    assert "Logrado" in text and "100 %" in text
    # The latest narrative of the year, not an older one nor another year's.
    assert "Más egresadas en confección" in text and "Seguir así" in text
    assert "Versión anterior" not in text and "Lo de 2023" not in text
    exports = AuditEvent.objects.filter(action="export")
    assert [e.details["list"] for e in exports] == ["plan_board_report"]
    assert exports.get().details["filters"] == {
        "plan": plan.pk,
        "year": 2024,
        "report": report.pk,
    }


def test_the_xlsx_carries_the_scorecard_s_numbers(
    client, plan, viewer_user, django_capture_on_commit_callbacks
):
    client.force_login(viewer_user)
    _response, report = _ask(client, plan, 2024, django_capture_on_commit_callbacks)
    book = openpyxl.load_workbook(io.BytesIO(_download(client, report, "xlsx")))
    assert book.sheetnames == [es("Scorecard")]
    rows = list(book[es("Scorecard")].iter_rows(values_only=True))
    block = {r[0]: r[1] for r in rows[:10] if r[0]}
    assert (
        block[capfirst(es("Institute"))] == INCAF and block[es("Year reported")] == 2024
    )
    assert block[es("Plan")] == "Plan Estratégico 2022–2026"
    top = next(i for i, r in enumerate(rows) if r[0] == "Eje")
    header, body = rows[top], rows[top + 1 :]
    assert "Qué pasó" in header and "Qué se hará" in header
    expected = scorecard_rows(Scorecard(plan, 2024).calculate())
    assert len(body) == len(expected) == 3
    for row in expected:
        cells = next(
            r
            for r in body
            if r[header.index("Indicador")].startswith(row.indicator.code)
        )
        for column, value in (
            ("Línea de base", row.baseline),
            ("Meta", row.target),
            ("Real", row.actual),
        ):
            if value is None:
                assert cells[header.index(column)] is None
            else:
                assert cells[header.index(column)] == pytest.approx(float(value))
        progress = cells[header.index("Avance")]
        assert progress == (
            None
            if row.progress is None
            else pytest.approx(float(round(row.progress, 4)))
        )
    completion = next(r for r in body if r[header.index("Indicador")][:6] == "3.1.1.")
    assert completion[header.index("Real")] == pytest.approx(0.727273)
    assert completion[header.index("Estado")] == "Rezagado"
    assert completion[header.index("Qué pasó")] == "Más egresadas en confección"


def test_each_year_carries_the_institute_s_name_of_that_year(
    client, plan, admin_user, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    _response, old = _ask(client, plan, 2022, django_capture_on_commit_callbacks)
    text = _pdf_text(_download(client, old, "pdf"))
    assert INSAFORP in text and INCAF not in text
    _response, new = _ask(client, plan, 2024, django_capture_on_commit_callbacks)
    assert INCAF in _pdf_text(_download(client, new, "pdf"))
    # 2023, the year of the change: the name the scorecard page shows for 2023.
    _response, change = _ask(client, plan, 2023, django_capture_on_commit_callbacks)
    page = client.get(reverse("plans:scorecard", args=[plan.pk]) + "?year=2023")
    shown = page.context["institute_name"]
    assert shown in _pdf_text(_download(client, change, "pdf"))


def test_a_second_request_while_one_is_pending_returns_it(plan, admin_user):
    # Without committing, the task is not run: the first stays queued.
    first = request_board_report(plan, user=admin_user, year=2024)
    again = request_board_report(plan, user=admin_user, year=2024)
    other_year = request_board_report(plan, user=admin_user, year=2023)
    assert again == first and other_year != first
    first.state = BoardReport.State.RUNNING
    first.save()
    assert request_board_report(plan, user=admin_user, year=2024) == first
    first.state = BoardReport.State.READY
    first.save()
    assert request_board_report(plan, user=admin_user, year=2024) != first
    assert AuditEvent.objects.filter(action="plans.report_requested").count() == 3


def test_a_year_outside_the_plan_is_refused(client, plan, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("plans:report_request", args=[plan.pk]), {"year": "2030"}, follow=True
    )
    expected = es("Choose a year of the plan (%(start)s–%(end)s).") % {
        "start": 2022,
        "end": 2026,
    }
    assert expected in response.content.decode()
    assert not BoardReport.objects.exists()


def test_a_failing_build_is_recorded_with_its_error(
    client, plan, admin_user, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise RuntimeError("pango is missing")

    monkeypatch.setattr(board, "build_pdf", broken)
    client.force_login(admin_user)
    _response, report = _ask(client, plan, 2024, django_capture_on_commit_callbacks)
    assert report.state == BoardReport.State.FAILED
    assert report.error == "RuntimeError: pango is missing"
    assert not report.pdf and not report.xlsx and report.finished_at
    assert client.get(reverse("plans:report_pdf", args=[report.pk])).status_code == 404
    status = client.get(reverse("plans:report", args=[report.pk])).content.decode()
    assert 'data-state="failed"' in status and "pango is missing" in status
    # Delivered again, the task leaves a finished report alone.
    assert make_board_report.call(report.pk) == BoardReport.State.FAILED


def test_the_status_is_polled_while_the_report_is_made(client, plan, admin_user):
    report = request_board_report(plan, user=admin_user, year=2024)  # stays queued
    client.force_login(admin_user)
    url = reverse("plans:report", args=[report.pk])
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith("<li")
    assert f'hx-get="{url}"' in fragment and 'hx-trigger="every 2s"' in fragment
    page = client.get(url).content.decode()
    assert "<html" in page and "En cola" in page
    make_board_report.call(report.pk)
    ready = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in ready and 'data-state="ready"' in ready
    assert reverse("plans:report_xlsx", args=[report.pk]) in ready


def test_a_company_officer_cannot_ask_for_nor_download_it(
    client, plan, admin_user, company_user
):
    report = request_board_report(plan, user=admin_user, year=2024)
    make_board_report.call(report.pk)
    client.force_login(company_user)
    url = reverse("plans:report_request", args=[plan.pk])
    assert client.post(url, {"year": "2024"}).status_code == 403
    for name in ("plans:report", "plans:report_pdf", "plans:report_xlsx"):
        assert client.get(reverse(name, args=[report.pk])).status_code == 403
    assert BoardReport.objects.count() == 1
    assert not AuditEvent.objects.filter(action="export").exists()
