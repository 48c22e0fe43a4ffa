"""The non-response check of a tracer cohort, the methods page and the insertion
figures of the national dashboard, on a small hand-made cohort; every number
worked out here (chi-square statistics as fractions, p-values from the chi-square
distribution's closed forms: df 1 → erfc(√(x/2)), df 2 → e^(−x/2)).

Two programmes, runs ending 2024-06-30: RA (P-A, starts 2024-01-15) and RB (P-B,
starts 2024-02-01). Ten completers, one drop-out (A7, not a completer); nine
sampled at 6 months:

    who sex dept  age    sampled answer          formal survey date
    A1  F   SS    18-24  yes     employed        yes    2025-01-05
    A2  F   SS    25-29  yes     employed        no     2025-01-06
    A3  M   LI    18-24  yes     unemployed             2025-01-10
    A4  M   SS    30-44  yes     (did not answer)
    A5  M   SS    30-44  yes     employed        ?      (no date)
    A6  F   SS    18-24  no
    B1  F   LI    18-24  yes     employed        yes    2025-01-20
    B2  F   SS    25-29  yes     inactive               2025-01-25
    B3  M   LI    18-24  yes     self_employed   ?      2025-02-01
    B4  F   SS    30-44  yes     (did not answer)

Respondents 7, sampled 9, completers 10.
"""

import csv
import datetime
import io
import math

import pytest

from semillero.accounts.models import AuditEvent
from semillero.indicators import cube, nonresponse
from semillero.indicators.dashboard import insertion_summary
from semillero.indicators.insertion import latest_cohort
from semillero.tracer.models import TracerResponse
from tests.factories import TrainingAreaFactory, department
from tests.training.factories import (
    CourseRunFactory,
    EnrolmentFactory,
    ProgrammeFactory,
    TraineeFactory,
)

from .test_insertion import spec_wilson

D = datetime.date
PAGE = "/indicators/insertion/nonresponse/"
METHODS = "/indicators/insertion/methods/"


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


PEOPLE = {
    # name: (run, sex, department, birth date, sampled answer, formal, survey date)
    "A1": ("RA", "F", "SV-SS", D(2000, 1, 1), "employed", True, D(2025, 1, 5)),
    "A2": ("RA", "F", "SV-SS", D(1995, 1, 1), "employed", False, D(2025, 1, 6)),
    "A3": ("RA", "M", "SV-LI", D(2001, 6, 1), "unemployed", None, D(2025, 1, 10)),
    "A4": ("RA", "M", "SV-SS", D(1980, 1, 1), "no answer", None, None),
    "A5": ("RA", "M", "SV-SS", D(1990, 1, 1), "employed", None, None),
    "A6": ("RA", "F", "SV-SS", D(2000, 1, 1), None, None, None),
    "B1": ("RB", "F", "SV-LI", D(2003, 1, 1), "employed", True, D(2025, 1, 20)),
    "B2": ("RB", "F", "SV-SS", D(1999, 1, 1), "inactive", None, D(2025, 1, 25)),
    "B3": ("RB", "M", "SV-LI", D(2004, 1, 1), "self_employed", None, D(2025, 2, 1)),
    "B4": ("RB", "F", "SV-SS", D(1985, 1, 1), "no answer", None, None),
}


@pytest.fixture
def graduates(db):
    area = TrainingAreaFactory(code="AR")
    runs = {
        "RA": CourseRunFactory(
            code="RA",
            programme=ProgrammeFactory(
                code="P-A", name="Programa A", training_area=area
            ),
            start_date=D(2024, 1, 15),
            end_date=D(2024, 6, 30),
        ),
        "RB": CourseRunFactory(
            code="RB",
            programme=ProgrammeFactory(
                code="P-B", name="Programa B", training_area=area
            ),
            start_date=D(2024, 2, 1),
            end_date=D(2024, 6, 30),
        ),
    }
    for name, (run, sex, dept, birth, answer, formal, date) in PEOPLE.items():
        trainee = TraineeFactory(sex=sex, birth_date=birth, department=department(dept))
        EnrolmentFactory(
            course_run=runs[run],
            trainee=trainee,
            status="certified" if name == "A1" else "completed",
            completion_date=runs[run].end_date,
        )
        if answer is None:
            continue
        responded = answer != "no answer"
        TracerResponse.objects.create(
            trainee=trainee,
            course_run=runs[run],
            followup_months=6,
            responded=responded,
            employment_status=answer if responded else "",
            formal=formal,
            survey_date=date,
        )
    EnrolmentFactory(course_run=runs["RA"], trainee=TraineeFactory(), status="dropped")
    cube.rebuild()
    return runs


def chi2_p(statistic: float, df: int) -> float:
    if df == 1:
        return math.erfc(math.sqrt(statistic / 2))
    assert df == 2
    return math.exp(-statistic / 2)


def variable(data, dim):
    return next(v for v in data["variables"] if v["dimension"] == dim)


def test_early_and_late_respondents_split_at_the_median_date(graduates):
    data = nonresponse.calculate(2024, 6)
    assert (data["sampled"], data["answered"], data["respondents"]) == (9, 7, 7)
    timing = data["timing"]
    # dated: 01-05, 01-06, 01-10 | 01-20, 01-25, 02-01 — A5 has no date
    assert (timing["dated"], timing["undated"]) == (6, 1)
    assert timing["median_date"] == D(2025, 1, 10)
    early, late = timing["groups"]
    # early A1 A2 A3: 2 of 3 working, formal 1 of 2 (A1 yes, A2 no)
    assert (early["respondents"], early["working"]) == (3, 2)
    assert (early["formal"], early["formal_known"], early["formal_share"]) == (
        1,
        2,
        0.5,
    )
    assert (early["first_date"], early["last_date"]) == (D(2025, 1, 5), D(2025, 1, 10))
    # late B1 B2 B3: 2 of 3 working (B1, B3), formal 1 of 1 (B3 did not say)
    assert (late["respondents"], late["working"]) == (3, 2)
    assert (late["formal"], late["formal_known"], late["formal_share"]) == (1, 1, 1.0)
    low, high = spec_wilson(2 / 3, 3)
    for group in (early, late):
        assert group["employment_rate"] == pytest.approx(2 / 3)
        assert group["ci_low"] == pytest.approx(low, abs=1e-6)
        assert group["ci_high"] == pytest.approx(high, abs=1e-6)
    assert timing["verdict"] == "same"


def test_sex_against_the_sample_and_the_completers(graduates):
    sex = variable(nonresponse.calculate(2024, 6), "sex")
    rows = {r["code"]: r for r in sex["rows"]}
    assert [r["code"] for r in sex["rows"]] == ["F", "M"]
    assert sex["totals"] == {"respondents": 7, "sample": 9, "completers": 10}
    women = rows["F"]
    assert (women["respondents"], women["sample"], women["completers"]) == (4, 5, 6)
    assert women["respondents_share"] == pytest.approx(4 / 7)
    assert women["sample_share"] == pytest.approx(5 / 9)
    assert women["completers_share"] == pytest.approx(0.6)
    assert women["sample_difference"] == pytest.approx(1 / 63)  # +1.6 points
    assert women["completers_difference"] == pytest.approx(-1 / 35)  # −2.9 points
    assert not sex["flagged"]
    # O = (4, 3); E = 7·(5/9, 4/9): Σ(O−E)²/E = 1/315 + 1/252 = 1/140
    test = sex["tests"]["sample"]
    assert test["statistic"] == pytest.approx(1 / 140)
    assert test["df"] == 1
    assert test["p_value"] == pytest.approx(chi2_p(1 / 140, 1))
    assert not test["differs"] and test["approximate"]  # expected 3.1 < 5
    # E = 7·(0.6, 0.4) = (4.2, 2.8): 0.04/4.2 + 0.04/2.8 = 1/42
    test = sex["tests"]["completers"]
    assert test["statistic"] == pytest.approx(1 / 42)
    assert test["p_value"] == pytest.approx(chi2_p(1 / 42, 1))


def test_department_differences_of_five_points_are_flagged(graduates):
    dept = variable(nonresponse.calculate(2024, 6), "department")
    rows = {r["code"]: r for r in dept["rows"]}
    # respondents SS 4 LI 3; sampled SS 6 LI 3; completers SS 7 LI 3
    assert [r["code"] for r in dept["rows"]] == ["SV-SS", "SV-LI"]  # most completers
    ss = rows["SV-SS"]
    assert (ss["respondents"], ss["sample"], ss["completers"]) == (4, 6, 7)
    assert ss["sample_difference"] == pytest.approx(4 / 7 - 2 / 3)  # −9.5 points
    assert ss["completers_difference"] == pytest.approx(4 / 7 - 0.7)  # −12.9 points
    assert ss["sample_flag"] and ss["completers_flag"]
    assert rows["SV-LI"]["sample_flag"] and dept["flagged"]
    # E = 7·(2/3, 1/3): (4/9)/(14/3) + (4/9)/(7/3) = 2/21 + 4/21 = 2/7
    assert dept["tests"]["sample"]["statistic"] == pytest.approx(2 / 7)
    # E = (4.9, 2.1): 0.81/4.9 + 0.81/2.1 = 27/49
    assert dept["tests"]["completers"]["statistic"] == pytest.approx(27 / 49)
    assert dept["tests"]["completers"]["p_value"] == pytest.approx(chi2_p(27 / 49, 1))


def test_age_groups_at_the_start_of_the_course(graduates):
    age = variable(nonresponse.calculate(2024, 6), "age_group")
    assert [
        (r["code"], r["respondents"], r["sample"], r["completers"]) for r in age["rows"]
    ] == [("18-24", 4, 4, 5), ("25-29", 2, 2, 2), ("30-44", 1, 3, 3)]
    rows = {r["code"]: r for r in age["rows"]}
    assert rows["30-44"]["sample_difference"] == pytest.approx(1 / 7 - 1 / 3)
    assert rows["25-29"]["completers_difference"] == pytest.approx(2 / 7 - 0.2)
    # E = 7·(4/9, 2/9, 3/9): 16/63 + 8/63 + 48/63 = 8/7, df 2
    test = age["tests"]["sample"]
    assert (test["statistic"], test["df"]) == (pytest.approx(8 / 7), 2)
    assert test["p_value"] == pytest.approx(chi2_p(8 / 7, 2))
    # E = (3.5, 1.4, 2.1): 1/14 + 9/35 + 121/210 = 19/21
    assert age["tests"]["completers"]["statistic"] == pytest.approx(19 / 21)


def test_programmes_beyond_the_fifteenth_are_one_category(graduates):
    """Sixteen more programmes with one completer each, all ending in 2024: the
    15 largest by completers are shown, the rest as "Other programmes"."""
    area = TrainingAreaFactory(code="AR")
    for i in range(16):
        run = CourseRunFactory(
            programme=ProgrammeFactory(code=f"P-{i:02d}", training_area=area),
            end_date=D(2024, 6, 30),
        )
        EnrolmentFactory(
            course_run=run, status="completed", completion_date=run.end_date
        )
    cube.rebuild()
    prog = variable(nonresponse.calculate(2024, 6), "programme")
    codes = [r["code"] for r in prog["rows"]]
    # P-A (6) and P-B (4) first, then P-00…P-12 by code; P-13…P-15 together
    assert codes == ["P-A", "P-B", *[f"P-{i:02d}" for i in range(13)], "__other__"]
    other = prog["rows"][-1]
    assert (other["label"], other["completers"], other["respondents"]) == (
        "Other programmes",
        3,
        0,
    )
    assert prog["totals"]["completers"] == 26


def test_differing_late_respondents(db):
    """Ten early respondents all working, ten late ones none: Wilson (10, 10)
    starts at 0.722, Wilson (0, 10) ends at 0.278 — the intervals do not overlap."""
    run = CourseRunFactory(end_date=D(2024, 6, 30))
    for i in range(20):
        TracerResponse.objects.create(
            trainee=TraineeFactory(),
            course_run=run,
            followup_months=6,
            responded=True,
            employment_status="employed" if i < 10 else "unemployed",
            survey_date=D(2025, 1, 1) + datetime.timedelta(days=i),
        )
    timing = nonresponse.calculate(2024, 6)["timing"]
    early, late = timing["groups"]
    assert (early["working"], late["working"]) == (10, 0)
    assert early["ci_low"] == pytest.approx(spec_wilson(1, 10)[0], abs=1e-6)
    assert timing["verdict"] == "differ"


def test_a_cohort_without_survey_dates(graduates):
    TracerResponse.objects.update(survey_date=None)
    timing = nonresponse.calculate(2024, 6)["timing"]
    assert timing == {
        "dated": 0,
        "undated": 7,
        "median_date": None,
        "groups": [],
        "verdict": "no_dates",
    }


def test_all_on_one_day(graduates):
    TracerResponse.objects.update(survey_date=D(2025, 1, 15))
    timing = nonresponse.calculate(2024, 6)["timing"]
    early, late = timing["groups"]
    assert (early["respondents"], late["respondents"]) == (7, 0)
    assert timing["verdict"] == "one_group"


def test_an_empty_cohort(graduates):
    data = nonresponse.calculate(2030, 6)
    assert (data["sampled"], data["respondents"]) == (0, 0)
    assert data["timing"]["verdict"] == "no_dates"
    for var in data["variables"]:
        assert var["rows"] == []
        assert var["tests"] == {"sample": None, "completers": None}


def test_goodness_of_fit_leaves_out_groups_the_reference_has_not():
    # reference (0, 5, 5): the 2 observed in the first group cannot be expected
    test = nonresponse.goodness_of_fit([2, 3, 5], [0, 5, 5])
    assert test["left_out"] == 2
    # E = 8·(½, ½) = (4, 4): 1/4 + 1/4 = ½
    assert test["statistic"] == pytest.approx(0.5)
    assert nonresponse.goodness_of_fit([3], [9]) is None  # one group
    assert nonresponse.goodness_of_fit([0, 0], [4, 5]) is None  # nobody


# -- the page ---------------------------------------------------------------------


def test_the_page_says_whether_late_respondents_differ(client, graduates, analyst_user):
    client.force_login(analyst_user)
    response = client.get(PAGE, {"year": 2024, "followup": 6})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Late respondents do not differ from early ones in the employment rate" in (
        html
    )
    assert 'data-verdict="same"' in html
    assert "1 respondent has no survey date" in html
    assert "(5 points or more)" in html  # the departments
    assert "−9.5" in html or "-9.5" in html
    assert 'data-dimension="age_group"' in html
    # the insertion page links here and to the methods
    insertion = client.get("/indicators/insertion/").content.decode()
    assert f"{PAGE}?year=2024&amp;followup=6" in insertion
    assert METHODS in insertion


def test_the_tables_download_audited(client, graduates, analyst_user):
    client.force_login(analyst_user)
    response = client.get(PAGE, {"table": "distributions", "download": "csv"})
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    ss = next(r for r in rows if r["Code"] == "SV-SS")
    assert ss["Respondents"] == "4" and ss["Completers"] == "7"
    assert float(ss["Difference from completers (points)"]) == pytest.approx(
        (4 / 7 - 0.7) * 100, abs=1e-5
    )
    assert ss["Difference of 5 points or more"] == "Yes"
    event = AuditEvent.objects.get(action="export")
    assert event.details["list"] == "insertion:nonresponse:distributions"
    xlsx = client.get(PAGE, {"table": "timing", "download": "xlsx"})
    assert xlsx.content[:2] == b"PK"
    assert client.get(PAGE, {"table": "nope", "download": "csv"}).status_code == 404


def test_the_page_without_answers_or_tracer_data(
    client, graduates, analyst_user, officer_user
):
    client.force_login(analyst_user)
    TracerResponse.objects.update(responded=False, employment_status="")
    html = client.get(PAGE).content.decode()
    assert "Nobody answered in this cohort." in html
    TracerResponse.objects.all().delete()
    response = client.get(PAGE)
    assert response.status_code == 200 and response.context["cohorts"] == []
    assert "No tracer study has been loaded yet" in response.content.decode()
    client.force_login(officer_user)
    assert client.get(PAGE).status_code == 403
    client.logout()
    assert client.get(PAGE)["Location"].startswith("/accounts/login/")


def test_the_page_without_survey_dates(client, graduates, analyst_user):
    TracerResponse.objects.update(survey_date=None)
    client.force_login(analyst_user)
    html = client.get(PAGE).content.decode()
    assert "No respondent of this cohort has a survey date" in html


# -- the methods page -------------------------------------------------------------


def test_the_methods_page_is_public_with_the_setting_and_a_worked_example(
    client, db, settings
):
    settings.INSERTION_MIN_RESPONDENTS = 42
    response = client.get(METHODS)
    assert response.status_code == 200
    html = response.content.decode()
    assert "now 42" in html
    weighted = response.context["weighted"]
    # cells (Nc, rc, working): (40, 8, 6) (60, 20, 10) (10, 0, 0):
    # (40·6/8 + 60·10/20) / 100 = 0.6; weights 8×5, 20×3: n = 100²/380
    assert weighted["value"] == pytest.approx(0.6)
    assert weighted["n_eff"] == pytest.approx(10_000 / 380)
    assert weighted["coverage"] == pytest.approx(100 / 110)
    low, high = spec_wilson(0.6, 10_000 / 380)
    assert (weighted["ci_low"], weighted["ci_high"]) == (
        pytest.approx(low),
        pytest.approx(high),
    )
    assert "60.0" in html and "26.3" in html and "90.9" in html
    assert f"{low * 100:.1f}" in html and f"{high * 100:.1f}" in html
    plain_low, _plain_high = spec_wilson(16 / 28, 28)
    assert f"{plain_low * 100:.1f}" in html  # 16 of 28 unweighted: 57.1 %
    assert "57.1" in html
    # Kaplan–Meier: S(1)=6/7 S(2)=5/7 S(4)=4/7 S(5)=3/7 → 5; those with a job: 3
    assert (response.context["km_median"], response.context["naive_median"]) == (5, 3)
    # n0 = 1.959964² · ¼ / 0.1² = 96.04; N = 200 → ⌈96.04 / (1 + 95.04/200)⌉ = 66
    sizes = {s["population"]: s["size"] for s in response.context["sampling"]["strata"]}
    assert sizes == {10: 10, 20: 17, 60: 38, 200: 66, 1000: 88}
    assert "70.0" in html  # response rate 84 / 120
    guide = client.get("/open-data/indicators/").content.decode()
    assert METHODS in guide


# -- the national dashboard -------------------------------------------------------


def test_latest_cohort_prefers_six_months():
    assert latest_cohort([(2023, 6), (2023, 12), (2024, 12)]) == (2023, 6)
    assert latest_cohort([(2023, 12), (2024, 12)]) == (2024, 12)
    assert latest_cohort([]) is None


def test_the_dashboard_shows_the_insertion_figures(client, graduates, analyst_user):
    client.force_login(analyst_user)
    response = client.get("/indicators/")
    insertion = response.context["insertion"]
    assert (insertion["year"], insertion["followup"]) == (2024, 6)
    figures = {f["indicator"]: f for f in insertion["figures"]}
    # cells: P-A F N3 r2 p1; P-A M N3 r2 p½; P-B F N3 r2 p½; P-B M N1 r1 p1
    # (3 + 1.5 + 1.5 + 1) / 10 = 0.7
    assert figures["employment_rate_weighted"]["value"] == pytest.approx(0.7)
    assert figures["employment_rate_weighted"]["ci_low"] is not None
    assert figures["tracer_response_rate"]["value"] == 7 / 9
    assert figures["formal_employment_admin"]["value"] == 0.0  # no records loaded
    html = response.content.decode()
    assert 'id="insertion-heading"' in html and "70.0" in html
    assert "/indicators/insertion/?year=2024&amp;followup=6" in html
    # the htmx body does not carry them (they do not follow the filters)
    body = client.get(
        "/indicators/",
        {"year": 2024},
        headers={"HX-Request": "true", "HX-Target": "dashboard-body"},
    )
    assert 'id="insertion-heading"' not in body.content.decode()


def test_the_dashboard_leaves_out_a_cohort_in_fieldwork(graduates):
    """A 2025 study in fieldwork has rows (its sample): the dashboard keeps to
    the latest settled cohort."""
    from semillero.tracer.models import StudyStatus, TracerStudy

    TracerStudy.objects.create(
        name="2025", cohort_year=2025, followup_months=6, seed=1, status="fieldwork"
    )
    run = CourseRunFactory(start_date=D(2025, 1, 1), end_date=D(2025, 6, 30))
    TracerResponse.objects.create(
        trainee=TraineeFactory(), course_run=run, followup_months=6, responded=False
    )
    summary = insertion_summary(cube.rebuild())
    assert (summary["year"], summary["followup"]) == (2024, 6)
    TracerStudy.objects.update(status=StudyStatus.CLOSED)
    assert insertion_summary(cube.rebuild())["year"] == 2025


def test_the_dashboard_hides_insertion_without_tracer_data(client, world, analyst_user):
    client.force_login(analyst_user)
    response = client.get("/indicators/")
    assert response.context["insertion"] == {}
    assert 'id="insertion-heading"' not in response.content.decode()


def test_the_insertion_summary_is_cached_per_build(
    graduates, django_assert_num_queries
):
    build = cube.latest_build()
    first = insertion_summary(build)
    with django_assert_num_queries(0):
        assert insertion_summary(build) == first
