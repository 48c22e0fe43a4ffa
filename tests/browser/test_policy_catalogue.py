"""A visitor, without logging in, searches the policy catalogue in Spanish and
compares instruments side by side."""

import re

import pytest
from playwright.sync_api import expect

from semillero.policies.management.commands.policy_catalogue import (
    load_starting_data,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_without_accents_then_compare_the_chosen_instruments(page):
    load_starting_data()
    page.goto("/")
    page.locator("header").get_by_role("link", name=re.compile("pol", re.I)).click()
    expect(page).to_have_url(re.compile(r"/policies/$"))
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(21)

    # Typed without accents, the search finds "formación dual" as you type.
    page.locator("input[name=q]").fill("formacion dual")
    expect(rows).to_have_count(2)
    expect(page).to_have_url(re.compile(r"q=formacion"))
    expect(page.locator("#results tbody")).to_contain_text("Berufsbildungsgesetz")
    expect(page.locator("#results tbody")).to_contain_text("Ley Orgánica 3/2022")

    # The singular finds the plural and the other way round.
    page.locator("input[name=q]").fill("aprendizajes")
    expect(page.locator("tr[data-entry=cr-ley-aprendizaje-4903-1971]")).to_be_visible()

    # Choose two levies and compare them: rate and threshold side by side.
    page.locator("input[name=q]").fill("planilla")
    expect(page).to_have_url(re.compile(r"q=planilla"))
    expect(page.locator("tr[data-entry=hn-infop-1972]")).to_be_visible()
    page.locator("tr[data-entry=cr-ina-ley-6868-1983] input[type=checkbox]").check()
    page.locator("tr[data-entry=hn-infop-1972] input[type=checkbox]").check()
    page.locator("form.compare-pick button[type=submit]").click()
    table = page.locator("table.policy-compare")
    expect(table).to_have_attribute("data-entries", "2")
    expect(table).to_contain_text("1,5 % de la planilla")
    expect(table).to_contain_text("1 % de la planilla")
    expect(table).to_contain_text("5 o más trabajadores")

    # Every levy at once, from the matrix of countries and types.
    page.goto("/policies/matrix/")
    expect(page.locator("tr[data-country=SV] td[data-type=levy]")).to_have_attribute(
        "data-count", "2"
    )
    page.locator("table.policy-matrix thead a[href$='type=levy']").click()
    expect(page.locator("table.policy-compare")).to_have_attribute("data-entries", "8")
