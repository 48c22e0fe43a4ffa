"""The 2022–2023 consultation for the national vocational training policy: the
seven stakeholder groups answered a questionnaire on coordination, services to
companies, access of women and vulnerable people, innovation and data.

Organizations of the registry were invited (a sample of the training centres;
every government body, business association, workers' organization, strategic
partner and international body), instructors by personal invitation, workers
and the institute's staff also through open links; forty workers answered on
paper in the field and their answers were imported from a KoboToolbox export,
through the same import a planner uses. Analysts tagged most open answers with
themes; some are left for the demo.

Differences worth finding: business associations say the training does not
answer their needs while training centres say it does; workers and the
institute's staff disagree on women's access; nobody but the staff thinks
decisions are taken with data; everybody mildly agrees that coordination is
weak, with no difference between groups.
"""

import datetime
import io

import numpy as np
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from semillero.accounts.models import User
from semillero.consultations import services
from semillero.consultations.importers import responses_import
from semillero.consultations.models import (
    Answer,
    Consultation,
    ConsultationStatus,
    Invitation,
    Questionnaire,
    QuestionType,
    Response,
    ResponseSource,
)
from semillero.registry.models import Instructor, Organization, OrganizationType

from .context import DemoContext

NAME = "consultations"
TITLE = gettext_lazy("Stakeholder consultations")

TITLE_ES = "Consulta para la Política Nacional de Formación Profesional 2022–2023"
OPENS, CLOSES = datetime.date(2022, 10, 3), datetime.date(2023, 2, 28)
GROUPS = [
    # code, target, how many are invited, chance of answering
    ("strategic_partners", 15),
    ("training_centres", 45),
    ("instructors", 50),
    ("government", 12),
    ("business_associations", 12),
    ("workers", 110),
    ("institute_staff", 45),
]
CENTRES_INVITED = 60
INSTRUCTORS_INVITED = 90
OPEN_LINK_ANSWERS = {"workers": 70, "institute_staff": 50}
IMPORTED_WORKERS = 40
ANSWER_CHANCE = {
    "strategic_partners": 0.6,
    "training_centres": 0.75,
    "instructors": 0.6,
    "government": 0.6,
    "business_associations": 0.7,
    "workers": 0.6,
    "institute_staff": 1.0,
}

LIKERT = [
    # code, section, Spanish, English
    ("coord_1", 0, "Las entidades del sistema coordinan bien su oferta de formación", "The organizations of the system coordinate their training offer well"),
    ("coord_2", 0, "El instituto informa a tiempo sobre su oferta y sus convocatorias", "The institute informs in time about its offer and calls"),
    ("serv_1", 1, "La formación responde a las necesidades de las empresas", "Training answers the needs of companies"),
    ("serv_2", 1, "Los trámites para usar los servicios del instituto son sencillos", "Using the institute's services is simple"),
    ("acc_1", 2, "Las mujeres acceden a la formación con las mismas oportunidades que los hombres", "Women have the same opportunities as men to access training"),
    ("acc_2", 2, "Las personas en situación de vulnerabilidad acceden a programas con buena inserción laboral", "Vulnerable people access programmes with good labour-market insertion"),
    ("inn_1", 3, "El sistema incorpora innovación y estándares internacionales", "The system adopts innovation and international standards"),
    ("dat_1", 3, "Las decisiones del sistema se toman con datos", "The system's decisions are taken with data"),
]  # fmt: skip
# The mean answer (1–5) of each group to each question; unlisted: 3.2.
MEANS = {
    "serv_1": {
        "business_associations": 2.1,
        "training_centres": 4.1,
        "institute_staff": 4.0,
        "workers": 3.2,
    },
    "serv_2": {"business_associations": 2.4, "government": 3.0, "institute_staff": 3.9},
    "acc_1": {
        "workers": 2.2,
        "institute_staff": 4.1,
        "training_centres": 3.6,
        "strategic_partners": 2.6,
    },
    "acc_2": {"workers": 2.3, "strategic_partners": 2.4, "institute_staff": 3.5},
    "inn_1": {
        "strategic_partners": 2.3,
        "business_associations": 2.5,
        "training_centres": 3.4,
    },
    "dat_1": {"institute_staff": 3.9},
    "coord_1": {},
    "coord_2": {"training_centres": 2.6, "instructors": 2.5},
}
BASE_MEAN = {"coord_1": 2.6, "dat_1": 2.5}

THEMES = {
    "coordinacion": (
        "Coordinación del sistema",
        [
            "Falta coordinación entre los centros de formación y el instituto",
            "Los centros de formación compiten en lugar de coordinar su oferta",
            "Se necesita una mesa de coordinación entre gobierno, empresas y centros",
            "La coordinación entre instituciones del gobierno es débil",
            "Cada institución trabaja por su lado, falta coordinación del sistema",
        ],
    ),
    "empresas": (
        "Servicios a empresas",
        [
            "Los cursos no responden a las necesidades de las empresas",
            "Las empresas necesitan formación a la medida y más rápida",
            "Simplificar los trámites para que las empresas usen la formación",
            "Las empresas pagan el aporte pero no ven servicios útiles",
            "Formación dual con las empresas para cubrir sus necesidades",
        ],
    ),
    "acceso": (
        "Acceso de mujeres y personas vulnerables",
        [
            "Más acceso de las mujeres a cursos técnicos no tradicionales",
            "Becas y transporte para jóvenes en situación de vulnerabilidad",
            "Horarios flexibles para mujeres con hijos",
            "Acceso de personas con discapacidad a los centros de formación",
            "Llevar la formación a las zonas rurales para las mujeres",
        ],
    ),
    "innovacion": (
        "Innovación y estándares",
        [
            "Actualizar los programas con nuevas tecnologías y estándares internacionales",
            "Innovación en la formación: cursos virtuales y certificación de competencias",
            "Formar a los instructores en nuevas tecnologías",
            "Adoptar estándares internacionales de calidad en la formación",
        ],
    ),
    "datos": (
        "Datos para decidir",
        [
            "Publicar datos de inserción laboral de los egresados",
            "Decidir la oferta con datos de demanda laboral",
            "Un sistema de información con datos abiertos de la formación",
            "Medir resultados con datos y no solo contar cursos",
        ],
    ),
}
# Which topics each group talks about (weights).
TOPICS = {
    "strategic_partners": {"innovacion": 3, "datos": 3, "coordinacion": 2, "acceso": 2},
    "training_centres": {"coordinacion": 4, "innovacion": 2, "empresas": 1, "datos": 1},
    "instructors": {"innovacion": 4, "coordinacion": 1, "acceso": 1},
    "government": {"coordinacion": 3, "datos": 3, "acceso": 2},
    "business_associations": {"empresas": 6, "coordinacion": 1, "innovacion": 1},
    "workers": {"acceso": 5, "empresas": 1, "coordinacion": 1},
    "institute_staff": {"datos": 3, "coordinacion": 2, "innovacion": 1},
}
TAGGED_SHARE = 0.8


def check() -> None:
    """Never mixed with consultations the demo did not make."""
    if Consultation.objects.exists():
        from .generate import DemoError

        raise DemoError(
            _(
                "The database already holds %(what)s that the demo did not create. "
                "The demo only fills an empty database: use --reset with the "
                "embedded SQLite database, or point DATABASE_URL to an empty one."
            )
            % {"what": Consultation._meta.verbose_name_plural}
        )


def describe(counts: dict[str, int]) -> str:
    return _(
        "%(consultations)s consultation of the seven stakeholder groups: "
        "%(invitations)s invitations, %(answers)s answers (%(imported)s imported "
        "from a field survey), %(themes)s themes in the open answers"
    ) % {
        "consultations": counts.get("consultations", 0),
        "invitations": counts.get("invitations", 0),
        "answers": counts.get("answers", 0),
        "imported": counts.get("imported", 0),
        "themes": counts.get("themes", 0),
    }


def _questionnaire(consultation, analyst):
    sections = [
        services.section_add(consultation, user=analyst, title_es=es, title_en=en)
        for es, en in (
            ("Coordinación del sistema", "Coordination of the system"),
            ("Servicios a empresas", "Services to companies"),
            ("Acceso de mujeres y personas vulnerables", "Access of women and vulnerable people"),
            ("Innovación y datos", "Innovation and data"),
            ("Prioridades", "Priorities"),
        )
    ]  # fmt: skip
    for code, section, es, en in LIKERT:
        services.question_save(
            consultation, user=analyst, section=sections[section], code=code,
            type=QuestionType.LIKERT, text_es=es, text_en=en, required=True,
        )  # fmt: skip
    services.question_save(
        consultation, user=analyst, section=sections[3], code="dat_2",
        type=QuestionType.MULTIPLE,
        text_es="¿Qué datos necesita para decidir?", text_en="What data do you need to decide?",
        options=services.parse_options(
            "insercion | Inserción laboral de egresados | Graduates' insertion\n"
            "demanda | Demanda de las empresas | Demand of companies\n"
            "calidad | Calidad de los centros | Quality of the centres\n"
            "costos | Costos de la formación | Costs of training"
        ),
    )  # fmt: skip
    services.question_save(
        consultation, user=analyst, section=sections[4], code="prioridad",
        type=QuestionType.LONG_TEXT, required=True,
        text_es="¿Qué es lo más importante que debe cambiar en la formación profesional del país?",
        text_en="What is the most important thing to change in the country's vocational training?",
    )  # fmt: skip
    services.question_save(
        consultation, user=analyst, section=sections[4], code="anios",
        type=QuestionType.NUMBER,
        text_es="¿Cuántos años lleva vinculado a la formación profesional?",
        text_en="How many years have you been involved in vocational training?",
    )  # fmt: skip


def _answers(rng, group_code: str) -> tuple[dict, str]:
    """One respondent's answers (code → value) and the topic of the open answer."""
    values = {}
    for code, *_rest in LIKERT:
        mean = MEANS[code].get(group_code, BASE_MEAN.get(code, 3.2))
        values[code] = int(np.clip(np.rint(rng.normal(mean, 0.95)), 1, 5))
    wanted = ["insercion", "demanda", "calidad", "costos"]
    values["dat_2"] = [w for w in wanted if rng.random() < 0.45] or ["demanda"]
    values["anios"] = int(rng.integers(1, 30))
    weights = TOPICS[group_code]
    topics = list(weights)
    p = np.array([weights[t] for t in topics], dtype=float)
    topic = topics[int(rng.choice(len(topics), p=p / p.sum()))]
    phrases = THEMES[topic][1]
    values["prioridad"] = phrases[int(rng.integers(len(phrases)))]
    return values, topic


def _moment(rng) -> datetime.datetime:
    days = (CLOSES - OPENS).days
    day = OPENS + datetime.timedelta(days=int(rng.integers(0, days + 1)))
    return timezone.make_aware(
        datetime.datetime.combine(
            day, datetime.time(int(rng.integers(8, 19)), int(rng.integers(0, 60)))
        )
    )


def generate(ctx: DemoContext) -> dict[str, int]:
    rng = ctx.random(NAME).np
    analyst = User.objects.get(username="analyst")
    admin = User.objects.get(username="admin")
    consultation = services.consultation_create(
        user=analyst,
        title=TITLE_ES,
        purpose=(
            "Escuchar a las entidades clave del sistema nacional de formación "
            "profesional para revisar la política nacional y preparar el Plan "
            "Estratégico 2023–2027."
        ),
        opens_on=OPENS,
        closes_on=CLOSES,
    )
    groups = {g.code: g for g in consultation.groups.all()}
    for code, target in GROUPS:
        g = groups[code]
        g.target = target
        g.save(update_fields=["target"])
    _questionnaire(consultation, analyst)
    questionnaire = consultation.questionnaire
    questions = {q.code: q for q in questionnaire.questions.all()}

    # Invitations: organizations of the registry, and instructors by name.
    lead = Organization.objects.filter(is_lead_institute=True).values_list(
        "pk", flat=True
    )
    by_type = {
        "strategic_partners": [
            OrganizationType.STRATEGIC_PARTNER,
            OrganizationType.INTERNATIONAL,
        ],
        "government": [OrganizationType.GOVERNMENT],
        "business_associations": [OrganizationType.BUSINESS_ASSOCIATION],
        "workers": [OrganizationType.WORKERS_ORGANIZATION],
    }
    for code, types in by_type.items():
        orgs = (
            Organization.objects.filter(type__in=types)
            .exclude(pk__in=lead)
            .order_by("code")
        )
        services.invite_organizations(
            consultation, user=analyst, group=groups[code], organizations=orgs
        )
    centres = list(
        Organization.objects.filter(type=OrganizationType.TRAINING_CENTRE).order_by(
            "code"
        )
    )
    chosen = sorted(
        rng.choice(len(centres), size=min(CENTRES_INVITED, len(centres)), replace=False)
    )
    services.invite_organizations(
        consultation, user=analyst, group=groups["training_centres"],
        organizations=[centres[i] for i in chosen],
    )  # fmt: skip
    instructors = list(
        Instructor.objects.exclude(email="")
        .order_by("code")
        .values_list("first_name", "last_name", "email")[:INSTRUCTORS_INVITED]
    )
    services.invite_people(
        consultation, user=admin, group=groups["instructors"],
        people=[(f"{f} {ln}", e.lower()) for f, ln, e in instructors],
    )  # fmt: skip
    consultation.status = ConsultationStatus.OPEN
    consultation.save(update_fields=["status"])

    # Who answered, and what.
    responses, answers, topics = [], [], []
    invitations = list(consultation.invitations.select_related("group").order_by("pk"))
    now_sent = timezone.make_aware(datetime.datetime.combine(OPENS, datetime.time(9)))
    answered_invitations = []
    for invitation in invitations:
        invitation.sent_at = now_sent
        code = invitation.group.code
        if rng.random() < min(1.0, ANSWER_CHANCE[code] + 0.15):
            invitation.opened_at = _moment(rng)
        if invitation.opened_at and rng.random() < ANSWER_CHANCE[code] / min(
            1.0, ANSWER_CHANCE[code] + 0.15
        ):
            invitation.submitted_at = max(invitation.opened_at, _moment(rng))
            answered_invitations.append(invitation)
        elif rng.random() < 0.5:
            invitation.reminders = 1
            invitation.last_reminder_at = now_sent + datetime.timedelta(days=30)
    Invitation.objects.bulk_update(
        invitations,
        ["sent_at", "opened_at", "submitted_at", "reminders", "last_reminder_at"],
    )
    respondents = [(inv.group, inv, inv.submitted_at) for inv in answered_invitations]
    for code, n in OPEN_LINK_ANSWERS.items():
        services.open_link_get_or_create(groups[code], user=analyst)
        respondents += [(groups[code], None, _moment(rng)) for _ in range(n)]
    for group, invitation, moment in respondents:
        values, topic = _answers(rng, group.code)
        responses.append(
            Response(
                consultation=consultation, group=group, questionnaire=questionnaire,
                source=ResponseSource.INVITATION if invitation else ResponseSource.OPEN_LINK,
                invitation=invitation, started_at=moment, submitted_at=moment,
            )
        )  # fmt: skip
        answers.append(values)
        topics.append(topic)
    Response.objects.bulk_create(responses)
    rows = []
    for response, values in zip(responses, answers, strict=True):
        for code, value in values.items():
            fields = services.answer_fields(questions[code], value)
            rows.append(Answer(response=response, question=questions[code], **fields))
    Answer.objects.bulk_create(rows, batch_size=2000)
    Questionnaire.objects.filter(pk=questionnaire.pk).update(frozen_at=now_sent)

    # Forty workers answered on paper; a KoboToolbox export brings them in.
    imported = _import_field_survey(rng, consultation, analyst)

    # The analysts' themes on most open answers (some left to tag).
    theme_objects = {
        key: services.theme_get_or_create(consultation, user=analyst, name=name)
        for key, (name, _phrases) in THEMES.items()
    }
    open_answers = dict(
        Answer.objects.filter(
            question=questions["prioridad"], response__in=responses
        ).values_list("response_id", "pk")
    )
    through = Answer.themes.through
    tags = [
        through(answer_id=open_answers[response.pk], theme_id=theme_objects[topic].pk)
        for response, topic in zip(responses, topics, strict=True)
        if rng.random() < TAGGED_SHARE
    ]
    through.objects.bulk_create(tags)

    consultation.status = ConsultationStatus.CLOSED
    consultation.closed_at = timezone.make_aware(
        datetime.datetime.combine(CLOSES, datetime.time(23, 59))
    )
    consultation.save(update_fields=["status", "closed_at"])
    return {
        "consultations": 1,
        "invitations": len(invitations),
        "answers": len(responses) + imported,
        "imported": imported,
        "themes": len(theme_objects),
    }


def _import_field_survey(rng, consultation, analyst) -> int:
    """A KoboToolbox export of the workers' paper questionnaires, imported while
    the consultation was open; two rows have mistakes and are rejected."""
    import csv

    header = [
        "_uuid",
        "_submission_time",
        "grupo",
        *[c for c, *_r in LIKERT],
        "dat_2",
        "prioridad",
        "anios",
    ]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for i in range(IMPORTED_WORKERS):
        values, _topic = _answers(rng, "workers")
        moment = _moment(rng)
        writer.writerow(
            [f"kobo-{i + 1:04d}", moment.strftime("%Y-%m-%dT%H:%M:%S"), "workers"]
            + [values[c] for c, *_r in LIKERT]
            + [" ".join(values["dat_2"]), values["prioridad"], values["anios"]]
        )
    writer.writerow(
        [
            "kobo-9998",
            "2023-01-20T10:00:00",
            "workers",
            6,
            3,
            3,
            3,
            3,
            3,
            3,
            3,
            "demanda",
            "Más cursos",
            4,
        ]
    )
    writer.writerow(
        [
            "kobo-9999",
            "2023-01-21T10:00:00",
            "Pescadores",
            3,
            3,
            3,
            3,
            3,
            3,
            3,
            3,
            "demanda",
            "Más cursos",
            4,
        ]
    )
    data = out.getvalue().encode()
    # The consultation must take answers for the import's permission checks only.
    batch = responses_import(
        consultation=consultation,
        user=analyst,
        file=SimpleUploadedFile("kobo-trabajadores.csv", data),
        file_name="kobo-trabajadores.csv",
    )
    return batch.rows_created
