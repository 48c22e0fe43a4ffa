"""A graduate answers the tracer questionnaire on a phone, through the personal
link of a study's sample: no login, one step at a time, resumable, sent once."""

import datetime

import pytest
from playwright.sync_api import expect

from semillero.registry.reference import load_classifications
from semillero.tracer.models import SurveyInvitation, TracerResponse

from ..tracer.studies import cohort, study_in_fieldwork

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
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], (
        f"the page is {width}px wide on a {PHONE['width']}px phone"
    )


def test_a_graduate_answers_the_questionnaire_on_a_phone(phone, admin_user):
    load_classifications()
    cohort(women=2, men=1)
    study = study_in_fieldwork(admin_user)
    invitation = SurveyInvitation.objects.filter(study=study).first()
    page = phone
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)

    page.goto(f"/encuesta/{invitation.token}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "¿Cómo le va después de su curso?"
    )
    _fits_the_screen(page)
    page.get_by_role("button", name="Empezar el cuestionario").click()

    # Step 1: the work question is required.
    expect(page.get_by_text("Paso 1 de 4")).to_be_visible()
    page.get_by_role("button", name="Siguiente").click()
    expect(page.get_by_role("alert")).to_contain_text("Elija una de las opciones")
    page.get_by_label("Trabajé para un patrono (empleado/a)").check()
    page.get_by_role("button", name="Siguiente").click()

    # Step 2: the job. The occupation is found by words in a list.
    expect(page.get_by_text("Paso 2 de 4")).to_be_visible()
    _fits_the_screen(page)
    page.get_by_label("Sí").check()
    occupation = page.get_by_label("¿Cuál es su ocupación?")
    expect(occupation).to_have_attribute("list", "occupations")
    occupation.fill(
        "7 — Oficiales, operarios y artesanos de artes mecánicas y de otros oficios"
    )
    page.get_by_label("De 365 a 599 dólares").check()
    page.locator("input[name=job_related][value='4']").check()
    page.locator("input[name=competencies_used][value='5']").check()
    page.get_by_role("button", name="Siguiente").click()

    # The answers so far are saved: leaving and coming back resumes.
    expect(page.get_by_text("Paso 3 de 4")).to_be_visible()
    saved = TracerResponse.objects.get(invitation=invitation)
    assert (saved.employment_status, saved.isco_code, saved.responded) == (
        "employed",
        "7",
        False,
    )
    page.goto(f"/encuesta/{invitation.token}/")
    page.get_by_role("button", name="Continuar el cuestionario").click()

    # Step 3: after the course.
    expect(page.get_by_text("Paso 3 de 4")).to_be_visible()
    page.get_by_label("Después del curso, ¿cuántos meses tardó").fill("3")
    page.locator("input[name=satisfaction][value='5']").check()
    page.get_by_role("button", name="Siguiente").click()

    # Step 4: check and send.
    expect(page.get_by_text("Paso 4 de 4")).to_be_visible()
    summary = page.locator("dl.survey-summary")
    expect(summary).to_contain_text("Empleado")
    expect(summary).to_contain_text("De 365 a 599 dólares")
    _fits_the_screen(page)
    page.get_by_role("button", name="Enviar mis respuestas").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("¡Gracias!")

    row = TracerResponse.objects.get(invitation=invitation)
    assert row.responded is True
    assert (row.formal, row.income_band, row.job_related, row.competencies_used) == (
        True,
        "365_599",
        4,
        5,
    )
    assert (row.months_to_first_job, row.satisfaction) == (3, 5)
    assert row.survey_date == datetime.date.today()

    # The link takes one answer: going back shows it was used.
    page.goto(f"/encuesta/{invitation.token}/situacion/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ya respondió")
    assert problems == []
