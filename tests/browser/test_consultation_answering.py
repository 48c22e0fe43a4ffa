"""A stakeholder answers a consultation on a phone through a personal link
(no login, one part at a time, saved as they go, sent once), and an analyst
tags an open answer with a theme."""

import pytest
from playwright.sync_api import expect

from semillero.consultations import services
from semillero.consultations.models import Answer, Invitation, Response

from ..consultations.support import answer, consultation_with_questions
from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        locale="es-SV",
        base_url=live_server.url,
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def _fits_the_screen(page):
    """The questionnaire itself fits a phone's width. (The site header's
    language buttons overflow at 390 px on every public page, the tracer
    questionnaire's too: a base.html matter, reported separately.)"""
    overflow = page.evaluate(
        """Array.from(document.querySelectorAll('main *'))
             .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
             .map(e => e.tagName + ' ' + (e.name || e.className))"""
    )
    assert not overflow, f"wider than the phone: {overflow}"


def test_a_stakeholder_answers_on_a_phone(phone, analyst_user):
    c = consultation_with_questions(analyst_user)
    invitation = Invitation.objects.create(
        consultation=c, group=c.groups.get(code="workers"), token=services.new_token()
    )
    page = phone
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)

    page.goto(f"/consulta/{invitation.token}/")
    expect(page.locator("[data-answer-start=workers]")).to_be_visible()
    _fits_the_screen(page)
    page.locator("main a[role=button]").press("Enter")

    # Part 1: the agreement scale by its label, with the keyboard.
    expect(page.locator("[data-section='1']")).to_be_visible()
    _fits_the_screen(page)
    page.get_by_label("4 · De acuerdo").check()
    page.locator("input[name=channel][value=phone]").check()
    staff = page.locator("input[name=staff]")
    staff.fill("12")
    staff.press("Enter")

    # Saved as the person goes: leaving and coming back resumes.
    expect(page.locator("[data-section='2']")).to_be_visible()
    assert Answer.objects.get(question__code="coord").number == 4
    page.goto(f"/consulta/{invitation.token}/1/")
    expect(page.get_by_label("4 · De acuerdo")).to_be_checked()
    page.locator("button[value=next]").press("Enter")

    page.locator("textarea[name=prior]").fill("Más cursos en la zona oriental")
    page.locator("button[value=next]").press("Enter")
    expect(page.locator("[data-section=send]")).to_contain_text(
        "Más cursos en la zona oriental"
    )
    _fits_the_screen(page)
    page.locator("main form button[type=submit]").press("Enter")
    expect(page.locator("[data-answer-sent=yes]")).to_be_visible()

    # The link takes one answer.
    page.goto(f"/consulta/{invitation.token}/")
    expect(page.locator("[data-unavailable=answered]")).to_be_visible()
    assert Response.objects.filter(submitted_at__isnull=False).count() == 1
    assert not problems, problems


def test_an_analyst_tags_an_open_answer(page, analyst_user):
    c = consultation_with_questions(analyst_user)
    response = answer(
        c,
        "business_associations",
        {"coord": 2, "prior": "Los cursos no responden a las empresas"},
    )
    services.theme_get_or_create(c, user=analyst_user, name="Servicios a empresas")
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    login(page, "analyst")
    page.goto(f"/consultations/{c.pk}/results/")
    expect(page.locator("[data-question=coord] .chart.chart-drawn")).to_be_visible()
    page.goto(f"/consultations/{c.pk}/open/prior/")
    item = page.locator(".open-answer").first
    expect(item).to_contain_text("Los cursos no responden a las empresas")
    item.get_by_label("Servicios a empresas").check()
    item.get_by_label("Tema nuevo").fill("Trámites")
    item.locator("button[type=submit]").click()
    expect(page.locator("[data-saved=yes]")).to_be_visible()
    a = response.answers.get(question__code="prior")
    assert sorted(a.themes.values_list("name", flat=True)) == [
        "Servicios a empresas",
        "Trámites",
    ]
    page.goto(f"/consultations/{c.pk}/results/")
    expect(page.locator("tr[data-theme='Trámites']")).to_have_attribute(
        "data-total", "1"
    )
    assert not problems, problems
