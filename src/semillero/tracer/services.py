"""Tracer studies: define, draw the sample, run the fieldwork, close.

Every write of the study workflow goes through here (views only call): the
sample's rows are the cohort's `TracerResponse` rows, so the insertion indicators
of (cohort year, follow-up) read the study as it goes; each change marks the
indicator cube stale so cached pages are retired.
"""

import secrets

from django.core.exceptions import ValidationError
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from semillero.accounts.permissions import can_manage_tracer_studies, require
from semillero.indicators import cube

from . import events, sampling
from .models import (
    WORKING,
    StudyStatus,
    SurveyInvitation,
    TracerResponse,
    TracerStudy,
)

BATCH = 5000


def new_token() -> str:
    return secrets.token_urlsafe(32)


def new_seed() -> int:
    return secrets.randbelow(1_000_000) + 1


def _stale_after_commit():
    transaction.on_commit(cube.mark_stale)


# -- the study -----------------------------------------------------------------------


def create_study(*, user, **fields) -> TracerStudy:
    require(can_manage_tracer_studies(user))
    fields.setdefault("seed", new_seed())
    study = TracerStudy(created_by=user, **fields)
    study.full_clean()
    if study.cohort_year > timezone.localdate().year:
        raise ValidationError(
            {"cohort_year": _("The courses of that year have not ended yet.")}
        )
    try:
        with transaction.atomic():
            study.save()
            events.study_created_event(study=study, user=user)
    except IntegrityError as exc:  # two planners at once
        raise ValidationError(
            _("A study of this cohort and wave already exists.")
        ) from exc
    return study


@transaction.atomic
def draw_sample(study: TracerStudy, *, user) -> int:
    """Draw the sample, create its rows and links; the study goes to fieldwork.
    All or nothing; refused twice (the row lock makes a double submit wait and
    then find the study in fieldwork)."""
    require(can_manage_tracer_studies(user))
    study = TracerStudy.objects.select_for_update().get(pk=study.pk)
    if study.status != StudyStatus.DRAFT:
        raise ValidationError(_("The sample of this study has already been drawn."))
    cohort = TracerResponse.objects.filter(
        followup_months=study.followup_months,
        course_run__end_date__year=study.cohort_year,
    )
    if cohort.exists():
        raise ValidationError(
            _(
                "Tracer responses of the %(year)s cohort at %(months)s months were "
                "already imported; a study cannot follow the same graduates again."
            )
            % {"year": study.cohort_year, "months": study.followup_months}
        )
    members = sampling.frame(study.cohort_year)
    if not members:
        raise ValidationError(
            _(
                "No trainee completed a course ending in %(year)s: there is no one to follow."
            )
            % {"year": study.cohort_year}
        )
    sample = sampling.draw(members, float(study.margin_of_error), study.seed)
    try:
        _create_sample_rows(study, sample)
    except IntegrityError as exc:
        # SQLite has no row lock: a simultaneous second draw meets the first
        # one's rows (one per graduate, course and wave) and rolls back.
        raise ValidationError(
            _("The sample of this study has already been drawn.")
        ) from exc
    study.status = StudyStatus.FIELDWORK
    study.sampled_at = timezone.now()
    study.save(update_fields=["status", "sampled_at"])
    events.sample_drawn_event(
        study=study,
        user=user,
        frame=len(members),
        sampled=len(sample),
        strata=len({m.stratum for m in members}),
    )
    _stale_after_commit()
    return len(sample)


def _create_sample_rows(study: TracerStudy, sample) -> None:
    """One `TracerResponse` (not answered yet) and one link per sampled graduate."""
    for start in range(0, len(sample), BATCH):
        chunk = sample[start : start + BATCH]
        responses = TracerResponse.objects.bulk_create(
            TracerResponse(
                trainee_id=m.trainee_id,
                course_run_id=m.course_run_id,
                followup_months=study.followup_months,
                responded=False,
            )
            for m in chunk
        )
        SurveyInvitation.objects.bulk_create(
            SurveyInvitation(
                study=study, response=response, token=new_token(), stratum=m.stratum
            )
            for m, response in zip(chunk, responses, strict=True)
        )


@transaction.atomic
def close_study(study: TracerStudy, *, user) -> TracerStudy:
    """Stop the fieldwork: the links accept nothing more. A questionnaire left
    half-way with the employment status answered counts as a (partial) response,
    the usual rule for a survey's key question."""
    require(can_manage_tracer_studies(user))
    study = TracerStudy.objects.select_for_update().get(pk=study.pk)
    if study.status != StudyStatus.FIELDWORK:
        raise ValidationError(_("Only a study in fieldwork can be closed."))
    partial = TracerResponse.objects.filter(
        invitation__study=study, responded=False
    ).exclude(employment_status="")
    partial_count = partial.update(responded=True, updated_at=timezone.now())
    study.status = StudyStatus.CLOSED
    study.closed_at = timezone.now()
    study.save(update_fields=["status", "closed_at"])
    respondents = TracerResponse.objects.filter(
        invitation__study=study, responded=True
    ).count()
    events.study_closed_event(
        study=study, user=user, respondents=respondents, partial=partial_count
    )
    _stale_after_commit()
    return study


# -- the fieldwork -------------------------------------------------------------------


def mark_sent(study: TracerStudy, invitation_ids, *, user) -> int:
    """The links were sent by hand (telephone, message) to these graduates."""
    require(can_manage_tracer_studies(user))
    return SurveyInvitation.objects.filter(
        study=study, pk__in=invitation_ids, sent_at__isnull=True
    ).update(sent_at=timezone.now())


def record_reminders(study: TracerStudy, invitation_ids, *, user) -> int:
    """A reminder was given by hand (a call) to these graduates."""
    require(can_manage_tracer_studies(user))
    count = _count_reminders(
        SurveyInvitation.objects.filter(
            study=study, pk__in=invitation_ids, submitted_at__isnull=True
        )
    )
    events.reminders_sent_event(study=study, user=user, emailed=0, recorded=count)
    return count


def send_email_reminders(study: TracerStudy, *, user, link_for) -> int:
    """E-mail their link to every graduate of the study who has not answered and
    has an e-mail address (through Django's e-mail backend). `link_for(token)`
    makes the absolute link."""
    require(can_manage_tracer_studies(user))
    if not study.is_open:
        raise ValidationError(_("Only a study in fieldwork can send reminders."))
    pending = (
        SurveyInvitation.objects.filter(study=study, submitted_at__isnull=True)
        .exclude(response__trainee__email="")
        .select_related("response__trainee")
    )
    subject = _("Your opinion about your training counts")
    messages = []
    for invitation in pending:
        trainee = invitation.response.trainee
        body = _(
            "Hello %(name)s,\n\nA few months ago you completed a course with us. "
            "Please tell us how you are doing: it takes five minutes, on your phone.\n\n"
            "%(link)s\n\nThe link is personal; your answers are confidential."
        ) % {"name": trainee.first_name or "", "link": link_for(invitation.token)}
        messages.append((subject, body, None, [trainee.email]))
    send_mass_mail(messages, fail_silently=False)
    count = _count_reminders(pending)
    pending.filter(sent_at__isnull=True).update(sent_at=timezone.now())
    events.reminders_sent_event(study=study, user=user, emailed=count, recorded=0)
    return count


def _count_reminders(invitations) -> int:
    return invitations.update(
        reminders=F("reminders") + 1, last_reminder_at=timezone.now()
    )


# -- the questionnaire (no login: the token is the key) ---------------------------------


class SurveyUnavailable(Exception):
    """The link cannot take answers; `reason` is `closed` or `answered`."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def invitation_for(token: str) -> SurveyInvitation | None:
    if not token or len(token) > 64:
        return None
    return (
        SurveyInvitation.objects.select_related(
            "study", "response__course_run__programme", "response__trainee"
        )
        .filter(token=token)
        .first()
    )


def check_open(invitation: SurveyInvitation) -> None:
    if invitation.submitted_at is not None:
        raise SurveyUnavailable("answered")
    if not invitation.study.is_open:
        raise SurveyUnavailable("closed")


def record_opened(invitation: SurveyInvitation) -> None:
    if invitation.opened_at is None:
        invitation.opened_at = timezone.now()
        invitation.save(update_fields=["opened_at"])


# Answers that only mean something for a person who works.
JOB_FIELDS = ("formal", "isco_code", "income_band", "job_related", "competencies_used")


@transaction.atomic
def save_answers(invitation: SurveyInvitation, answers: dict) -> None:
    """Store one step's answers as the person goes (the response stays
    `responded = False` until submitted)."""
    invitation = _locked(invitation)
    check_open(invitation)
    response = invitation.response
    for field, value in answers.items():
        setattr(response, field, value)
    if response.employment_status and response.employment_status not in WORKING:
        for field in JOB_FIELDS:
            setattr(
                response, field, "" if field in ("isco_code", "income_band") else None
            )
    response.full_clean()
    response.save()


@transaction.atomic
def submit(invitation: SurveyInvitation) -> None:
    """The person sends the questionnaire: one response per link, once."""
    invitation = _locked(invitation)
    check_open(invitation)
    response = invitation.response
    if not response.employment_status:
        raise ValidationError(_("Please answer the question about your work first."))
    response.responded = True
    response.survey_date = timezone.localdate()
    response.save(update_fields=["responded", "survey_date", "updated_at"])
    invitation.submitted_at = timezone.now()
    invitation.save(update_fields=["submitted_at"])
    _stale_after_commit()


def _locked(invitation: SurveyInvitation) -> SurveyInvitation:
    """The invitation re-read under a row lock, so two submits of the same link
    (a double tap) run one after the other and the second finds it answered."""
    return (
        SurveyInvitation.objects.select_for_update()
        .select_related("study", "response")
        .get(pk=invitation.pk)
    )
