"""A board member reads the plan's scorecard in a real browser; a planner enters
a reported actual with its evidence and an administrator approves it."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from semillero.accounts.models import Role
from tests.factories import UserFactory
from tests.indicators.world import build_world

from ..plans.support import add_indicator, make_plan
from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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
        name="Normas de calidad aprobadas",
        source="reported",
        unit="count",
        targets={2024: 10},
    )
    return plan


def test_the_scorecard_and_an_indicator_with_its_chart(page, plan, viewer_user):
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    login(page, "viewer")
    page.wait_for_url("**/")
    page.get_by_role("link", name="Planes").click()
    page.get_by_role("link", name="Plan Estratégico").click()
    page.select_option("select[name=year]", "2024")
    page.get_by_role("button", name="Mostrar").click()
    completion = page.locator('tr[data-indicator="3.1.1"]')
    expect(completion.locator("[data-actual]")).to_contain_text("72")
    expect(completion.locator(".light")).to_have_text("Rezagado")
    expect(page.locator('[data-count="off_track"]')).to_have_text("1")
    expect(page.locator('[data-count="no_data"]')).to_have_text("1")
    # Only what is off track.
    page.select_option("select[name=status]", "off_track")
    page.get_by_role("button", name="Mostrar").click()
    expect(page.locator("tr[data-indicator]")).to_have_count(1)
    completion.get_by_role("link").click()
    expect(page.locator('[data-source="computed"]')).to_contain_text("completion_rate")
    expect(page.locator(".chart-drawn svg").first).to_be_visible()
    assert problems == []


def test_a_planner_enters_an_actual_and_an_administrator_approves_it(
    browser, live_server, plan, admin_user
):
    UserFactory(username="planner", role=Role.DATA_OFFICER, organization=plan.institute)
    indicator = plan.axes.get().objectives.get().indicators.get(code="3.1.9")
    url = f"/plans/indicators/{indicator.pk}/?year=2024"

    planner_context = browser.new_context(locale="es-SV", base_url=live_server.url)
    page = planner_context.new_page()
    page.set_default_timeout(15_000)
    login(page, "planner")
    page.wait_for_url("**/")
    page.goto(url)
    page.get_by_text("Ingresar un valor real", exact=True).click()
    page.select_option("select[name=year]", "2024")
    page.get_by_role("spinbutton", name="Valor").fill("9")
    page.get_by_label("Evidencia").set_input_files(
        files=[
            {
                "name": "acta-2024.pdf",
                "mimeType": "application/pdf",
                "buffer": b"%PDF-1.4 acta",
            }
        ]
    )
    page.get_by_role("button", name="Ingresar el valor real").click()
    expect(page.get_by_role("status")).to_contain_text(
        "cuenta cuando otra persona lo apruebe"
    )
    expect(page.locator("table.actuals")).to_contain_text("En espera de aprobación")
    planner_context.close()

    admin_context = browser.new_context(locale="es-SV", base_url=live_server.url)
    page = admin_context.new_page()
    page.set_default_timeout(15_000)
    login(page, "admin")
    page.wait_for_url("**/")
    page.goto(f"/plans/{plan.pk}/?year=2024")
    page.get_by_role("link", name="3.1.9 (2024)").click()
    page.get_by_role("button", name="Aprobar").click()
    expect(page.locator("table.actuals")).to_contain_text("Aprobado")
    # 9 of a target of 10 from 0: 90 % → at risk
    expect(
        page.locator('article.headline[data-indicator="actual"] .headline-value')
    ).to_have_text("9")
    expect(page.locator(".headline .light")).to_have_text("En riesgo")
    admin_context.close()
