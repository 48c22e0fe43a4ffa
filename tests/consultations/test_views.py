"""The pages: who may see and do what, the answering page without login, the
downloads and the PDF summary; an analyst never sees who answered."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from semillero.consultations import services
from semillero.consultations.models import Consultation, Invitation, Response

from .support import answer, consultation_with_questions, question

pytestmark = pytest.mark.django_db


def test_an_analyst_creates_a_consultation_and_builds_its_questionnaire(
    client, analyst_user
):
    client.force_login(analyst_user)
    today = timezone.localdate()
    response = client.post(
        reverse("consultations:create"),
        {
            "title": "Consulta 2026",
            "purpose": "Política",
            "opens_on": today,
            "closes_on": today + datetime.timedelta(days=20),
        },
    )
    c = Consultation.objects.get()
    assert response.url == reverse("consultations:detail", args=[c.pk])
    assert c.groups.count() == 7
    client.post(
        reverse("consultations:section_add", args=[c.pk]),
        {"title_es": "Coordinación", "title_en": "Coordination"},
    )
    section = c.questionnaire.sections.get()
    response = client.post(
        reverse("consultations:question_add", args=[c.pk]),
        {
            "section": section.pk,
            "code": "coord_1",
            "type": "likert",
            "required": "on",
            "text_es": "¿Coordinan bien?",
            "options": "",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("consultations:questionnaire", args=[c.pk]))
    assert b'data-question="coord_1"' in page.content
    preview = client.get(reverse("consultations:preview", args=[c.pk]) + "?lang=en")
    assert b"Strongly agree" in preview.content
    client.post(reverse("consultations:status", args=[c.pk]), {"action": "open"})
    assert Consultation.objects.get().status == "open"


def test_viewers_read_results_but_cannot_run(client, viewer_user, analyst_user):
    c = consultation_with_questions(analyst_user)
    client.force_login(viewer_user)
    assert client.get(reverse("consultations:results", args=[c.pk])).status_code == 200
    assert client.get(reverse("consultations:create")).status_code == 403
    assert (
        client.get(reverse("consultations:invitations", args=[c.pk])).status_code == 403
    )


def test_officers_see_no_consultation(client, officer_user, analyst_user):
    c = consultation_with_questions(analyst_user)
    client.force_login(officer_user)
    assert client.get(reverse("consultations:list")).status_code == 403
    assert client.get(reverse("consultations:results", args=[c.pk])).status_code == 403


def test_the_answering_page_needs_no_login_and_takes_one_answer(client, analyst_user):
    c = consultation_with_questions(analyst_user)
    invitation = Invitation.objects.create(
        consultation=c, group=c.groups.get(code="workers"), token=services.new_token()
    )
    start = client.get(reverse("answer:start", args=[invitation.token]))
    assert start.status_code == 200 and start["X-Robots-Tag"] == "noindex, nofollow"
    invitation.refresh_from_db()
    assert invitation.opened_at is not None
    url = reverse("answer:section", args=[invitation.token, 1])
    response = client.post(
        url, {"coord": "4", "channel": "phone", "staff": "12", "go": "next"}
    )
    assert response.url == reverse("answer:section", args=[invitation.token, 2])
    client.post(
        reverse("answer:section", args=[invitation.token, 2]),
        {"prior": "Más datos abiertos", "go": "next"},
    )
    review = client.get(reverse("answer:send", args=[invitation.token]))
    assert "Más datos abiertos" in review.content.decode()
    sent = client.post(reverse("answer:send", args=[invitation.token]))
    assert b'data-answer-sent="yes"' in sent.content
    again = client.get(reverse("answer:start", args=[invitation.token]))
    assert b'data-unavailable="answered"' in again.content
    assert (
        client.post(reverse("answer:send", args=[invitation.token])).content.count(
            b'data-unavailable="answered"'
        )
        == 1
    )
    assert Response.objects.filter(submitted_at__isnull=False).count() == 1


def test_a_closed_consultation_says_so(client, analyst_user):
    c = consultation_with_questions(analyst_user)
    invitation = Invitation.objects.create(
        consultation=c, group=c.groups.first(), token=services.new_token()
    )
    link = services.open_link_get_or_create(c.groups.first(), user=analyst_user)
    services.consultation_close(c, user=analyst_user)
    for url in (
        reverse("answer:start", args=[invitation.token]),
        reverse("answer:open_link", args=[link.token]),
    ):
        response = client.get(url)
        assert response.status_code == 410
        assert b'data-unavailable="closed"' in response.content
    assert (
        client.post(reverse("answer:open_link", args=[link.token])).status_code == 410
    )
    assert (
        not Response.objects.exists()
        or not Response.objects.filter(submitted_at__isnull=False).exists()
    )


def test_unknown_tokens_are_not_found(client):
    assert client.get(reverse("answer:start", args=["x" * 43])).status_code == 404
    assert client.get(reverse("answer:open_link", args=["x" * 43])).status_code == 404


def test_an_analyst_cannot_see_who_answered_an_open_link_nor_invited_people(
    client, admin_user, analyst_user
):
    c = consultation_with_questions(admin_user)
    workers = c.groups.get(code="workers")
    services.invite_people(
        c,
        user=admin_user,
        group=workers,
        people=[("Ana Secreta", "ana.secreta@example.org")],
    )
    link = services.open_link_get_or_create(workers, user=admin_user)
    client.post(
        reverse("answer:open_link", args=[link.token]),
        REMOTE_ADDR="203.0.113.9",
        HTTP_USER_AGENT="Teléfono de Ana",
    )
    response = Response.objects.get(source="open_link")
    services.answers_save(
        response,
        {question(c, "coord"): 2, question(c, "prior"): "Más acceso para mujeres"},
    )
    services.submit(response)
    client.force_login(analyst_user)
    pages = [
        client.get(reverse("consultations:invitations", args=[c.pk])),
        client.get(reverse("consultations:invitations", args=[c.pk]) + "?export=csv"),
        client.get(reverse("consultations:results", args=[c.pk])),
        client.get(reverse("consultations:open_answers", args=[c.pk, "prior"])),
        client.get(reverse("consultations:download", args=[c.pk, "answers", "csv"])),
    ]
    for page in pages:
        assert page.status_code == 200
        text = page.content.decode("utf-8-sig")
        for secret in ("Ana Secreta", "ana.secreta", "203.0.113.9", "Teléfono de Ana"):
            assert secret not in text
    assert "Más acceso para mujeres" in pages[3].content.decode()
    answers_csv = pages[4].content.decode("utf-8-sig").splitlines()
    assert answers_csv[0].startswith(
        "response,stakeholder_group,source,submitted,coord"
    )
    assert ",workers,open_link," in answers_csv[1]
    # The stored response itself has nothing about the person.
    fields = {f.name for f in Response._meta.get_fields()}
    assert not fields & {"ip", "ip_address", "user_agent", "user", "email", "name"}
    # The administrator sees the invited person (to send the invitation).
    client.force_login(admin_user)
    assert (
        "ana.secreta@example.org"
        in client.get(
            reverse("consultations:invitations", args=[c.pk])
        ).content.decode()
    )


def test_an_analyst_tags_an_open_answer(client, analyst_user):
    c = consultation_with_questions(analyst_user)
    response = answer(c, "workers", {"coord": 3, "prior": "Datos abiertos del sistema"})
    a = response.answers.get(question__code="prior")
    client.force_login(analyst_user)
    page = client.post(
        reverse("consultations:answer_tag", args=[c.pk, a.pk]),
        {"new_theme": "Datos"},
        HTTP_HX_REQUEST="true",
    )
    assert b'data-saved="yes"' in page.content
    assert list(a.themes.values_list("name", flat=True)) == ["Datos"]


def test_downloads_and_pdf_summary(client, analyst_user):
    c = consultation_with_questions(analyst_user)
    for value in (1, 4, 5, 5, 2):
        answer(c, "workers", {"coord": value, "prior": "Coordinación entre centros"})
    client.force_login(analyst_user)
    for what in ("answers", "results", "rates"):
        for fmt in ("csv", "xlsx"):
            response = client.get(
                reverse("consultations:download", args=[c.pk, what, fmt])
            )
            assert response.status_code == 200, (what, fmt)
    results = client.get(
        reverse("consultations:download", args=[c.pk, "results", "csv"])
    ).content.decode("utf-8-sig")
    workers_coord = [
        line
        for line in results.splitlines()
        if line.startswith("coord,") and ",workers," in line
    ][0]
    assert ",5,3.4,0.6," in workers_coord
    pdf = client.get(reverse("consultations:summary_pdf", args=[c.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    page = client.get(reverse("consultations:results", args=[c.pk]))
    assert b'data-vega-spec="chart-coord"' in page.content
    assert (
        b'data-group="workers" data-n="5" data-mean="3.4" data-agreement="0.6"'
        in page.content
    )


def test_an_administrator_invites_registry_instructors_and_a_file_of_people(
    client, admin_user, centre
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories import InstructorFactory

    c = consultation_with_questions(admin_user)
    group = c.groups.get(code="instructors")
    InstructorFactory(
        organization=centre,
        first_name="Ana",
        last_name="Pérez",
        email="ana@example.org",
    )
    InstructorFactory(
        organization=centre, first_name="Sin", last_name="Correo", email=""
    )
    listing = SimpleUploadedFile(
        "lista.csv",
        "nombre,correo\nLuis Gómez,luis@example.org\n".encode(),
        content_type="text/csv",
    )
    client.force_login(admin_user)
    client.post(
        reverse("consultations:invite", args=[c.pk]),
        {
            "kind": "people",
            "group": group.pk,
            "people": "Eva Díaz <eva@example.org>",
            "people_file": listing,
            "instructors_of": centre.code,
        },
    )
    invited = set(
        Invitation.objects.filter(consultation=c, group=group).values_list(
            "name", "email"
        )
    )
    # the typed person, the file's person (its header skipped) and the one
    # instructor of the centre with an address
    assert invited == {
        ("Eva Díaz", "eva@example.org"),
        ("Luis Gómez", "luis@example.org"),
        ("Ana Pérez", "ana@example.org"),
    }
    # an unknown organization code invites nobody and says so
    response = client.post(
        reverse("consultations:invite", args=[c.pk]),
        {"kind": "people", "group": group.pk, "instructors_of": "NO-SUCH"},
        follow=True,
    )
    assert "NO-SUCH" in response.content.decode()
    assert Invitation.objects.filter(consultation=c, group=group).count() == 3
