"""Reads of consultations. Results are aggregates (analysis.py); lists of
invitations name organizations, and typed people only for the roles allowed
personal data; answers are never shown or exported with who gave them."""

from django.db.models import Count, Q, QuerySet

from semillero.accounts.permissions import (
    can_invite_people,
    can_read_consultations,
    can_run_consultations,
    require,
)
from semillero.core.search import matches

from .models import Answer, Consultation, Invitation, Question, Response

SUBMITTED = Q(responses__submitted_at__isnull=False)


def consultation_list(*, user) -> QuerySet[Consultation]:
    require(can_read_consultations(user))
    return Consultation.objects.annotate(
        answers=Count("responses", filter=SUBMITTED, distinct=True),
        invited=Count("invitations", distinct=True),
    )


def consultation_get(*, user, pk: int) -> Consultation:
    return consultation_list(user=user).get(pk=pk)


def invitations(
    *,
    user,
    consultation: Consultation,
    q: str = "",
    group: str | None = None,
    state: str | None = None,
) -> QuerySet[Invitation]:
    """The consultation's invitations. Invitations of typed people (their names
    and e-mails are personal data) only for the roles that may see them.
    `state`: `pending` (not answered), `not_sent`, `answered`."""
    require(can_run_consultations(user))
    rows = consultation.invitations.select_related("group", "organization")
    if not can_invite_people(user):
        rows = rows.filter(organization__isnull=False)
    if q:
        rows = rows.filter(matches(q, "name", "email", "organization__code"))
    if group:
        rows = rows.filter(group__code=group)
    if state == "pending":
        rows = rows.filter(submitted_at__isnull=True)
    elif state == "not_sent":
        rows = rows.filter(submitted_at__isnull=True, sent_at__isnull=True)
    elif state == "answered":
        rows = rows.filter(submitted_at__isnull=False)
    return rows


def submitted_responses(*, user, consultation: Consultation) -> QuerySet[Response]:
    """Submitted responses, for the downloads: group and source, no identity."""
    require(can_read_consultations(user))
    return (
        consultation.responses.filter(submitted_at__isnull=False)
        .select_related("group")
        .prefetch_related("answers__question")
        .only(
            "pk",
            "group__code",
            "group__name_es",
            "group__name_en",
            "source",
            "submitted_at",
        )
        .order_by("pk")
    )


def open_answers(
    *,
    user,
    consultation: Consultation,
    code: str,
    group: str | None = None,
    theme: int | None = None,
    q: str = "",
) -> QuerySet[Answer]:
    """The submitted answers to the open question `code` (every version), with
    their group and themes: never who gave them."""
    require(can_read_consultations(user))
    rows = (
        Answer.objects.filter(
            response__consultation=consultation,
            response__submitted_at__isnull=False,
            question__code=code,
        )
        .exclude(text="")
        .select_related("response__group")
        .prefetch_related("themes")
        .only(
            "pk",
            "text",
            "response__group__name_es",
            "response__group__name_en",
            "response__group__code",
        )
        .order_by("pk")
    )
    if group:
        rows = rows.filter(response__group__code=group)
    if theme == 0:
        rows = rows.filter(themes__isnull=True)
    elif theme:
        rows = rows.filter(themes=theme)
    if q:
        rows = rows.filter(matches(q, "text"))
    return rows


def current_questions(consultation: Consultation) -> list[Question]:
    questionnaire = consultation.questionnaire
    if questionnaire is None:
        return []
    return list(questionnaire.questions.select_related("section"))
