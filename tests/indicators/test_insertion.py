"""Insertion and access indicators on hand-made tracer data; every number worked
out here, the Wilson interval from the spec's formula (not from scipy).

Tracer cohort (2024, 6 months) on the world of world.py (runs ending in 2024:
R0 and R1 of P-ELEC, R2 of P-CONF):

    row      sex prog    responded status         formal related first job
    R1/T1    F   P-ELEC  yes       employed       yes    5       1
    R1/T2    M   P-ELEC  yes       self_employed  ?      3       —   (working: out of KM)
    R1/T8    M   P-ELEC  yes       unemployed                    —   (censored at 6)
    R0/T5    F   P-ELEC  no
    R2/T3    F   P-CONF  yes       employed       no     4       3
    R2/T9    F   P-CONF  yes       inactive                      —   (censored at 6)
    R2/T1    F   P-CONF  yes       (empty: not a respondent)
Outside the cohort: R0/T2 at 12 months; R3/T5 (ends 2025).

Respondents 5, working 3 (T1, T2, T3), unemployed 1 (T8).
Completers of 2024 by programme × sex: P-ELEC F 2 (T5 R0, T1 R1), P-ELEC M 3
(T2 R0, T2 R1, T8 R1), P-CONF F 3 (T1, T3, T9).
"""

import datetime
import io
import json
import math

import pytest
from django.core.management import call_command

from semillero.indicators.compute import compute
from semillero.indicators.insertion import kaplan_meier_median, wilson
from semillero.tracer.models import SocialSecurityRecord, TracerResponse
from semillero.training.models import CourseRun, Modality, Trainee
from tests.factories import TrainingAreaFactory
from tests.training.factories import (
    CourseRunFactory,
    EnrolmentFactory,
    ProgrammeFactory,
    TraineeFactory,
)

Y = 2024
Z = 1.959964


def spec_wilson(p: float, n: float) -> tuple[float, float]:
    """The spec's formula, written out again."""
    centre = (p + Z**2 / (2 * n)) / (1 + Z**2 / n)
    half = Z * math.sqrt(p * (1 - p) / n + Z**2 / (4 * n**2)) / (1 + Z**2 / n)
    return centre - half, centre + half


def person(n: int) -> Trainee:
    """The world's trainees are T1…T9 in creation order."""
    return Trainee.objects.order_by("id")[n - 1]


@pytest.fixture
def cohort(world):
    runs = {r.code: r for r in CourseRun.objects.all()}

    def answer(run, n, followup=6, **fields):
        TracerResponse.objects.create(
            trainee=person(n),
            course_run=runs[run],
            followup_months=followup,
            responded=fields.pop("responded", True),
            **fields,
        )

    answer(
        "R1",
        1,
        employment_status="employed",
        formal=True,
        job_related=5,
        months_to_first_job=1,
    )
    answer("R1", 2, employment_status="self_employed", job_related=3)
    answer("R1", 8, employment_status="unemployed")
    answer("R0", 5, responded=False)
    answer(
        "R2",
        3,
        employment_status="employed",
        formal=False,
        job_related=4,
        months_to_first_job=3,
    )
    answer("R2", 9, employment_status="inactive")
    answer("R2", 1, employment_status="")
    answer("R0", 2, followup=12, employment_status="unemployed")
    answer("R3", 5, employment_status="employed")


def one(code, *dims, **kwargs):
    rows = compute(code, Y, dims, **kwargs)
    return rows if dims else rows[0]


def test_response_rate(cohort):
    row = one("tracer_response_rate")
    assert (row["value"], row["numerator"], row["denominator"]) == (6 / 7, 6, 7)
    assert row["followup_months"] == 6


def test_employment_rate_with_wilson_interval(cohort):
    row = one("employment_rate")
    assert (row["value"], row["numerator"], row["denominator"]) == (0.6, 3, 5)
    low, high = spec_wilson(0.6, 5)
    assert row["ci_low"] == pytest.approx(low, abs=1e-6)
    assert row["ci_high"] == pytest.approx(high, abs=1e-6)
    assert (round(row["ci_low"], 4), round(row["ci_high"], 4)) == (0.2307, 0.8824)


def test_employment_rate_by_sex(cohort):
    rows = {r["sex"]: r for r in one("employment_rate", "sex")}
    # women: T1, T3 working, T9 inactive → 2/3; men: T2 working, T8 not → 1/2
    assert (rows["F"]["numerator"], rows["F"]["denominator"]) == (2, 3)
    assert (rows["M"]["numerator"], rows["M"]["denominator"]) == (1, 2)


def test_unemployment_formal_and_relevance(cohort):
    assert one("unemployment_rate")["value"] == 1 / 4  # T8 / (3 working + T8)
    formal = one("formal_share")  # T1 yes, T3 no (T2 did not say)
    assert (formal["value"], formal["numerator"], formal["denominator"]) == (0.5, 1, 2)
    related = one("job_relevance_share")  # T1 5, T3 4 of T1, T2, T3
    assert (related["numerator"], related["denominator"]) == (2, 3)


def test_other_wave(cohort):
    row = one("employment_rate", followup=12)
    assert (row["value"], row["numerator"], row["denominator"]) == (0.0, 0, 1)
    assert row["followup_months"] == 12


def test_weighted_employment_rate_and_kish_interval(cohort):
    # cells: P-ELEC F N=2 r=1 p=1; P-ELEC M N=3 r=2 p=½; P-CONF F N=3 r=2 p=½
    # value = (2·1 + 3·½ + 3·½) / 8 = 5/8
    # weights 2; 1.5, 1.5; 1.5, 1.5 → Σw = 8, Σw² = 13, n = 64/13
    row = one("employment_rate_weighted")
    assert row["value"] == pytest.approx(5 / 8)
    assert (row["numerator"], row["denominator"]) == (pytest.approx(5.0), 8)
    low, high = spec_wilson(5 / 8, 64 / 13)
    assert row["ci_low"] == pytest.approx(low, abs=1e-9)
    assert row["ci_high"] == pytest.approx(high, abs=1e-9)
    assert one("weight_coverage")["value"] == 1.0


def test_weight_coverage_when_a_cell_has_no_respondent(cohort):
    TracerResponse.objects.filter(course_run__code="R2").delete()
    # P-CONF F (N = 3) has no respondent: value (2·1 + 3·½)/5, coverage 5/8
    assert one("employment_rate_weighted")["value"] == pytest.approx(3.5 / 5)
    coverage = one("weight_coverage")
    assert (coverage["value"], coverage["numerator"], coverage["denominator"]) == (
        5 / 8,
        5,
        8,
    )


def test_median_months_to_first_job(cohort):
    # (1, event) (3, event) (6, censored) (6, censored): S(1) = 3/4, S(3) = ½
    row = one("median_months_to_first_job")
    assert (row["value"], row["denominator"]) == (3.0, 4)


def test_kaplan_meier_never_reaching_half():
    assert kaplan_meier_median([(2, True), (6, False), (6, False)]) is None
    assert kaplan_meier_median([]) is None
    # censoring before an event shrinks the risk set: S(4) = 1 · (1 − 1/2)
    assert kaplan_meier_median([(1, False), (4, True), (9, False)]) == 4


def test_formal_employment_from_social_security(cohort):
    """Completers of 2024 (8), completion date = run end: R0 2024-02-28 → month
    2024-08; R1 2024-06-30 → 2024-12; R2 2024-07-31 → 2025-01."""

    def job(n, year, month):
        SocialSecurityRecord.objects.create(
            person_key=person(n).person_key,
            period=datetime.date(year, month, 1),
            employer_tax_id="0614-010101-101-1",
        )

    job(2, 2024, 8)  # R0/T2 ✓
    job(2, 2024, 11)  # R1/T2 needs 2024-12 ✗
    job(1, 2024, 12)  # R1/T1 ✓
    job(1, 2025, 1)  # R2/T1 ✓
    job(9, 2025, 2)  # R2/T9 needs 2025-01 ✗
    SocialSecurityRecord.objects.create(
        person_key="not-a-trainee", period=datetime.date(2024, 12, 1)
    )
    row = one("formal_employment_admin")
    assert (row["value"], row["numerator"], row["denominator"]) == (3 / 8, 3, 8)


def test_empty_cohort(world):
    row = one("employment_rate")
    assert (row["value"], row["numerator"], row["denominator"]) == (None, 0, 0)
    assert (row["ci_low"], row["ci_high"]) == (None, None)
    assert one("median_months_to_first_job")["value"] is None
    assert one("employment_rate_weighted")["value"] is None
    assert one("high_insertion_programmes")["value"] == 0


def test_scipy_wilson_matches_the_spec_formula():
    for k, n in ((0, 5), (3, 5), (5, 5), (30, 30), (1, 100)):
        assert wilson(k, n) == pytest.approx(spec_wilson(k / n, n), abs=1e-6)


def test_cli_with_followup(cohort):
    out = io.StringIO()
    call_command(
        "indicators",
        "--year",
        "2024",
        "--followup",
        "6",
        "--indicator",
        "employment_rate",
        "enrolments",
        "--format",
        "csv",
        stdout=out,
    )
    lines = out.getvalue().splitlines()
    assert lines[0] == (
        "indicator,year,followup_months,value,numerator,denominator,ci_low,ci_high"
    )
    assert lines[1] == "enrolments,2024,,11,,,,"
    assert lines[2].startswith("employment_rate,2024,6,0.6,3,5,0.2307")
    out = io.StringIO()
    call_command(
        "indicators", "--year", "2024", "--indicator", "employment_rate", stdout=out
    )
    (row,) = json.loads(out.getvalue())
    assert list(row)[:3] == ["indicator", "year", "followup_months"]


# -- access: high-insertion programmes ---------------------------------------------------


@pytest.fixture
def access(db):
    """Three programmes, each one run in 2024 (starting and ending that year), every
    trainee a respondent 6 months on:
    - P-A: 30 respondents, all working; 10 women, 20 men; 6 vulnerable
    - P-B: 30 respondents, 10 working; 20 women, 10 men; 15 vulnerable
    - P-C: 29 respondents (one short of the minimum), all working; 29 women
    Cohort rate 69/89; P-A's lower bound (30 of 30) is 0.886 ≥ 0.775 → the only
    high-insertion programme. P-C would be too, with one more respondent.
    """
    area = TrainingAreaFactory(code="A1")
    plan = {
        "P-A": [(10, "F"), (20, "M")],
        "P-B": [(20, "F"), (10, "M")],
        "P-C": [(29, "F")],
    }
    working = {"P-A": 30, "P-B": 10, "P-C": 29}
    vulnerable = {"P-A": 6, "P-B": 15, "P-C": 0}
    for code, groups in plan.items():
        programme = ProgrammeFactory(
            code=code, training_area=area, modality=Modality.CONTINUOUS
        )
        run = CourseRunFactory(
            programme=programme,
            start_date=datetime.date(Y, 2, 1),
            end_date=datetime.date(Y, 6, 30),
        )
        i = 0
        for count, sex in groups:
            for _ in range(count):
                trainee = TraineeFactory(sex=sex, rural=i < vulnerable[code])
                EnrolmentFactory(
                    course_run=run,
                    trainee=trainee,
                    status="completed",
                    completion_date=run.end_date,
                )
                TracerResponse.objects.create(
                    trainee=trainee,
                    course_run=run,
                    followup_months=6,
                    responded=True,
                    employment_status="employed" if i < working[code] else "unemployed",
                )
                i += 1
    from semillero.indicators import cube

    cube.rebuild()


def test_high_insertion_programmes(access):
    assert one("high_insertion_programmes")["value"] == 1
    low, _ = wilson(30, 30)
    assert low == pytest.approx(0.8865, abs=1e-4) and low >= 69 / 89


def test_the_minimum_of_respondents_is_a_setting(access, settings):
    settings.INSERTION_MIN_RESPONDENTS = 29
    assert one("high_insertion_programmes")["value"] == 2  # P-A and P-C


def test_women_and_vulnerable_access(access):
    women = one("women_share_high_insertion")
    assert (women["value"], women["numerator"], women["denominator"]) == (
        10 / 30,
        10,
        30,
    )
    # women overall: 59 of 89
    gap = one("women_access_gap")
    assert gap["value"] == pytest.approx(10 / 30 - 59 / 89)
    vulnerable = one("vulnerable_share_high_insertion")
    assert (vulnerable["numerator"], vulnerable["denominator"]) == (6, 30)
    assert one("vulnerable_access_gap")["value"] == pytest.approx(6 / 30 - 21 / 89)


# -- the insertion page -------------------------------------------------------------------


def test_insertion_page_ranks_programmes_and_marks_the_best(
    client, access, analyst_user, settings
):
    settings.LANGUAGE_CODE = "en"
    client.force_login(analyst_user)
    response = client.get("/indicators/insertion/")
    assert response.status_code == 200
    ranking = response.context["ranking"]
    assert [
        (r["programme"], r["respondents"], r["high_insertion"]) for r in ranking
    ] == [
        ("P-A", 30, True),  # 100 %
        ("P-C", 29, False),  # 100 %, one answer short
        ("P-B", 30, False),  # 33.3 %
    ]
    assert [r["small"] for r in ranking] == [False, True, False]
    html = response.content.decode()
    assert 'data-vega-spec="ranking-spec"' in html
    headline = {r["indicator"]: r for r in response.context["headline"]}
    assert headline["employment_rate"]["value"] == 69 / 89
    csv = client.get("/indicators/insertion/", {"download": "csv", "table": "ranking"})
    assert csv.content.decode("utf-8-sig").splitlines()[1].startswith("P-A,")
    assert (
        client.get(
            "/indicators/insertion/", {"download": "csv", "table": "nope"}
        ).status_code
        == 404
    )


def test_insertion_page_without_tracer_data_and_for_others(
    client, world, analyst_user, officer_user
):
    client.force_login(analyst_user)
    response = client.get("/indicators/insertion/")
    assert response.status_code == 200
    assert response.context["cohorts"] == []
    client.force_login(officer_user)
    assert client.get("/indicators/insertion/").status_code == 403


def test_open_data_insertion_table_is_suppressed(client, cohort, settings):
    """By department and sex at 6 months, with intervals; every cell of the small
    cohort rests on fewer than 5 people."""
    import csv

    def table():
        response = client.get("/open-data/insertion-department-sex/2024.csv")
        assert response.status_code == 200
        text = response.content.decode("utf-8-sig")
        return list(csv.DictReader(text.splitlines()))

    rows = table()
    assert rows and all(r["suppressed"] == "true" for r in rows)
    assert {r["followup_months"] for r in rows} == {"6"}
    settings.SUPPRESSION_K = 1
    from django.core.cache import cache

    cache.clear()
    rows = {(r["indicator"], r["department"], r["sex"]): r for r in table()}
    # SV-SS women respondents: T1 (R1) employed, T9 inactive → 1 of 2
    women = rows[("employment_rate", "SV-SS", "F")]
    assert (women["value"], women["numerator"], women["denominator"]) == (
        "0.5",
        "1",
        "2",
    )
    low, high = spec_wilson(0.5, 2)
    assert float(women["ci_low"]) == pytest.approx(low, abs=1e-6)
    assert women["suppressed"] == "false"


def test_the_access_view_shows_the_plan_target_when_there_is_one(
    client, access, admin_user, analyst_user
):
    from decimal import Decimal

    from semillero.plans import services as plans
    from semillero.plans.models import PlanIndicator, PlanStatus
    from tests.plans.support import make_plan

    client.force_login(analyst_user)
    page = client.get("/indicators/insertion/")
    assert page.context["plan_targets"] == []  # no plan yet
    plan, objective = make_plan(admin_user)
    indicator = plans.save_indicator(
        PlanIndicator(
            objective=objective,
            code="3.1.1",
            name="Mujeres en alta inserción",
            definition="x",
            unit="ratio",
            direction="increase",
            accumulation="stock",
            responsible_unit="P",
            source="computed",
            registry_code="women_share_high_insertion",
            followup_months=6,
            baseline_year=2023,
            baseline_value=Decimal("0.3"),
        ),
        user=admin_user,
        targets={2024: Decimal("0.4")},
    )
    page = client.get("/indicators/insertion/")
    assert page.context["plan_targets"] == []  # a draft plan sets no target yet
    plans.set_plan_status(plan, PlanStatus.ACTIVE, user=admin_user)
    page = client.get("/indicators/insertion/")
    (target,) = page.context["plan_targets"]
    # national women share in high-insertion programmes: 10 of 30
    assert target["value"] == pytest.approx(10 / 30)
    assert target["target"] == Decimal("0.4") and target["indicator"] == indicator
    assert 'data-plan-target="women_share_high_insertion"' in page.content.decode()


def test_the_insertion_page_opens_on_the_latest_cohort_not_in_fieldwork(
    client, access, admin_user, analyst_user
):
    from semillero.tracer import services as tracer
    from tests.tracer.studies import cohort as graduates

    graduates(year=2025, programme_code="P-2025")
    study = tracer.create_study(
        user=admin_user, name="2025", cohort_year=2025, followup_months=6, seed=3
    )
    tracer.draw_sample(study, user=admin_user)
    client.force_login(analyst_user)
    assert client.get("/indicators/insertion/").context["year"] == Y  # 2024
    assert client.get("/indicators/insertion/?year=2025").context["year"] == 2025
    tracer.close_study(study, user=admin_user)
    assert client.get("/indicators/insertion/").context["year"] == 2025
