"""Reads of tracer studies: the list, the plan of a draft, the fieldwork progress
and the graduates still to remind. Aggregates for whoever reads national
indicators; names and contacts only through `contacts` (permitted roles)."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate

from semillero.accounts.permissions import (
    can_read_tracer_studies,
    can_see_tracer_contacts,
    require,
)
from semillero.core.search import matches

from . import sampling
from .models import SurveyInvitation, TracerStudy

ANSWERED = Q(invitations__submitted_at__isnull=False)


def study_list(*, user) -> QuerySet[TracerStudy]:
    require(can_read_tracer_studies(user))
    return TracerStudy.objects.annotate(
        sampled=Count("invitations"),
        answered=Count("invitations", filter=ANSWERED),
    )


def study(*, user, pk: int) -> TracerStudy:
    return study_list(user=user).get(pk=pk)


def sample_plan(study: TracerStudy) -> tuple[int, list[sampling.Stratum]]:
    """The frame's size and the strata a draw would take (a draft's preview)."""
    members = sampling.frame(study.cohort_year)
    return len(members), sampling.plan(members, float(study.margin_of_error))


@dataclass
class StratumProgress:
    stratum: str
    sampled: int
    opened: int
    answered: int

    @property
    def rate(self) -> float | None:
        return self.answered / self.sampled if self.sampled else None


def progress_by_stratum(study: TracerStudy) -> list[StratumProgress]:
    """Strata with the lowest response rate first: where fieldwork must push."""
    rows = (
        SurveyInvitation.objects.filter(study=study)
        .values("stratum")
        .annotate(
            sampled=Count("pk"),
            opened=Count("pk", filter=Q(opened_at__isnull=False)),
            answered=Count("pk", filter=Q(submitted_at__isnull=False)),
        )
        .order_by("stratum")
    )
    strata = [StratumProgress(**row) for row in rows]
    return sorted(strata, key=lambda s: (s.rate, s.stratum))


@dataclass
class DayProgress:
    day: object
    answered: int
    cumulative: int
    rate: float


def progress_by_day(study: TracerStudy, sampled: int) -> list[DayProgress]:
    rows = (
        SurveyInvitation.objects.filter(study=study, submitted_at__isnull=False)
        .annotate(day=TruncDate("submitted_at"))
        .values("day")
        .annotate(answered=Count("pk"))
        .order_by("day")
    )
    days, total = [], 0
    for row in rows:
        total += row["answered"]
        days.append(DayProgress(row["day"], row["answered"], total, total / sampled))
    return days


def strata_choices(study: TracerStudy) -> list[tuple[str, str]]:
    keys = (
        SurveyInvitation.objects.filter(study=study)
        .order_by("stratum")
        .values_list("stratum", flat=True)
        .distinct()
    )
    return [(key, key) for key in keys]


def contacts(
    *,
    user,
    study: TracerStudy,
    q: str = "",
    stratum: str | None = None,
    state: str | None = None,
) -> QuerySet[SurveyInvitation]:
    """The sampled graduates with their names and contacts, for the roles that
    call them. `state`: `pending` (not answered), `never_sent`, `answered`."""
    require(can_see_tracer_contacts(user))
    rows = SurveyInvitation.objects.filter(study=study).select_related(
        "response__trainee", "response__course_run__programme"
    )
    if q:
        rows = rows.filter(
            matches(
                q,
                "response__trainee__first_name",
                "response__trainee__last_name",
                "response__trainee__email",
                "response__trainee__phone",
            )
        )
    if stratum:
        rows = rows.filter(stratum=stratum)
    if state == "pending":
        rows = rows.filter(submitted_at__isnull=True)
    elif state == "never_sent":
        rows = rows.filter(submitted_at__isnull=True, sent_at__isnull=True)
    elif state == "answered":
        rows = rows.filter(submitted_at__isnull=False)
    return rows
