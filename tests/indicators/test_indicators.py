"""Indicators computed on a small hand-made world; every number worked out by hand.

Year Y = 2024. Areas ELEC and CONF. Providers CFP-001 and CFP-002.

Runs:
- R0  P-ELEC (ELEC, initial)     CFP-002  2023-10-01..2024-02-28  $900
    T2 M completed · T4 M dropped · T5 F certified
- R1  P-ELEC (ELEC, initial)     CFP-001  2024-02-01..2024-06-30  $1,000
    T1 F certified · T2 M completed · T4 M dropped · T8 M completed · T6 ? enrolled
- R2  P-CONF (CONF, continuous)  CFP-002  2024-03-01..2024-07-31  no cost
    T1 F completed · T3 F certified · T7 F dropped · T9 F certified
- R3  P-CONF (CONF, continuous)  CFP-002  2024-09-01..2025-01-31  $500
    T5 F enrolled · T7 F enrolled

Trainees (sex, birth, vulnerable, residence):
T1 F 2000-05-17 rural=True → vulnerable, SV-SS (two enrolments in 2024)
T2 M 1990-01-01 all flags False, SV-SS
T3 F 2006-03-15 flags unknown, SV-LI
T4 M 1985-07-07 low_income=True → vulnerable, SV-SS
T5 F 1959-09-02 flags unknown, SV-SS
T6 unknown sex, no birth date, flags unknown, no residence
T7 F 1999-09-01 disability=False, SV-LI
T8 M 2008-02-01 returned_migrant=True → vulnerable, SV-SS
T9 F 2010-01-01 rural=None, low_income=False, SV-SS

Enrolments of 2024 (runs R1, R2, R3): 11 — F 7, M 3, unknown 1;
ELEC 5 (F 1, M 3, ? 1), CONF 6 (F 6).
"""

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from semillero.indicators import definitions as d
from semillero.indicators.compute import compute, compute_many
from semillero.training.models import Modality
from tests.factories import OrganizationFactory, TrainingAreaFactory, department
from tests.training.factories import (
    CourseRunFactory,
    EnrolmentFactory,
    ProgrammeFactory,
    TraineeFactory,
)

Y = 2024
D = datetime.date


@pytest.fixture
def world(db):
    elec = TrainingAreaFactory(code="ELEC", name="Electricidad")
    conf = TrainingAreaFactory(code="CONF", name="Confección")
    p_elec = ProgrammeFactory(
        code="P-ELEC", training_area=elec, modality=Modality.INITIAL
    )
    p_conf = ProgrammeFactory(
        code="P-CONF", training_area=conf, modality=Modality.CONTINUOUS
    )
    cfp1 = OrganizationFactory(code="CFP-001")
    cfp2 = OrganizationFactory(code="CFP-002")

    def run(code, prog, prov, start, end, cost):
        return CourseRunFactory(
            code=code,
            programme=prog,
            provider=prov,
            start_date=start,
            end_date=end,
            cost_usd=cost,
        )

    r0 = run("R0", p_elec, cfp2, D(2023, 10, 1), D(2024, 2, 28), Decimal("900.00"))
    r1 = run("R1", p_elec, cfp1, D(2024, 2, 1), D(2024, 6, 30), Decimal("1000.00"))
    r2 = run("R2", p_conf, cfp2, D(2024, 3, 1), D(2024, 7, 31), None)
    r3 = run("R3", p_conf, cfp2, D(2024, 9, 1), D(2025, 1, 31), Decimal("500.00"))

    ss, li = department("SV-SS"), department("SV-LI")
    t = {
        1: TraineeFactory(
            sex="F", birth_date=D(2000, 5, 17), rural=True, department=ss
        ),
        2: TraineeFactory(
            sex="M",
            birth_date=D(1990, 1, 1),
            disability=False,
            returned_migrant=False,
            rural=False,
            low_income=False,
            department=ss,
        ),
        3: TraineeFactory(sex="F", birth_date=D(2006, 3, 15), department=li),
        4: TraineeFactory(
            sex="M", birth_date=D(1985, 7, 7), low_income=True, department=ss
        ),
        5: TraineeFactory(sex="F", birth_date=D(1959, 9, 2), department=ss),
        6: TraineeFactory(sex="", birth_date=None, department=None),
        7: TraineeFactory(
            sex="F", birth_date=D(1999, 9, 1), disability=False, department=li
        ),
        8: TraineeFactory(
            sex="M", birth_date=D(2008, 2, 1), returned_migrant=True, department=ss
        ),
        9: TraineeFactory(
            sex="F", birth_date=D(2010, 1, 1), low_income=False, department=ss
        ),
    }

    def enrol(r, n, status):
        done = r.end_date if status in ("completed", "certified") else None
        EnrolmentFactory(
            course_run=r, trainee=t[n], status=status, completion_date=done
        )

    enrol(r0, 2, "completed")
    enrol(r0, 4, "dropped")
    enrol(r0, 5, "certified")
    enrol(r1, 1, "certified")
    enrol(r1, 2, "completed")
    enrol(r1, 4, "dropped")
    enrol(r1, 8, "completed")
    enrol(r1, 6, "enrolled")
    enrol(r2, 1, "completed")
    enrol(r2, 3, "certified")
    enrol(r2, 7, "dropped")
    enrol(r2, 9, "certified")
    enrol(r3, 5, "enrolled")
    enrol(r3, 7, "enrolled")


def vals(rows, *dims):
    """{cell: (value, numerator, denominator)} with cell = tuple of dim values."""
    return {
        tuple(r[dim] for dim in dims): (r["value"], r["numerator"], r["denominator"])
        for r in rows
    }


# -- national -------------------------------------------------------------------

NATIONAL_2024 = {
    "enrolments": (11, None, None),
    "trainees": (9, None, None),
    # finished in runs ending 2024 (R0, R1, R2): 11, of which completers 8
    "completion_rate": (8 / 11, 8, 11),
    # completers 8, certified T5(R0), T1(R1), T3, T9
    "certification_rate": (4 / 8, 4, 8),
    "women_share": (7 / 10, 7, 10),
    # T1 ×2, T4, T8
    "vulnerable_share": (4 / 11, 4, 11),
    # cost R0 + R1 (R2 unknown cost, R3 ends 2025); completers R0 2 + R1 3
    "cost_per_completer": (1900 / 5, 1900.0, 5),
}


@pytest.mark.parametrize("code", list(NATIONAL_2024))
def test_national(world, code):
    rows = compute(code, Y)
    assert len(rows) == 1
    assert vals(rows)[()] == NATIONAL_2024[code]
    assert rows[0]["ci_low"] is None and rows[0]["ci_high"] is None


def test_segregation_national(world):
    # F = 7, M = 3; ELEC f 1 m 3, CONF f 6 m 0 → ½(|1/7 − 1| + |6/7 − 0|) = 6/7
    (row,) = compute("segregation_index", Y)
    assert row["value"] == pytest.approx(6 / 7)
    assert row["numerator"] is None and row["denominator"] is None


def test_run_starting_in_previous_year(world):
    # R0 belongs to 2023 for participation, to 2024 for results.
    assert vals(compute("enrolments", 2023))[()] == (3, None, None)
    assert vals(compute("trainees", 2023))[()] == (3, None, None)
    # no run ends in 2023: zero denominators
    assert vals(compute("completion_rate", 2023))[()] == (None, 0, 0)
    assert vals(compute("certification_rate", 2023))[()] == (None, 0, 0)
    assert vals(compute("women_share", 2023))[()] == (1 / 3, 1, 3)


def test_cost_with_no_completers_is_null(world):
    # R3 ends in 2025 with a cost of $500 and nobody completed
    assert vals(compute("cost_per_completer", 2025))[()] == (None, 500.0, 0)


# -- by sex -----------------------------------------------------------------------

BY_SEX_2024 = {
    "enrolments": {
        ("F",): (7, None, None),
        ("M",): (3, None, None),
        (None,): (1, None, None),
    },
    "trainees": {
        ("F",): (5, None, None),
        ("M",): (3, None, None),
        (None,): (1, None, None),
    },
    # F: T5 cert, T1 cert, T1 comp, T3 cert, T7 drop, T9 cert; M: T2 ×2, T8 comp, T4 drop ×2
    "completion_rate": {("F",): (5 / 6, 5, 6), ("M",): (3 / 5, 3, 5)},
    "certification_rate": {("F",): (4 / 5, 4, 5), ("M",): (0.0, 0, 3)},
    "vulnerable_share": {
        ("F",): (2 / 7, 2, 7),
        ("M",): (2 / 3, 2, 3),
        (None,): (0.0, 0, 1),
    },
}


@pytest.mark.parametrize("code", list(BY_SEX_2024))
def test_by_sex(world, code):
    rows = compute(code, Y, ["sex"])
    assert vals(rows, "sex") == BY_SEX_2024[code]
    assert [r["sex"] for r in rows] == [k[0] for k in BY_SEX_2024[code]]  # F, M, null


@pytest.mark.parametrize(
    "code", ["women_share", "segregation_index", "cost_per_completer"]
)
def test_not_cut_by_sex(world, code):
    with pytest.raises(ValueError):
        compute(code, Y, ["sex"])


# -- by training area ---------------------------------------------------------------

BY_AREA_2024 = {
    "enrolments": {("CONF",): (6, None, None), ("ELEC",): (5, None, None)},
    "trainees": {("CONF",): (5, None, None), ("ELEC",): (5, None, None)},
    # ELEC = R0 + R1, CONF = R2
    "completion_rate": {("CONF",): (3 / 4, 3, 4), ("ELEC",): (5 / 7, 5, 7)},
    "certification_rate": {("CONF",): (2 / 3, 2, 3), ("ELEC",): (2 / 5, 2, 5)},
    "women_share": {("CONF",): (1.0, 6, 6), ("ELEC",): (1 / 4, 1, 4)},
    "vulnerable_share": {("CONF",): (1 / 6, 1, 6), ("ELEC",): (3 / 5, 3, 5)},
    # CONF: R2 has no cost, R3 ends in 2025 → no cell
    "cost_per_completer": {("ELEC",): (1900 / 5, 1900.0, 5)},
}


@pytest.mark.parametrize("code", list(BY_AREA_2024))
def test_by_training_area(world, code):
    rows = compute(code, Y, ["training_area"])
    assert vals(rows, "training_area") == BY_AREA_2024[code]
    assert [r["training_area"] for r in rows] == sorted(
        k[0] for k in BY_AREA_2024[code]
    )


def test_segregation_not_cut_by_area(world):
    with pytest.raises(ValueError):
        compute("segregation_index", Y, ["training_area"])


def test_segregation_by_provider(world):
    # CFP-001 (R1): F 1, M 3, all ELEC → 0; CFP-002 (R2, R3): only women → null
    rows = compute("segregation_index", Y, ["provider"])
    assert [(r["provider"], r["value"]) for r in rows] == [
        ("CFP-001", 0.0),
        ("CFP-002", None),
    ]


def test_cost_by_provider(world):
    rows = compute("cost_per_completer", Y, ["provider"])
    assert vals(rows, "provider") == {
        ("CFP-001",): (1000 / 3, 1000.0, 3),
        ("CFP-002",): (900 / 2, 900.0, 2),
    }


# -- other dimensions ---------------------------------------------------------------


def test_enrolments_by_age_group(world):
    # whole years at the run's start: T9 14; T8 16 (birthday that day), T3 17;
    # T1 23 ×2, T7 24 (R2); T7 25 (R3, birthday that day); T2 34, T4 38;
    # T5 64 (65 the next day); T6 unknown
    rows = compute("enrolments", Y, ["age_group"])
    assert [(r["age_group"], r["value"]) for r in rows] == [
        ("<15", 1),
        ("15-17", 2),
        ("18-24", 3),
        ("25-29", 1),
        ("30-44", 2),
        ("45-64", 1),
        (None, 1),
    ]


def test_department_of_residence_and_of_run(world):
    rows = compute("enrolments", Y, ["department"])
    assert [(r["department"], r["value"]) for r in rows] == [
        ("SV-LI", 3),
        ("SV-SS", 7),
        (None, 1),
    ]
    # offer-based: the runs' department (the factory's SV-SS)
    rows = compute("cost_per_completer", Y, ["department"])
    assert vals(rows, "department") == {("SV-SS",): (380.0, 1900.0, 5)}


def test_vulnerable_dimension(world):
    rows = compute("enrolments", Y, ["vulnerable"])
    assert [(r["vulnerable"], r["value"]) for r in rows] == [(False, 7), (True, 4)]


def test_two_dimensions_in_order(world):
    rows = compute("enrolments", Y, ["training_area", "sex"])
    assert [(r["training_area"], r["sex"], r["value"]) for r in rows] == [
        ("CONF", "F", 6),
        ("ELEC", "F", 1),
        ("ELEC", "M", 3),
        ("ELEC", None, 1),
    ]


# -- edge cases -----------------------------------------------------------------------


def test_empty_year(world):
    rows, left_out = compute_many(None, 2030)
    assert left_out == []
    assert {
        r["indicator"]: (r["value"], r["numerator"], r["denominator"]) for r in rows
    } == {
        "enrolments": (0, None, None),
        "trainees": (0, None, None),
        "completion_rate": (None, 0, 0),
        "certification_rate": (None, 0, 0),
        "women_share": (None, 0, 0),
        "vulnerable_share": (None, 0, 0),
        "segregation_index": (None, None, None),
        "cost_per_completer": (None, 0.0, 0),
    }
    rows, _ = compute_many(None, 2030, ["training_area"])
    assert rows == []


def test_all_one_sex_segregation_is_null(db):
    area = TrainingAreaFactory(code="A1")
    run = CourseRunFactory(programme=ProgrammeFactory(training_area=area))
    for _ in range(3):
        EnrolmentFactory(course_run=run, trainee=TraineeFactory(sex="F"))
    (row,) = compute("segregation_index", 2024)
    assert row["value"] is None
    assert vals(compute("women_share", 2024))[()] == (1.0, 3, 3)


def test_registry_is_complete():
    assert [i.code for i in d.INDICATORS] == [
        "enrolments",
        "trainees",
        "completion_rate",
        "certification_rate",
        "women_share",
        "vulnerable_share",
        "segregation_index",
        "cost_per_completer",
    ]
    assert not d.get("women_share").allows("sex")
    assert not d.get("segregation_index").allows("training_area")


# -- command line -----------------------------------------------------------------------


def run_cli(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("indicators", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_cli_json(world):
    out, err = run_cli("--year", "2024", "--format", "json")
    rows = json.loads(out)
    assert err == ""
    assert [r["indicator"] for r in rows] == [i.code for i in d.INDICATORS]
    for r in rows:
        assert list(r) == [
            "indicator",
            "year",
            "value",
            "numerator",
            "denominator",
            "ci_low",
            "ci_high",
        ]
    assert rows[2] == {
        "indicator": "completion_rate",
        "year": 2024,
        "value": 8 / 11,
        "numerator": 8,
        "denominator": 11,
        "ci_low": None,
        "ci_high": None,
    }


def test_cli_json_by_sex_leaves_out_with_stderr(world):
    out, err = run_cli("--year", "2024", "--by", "sex", "--format", "json")
    rows = json.loads(out)
    assert "women_share cannot be cut by sex" in err
    assert "segregation_index cannot be cut by sex" in err
    assert "cost_per_completer cannot be cut by sex" in err
    codes = {r["indicator"] for r in rows}
    assert codes == {
        "enrolments",
        "trainees",
        "completion_rate",
        "certification_rate",
        "vulnerable_share",
    }
    first = rows[0]
    assert list(first) == [
        "indicator",
        "year",
        "sex",
        "value",
        "numerator",
        "denominator",
        "ci_low",
        "ci_high",
    ]
    assert [(r["sex"], r["value"]) for r in rows[:3]] == [("F", 7), ("M", 3), (None, 1)]


def test_cli_csv(world):
    out, err = run_cli(
        "--year",
        "2024",
        "--by",
        "training_area",
        "sex",
        "--indicator",
        "enrolments",
        "--format",
        "csv",
    )
    assert err == ""
    assert out.splitlines() == [
        "indicator,year,training_area,sex,value,numerator,denominator,ci_low,ci_high",
        "enrolments,2024,CONF,F,6,,,,",
        "enrolments,2024,ELEC,F,1,,,,",
        "enrolments,2024,ELEC,M,3,,,,",
        "enrolments,2024,ELEC,,1,,,,",
    ]


def test_cli_csv_vulnerable(world):
    out, _ = run_cli(
        "--year",
        "2024",
        "--by",
        "vulnerable",
        "--indicator",
        "women_share",
        "--format",
        "csv",
    )
    assert out.splitlines() == [
        "indicator,year,vulnerable,value,numerator,denominator,ci_low,ci_high",
        # not vulnerable: known sex 6 (T2, T3, T7 ×2, T9, T5), women 5
        f"women_share,2024,false,{5 / 6},5,6,,",
        # vulnerable: T1 ×2, T4, T8
        "women_share,2024,true,0.5,2,4,,",
    ]


def test_cli_rejects_unknown_names(world):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        run_cli("--year", "2024", "--by", "colour")
    with pytest.raises(CommandError):
        run_cli("--year", "2024", "--indicator", "nope")


def test_one_query_per_indicator_and_disaggregation(world, django_assert_num_queries):
    with django_assert_num_queries(8):
        rows, _ = compute_many(None, Y)
    assert len(rows) == 8
    # age_group and vulnerable apply to all but cost_per_completer: 7 queries
    with django_assert_num_queries(7):
        rows, left_out = compute_many(None, Y, ["age_group", "vulnerable"])
    assert left_out == [("cost_per_completer", ["age_group", "vulnerable"])]
    seg = [r for r in rows if r["indicator"] == "segregation_index"]
    # known sex by age × vulnerable: no cell has both sexes → all null
    assert [(r["age_group"], r["vulnerable"], r["value"]) for r in seg] == [
        ("<15", False, None),  # T9 F
        ("15-17", False, None),  # T3 F
        ("15-17", True, None),  # T8 M
        ("18-24", False, None),  # T7 F
        ("18-24", True, None),  # T1 F ×2
        ("25-29", False, None),  # T7 F
        ("30-44", False, None),  # T2 M
        ("30-44", True, None),  # T4 M
        ("45-64", False, None),  # T5 F
    ]
    # by age alone, 15-17 has T8 M in ELEC and T3 F in CONF: ½(|0 − 1| + |1 − 0|) = 1
    rows = compute("segregation_index", Y, ["age_group"])
    assert [(r["age_group"], r["value"]) for r in rows] == [
        ("<15", None),
        ("15-17", 1.0),
        ("18-24", None),
        ("25-29", None),
        ("30-44", None),
        ("45-64", None),
    ]
