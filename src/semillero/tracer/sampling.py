"""The sample of a tracer study: strata, sizes and a reproducible draw.

The frame is every completer (completed or certified) of the course runs ending
in the cohort year. Strata are programme × sex. The size of a stratum of N
graduates for a margin of error e at 95 % is the usual one for a proportion at
its most uncertain (p = 0.5), corrected for the finite stratum:

    n0 = z² · p(1 − p) / e²,   n = ⌈ n0 / (1 + (n0 − 1) / N) ⌉,   at most N

so a small stratum is followed whole. The draw is `random.Random(seed)` over the
frame in a fixed order (stratum, enrolment), hence the same seed and the same data
give the same sample.
"""

import math
import random
from collections import defaultdict
from dataclasses import dataclass

from semillero.training.models import Enrolment, EnrolmentStatus

Z = 1.959964
COMPLETED = (EnrolmentStatus.COMPLETED, EnrolmentStatus.CERTIFIED)
UNKNOWN_SEX = "?"


def stratum_size(population: int, margin: float, *, p: float = 0.5) -> int:
    """Graduates to sample from a stratum of `population` for ±`margin` at 95 %."""
    if population <= 0:
        return 0
    n0 = Z * Z * p * (1 - p) / (margin * margin)
    return min(population, math.ceil(n0 / (1 + (n0 - 1) / population)))


@dataclass(frozen=True)
class FrameMember:
    enrolment_id: int
    trainee_id: int
    course_run_id: int
    stratum: str


@dataclass
class Stratum:
    key: str
    programme: str
    sex: str
    population: int
    size: int


def stratum_key(programme_code: str, sex: str) -> str:
    return f"{programme_code} · {sex or UNKNOWN_SEX}"


def frame(cohort_year: int) -> list[FrameMember]:
    """Completers of the runs ending in `cohort_year`, in a fixed order."""
    rows = (
        Enrolment.objects.filter(
            status__in=COMPLETED, course_run__end_date__year=cohort_year
        )
        .order_by("course_run__programme__code", "trainee__sex", "pk")
        .values_list(
            "pk",
            "trainee_id",
            "course_run_id",
            "course_run__programme__code",
            "trainee__sex",
        )
    )
    return [
        FrameMember(pk, trainee, run, stratum_key(programme, sex))
        for pk, trainee, run, programme, sex in rows
    ]


def plan(members: list[FrameMember], margin: float) -> list[Stratum]:
    """Each stratum with its population and the size to draw, in key order."""
    counts: dict[str, int] = defaultdict(int)
    for member in members:
        counts[member.stratum] += 1
    strata = []
    for key in sorted(counts):
        programme, _sep, sex = key.partition(" · ")
        population = counts[key]
        size = stratum_size(population, margin)
        strata.append(Stratum(key, programme, sex, population, size))
    return strata


def draw(members: list[FrameMember], margin: float, seed: int) -> list[FrameMember]:
    """The stratified simple random sample, reproducible from `seed`."""
    by_stratum: dict[str, list[FrameMember]] = defaultdict(list)
    for member in members:
        by_stratum[member.stratum].append(member)
    rng = random.Random(seed)
    sample = []
    for stratum in plan(members, margin):
        candidates = by_stratum[stratum.key]
        if stratum.size >= len(candidates):
            sample.extend(candidates)
        else:
            sample.extend(
                sorted(
                    rng.sample(candidates, stratum.size), key=lambda m: m.enrolment_id
                )
            )
    return sample
