"""Audit events of tracer studies: the only writers of these actions."""

from django.utils.translation import gettext as _

from semillero.accounts.audit import record_event

STUDY_CREATED = "tracer.study_created"
SAMPLE_DRAWN = "tracer.sample_drawn"
STUDY_CLOSED = "tracer.study_closed"
CONTACTS_VIEWED = "tracer.contacts_viewed"
REMINDERS_SENT = "tracer.reminders_sent"


def study_created_event(*, study, user):
    return record_event(
        actor=user,
        action=STUDY_CREATED,
        obj=study,
        summary=_("Tracer study created: %(name)s") % {"name": study.name},
        details={
            "cohort_year": study.cohort_year,
            "followup_months": study.followup_months,
            "margin_of_error": str(study.margin_of_error),
            "seed": study.seed,
        },
    )


def sample_drawn_event(*, study, user, frame: int, sampled: int, strata: int):
    return record_event(
        actor=user,
        action=SAMPLE_DRAWN,
        obj=study,
        summary=_("Sample of %(name)s drawn: %(sampled)s of %(frame)s graduates")
        % {"name": study.name, "sampled": sampled, "frame": frame},
        details={"frame": frame, "sampled": sampled, "strata": strata},
    )


def study_closed_event(*, study, user, respondents: int, partial: int):
    return record_event(
        actor=user,
        action=STUDY_CLOSED,
        obj=study,
        summary=_("Tracer study closed: %(name)s") % {"name": study.name},
        details={"respondents": respondents, "partial_counted": partial},
    )


def contacts_viewed_event(*, study, user, rows: int):
    """Names and contacts of sampled graduates were shown to `user`."""
    return record_event(
        actor=user,
        action=CONTACTS_VIEWED,
        obj=study,
        summary=_("Contact list of %(name)s viewed") % {"name": study.name},
        details={"rows": rows},
    )


def reminders_sent_event(*, study, user, emailed: int, recorded: int):
    return record_event(
        actor=user,
        action=REMINDERS_SENT,
        obj=study,
        summary=_("Reminders of %(name)s: %(emailed)s e-mailed, %(recorded)s recorded")
        % {"name": study.name, "emailed": emailed, "recorded": recorded},
        details={"emailed": emailed, "recorded": recorded},
    )
