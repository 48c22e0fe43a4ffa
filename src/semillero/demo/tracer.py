"""Tracer studies of the 2023 and 2024 cohorts and social-security records, so
the insertion indicators have something to show.

Every completer of a run ending in 2023 or 2024 gets a latent path: working or
not 6 and 12 months after completing, formally (paying social security) or not.
The institute follows a stratified sample (programme × sex: a fifth, or the whole
stratum when it is small) at 6 and 12 months; about two thirds answer, fewer of
the vulnerable. Social-security records show the formal months around both
follow-ups for every completer, sampled or not.

Differences worth finding (the issue's brief): dual careers lead to jobs more
often and sooner; vulnerable trainees find work less often; women find fewer
formal jobs in the areas where they are few.
"""

import datetime

import numpy as np
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from semillero.core.periods import month_after
from semillero.tracer.models import SocialSecurityRecord, TracerResponse
from semillero.training.models import CourseRun, Enrolment, EnrolmentStatus

from . import bulk
from .context import DemoContext
from .registry import TRAINING_AREAS

NAME = "tracer"
TITLE = gettext_lazy("Tracer studies and social security")

COHORTS = (2023, 2024)
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
    for model in (TracerResponse, SocialSecurityRecord):
        if model.objects.exists():
            raise ExistingTracerData(str(model._meta.verbose_name_plural))


def describe(counts: dict[str, int]) -> str:
    return _(
        "%(responses)s tracer-study rows (cohorts 2023 and 2024, at 6 and 12 "
        "months) and %(records)s monthly social-security records"
    ) % {
        "responses": counts.get("tracer_responses", 0),
        "records": counts.get("social_security", 0),
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
    return {"tracer_responses": responses, "social_security": records}


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
