"""A person uses the organizations list in a real browser: search, filter, English."""

import re

import pytest
from playwright.sync_api import expect

from semillero.registry.models import OrganizationType

from ..factories import OrganizationFactory
from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_and_filter_the_organizations_then_read_them_in_english(
    page, viewer_user
):
    OrganizationFactory(
        code="ACME", name="Acme Textiles", type=OrganizationType.COMPANY
    )
    OrganizationFactory(
        code="ACAD", name="Academia Acme", type=OrganizationType.TRAINING_CENTRE
    )
    OrganizationFactory(
        code="BETA", name="Beta Formación", type=OrganizationType.COMPANY
    )
    login(page, "viewer")
    page.wait_for_url("**/")

    page.goto("/registry/organizations/")
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(4)  # the three and the viewer's institute

    # Typing searches as you type: htmx replaces the results, the URL follows.
    page.locator("input[name=q]").fill("acme")
    expect(rows).to_have_count(2)
    expect(page).to_have_url(re.compile(r"q=acme"))

    page.locator("select[name=type]").select_option("company")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Acme Textiles")
    expect(page).to_have_url(re.compile(r"type=company"))

    # The language switch keeps the page and its filters.
    page.locator("header form.language-switch button[value=en]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("main h1")).to_have_text("Organizations")
    expect(rows).to_have_count(1)
    expect(page.locator("select[name=type]")).to_have_value("company")
