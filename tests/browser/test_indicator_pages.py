"""An analyst reads the national dashboard in a real browser: the figures, the
charts drawn under the content security policy, a filter that updates the page
in place; the public downloads open data without logging in."""

import re

import pytest
from playwright.sync_api import expect

from ..indicators.world import build_world
from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dashboard_figures_charts_and_a_filter(page, analyst_user):
    build_world()
    problems = []
    page.on(
        "console",
        lambda m: problems.append(m.text) if m.type in ("error", "warning") else None,
    )
    login(page, "analyst")
    page.wait_for_url("**/")
    page.goto("/indicators/?year=2024")

    enrolments = page.locator('article.headline[data-indicator="enrolments"]')
    expect(enrolments.locator(".headline-value")).to_have_text("11")
    completion = page.locator('article.headline[data-indicator="completion_rate"]')
    expect(completion.locator(".headline-value")).to_contain_text("72.7")
    # Every chart is drawn as SVG by vega-embed (no eval, no inline style).
    charts = page.locator("[data-vega-spec]")
    expect(page.locator(".chart-drawn svg").first).to_be_visible()
    expect(page.locator(".chart-drawn")).to_have_count(charts.count())

    # Choosing a training area updates the body and the address, not the page.
    page.evaluate("window.__samePage = true")
    page.select_option("select[name=training_area]", "CONF")
    expect(enrolments.locator(".headline-value")).to_have_text("6")
    expect(page).to_have_url(re.compile(r"training_area=CONF"))
    assert page.evaluate("window.__samePage") is True
    segregation = page.locator('article.headline[data-indicator="segregation_index"]')
    expect(segregation).to_contain_text("No aplica con estos filtros")
    expect(page.locator(".chart-drawn svg").first).to_be_visible()
    assert not [p for p in problems if "Content Security Policy" in p], problems


def test_open_data_without_login(page, db):
    build_world()
    page.goto("/open-data/?year=2024")
    expect(page.locator("h1")).to_have_text(
        "Datos abiertos de la formación profesional"
    )
    with page.expect_download() as download:
        page.locator('tr[data-table="department"] a', has_text="CSV").click()
    assert download.value.suggested_filename.endswith(".csv")
    page.get_by_role("button", name="Qué significa cada indicador").click()
    expect(page.locator("#coverage_per_1000 h2")).to_have_text(
        "Cobertura por 1.000 habitantes"
    )
