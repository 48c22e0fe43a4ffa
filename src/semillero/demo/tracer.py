"""Tracer studies of the 2023 and 2024 cohorts and social-security records, so
the insertion indicators have something to show.

Every completer of a run ending in 2023 or 2024 gets a latent path: working or
not 6 and 12 months after completing, formally (paying social security) or not.
The institute follows a stratified sample (programme × sex: a fifth, or the whole
stratum when it is small) at 6 and 12 months; about two thirds answer, fewer of
the vulnerable. Social-security records show the formal months around both
follow-ups for every completer, sampled or not.

The 2025 cohort is being followed at 6 months by a tracer study in fieldwork,
drawn by the same code a planner uses (`tracer.services`): links sent over the
last weeks, some opened, about four in ten answered so far, so the fieldwork
pages, the contact list and the questionnaire have something real to show.

Differences worth finding (the issue's brief): dual careers lead to jobs more
often and sooner; vulnerable trainees find work less often; women find fewer
formal jobs in the areas where they are few.
"""

import datetime
from decimal import Decimal

import numpy as np
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from semillero.accounts.models import Role, User
from semillero.core.periods import month_after
from semillero.tracer import services
from semillero.tracer.models import (
    SocialSecurityRecord,
    SurveyInvitation,
    TracerResponse,
    TracerStudy,
)
from semillero.training.models import CourseRun, Enrolment, EnrolmentStatus

from . import bulk
from .context import DemoContext
from .registry import TRAINING_AREAS

NAME = "tracer"
TITLE = gettext_lazy("Tracer studies and social security")

COHORTS = (2023, 2024)
FIELDWORK_COHORT = 2025
FIELDWORK_DAYS = 28
WAVES = (6, 12)
SAMPLE_SHARE = 0.2
WHOLE_STRATUM_BELOW = 25
# Chance of working 6 months after completing, and of that job being formal.
WORKING = {"initial": 0.62, "continuous": 0.74, "dual": 0.86, "certification": 0.76}
FORMAL = {"initial": 0.55, "continuous": 0.62, "dual": 0.78, "certification": 0.58}
# Areas where women are few (under 15 % of the enrolments), and find fewer
# formal jobs.
MALE_AREAS = tuple(code for code, _name, women in TRAINING_AREAS if women < 0.15)
RESPONSE = 0.66
EMPLOYERS = [f"0614-{i:06d}-101-{i % 10}" for i in range(1, 400)]
ISIC = list("CFGHIMNPQS")
MINIMUM_WAGE = 365.0
NOT_WORKING = ("unemployed", "inactive", "studying")
COLUMNS = (
    "trainee",
    "run",
    "programme",
    "modality",
    "area",
    "female",
    "person_key",
    "completed",
    "vulnerable",
)


class MissingTraining(Exception):
    pass


class ExistingTracerData(Exception):
    pass


def check() -> None:
    """Needs the demo's course runs; never mixed with real tracer data."""
    if not CourseRun.objects.exists():
        raise MissingTraining
    for model in (TracerResponse, SocialSecurityRecord, TracerStudy):
        if model.objects.exists():
            raise ExistingTracerData(str(model._meta.verbose_name_plural))


def describe(counts: dict[str, int]) -> str:
    return _(
        "%(responses)s tracer-study rows (cohorts 2023 and 2024, at 6 and 12 "
        "months), %(records)s monthly social-security records, and a tracer "
        "study of the 2025 cohort in fieldwork (%(sampled)s graduates sampled, "
        "%(answered)s answered so far)"
    ) % {
        "responses": counts.get("tracer_responses", 0),
        "records": counts.get("social_security", 0),
        "sampled": counts.get("study_sampled", 0),
        "answered": counts.get("study_answered", 0),
    }


def generate(ctx: DemoContext) -> dict[str, int]:
    rng = ctx.random(NAME).np
    people = _completers()
    n = len(people["trainee"])
    if not n:
        return {"tracer_responses": 0, "social_security": 0}
    paths = _paths(rng, people)
    stamp = bulk.stamp(timezone.now())
    responses = _tracer_rows(rng, people, paths, ctx.as_of, stamp)
    records = _social_security(rng, people, paths)
    sampled, answered = _fieldwork_study(rng, ctx)
    return {
        "tracer_responses": responses,
        "social_security": records,
        "study_sampled": sampled,
        "study_answered": answered,
    }


def _completers() -> dict[str, np.ndarray]:
    vulnerable = Q()
    for flag in ("disability", "returned_migrant", "rural", "low_income"):
        vulnerable |= Q(**{f"trainee__{flag}": True})
    qs = Enrolment.objects.filter(
        course_run__end_date__year__in=COHORTS,
        status__in=(EnrolmentStatus.COMPLETED, EnrolmentStatus.CERTIFIED),
        completion_date__isnull=False,
    ).order_by("id")
    vulnerable_ids = set(qs.filter(vulnerable).values_list("id", flat=True))
    rows = list(
        qs.values_list(
            "id",
            "trainee_id",
            "course_run_id",
            "course_run__programme_id",
            "course_run__programme__modality",
            "course_run__programme__training_area__code",
            "trainee__sex",
            "trainee__person_key",
            "completion_date",
        )
    )
    out = {name: [] for name in COLUMNS}
    for pk, trainee, run, programme, modality, area, sex, key, done in rows:
        for name, value in zip(
            COLUMNS,
            (
                trainee,
                run,
                programme,
                modality,
                area,
                sex == "F",
                key,
                done,
                pk in vulnerable_ids,
            ),
            strict=True,
        ):
            out[name].append(value)
    return {name: np.array(values, dtype=object) for name, values in out.items()}


def _paths(rng, people) -> dict[str, np.ndarray]:
    """Working and formal at 6 and 12 months, months to the first job."""
    n = len(people["trainee"])
    work = np.array([WORKING[m] for m in people["modality"]]) - 0.12 * people[
        "vulnerable"
    ].astype(float)
    formal = np.array([FORMAL[m] for m in people["modality"]])
    women_few = people["female"].astype(bool) & np.isin(people["area"], MALE_AREAS)
    formal = formal - 0.25 * women_few
    working6 = rng.random(n) < work
    working12 = working6 | (rng.random(n) < 0.35)
    formal6 = working6 & (rng.random(n) < formal)
    formal12 = working12 & (formal6 | (rng.random(n) < formal * 0.6))
    dual = people["modality"] == "dual"
    first_job = np.where(dual, rng.integers(0, 3, n), rng.integers(0, 7, n))
    return {
        6: working6,
        12: working12,
        "formal6": formal6,
        "formal12": formal12,
        "first_job": first_job,
        "self_employed": rng.random(n) < 0.22,
    }


def _sample(rng, people) -> np.ndarray:
    """Indices of the followed people: per programme × sex, a fifth or all."""
    strata: dict[tuple, list[int]] = {}
    for i, key in enumerate(zip(people["programme"], people["female"], strict=True)):
        strata.setdefault(key, []).append(i)
    chosen = []
    for key in sorted(strata):
        members = strata[key]
        if len(members) <= WHOLE_STRATUM_BELOW:
            chosen.extend(members)
        else:
            k = max(WHOLE_STRATUM_BELOW, round(SAMPLE_SHARE * len(members)))
            chosen.extend(rng.choice(members, k, replace=False).tolist())
    return np.array(sorted(chosen), dtype=np.int64)


def _tracer_rows(rng, people, paths, as_of: datetime.date, stamp) -> int:
    sample = _sample(rng, people)
    columns = {name: [] for name in (
        "trainee_id", "course_run_id", "followup_months", "survey_date",
        "responded", "employment_status", "formal", "isco_code",
        "monthly_income_usd", "job_related", "months_to_first_job",
    )}  # fmt: skip
    for i in sample.tolist():
        for wave in WAVES:
            survey = month_after(people["completed"][i], wave)
            if survey > as_of:
                continue
            p = RESPONSE - (0.1 if people["vulnerable"][i] else 0.0)
            answered = bool(rng.random() < p)
            working = bool(paths[wave][i])
            if not answered:
                status = ""
            elif working:
                status = "self_employed" if paths["self_employed"][i] else "employed"
            else:
                status = NOT_WORKING[int(rng.choice(3, p=(0.6, 0.25, 0.15)))]
            formal_flag = paths[f"formal{wave}"][i] if working else None
            first = int(paths["first_job"][i])
            known_first = answered and (working or rng.random() < 0.1) and first <= wave
            dual = people["modality"][i] == "dual"
            values = (
                people["trainee"][i],
                people["run"][i],
                wave,
                survey.isoformat(),
                answered,
                status,
                bool(formal_flag) if answered and working else None,
                "7411" if answered and working else "",
                round(MINIMUM_WAGE * float(rng.lognormal(0.25, 0.35)), 2)
                if answered and working
                else None,
                int(min(5, max(1, rng.normal(4.2 if dual else 3.4, 1))))
                if answered and working
                else None,
                first if known_first else None,
            )
            for name, value in zip(columns, values, strict=True):
                columns[name].append(value)
    columns["created_at"] = stamp
    columns["updated_at"] = stamp
    columns["income_band"] = ""  # asked by the study questionnaire, not imported
    if not columns["trainee_id"]:
        return 0
    return bulk.insert_columns(TracerResponse, columns)


def _social_security(rng, people, paths) -> int:
    """The formal months around each follow-up (four to eight months after
    completing, and ten to fourteen), for every completer with a formal job."""
    seen = set()
    rows = []
    for i in range(len(people["trainee"])):
        employer = EMPLOYERS[int(rng.integers(len(EMPLOYERS)))]
        isic = ISIC[int(rng.integers(len(ISIC)))]
        wage = round(MINIMUM_WAGE * float(rng.lognormal(0.3, 0.3)), 2)
        for wave, months in ((6, range(4, 9)), (12, range(10, 15))):
            if not paths[f"formal{wave}"][i]:
                continue
            for k in months:
                period = month_after(people["completed"][i], k)
                key = (people["person_key"][i], period)
                if key in seen:
                    continue
                seen.add(key)
                rows.append((key[0], period.isoformat(), employer, isic, wage))
    if not rows:
        return 0
    return bulk.insert(
        SocialSecurityRecord,
        ["person_key", "period", "employer_tax_id", "isic_section", "wage_usd"],
        rows,
    )


# -- a study in fieldwork -----------------------------------------------------------


def _fieldwork_study(rng, ctx: DemoContext) -> tuple[int, int]:
    """The 2025 cohort at 6 months: defined and drawn as a planner would, then
    some weeks of fieldwork: links sent, opened, answered (the answers follow the
    same chances by modality as the older cohorts)."""
    admin = User.objects.filter(role=Role.NATIONAL_ADMIN).order_by("pk").first()
    if (
        admin is None
        or not Enrolment.objects.filter(
            course_run__end_date__year=FIELDWORK_COHORT
        ).exists()
    ):
        return 0, 0
    study = services.create_study(
        user=admin,
        name="Egresados de 2025, seis meses después",
        cohort_year=FIELDWORK_COHORT,
        followup_months=6,
        margin_of_error=Decimal("0.10"),
        seed=ctx.seed or 1,
    )
    sampled = services.draw_sample(study, user=admin)
    invitations = list(
        SurveyInvitation.objects.filter(study=study)
        .select_related("response__course_run__programme")
        .order_by("pk")
    )
    n = len(invitations)
    start = timezone.make_aware(
        datetime.datetime.combine(ctx.as_of, datetime.time(9))
    ) - datetime.timedelta(days=FIELDWORK_DAYS)
    sent = rng.random(n) < 0.85
    sent_day = rng.integers(0, 7, n)
    opened = sent & (rng.random(n) < 0.7)
    answered = opened & (rng.random(n) < 0.65)
    answer_day = np.minimum(FIELDWORK_DAYS - 1, sent_day + rng.geometric(0.25, n))
    reminders = np.where(sent & ~answered, rng.integers(0, 3, n), 0)
    responses = []
    for i, invitation in enumerate(invitations):
        if sent[i]:
            invitation.sent_at = start + datetime.timedelta(days=int(sent_day[i]))
            invitation.reminders = int(reminders[i])
            if reminders[i]:
                invitation.last_reminder_at = start + datetime.timedelta(days=14)
        if opened[i]:
            invitation.opened_at = invitation.sent_at + datetime.timedelta(hours=5)
        if answered[i]:
            moment = start + datetime.timedelta(
                days=int(answer_day[i]), hours=int(rng.integers(0, 10))
            )
            invitation.submitted_at = moment
            response = invitation.response
            _answer(rng, response, response.course_run.programme.modality)
            response.survey_date = moment.date()
            responses.append(response)
    SurveyInvitation.objects.bulk_update(
        invitations,
        ["sent_at", "opened_at", "submitted_at", "reminders", "last_reminder_at"],
        batch_size=2000,
    )
    TracerResponse.objects.bulk_update(
        responses,
        [
            "responded",
            "survey_date",
            "employment_status",
            "formal",
            "isco_code",
            "income_band",
            "job_related",
            "competencies_used",
            "months_to_first_job",
            "satisfaction",
        ],  # fmt: skip
        batch_size=2000,
    )
    return sampled, len(responses)


INCOME_BANDS = ("under_200", "200_364", "365_599", "600_999", "1000_plus", "unsaid")


def _answer(rng, response, modality: str) -> None:
    """One graduate's answers, with the chances of the older cohorts."""
    response.responded = True
    working = rng.random() < WORKING[modality]
    if working:
        response.employment_status = (
            "self_employed" if rng.random() < 0.22 else "employed"
        )
        response.formal = bool(rng.random() < FORMAL[modality])
        response.isco_code = str(rng.choice(list("3456789")))
        response.income_band = INCOME_BANDS[
            int(rng.choice(6, p=(0.08, 0.22, 0.4, 0.18, 0.05, 0.07)))
        ]
        related = 4.2 if modality == "dual" else 3.4
        response.job_related = int(min(5, max(1, round(rng.normal(related, 1)))))
        response.competencies_used = int(min(5, max(1, round(rng.normal(3.8, 1)))))
        response.months_to_first_job = int(
            rng.integers(0, 3 if modality == "dual" else 7)
        )
    else:
        response.employment_status = NOT_WORKING[
            int(rng.choice(3, p=(0.6, 0.25, 0.15)))
        ]
    response.satisfaction = int(min(5, max(1, round(rng.normal(4.1, 0.9)))))
