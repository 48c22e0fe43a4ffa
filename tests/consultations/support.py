"""A small consultation to test with: two sections, a Likert, a single choice,
a number and an open question, open today."""

import datetime

from django.utils import timezone

from semillero.consultations import services
from semillero.consultations.models import QuestionType


def consultation_with_questions(user, *, open_=True):
    today = timezone.localdate()
    consultation = services.consultation_create(
        user=user,
        title="Consulta de prueba",
        purpose="Probar",
        opens_on=today - datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=30),
    )
    first = services.section_add(
        consultation, user=user, title_es="Coordinación", title_en="Coordination"
    )
    second = services.section_add(
        consultation, user=user, title_es="Opiniones", title_en="Opinions"
    )
    services.question_save(
        consultation,
        user=user,
        section=first,
        code="coord",
        type=QuestionType.LIKERT,
        text_es="La coordinación del sistema es buena",
        text_en="The system's coordination is good",
        required=True,
    )
    services.question_save(
        consultation,
        user=user,
        section=first,
        code="channel",
        type=QuestionType.SINGLE,
        text_es="Canal preferido",
        options=services.parse_options(
            "mail | Correo | Mail\nphone | Teléfono | Phone"
        ),
    )
    services.question_save(
        consultation,
        user=user,
        section=first,
        code="staff",
        type=QuestionType.NUMBER,
        text_es="Personas en su organización",
    )
    services.question_save(
        consultation,
        user=user,
        section=second,
        code="prior",
        type=QuestionType.LONG_TEXT,
        text_es="¿Qué debe cambiar?",
    )
    if open_:
        services.consultation_open(consultation, user=user)
    consultation.refresh_from_db()
    return consultation


def question(consultation, code):
    return consultation.questionnaire.questions.get(code=code)


def answer(consultation, group_code, values: dict, *, user=None, organization=None):
    """A submitted answer through a personal invitation of `group_code`."""
    from semillero.consultations.models import Invitation

    group = consultation.groups.get(code=group_code)
    invitation = Invitation.objects.create(
        consultation=consultation,
        group=group,
        organization=organization,
        name="Alguien",
        email=f"x{Invitation.objects.count()}@example.org",
        token=services.new_token(),
    )
    response = services.response_for(invitation.token)
    services.answers_save(
        response, {question(consultation, code): v for code, v in values.items()}
    )
    services.submit(response)
    return response
