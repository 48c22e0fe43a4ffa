"""Audit events of consultations: the only writers of these actions."""

from django.utils.translation import gettext as _

from semillero.accounts.audit import record_event

CONSULTATION_CREATED = "consultations.created"
CONSULTATION_CHANGED = "consultations.changed"
STATUS_CHANGED = "consultations.status_changed"
QUESTIONNAIRE_VERSIONED = "consultations.questionnaire_versioned"
INVITED = "consultations.invited"
INVITATIONS_SENT = "consultations.invitations_sent"
CONTACTS_VIEWED = "consultations.contacts_viewed"
ANSWERS_TAGGED = "consultations.answers_tagged"


def consultation_created_event(*, consultation, user):
    return record_event(
        actor=user,
        action=CONSULTATION_CREATED,
        obj=consultation,
        summary=_("Consultation created: %(title)s") % {"title": consultation.title},
        details={"groups": list(consultation.groups.values_list("code", flat=True))},
    )


def consultation_changed_event(*, consultation, user, what: str):
    return record_event(
        actor=user,
        action=CONSULTATION_CHANGED,
        obj=consultation,
        summary=_("Consultation changed: %(title)s") % {"title": consultation.title},
        details={"what": what},
    )


def status_changed_event(*, consultation, user, status: str):
    return record_event(
        actor=user,
        action=STATUS_CHANGED,
        obj=consultation,
        summary=_("Consultation %(title)s is now %(status)s")
        % {"title": consultation.title, "status": status},
        details={"status": status},
    )


def questionnaire_versioned_event(*, questionnaire, user):
    return record_event(
        actor=user,
        action=QUESTIONNAIRE_VERSIONED,
        obj=questionnaire.consultation,
        summary=_("New version %(version)s of the questionnaire of %(title)s")
        % {"version": questionnaire.version, "title": questionnaire.consultation.title},
        details={"version": questionnaire.version},
    )


def invited_event(*, consultation, user, group, organizations: int, people: int):
    return record_event(
        actor=user,
        action=INVITED,
        obj=consultation,
        summary=_("%(n)s invitations to %(title)s")
        % {"n": organizations + people, "title": consultation.title},
        details={
            "group": group.code,
            "organizations": organizations,
            "people": people,
        },
    )


def invitations_sent_event(*, consultation, user, emailed: int, reminders: bool):
    return record_event(
        actor=user,
        action=INVITATIONS_SENT,
        obj=consultation,
        summary=_("%(n)s invitations of %(title)s e-mailed")
        % {"n": emailed, "title": consultation.title},
        details={"emailed": emailed, "reminders": reminders},
    )


def contacts_viewed_event(*, consultation, user, rows: int):
    """Names and e-mails of invited people were shown to `user`."""
    return record_event(
        actor=user,
        action=CONTACTS_VIEWED,
        obj=consultation,
        summary=_("Invitation list of %(title)s viewed")
        % {"title": consultation.title},
        details={"rows": rows},
    )


def answers_tagged_event(*, consultation, user, theme: str, answers: int):
    return record_event(
        actor=user,
        action=ANSWERS_TAGGED,
        obj=consultation,
        summary=_("%(n)s answers of %(title)s tagged %(theme)s")
        % {"n": answers, "title": consultation.title, "theme": theme},
        details={"theme": theme, "answers": answers},
    )
