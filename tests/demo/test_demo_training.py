"""The training part of the demo (2019–2025), on the small scale: its size, its
reproducibility, the structure the dashboards will show, and that it stores no
national ID."""

import re
from collections import Counter
from datetime import date

import pytest
from django.db.models import Count, F, Q, Sum

from semillero.core.national_id import is_valid_dui
from semillero.core.pseudonymisation import person_key
from semillero.demo import training
from semillero.demo.context import DemoContext
from semillero.demo.generate import DemoError, build_demo
from semillero.demo.people import national_ids
from semillero.registry.models import Organization, TrainingArea
from semillero.training.models import (
    CompanyServiceRequest,
    CourseRun,
    Enrolment,
    LevyContribution,
    Programme,
    ServiceRequestStatus,
    Trainee,
)
from tests.demo.test_demo import wipe

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 11, 25)
EARLY_2026 = date(2026, 2, 1)
SEED = 1993
DONE = ("completed", "certified")
FINISHED = ("completed", "certified", "dropped")
POOREST = ["SV-MO", "SV-UN", "SV-CA", "SV-CH", "SV-AH"]
VULNERABLE = (
    Q(trainee__disability=True)
    | Q(trainee__returned_migrant=True)
    | Q(trainee__rural=True)
    | Q(trainee__low_income=True)
)


def build(seed=SEED, as_of=AS_OF):
    return {
        r.name: r
        for r in build_demo(
            seed=seed, scale="small", password="semillero-demo", as_of=as_of
        )
    }


@pytest.fixture
def demo():
    return build()


def share(enrolments, condition) -> float:
    total = enrolments.count()
    assert total > 0
    return enrolments.filter(condition).count() / total


def completion_rate(enrolments) -> float:
    finished = enrolments.filter(status__in=FINISHED)
    return finished.filter(status__in=DONE).count() / finished.count()


def test_enrolments_per_year_follow_the_scale(demo):
    """Each year 2019–2025 has exactly its planned number of enrolments (by the
    start of the run), and the counts reported by the module are the database's."""
    expected = training.enrolments_per_year("small")
    assert list(expected) == list(range(2019, 2026))
    assert expected[2019] == 800 and expected[2020] < expected[2019]  # the pandemic
    per_year = dict(
        Enrolment.objects.values_list("course_run__start_date__year")
        .annotate(n=Count("id"))
        .values_list("course_run__start_date__year", "n")
    )
    assert per_year == expected
    counts = demo["training"].counts
    assert demo["training"].generated
    assert counts["enrolments"] == Enrolment.objects.count() == sum(expected.values())
    assert counts["trainees"] == Trainee.objects.count()
    assert counts["course_runs"] == CourseRun.objects.count()
    assert counts["programmes"] == Programme.objects.count() == 60
    assert counts["levy_contributions"] == LevyContribution.objects.count() > 0
    assert counts["service_requests"] == CompanyServiceRequest.objects.count() > 0
    years = CourseRun.objects.values_list("start_date__year", flat=True).distinct()
    assert set(years) == set(range(2019, 2026))


def test_programmes_cover_every_area_with_realistic_hours(demo):
    """About four programmes per area; hours by modality; 4-digit ISCO codes."""
    per_area = Counter(Programme.objects.values_list("training_area__code", flat=True))
    assert set(per_area) == set(TrainingArea.objects.values_list("code", flat=True))
    assert min(per_area.values()) >= 3
    hours = {
        "dual": (600, 2000),
        "initial": (120, 600),
        "continuous": (16, 80),
        "certification": (8, 40),
    }
    for modality, hrs, isco in Programme.objects.values_list(
        "modality", "hours", "isco_code"
    ):
        low, high = hours[modality]
        assert low <= hrs <= high
        assert re.fullmatch(r"[1-9]\d{3}", isco)
    assert set(Programme.objects.values_list("modality", flat=True)) == set(hours)


def test_reproducible_with_the_same_seed():
    """The same seed gives the same courses, people, results and levy; another
    seed other data."""

    def snapshot():
        return (
            list(
                CourseRun.objects.order_by("code").values_list(
                    "code",
                    "programme__code",
                    "provider__code",
                    "company__code",
                    "start_date",
                    "end_date",
                    "department__code",
                    "capacity",
                    "cost_usd",
                    "funding",
                )
            ),
            list(
                Trainee.objects.order_by("person_key").values_list(
                    "person_key",
                    "sex",
                    "birth_date",
                    "department__code",
                    "disability",
                    "rural",
                    "first_name",
                    "email",
                )
            ),
            list(
                Enrolment.objects.order_by(
                    "course_run__code", "trainee__person_key"
                ).values_list(
                    "course_run__code",
                    "trainee__person_key",
                    "status",
                    "completion_date",
                )
            ),
            list(
                LevyContribution.objects.order_by(
                    "company__code", "period"
                ).values_list("company__code", "period", "amount_usd")
            ),
            sorted(
                CompanyServiceRequest.objects.values_list(
                    "company__code", "topic", "workers", "status", "requested_on"
                )
            ),
        )

    build(seed=7)
    first = snapshot()
    wipe()
    build(seed=7)
    assert snapshot() == first
    wipe()
    build(seed=8)
    assert snapshot() != first


def test_women_and_men_train_in_different_areas(demo):
    """Women are about half of the enrolments, most of garment-making and few
    of electricity; Duncan's index over the areas is high."""
    enrolments = Enrolment.objects.all()
    women = share(enrolments, Q(trainee__sex="F"))
    assert 0.42 <= women <= 0.52
    garment = share(
        enrolments.filter(course_run__programme__training_area__code="CON"),
        Q(trainee__sex="F"),
    )
    electricity = share(
        enrolments.filter(course_run__programme__training_area__code="ELE"),
        Q(trainee__sex="F"),
    )
    assert garment > 0.7 > 0.2 > electricity
    rows = enrolments.values("course_run__programme__training_area__code").annotate(
        f=Count("id", filter=Q(trainee__sex="F")),
        m=Count("id", filter=Q(trainee__sex="M")),
    )
    f_total = sum(r["f"] for r in rows)
    m_total = sum(r["m"] for r in rows)
    duncan = sum(abs(r["f"] / f_total - r["m"] / m_total) for r in rows) / 2
    assert 0.38 <= duncan <= 0.58


def test_dual_training_completes_better(demo):
    """Completion (completed or certified among the finished) is about 70–75%
    overall and clearly higher in dual careers."""
    enrolments = Enrolment.objects.all()
    overall = completion_rate(enrolments)
    dual = completion_rate(enrolments.filter(course_run__programme__modality="dual"))
    assert 0.66 <= overall <= 0.80
    assert dual > overall + 0.08
    assert enrolments.filter(status="certified").exists()
    assert enrolments.filter(status="dropped").exists()


def test_vulnerable_trainees_in_the_poorest_departments_and_short_courses(demo):
    """Vulnerable trainees (any of the four flags) are a larger share among
    residents of Morazán, La Unión, Cabañas, Chalatenango and Ahuachapán, and in
    short courses than in dual careers."""
    enrolments = Enrolment.objects.all()
    poorest = share(
        enrolments.filter(trainee__department__code__in=POOREST), VULNERABLE
    )
    others = share(
        enrolments.exclude(trainee__department__code__in=POOREST), VULNERABLE
    )
    assert poorest > others + 0.15
    short = share(enrolments.filter(course_run__programme__hours__lte=80), VULNERABLE)
    dual = share(enrolments.filter(course_run__programme__modality="dual"), VULNERABLE)
    assert short > dual + 0.1
    # Some flags are not recorded: unknown counts as not vulnerable.
    assert Trainee.objects.filter(disability__isnull=True).exists()


def test_providers_differ_in_results(demo):
    """Training centres of uneven quality: completion and certification rates of
    the larger providers spread widely."""
    rows = (
        Enrolment.objects.values("course_run__provider")
        .annotate(
            finished=Count("id", filter=Q(status__in=FINISHED)),
            done=Count("id", filter=Q(status__in=DONE)),
            certified=Count("id", filter=Q(status="certified")),
        )
        .filter(finished__gte=100)
    )
    completion = [r["done"] / r["finished"] for r in rows]
    certification = [r["certified"] / r["done"] for r in rows]
    assert len(completion) >= 5
    assert max(completion) - min(completion) > 0.12
    assert max(certification) - min(certification) > 0.15


def test_no_national_id_is_stored(demo):
    """Trainees carry only the keyed hash of a valid DUI: the n-th trainee's is
    person_key(national_ids(seed, n)); no DUI appears in any of their fields."""
    keys = list(Trainee.objects.order_by("id").values_list("person_key", flat=True))
    assert all(re.fullmatch(r"[0-9a-f]{64}", k) for k in keys)
    assert len(set(keys)) == len(keys)
    duis = national_ids(SEED, range(len(keys)))
    assert all(is_valid_dui(d) for d in duis)
    assert [person_key(d) for d in duis[:50]] == keys[:50]
    assert person_key(duis[-1]) == keys[-1]
    dui = re.compile(r"\d{8}-?\d")
    for row in Trainee.objects.values_list(
        "person_key", "first_name", "last_name", "email", "phone", "education_level"
    ):
        assert not any(dui.search(v) for v in row[1:] if v), row
    assert not Trainee.objects.filter(person_key__in=duis).exists()


def test_results_agree_with_the_dates():
    """Completed and certified enrolments have a completion date within their
    run; the others none. Runs ending after the reference day (here early 2026,
    when many 2025 dual careers are still running) are still under way
    (everyone enrolled); ended runs have no one still enrolled."""
    build(as_of=EARLY_2026)
    done = Enrolment.objects.filter(status__in=DONE)
    assert not done.filter(completion_date__isnull=True).exists()
    assert not done.filter(
        Q(completion_date__lt=F("course_run__start_date"))
        | Q(completion_date__gt=F("course_run__end_date"))
    ).exists()
    assert (
        not Enrolment.objects.exclude(status__in=DONE)
        .filter(completion_date__isnull=False)
        .exists()
    )
    ongoing = Enrolment.objects.filter(course_run__end_date__gt=EARLY_2026)
    assert ongoing.exists()
    assert set(ongoing.values_list("status", flat=True)) == {"enrolled"}
    assert not Enrolment.objects.filter(
        course_run__end_date__lte=EARLY_2026, status="enrolled"
    ).exists()
    assert not CourseRun.objects.filter(end_date__lt=F("start_date")).exists()


def test_trainees_ages_and_repeated_enrolments(demo):
    """Ages 15–64 at the start, most of them 18–29; about a quarter of the
    trainees enrol more than once, some twice in one year, never twice in one
    run; some trainees have names and contacts."""
    ages = [
        (start - birth).days / 365.2425
        for start, birth in Enrolment.objects.values_list(
            "course_run__start_date", "trainee__birth_date"
        )
    ]
    assert 15 <= min(ages) and max(ages) < 65
    assert sum(18 <= a < 30 for a in ages) / len(ages) > 0.5
    per_trainee = Counter(Enrolment.objects.values_list("trainee_id", flat=True))
    several = sum(n > 1 for n in per_trainee.values()) / len(per_trainee)
    assert 0.12 <= several <= 0.32
    same_year = Counter(
        Enrolment.objects.values_list("trainee_id", "course_run__start_date__year")
    )
    twice_a_year = sum(n > 1 for n in same_year.values()) / len(same_year)
    assert 0.01 <= twice_a_year <= 0.08
    named = Trainee.objects.exclude(first_name="")
    assert 0.4 < named.count() / Trainee.objects.count() < 0.9
    assert named.exclude(email="").exists() and named.exclude(phone="").exists()
    assert not Trainee.objects.filter(first_name="").exclude(email="").exists()


def test_company_training_and_levy(demo):
    """Company-funded runs name their company, mostly large firms of San Salvador
    and La Libertad; only levy contributors pay the levy, monthly 2019–2025, about
    1% of a payroll; service requests are served by their company's runs."""
    paid = CourseRun.objects.filter(funding="company")
    assert paid.exists()
    assert not paid.filter(company__isnull=True).exists()
    capital = paid.filter(company__department__code__in=["SV-SS", "SV-LI"]).count()
    assert capital / paid.count() > 0.5
    assert paid.filter(company__employees__gte=50).count() / paid.count() > 0.8
    assert not CourseRun.objects.filter(
        programme__modality="dual", company__isnull=True
    ).exists()

    levy = LevyContribution.objects.all()
    assert not levy.filter(company__levy_contributor=False).exists()
    assert not levy.exclude(company__type="company").exists()
    periods = set(levy.values_list("period", flat=True))
    assert {p.day for p in periods} == {1}
    assert min(periods) == date(2019, 1, 1) and max(periods) == date(2025, 12, 1)
    payers = Organization.objects.filter(levy_contributor=True, type="company")
    assert levy.values("company").distinct().count() == payers.count()
    # 1% of employees × a monthly wage between about $250 and $3,000.
    for amount, employees in levy.values_list("amount_usd", "company__employees")[:500]:
        per_worker = float(amount) / employees
        assert 1.0 < per_worker < 40, (amount, employees)

    served = CompanyServiceRequest.objects.filter(status=ServiceRequestStatus.SERVED)
    assert served.exists()
    assert not served.annotate(n=Count("course_runs")).filter(n=0).exists()
    assert (
        not CompanyServiceRequest.objects.filter(course_runs__isnull=False)
        .exclude(course_runs__company=F("company"))
        .exists()
    )
    totals = served.annotate(trained=Count("course_runs__enrolments")).values_list(
        "workers", "trained"
    )
    assert all(workers >= trained for workers, trained in totals)


def test_the_demo_accounts_have_training_to_see(demo):
    """The centre account's centre gives courses every year; the company
    account's company received training and paid its levy."""
    centre_years = set(
        CourseRun.objects.filter(provider__code="CFP-0001").values_list(
            "start_date__year", flat=True
        )
    )
    assert centre_years == set(range(2019, 2026))
    assert CourseRun.objects.filter(company__code="EMP-00001").exists()
    assert LevyContribution.objects.filter(company__code="EMP-00001").aggregate(
        total=Sum("amount_usd")
    )["total"]


def test_running_again_skips_the_training_part(demo):
    """The module is recorded as generated: a second run writes nothing."""
    before = (Enrolment.objects.count(), Trainee.objects.count())
    again = build()
    assert not again["training"].generated
    assert again["training"].counts == demo["training"].counts
    assert (Enrolment.objects.count(), Trainee.objects.count()) == before


def test_refuses_a_database_with_other_training_data():
    """Training data the demo did not make is never mixed with invented data."""
    build_demo_modules_before_training()
    area = TrainingArea.objects.get(code="ELE")
    Programme.objects.create(
        code="REAL-1", name="Real", modality="initial", training_area=area, hours=200
    )
    with pytest.raises(DemoError, match="programas|programmes"):
        build()
    assert not CourseRun.objects.exists()


def build_demo_modules_before_training():
    from semillero.demo import generate

    modules = generate.MODULES
    generate.MODULES = modules[: modules.index(training)]
    try:
        build()
    finally:
        generate.MODULES = modules


def test_the_training_part_is_written_in_bulk(django_assert_max_num_queries):
    """A few statements a year, not one per row: 5,400 enrolments, 4,500
    trainees and 4,500 levy rows in well under a hundred queries."""
    build_demo_modules_before_training()
    with django_assert_max_num_queries(80):
        counts = training.generate(DemoContext(seed=1, scale="small", as_of=AS_OF))
    assert counts["enrolments"] == Enrolment.objects.count() > 5000
