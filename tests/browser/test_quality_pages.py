"""A person looks for who can train electricians with a laboratory in San Miguel,
in a real browser, and opens the facility."""

import re

import pytest
from playwright.sync_api import expect

from ..factories import (
    InstructorFactory,
    OrganizationFactory,
    TrainingAreaFactory,
    department,
)
from ..quality.factories import EquipmentFactory, FacilityFactory
from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_the_capacity_by_area_and_department_then_open_a_facility(
    page, company_user
):
    electricity = TrainingAreaFactory(code="ELEC", name="Electricidad")
    welding = TrainingAreaFactory(code="SOLD", name="Soldadura")
    oriente = OrganizationFactory(
        code="CFP-OR", name="Centro de Oriente", department=department("SV-SM")
    )
    capital = OrganizationFactory(code="CFP-CA", name="Centro Capital")
    lab = FacilityFactory(
        organization=oriente,
        name="Laboratorio eléctrico",
        kind="laboratory",
        department=department("SV-SM"),
        training_areas=[electricity],
        available_to_share=True,
        contact_note="Coordinación académica, tel. 2600-0000",
    )
    EquipmentFactory(facility=lab, item="Banco de pruebas trifásico", quantity=6)
    FacilityFactory(
        organization=oriente,
        name="Taller de soldadura",
        department=department("SV-SM"),
        training_areas=[welding],
    )
    FacilityFactory(
        organization=capital,
        name="Laboratorio capitalino",
        kind="laboratory",
        training_areas=[electricity],
    )
    InstructorFactory(organization=oriente).training_areas.set([electricity])

    login(page, "company")
    page.wait_for_url("**/")
    # The Quality menu leads the company officer to the capacity search.
    capacity_link = page.locator('a[href="/quality/capacity/"]')
    menu = page.locator("header details.dropdown", has=capacity_link)
    menu.locator("summary").click()
    menu.locator(capacity_link).click()
    page.wait_for_url("**/quality/capacity/")

    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(2)

    # Choosing filters updates the results in place (htmx) and the URL follows.
    page.locator("select[name=training_area]").select_option("ELEC")
    expect(page).to_have_url(re.compile(r"training_area=ELEC"))
    page.locator("select[name=department]").select_option("SV-SM")
    expect(page).to_have_url(re.compile(r"department=SV-SM"))
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Centro de Oriente")
    expect(rows.first).to_contain_text("Banco de pruebas trifásico")
    expect(rows.first).not_to_contain_text("Taller de soldadura")

    rows.first.get_by_role("link", name="Laboratorio eléctrico").click()
    expect(page.locator("main h1")).to_have_text("Laboratorio eléctrico")
    expect(page.locator("main")).to_contain_text("Banco de pruebas trifásico")
    expect(page.locator("main")).to_contain_text("Coordinación académica")
    # Not its facility: no edit button for the company officer.
    expect(page.locator(f'a[href="/quality/facilities/{lab.pk}/edit/"]')).to_have_count(
        0
    )
