"""Tracer studies end to end without a browser: define, draw, answer through the
personal link, remind, close; and what each role may do."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from semillero.accounts.models import AuditEvent
from semillero.indicators.compute import compute
from semillero.tracer import services
from semillero.tracer.models import (
    StudyStatus,
    SurveyInvitation,
    TracerResponse,
    TracerStudy,
)
from tests.training.factories import TraineeFactory

from .studies import cohort, study_in_fieldwork

pytestmark = pytest.mark.django_db


def _answer(client, token, status="employed", job=None, path=None, send=True):
    """Answer the questionnaire through its pages, as a graduate would."""
    base = f"/encuesta/{token}/"
    assert client.get(base).status_code == 200
    client.post(base + "situacion/", {"employment_status": status})
    if status in ("employed", "self_employed"):
        client.post(
            base + "empleo/",
            job
            or {
                "formal": "yes",
                "occupation": "",
                "income_band": "365_599",
                "job_related": "4",
                "competencies_used": "5",
            },
        )
    client.post(
        base + "trayectoria/", path or {"months_to_first_job": "2", "satisfaction": "5"}
    )
    if send:
        return client.post(base + "enviar/")
    return None


# -- drawing the sample --------------------------------------------------------------


def test_drawing_the_sample_creates_one_row_and_one_unguessable_link_per_graduate(
    admin_user,
):
    cohort(women=3, men=2)
    study = study_in_fieldwork(admin_user)
    assert study.status == StudyStatus.FIELDWORK
    invitations = list(SurveyInvitation.objects.filter(study=study))
    # Strata of 3 and 2 graduates are followed whole (n ≥ N at ±10 %).
    assert len(invitations) == 5
    assert {i.stratum for i in invitations} == {"ELEC-01 · F", "ELEC-01 · M"}
    tokens = {i.token for i in invitations}
    assert len(tokens) == 5 and all(len(t) >= 40 for t in tokens)
    rows = TracerResponse.objects.filter(followup_months=6)
    assert rows.count() == 5 and not rows.filter(responded=True).exists()
    assert AuditEvent.objects.filter(action="tracer.sample_drawn").count() == 1
    # The response rate of the cohort reads the study: nobody has answered yet.
    (rate,) = compute("tracer_response_rate", 2024, followup=6)
    assert rate["value"] == 0 and rate["denominator"] == 5


def test_the_same_seed_draws_the_same_sample(admin_user):
    cohort(women=150, men=0)
    first = study_in_fieldwork(admin_user, followup=6, seed=42)
    second = study_in_fieldwork(admin_user, followup=12, seed=42)

    def sampled(study):
        return sorted(
            SurveyInvitation.objects.filter(study=study).values_list(
                "response__trainee_id", flat=True
            )
        )

    # 150 women at ±10 %: 96.0365 / (1 + 95.0365/150) = 58.79 → 59.
    assert len(sampled(first)) == 59
    assert sampled(first) == sampled(second)


def test_a_sample_is_drawn_once_even_when_asked_twice(admin_user):
    cohort()
    study = study_in_fieldwork(admin_user)
    with pytest.raises(ValidationError, match="ya fue sorteada"):
        services.draw_sample(study, user=admin_user)
    assert SurveyInvitation.objects.count() == 5


def test_a_cohort_without_graduates_is_refused_with_a_clear_message(admin_user):
    study = services.create_study(
        user=admin_user, name="Vacío", cohort_year=2021, followup_months=6, seed=1
    )
    with pytest.raises(
        ValidationError, match="Nadie terminó un curso que finalizara en 2021"
    ):
        services.draw_sample(study, user=admin_user)
    study.refresh_from_db()
    assert study.status == StudyStatus.DRAFT


def test_a_cohort_with_imported_responses_is_not_followed_again(admin_user):
    run = cohort()
    TracerResponse.objects.create(
        trainee=run.enrolments.first().trainee,
        course_run=run,
        followup_months=6,
        responded=True,
        employment_status="employed",
    )
    study = services.create_study(
        user=admin_user, name="Doble", cohort_year=2024, followup_months=6, seed=1
    )
    with pytest.raises(ValidationError, match="Ya se importaron"):
        services.draw_sample(study, user=admin_user)
    assert not SurveyInvitation.objects.exists()


def test_one_study_per_cohort_and_wave_and_no_future_cohort(admin_user):
    services.create_study(
        user=admin_user, name="A", cohort_year=2024, followup_months=6
    )
    with pytest.raises(ValidationError):
        services.create_study(
            user=admin_user, name="B", cohort_year=2024, followup_months=6
        )
    next_year = datetime.date.today().year + 1
    with pytest.raises(ValidationError, match="todavía no han terminado"):
        services.create_study(
            user=admin_user, name="C", cohort_year=next_year, followup_months=6
        )
    assert TracerStudy.objects.count() == 1


def test_only_the_administrators_define_draw_and_close(analyst_user, officer_user):
    for user in (analyst_user, officer_user):
        with pytest.raises(PermissionDenied):
            services.create_study(
                user=user, name="X", cohort_year=2024, followup_months=6
            )


# -- the questionnaire ---------------------------------------------------------------


def test_a_graduate_answers_through_the_link_and_the_figures_follow(client, admin_user):
    cohort(women=3, men=2)
    study = study_in_fieldwork(admin_user)
    first, second, *_rest = SurveyInvitation.objects.filter(study=study).order_by("pk")
    page = client.get(f"/encuesta/{first.token}/")
    assert "Programa ELEC-01" in page.content.decode()
    assert page["Referrer-Policy"] == "same-origin"
    response = _answer(client, first.token)
    assert response.status_code == 200
    assert "Gracias" in response.content.decode()
    _answer(
        client,
        second.token,
        status="unemployed",
        path={"months_to_first_job": "", "satisfaction": "3"},
    )

    row = TracerResponse.objects.get(invitation=first)
    assert (row.responded, row.employment_status, row.formal) == (
        True,
        "employed",
        True,
    )
    assert (row.income_band, row.job_related, row.competencies_used) == (
        "365_599",
        4,
        5,
    )
    assert (row.months_to_first_job, row.satisfaction) == (2, 5)
    assert row.survey_date == datetime.date.today()
    other = TracerResponse.objects.get(invitation=second)
    assert (other.responded, other.employment_status, other.months_to_first_job) == (
        True,
        "unemployed",
        None,
    )

    # 2 of 5 answered; 1 of the 2 respondents works.
    (rate,) = compute("tracer_response_rate", 2024, followup=6)
    assert (rate["numerator"], rate["denominator"], rate["value"]) == (2, 5, 0.4)
    (employment,) = compute("employment_rate", 2024, followup=6)
    assert (
        employment["numerator"],
        employment["denominator"],
        employment["value"],
    ) == (1, 2, 0.5)


def test_answers_are_saved_step_by_step_and_the_link_resumes(client, admin_user):
    cohort()
    study = study_in_fieldwork(admin_user)
    invitation = SurveyInvitation.objects.filter(study=study).first()
    _answer(client, invitation.token, send=False)
    row = TracerResponse.objects.get(invitation=invitation)
    assert row.employment_status == "employed" and row.satisfaction == 5
    assert row.responded is False  # saved, not sent
    assert "Continuar" in client.get(f"/encuesta/{invitation.token}/").content.decode()
    # The person changes their mind: not working any more, the job answers go.
    client.post(
        f"/encuesta/{invitation.token}/situacion/", {"employment_status": "studying"}
    )
    row.refresh_from_db()
    assert (row.employment_status, row.formal, row.income_band, row.job_related) == (
        "studying",
        None,
        "",
        None,
    )
    # The job step is skipped for someone who does not work.
    skip = client.get(f"/encuesta/{invitation.token}/empleo/")
    assert skip.status_code == 302 and skip["Location"].endswith("/trayectoria/")


def test_a_step_refuses_a_wrong_answer_with_a_message(client, admin_user):
    cohort()
    study = study_in_fieldwork(admin_user)
    token = SurveyInvitation.objects.filter(study=study).first().token
    page = client.post(f"/encuesta/{token}/situacion/", {"employment_status": "pirate"})
    assert page.status_code == 200
    assert (
        "Elija una de las opciones" in page.content.decode()
        or "válida" in page.content.decode()
    )
    client.post(f"/encuesta/{token}/situacion/", {"employment_status": "employed"})
    page = client.post(
        f"/encuesta/{token}/empleo/",
        {"occupation": "astronauta lunar", "job_related": "9"},
    )
    text = page.content.decode()
    assert "Elija una ocupación de la lista" in text
    assert TracerResponse.objects.get(invitation__token=token).job_related is None


def test_an_occupation_is_found_by_words_and_stored_as_its_isco_code(
    client, admin_user
):
    from semillero.registry.reference import load_classifications

    load_classifications()
    cohort()
    study = study_in_fieldwork(admin_user)
    token = SurveyInvitation.objects.filter(study=study).first().token
    client.post(f"/encuesta/{token}/situacion/", {"employment_status": "employed"})
    page = client.get(f"/encuesta/{token}/empleo/")
    assert '<datalist id="occupations">' in page.content.decode()
    assert "7 — Oficiales, operarios y artesanos" in page.content.decode()
    client.post(
        f"/encuesta/{token}/empleo/",
        {
            "occupation": "7 — Oficiales, operarios y artesanos de artes mecánicas y de otros oficios"
        },
    )
    assert TracerResponse.objects.get(invitation__token=token).isco_code == "7"


def test_a_link_answers_once(client, admin_user):
    cohort()
    study = study_in_fieldwork(admin_user)
    token = SurveyInvitation.objects.filter(study=study).first().token
    _answer(client, token, status="employed")
    again = client.get(f"/encuesta/{token}/")
    assert "Ya respondió" in again.content.decode()
    client.post(f"/encuesta/{token}/situacion/", {"employment_status": "unemployed"})
    client.post(f"/encuesta/{token}/enviar/")
    row = TracerResponse.objects.get(invitation__token=token)
    assert row.employment_status == "employed"


def test_a_link_cannot_be_guessed(client, admin_user):
    cohort()
    study = study_in_fieldwork(admin_user)
    token = SurveyInvitation.objects.filter(study=study).first().token
    for guess in (token[:-1] + ("A" if token[-1] != "A" else "B"), "1", "x" * 200):
        assert client.get(f"/encuesta/{guess}/").status_code == 404
        assert (
            client.post(
                f"/encuesta/{guess}/situacion/", {"employment_status": "employed"}
            ).status_code
            == 404
        )


def test_a_closed_study_accepts_nothing_more_and_counts_partial_answers(
    client, admin_user
):
    cohort(women=3, men=2)
    study = study_in_fieldwork(admin_user)
    done, partial, untouched, *_ = SurveyInvitation.objects.filter(
        study=study
    ).order_by("pk")
    _answer(client, done.token)
    client.post(
        f"/encuesta/{partial.token}/situacion/", {"employment_status": "unemployed"}
    )
    services.close_study(study, user=admin_user)

    closed = client.get(f"/encuesta/{untouched.token}/")
    assert closed.status_code == 410 and "cerrada" in closed.content.decode()
    client.post(
        f"/encuesta/{untouched.token}/situacion/", {"employment_status": "employed"}
    )
    assert TracerResponse.objects.get(invitation=untouched).employment_status == ""
    # Closing counted the half-way questionnaire with the work question answered.
    assert TracerResponse.objects.get(invitation=partial).responded is True
    (rate,) = compute("tracer_response_rate", 2024, followup=6)
    assert (rate["numerator"], rate["denominator"]) == (2, 5)
    event = AuditEvent.objects.get(action="tracer.study_closed")
    assert event.details == {"respondents": 2, "partial_counted": 1}


# -- the fieldwork pages ---------------------------------------------------------------


def test_the_study_pages_show_the_plan_then_the_progress(client, admin_user):
    cohort(women=3, men=2)
    client.force_login(admin_user)
    page = client.post(
        reverse("tracer:study_create"),
        {
            "name": "Egresados 2024",
            "cohort_year": "2024",
            "followup_months": "6",
            "margin_of_error": "0.10",
            "questionnaire_version": "2026-1",
            "seed": "",
        },
    )
    study = TracerStudy.objects.get()
    assert page.status_code == 302 and study.seed > 0
    plan = client.get(reverse("tracer:study_detail", args=[study.pk])).content.decode()
    assert "5 egresados de 5" in plan
    client.post(reverse("tracer:study_draw", args=[study.pk]))
    token = SurveyInvitation.objects.filter(stratum="ELEC-01 · M").first().token
    _answer(client, token)
    text = client.get(reverse("tracer:study_detail", args=[study.pk])).content.decode()
    assert "Trabajo de campo" in text
    # By group, lowest response first: the women (0 of 3) before the men (1 of 2).
    assert text.index("ELEC-01 · F") < text.index("ELEC-01 · M")
    assert "50,0" in text or "50.0" in text


def test_a_second_study_of_the_same_wave_gets_a_message_on_the_form(client, admin_user):
    client.force_login(admin_user)
    data = {
        "name": "A",
        "cohort_year": "2024",
        "followup_months": "6",
        "margin_of_error": "0.10",
        "questionnaire_version": "2026-1",
    }
    client.post(reverse("tracer:study_create"), data)
    page = client.post(reverse("tracer:study_create"), data)
    assert page.status_code == 200
    assert TracerStudy.objects.count() == 1
    assert "ya existe" in page.content.decode().lower()


def test_analysts_follow_the_fieldwork_but_not_the_contacts(
    client, admin_user, analyst_user
):
    cohort()
    study = study_in_fieldwork(admin_user)
    client.force_login(analyst_user)
    detail = client.get(reverse("tracer:study_detail", args=[study.pk]))
    assert detail.status_code == 200
    assert "Nombre" not in detail.content.decode()
    assert client.get(reverse("tracer:contacts", args=[study.pk])).status_code == 403
    assert (
        client.post(reverse("tracer:study_close", args=[study.pk])).status_code == 403
    )
    assert client.post(reverse("tracer:study_draw", args=[study.pk])).status_code == 403


def test_the_contact_list_shows_links_to_the_administrator_and_is_audited(
    client, admin_user
):
    cohort()
    study = study_in_fieldwork(admin_user)
    client.force_login(admin_user)
    text = client.get(reverse("tracer:contacts", args=[study.pk])).content.decode()
    assert "NombreF0 Apellido" in text and "f0@example.org" in text
    token = SurveyInvitation.objects.filter(study=study).first().token
    assert f"/encuesta/{token}/" in text
    assert AuditEvent.objects.filter(action="tracer.contacts_viewed").count() == 1
    csv = client.get(reverse("tracer:contacts", args=[study.pk]) + "?export=csv")
    assert f"http://testserver/encuesta/{token}/" in csv.content.decode("utf-8-sig")
    assert AuditEvent.objects.filter(action="export").count() == 1


def test_reminders_by_email_go_to_those_who_have_not_answered(client, admin_user):
    cohort(women=3, men=2)
    study = study_in_fieldwork(admin_user)
    done = SurveyInvitation.objects.filter(study=study).first()
    _answer(client, done.token)
    no_email = SurveyInvitation.objects.filter(study=study).exclude(pk=done.pk).first()
    trainee = no_email.response.trainee
    trainee.email = ""
    trainee.save()
    client.force_login(admin_user)
    client.post(reverse("tracer:contacts_action", args=[study.pk]), {"action": "email"})
    assert len(mail.outbox) == 3  # 5 − 1 answered − 1 without e-mail
    assert all("/encuesta/" in m.body for m in mail.outbox)
    reminded = SurveyInvitation.objects.filter(study=study, reminders=1)
    assert (
        reminded.count() == 3
        and not reminded.filter(pk__in=[done.pk, no_email.pk]).exists()
    )
    # By hand: the one without e-mail was called.
    client.post(
        reverse("tracer:contacts_action", args=[study.pk]),
        {"action": "reminded", "invitation": [no_email.pk]},
    )
    no_email.refresh_from_db()
    assert no_email.reminders == 1 and no_email.last_reminder_at is not None
    pending = client.get(reverse("tracer:contacts", args=[study.pk]) + "?state=pending")
    assert pending.content.decode().count("data-invitation=") == 4


def test_a_trainee_outside_the_sample_has_no_link(admin_user):
    cohort()
    study_in_fieldwork(admin_user)
    outsider = TraineeFactory()
    assert not SurveyInvitation.objects.filter(response__trainee=outsider).exists()
