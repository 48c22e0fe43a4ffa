"""The sample of a tracer study: sizes from the margin of error, strata, seeds."""

import pytest

from semillero.tracer import sampling
from semillero.tracer.sampling import FrameMember, stratum_size

from .studies import cohort

# n0 = 1.959964² × 0.5 × 0.5 / e²; n = ⌈n0 / (1 + (n0 − 1)/N)⌉, at most N.
# e = 0.05: n0 = 384.1459; N = 1000 → 384.1459 / 1.383146 = 277.73 → 278.
# e = 0.10: n0 = 96.0365;  N = 200 → 96.0365 / 1.475182 = 65.10 → 66;
#                          N = 20  → 96.0365 / 5.751824 = 16.70 → 17;
#                          N = 10  → 96.0365 / 10.50365 = 9.14 → 10 (all).


@pytest.mark.parametrize(
    "population, margin, expected",
    [
        (1000, 0.05, 278),
        (200, 0.10, 66),
        (20, 0.10, 17),
        (10, 0.10, 10),
        (3, 0.10, 3),
        (1, 0.10, 1),
        (0, 0.10, 0),
    ],
)
def test_stratum_size_from_the_margin_of_error(population, margin, expected):
    assert stratum_size(population, margin) == expected


def _members(counts: dict[str, int]) -> list[FrameMember]:
    members, pk = [], 0
    for stratum, count in counts.items():
        for _i in range(count):
            pk += 1
            members.append(FrameMember(pk, pk, 1, stratum))
    return members


def test_the_plan_takes_each_stratum_size_and_small_strata_whole():
    members = _members({"A · F": 200, "A · M": 20, "B · F": 4})
    plan = sampling.plan(members, 0.10)
    assert [(s.key, s.programme, s.sex, s.population, s.size) for s in plan] == [
        ("A · F", "A", "F", 200, 66),
        ("A · M", "A", "M", 20, 17),
        ("B · F", "B", "F", 4, 4),
    ]


def test_the_draw_is_reproducible_from_the_seed_and_stratified():
    members = _members({"A · F": 200, "A · M": 20, "B · F": 4})
    first = sampling.draw(members, 0.10, seed=11)
    again = sampling.draw(members, 0.10, seed=11)
    other = sampling.draw(members, 0.10, seed=12)
    assert first == again
    assert first != other
    assert len(first) == 66 + 17 + 4
    by_stratum = {}
    for member in first:
        by_stratum.setdefault(member.stratum, []).append(member)
    assert {k: len(v) for k, v in by_stratum.items()} == {
        "A · F": 66,
        "A · M": 17,
        "B · F": 4,
    }
    assert len({m.enrolment_id for m in first}) == len(first)  # nobody twice


@pytest.mark.django_db
def test_the_frame_is_the_completers_of_the_runs_ending_in_the_year():
    run = cohort(women=3, men=2, dropped=2, programme_code="ELEC-01")
    cohort(women=1, men=0, dropped=0, programme_code="SOLD-01", year=2023)
    members = sampling.frame(2024)
    assert len(members) == 5
    assert {m.course_run_id for m in members} == {run.pk}
    assert sorted({m.stratum for m in members}) == ["ELEC-01 · F", "ELEC-01 · M"]
    assert sampling.frame(2022) == []
