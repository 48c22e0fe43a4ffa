"""Indicators computed on the hand-made world of conftest.py; every number
worked out by hand there or here."""

import io
import json

import pytest
from django.core.management import call_command

from semillero.indicators import cube
from semillero.indicators import definitions as d
from semillero.indicators.compute import compute, compute_many
from tests.factories import TrainingAreaFactory
from tests.training.factories import (
    CourseRunFactory,
    EnrolmentFactory,
    ProgrammeFactory,
    TraineeFactory,
)

Y = 2024
# The participation and results indicators (insertion has its own tests).
PARTICIPATION = [i.code for i in d.INDICATORS if not i.followup]


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
    rows, left_out = compute_many(PARTICIPATION, 2030)
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
        # no population loaded: no denominator
        "coverage_per_1000": (None, 0, None),
        "gender_parity_index": (None, None, None),
        "gender_parity_index_adjusted": (None, None, None),
        "segregation_index": (None, None, None),
        "cost_per_completer": (None, 0.0, 0),
    }
    rows, _ = compute_many(PARTICIPATION, 2030, ["training_area"])
    assert rows == []


def test_all_one_sex_segregation_is_null(db):
    area = TrainingAreaFactory(code="A1")
    run = CourseRunFactory(programme=ProgrammeFactory(training_area=area))
    for _ in range(3):
        EnrolmentFactory(course_run=run, trainee=TraineeFactory(sex="F"))
    cube.rebuild()
    (row,) = compute("segregation_index", 2024)
    assert row["value"] is None
    assert vals(compute("women_share", 2024))[()] == (1.0, 3, 3)


def test_registry_is_complete():
    assert [i.code for i in d.INDICATORS if not i.followup] == [
        "enrolments",
        "trainees",
        "completion_rate",
        "certification_rate",
        "women_share",
        "vulnerable_share",
        "coverage_per_1000",
        "gender_parity_index",
        "gender_parity_index_adjusted",
        "segregation_index",
        "cost_per_completer",
    ]
    assert [i.code for i in d.INDICATORS if i.followup] == [
        "tracer_response_rate",
        "employment_rate",
        "unemployment_rate",
        "formal_share",
        "job_relevance_share",
        "employment_rate_weighted",
        "weight_coverage",
        "formal_employment_admin",
        "median_months_to_first_job",
        "high_insertion_programmes",
        "women_share_high_insertion",
        "women_access_gap",
        "vulnerable_share_high_insertion",
        "vulnerable_access_gap",
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
    values = ["value", "numerator", "denominator", "ci_low", "ci_high"]
    for r in rows:
        if d.get(r["indicator"]).followup:
            assert list(r) == ["indicator", "year", "followup_months", *values]
            assert r["followup_months"] == 6
        else:
            assert list(r) == ["indicator", "year", *values]
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
    out, err = run_cli(
        "--year",
        "2024",
        "--by",
        "sex",
        "--indicator",
        *PARTICIPATION,
        "--format",
        "json",
    )
    rows = json.loads(out)
    assert "women_share cannot be cut by sex" in err
    assert "segregation_index cannot be cut by sex" in err
    assert "cost_per_completer cannot be cut by sex" in err
    assert "gender_parity_index cannot be cut by sex" in err
    codes = {r["indicator"] for r in rows}
    assert codes == {
        "enrolments",
        "trainees",
        "completion_rate",
        "certification_rate",
        "vulnerable_share",
        "coverage_per_1000",
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
    # one per indicator, plus the population table (one query) for each of the
    # three population-based ones
    with django_assert_num_queries(11 + 3):
        rows, _ = compute_many(PARTICIPATION, Y)
    assert len(rows) == 11
    # age_group and vulnerable apply to 7 of them
    with django_assert_num_queries(7):
        rows, left_out = compute_many(PARTICIPATION, Y, ["age_group", "vulnerable"])
    assert left_out == [
        ("coverage_per_1000", ["age_group", "vulnerable"]),
        ("gender_parity_index", ["age_group", "vulnerable"]),
        ("gender_parity_index_adjusted", ["age_group", "vulnerable"]),
        ("cost_per_completer", ["age_group", "vulnerable"]),
    ]
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


# -- population-based: coverage and gender parity ---------------------------------

# Trainees of 2024 with a known residence: 8 (T6 has none).
# SV-SS: T1 F, T2 M, T4 M, T5 F, T8 M, T9 F → F 3, M 3
# SV-LI: T3 F, T7 F                           → F 2, M 0
# Population 2024: SV-SS F 1,000 M 800 (2024); SV-LI F 500 M 500 (its latest
# year, 2023; its 2025 figure is later than Y and ignored); SV-AH F 100 M 100.
# Country: F 1,600, M 1,400, both 3,000.


def test_coverage_national(population):
    (row,) = compute("coverage_per_1000", Y)
    assert (row["value"], row["numerator"], row["denominator"]) == (
        pytest.approx(8 / 3000 * 1000),
        8,
        3000,
    )


def test_coverage_by_department_uses_latest_earlier_population(population):
    rows = compute("coverage_per_1000", Y, ["department"])
    # SV-AH has population but no trainee: no cell (only cells present in data)
    assert vals(rows, "department") == {
        ("SV-LI",): (2 / 1000 * 1000, 2, 1000),
        ("SV-SS",): (pytest.approx(6 / 1800 * 1000), 6, 1800),
    }


def test_coverage_by_sex(population):
    rows = compute("coverage_per_1000", Y, ["sex"])
    assert vals(rows, "sex") == {
        ("F",): (5 / 1600 * 1000, 5, 1600),
        ("M",): (pytest.approx(3 / 1400 * 1000), 3, 1400),
    }


def test_gender_parity_national(population):
    # (5 / 1,600) / (3 / 1,400) = 1.458333…; adjusted 2 − 1/1.458333 = 1.314286
    (gpi,) = compute("gender_parity_index", Y)
    assert gpi["value"] == pytest.approx((5 / 1600) / (3 / 1400))
    assert (gpi["numerator"], gpi["denominator"]) == (5 / 1600, 3 / 1400)
    (adjusted,) = compute("gender_parity_index_adjusted", Y)
    assert adjusted["value"] == pytest.approx(2 - 1 / ((5 / 1600) / (3 / 1400)))
    assert adjusted["value"] == pytest.approx(1.3142857, abs=1e-7)


def test_gender_parity_by_department(population):
    rows = compute("gender_parity_index", Y, ["department"])
    # SV-SS: (3/1,000)/(3/800) = 0.8 (≤ 1: adjusted is the same);
    # SV-LI: no man trained → the male rate is 0 → null
    assert vals(rows, "department") == {
        ("SV-LI",): (None, 2 / 500, 0.0),
        ("SV-SS",): (pytest.approx(0.8), 3 / 1000, 3 / 800),
    }
    adjusted = compute("gender_parity_index_adjusted", Y, ["department"])
    assert vals(adjusted, "department")[("SV-SS",)][0] == pytest.approx(0.8)


def test_coverage_without_population_is_null(world):
    (row,) = compute("coverage_per_1000", Y)
    assert (row["value"], row["numerator"], row["denominator"]) == (None, 8, None)
    (gpi,) = compute("gender_parity_index", Y)
    assert gpi["value"] is None


def test_filters_restrict_before_grouping(population):
    """The dashboards' filters: P-CONF's trainees of 2024 (T1, T3, T7, T9, T5)."""
    rows = compute("trainees", Y, filters={"programme": "P-CONF"})
    assert rows[0]["value"] == 5
    rows = compute("coverage_per_1000", Y, ["sex"], filters={"department": "SV-LI"})
    # in SV-LI: T3 and T7, both women, over 500 women
    assert vals(rows, "sex") == {("F",): (2 / 500 * 1000, 2, 500)}
    with pytest.raises(ValueError, match="cannot be cut by sex"):
        compute("women_share", Y, filters={"sex": "F"})
