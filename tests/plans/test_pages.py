"""The plan pages: the scorecard and its downloads, an indicator's page with
where its number comes from, and the editing a role may do."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from semillero.accounts.models import AuditEvent, Role
from semillero.plans.models import ReportedActual, TargetRevision
from tests.factories import UserFactory
from tests.indicators.world import build_world

from .support import add_indicator, evidence, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(institute, admin_user):
    build_world()
    plan, objective = make_plan(admin_user)
    add_indicator(
        admin_user,
        objective,
        "3.1.1",
        name="Tasa de finalización",
        registry_code="completion_rate",
        baseline_value=Decimal("0.6"),
        targets={2024: "0.8"},
    )
    add_indicator(
        admin_user,
        objective,
        "3.1.9",
        name="Sistema en funcionamiento",
        source="reported",
        unit="milestone",
        accumulation="milestone",
        targets={2024: 1},
    )
    return plan


def test_the_scorecard_shows_each_indicator_where_it_stands(client, plan, viewer_user):
    client.force_login(viewer_user)  # a board member reads
    page = client.get(reverse("plans:scorecard", args=[plan.pk]) + "?year=2024")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Tasa de finalización" in text and "72.7" in text.replace(",", ".")
    assert 'data-status="off_track"' in text  # (0.727 − 0.6)/0.2 = 64 %
    assert "64 %" in text
    assert 'data-status="no_data"' in text  # the reported one, nothing approved
    assert "Añadir un indicador" not in text  # a viewer does not edit


def test_the_scorecard_downloads_as_xlsx_with_its_numbers(client, plan, viewer_user):
    client.force_login(viewer_user)
    response = client.get(
        reverse("plans:scorecard", args=[plan.pk]) + "?year=2024&download=xlsx"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    completion = next(
        r for r in rows if r[header.index("Indicador")].startswith("3.1.1")
    )
    assert float(completion[header.index("Real")]) == pytest.approx(0.727273)
    assert float(completion[header.index("Meta")]) == pytest.approx(0.8)
    assert float(completion[header.index("Avance")]) == pytest.approx(0.6364, abs=1e-4)
    assert AuditEvent.objects.filter(action="export").count() == 1


def test_the_indicator_page_says_where_the_number_comes_from(
    client, plan, analyst_user
):
    client.force_login(analyst_user)
    computed = plan.axes.get().objectives.get().indicators.get(code="3.1.1")
    text = client.get(
        reverse("plans:indicator", args=[computed.pk]) + "?year=2024"
    ).content.decode()
    assert 'data-source="computed"' in text and "completion_rate" in text
    assert 'data-vega-spec="indicator-chart"' in text
    assert "Revisar las metas" not in text  # an analyst does not edit


def test_an_administrator_revises_targets_with_a_reason(client, plan, admin_user):
    client.force_login(admin_user)
    indicator = plan.axes.get().objectives.get().indicators.get(code="3.1.1")
    url = reverse("plans:indicator_targets", args=[indicator.pk])
    refused = client.post(url, {"y2024": "0.7", "reason": ""})
    assert refused.status_code == 400
    client.post(url, {"y2024": "0.7", "reason": "Recorte presupuestario"})
    assert TargetRevision.objects.filter(indicator=indicator).count() == 2
    text = client.get(reverse("plans:indicator", args=[indicator.pk])).content.decode()
    assert "Recorte presupuestario" in text and 'data-revision="1"' in text


def test_a_reported_actual_is_entered_with_evidence_then_approved(
    client, plan, admin_user
):
    indicator = plan.axes.get().objectives.get().indicators.get(code="3.1.9")
    planner = UserFactory(
        username="planner", role=Role.DATA_OFFICER, organization=plan.institute
    )
    client.force_login(planner)
    url = reverse("plans:indicator_actual", args=[indicator.pk])
    assert (
        client.post(url, {"year": "2024", "value": "1"}).status_code == 400
    )  # no file
    client.post(
        url, {"year": "2024", "value": "1", "evidence": evidence(), "note": "Acta 12"}
    )
    actual = ReportedActual.objects.get()
    assert actual.status == "submitted" and actual.entered_by == planner
    # the planner cannot approve
    assert (
        client.post(
            reverse("plans:actual_review", args=[actual.pk]), {"decision": "approve"}
        ).status_code
        == 403
    )
    client.force_login(admin_user)
    card = client.get(
        reverse("plans:scorecard", args=[plan.pk]) + "?year=2024"
    ).content.decode()
    assert "espera su aprobación" in card
    client.post(
        reverse("plans:actual_review", args=[actual.pk]), {"decision": "approve"}
    )
    actual.refresh_from_db()
    assert actual.status == "approved" and actual.reviewed_by == admin_user
    text = client.get(
        reverse("plans:indicator", args=[indicator.pk]) + "?year=2024"
    ).content.decode()
    assert "Logrado" in text
    evidence_file = client.get(reverse("plans:actual_evidence", args=[actual.pk]))
    assert b"".join(evidence_file.streaming_content).startswith(b"%PDF")


def test_a_narrative_is_kept_with_its_history(client, plan, admin_user):
    client.force_login(admin_user)
    indicator = plan.axes.get().objectives.get().indicators.get(code="3.1.1")
    url = reverse("plans:indicator_narrative", args=[indicator.pk])
    client.post(
        url, {"year": "2024", "what_happened": "Primera versión", "next_steps": ""}
    )
    client.post(
        url,
        {
            "year": "2024",
            "what_happened": "Segunda versión",
            "next_steps": "Más cursos",
        },
    )
    text = client.get(reverse("plans:indicator", args=[indicator.pk])).content.decode()
    assert (
        "Primera versión" in text and "Segunda versión" in text and "Más cursos" in text
    )


def test_plans_are_for_the_institute_s_readers(
    client, plan, company_user, officer_user
):
    for user in (company_user, officer_user):
        client.force_login(user)
        assert client.get(reverse("plans:list")).status_code == 403
        assert client.get(reverse("plans:scorecard", args=[plan.pk])).status_code == 403


def test_an_administrator_builds_a_plan_from_the_pages(client, institute, admin_user):
    client.force_login(admin_user)
    client.post(
        reverse("plans:create"),
        {"name": "Plan 2028", "kind": "plan", "start_year": "2028", "end_year": "2032"},
    )
    from semillero.plans.models import Plan

    plan = Plan.objects.get(name="Plan 2028")
    client.post(
        reverse("plans:axis_create", args=[plan.pk]), {"code": "1", "name": "Eje uno"}
    )
    axis = plan.axes.get()
    client.post(
        reverse("plans:objective_create", args=[axis.pk]),
        {"code": "1.1", "name": "Objetivo"},
    )
    objective = axis.objectives.get()
    page = client.post(
        reverse("plans:indicator_create", args=[objective.pk]),
        {
            "code": "1.1.1",
            "name": "Finalización dual",
            "definition": "Tasa de finalización",
            "unit": "ratio",
            "direction": "increase",
            "accumulation": "stock",
            "source": "computed",
            "registry_code": "completion_rate",
            "filters_text": "modality=dual",
            "responsible_unit": "Planificación",
            "baseline_year": "2027",
            "baseline_value": "0.7",
            "y2028": "0.75",
            "y2030": "0.8",
        },
    )
    assert page.status_code == 302
    indicator = objective.indicators.get()
    assert indicator.filters == {"modality": "dual"}
    assert {t.year: t.value for t in indicator.revisions.get().targets.all()} == {
        2028: Decimal("0.75"),
        2030: Decimal("0.8"),
    }
    # a filter the registry indicator does not allow is refused on the form
    page = client.post(
        reverse("plans:indicator_create", args=[objective.pk]),
        {
            "code": "1.1.2",
            "name": "X",
            "definition": "X",
            "unit": "index",
            "direction": "increase",
            "accumulation": "stock",
            "source": "computed",
            "registry_code": "segregation_index",
            "filters_text": "sex=F",
            "responsible_unit": "P",
            "baseline_year": "2027",
            "baseline_value": "0.5",
        },
    )
    assert page.status_code == 200 and objective.indicators.count() == 1


def test_the_indicator_page_computes_the_registry_series_once(
    client, plan, analyst_user, monkeypatch
):
    from semillero.plans import scorecard

    calls = []
    real = scorecard.compute_series
    monkeypatch.setattr(
        scorecard, "compute_series", lambda *a, **k: calls.append(a) or real(*a, **k)
    )
    client.force_login(analyst_user)
    computed = plan.axes.get().objectives.get().indicators.get(code="3.1.1")
    page = client.get(reverse("plans:indicator", args=[computed.pk]) + "?year=2024")
    assert page.status_code == 200
    # one row per year of the plan (2023–2027), one computation of the series
    assert page.content.decode().count("data-year=") >= 5
    assert len(calls) == 1
