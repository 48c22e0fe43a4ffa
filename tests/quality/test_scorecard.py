"""The provider scorecard: figures per training centre and year, checked against
values computed by hand, in one query for every provider."""

import datetime

import pytest

from semillero.quality import selectors
from semillero.registry.models import OrganizationType
from semillero.training.models import EnrolmentStatus

from ..factories import OrganizationFactory
from ..training.factories import CourseRunFactory, EnrolmentFactory
from .factories import AccreditationFactory, FindingFactory, QualityAuditFactory

pytestmark = pytest.mark.django_db

D = datetime.date
COMPLETED = EnrolmentStatus.COMPLETED
CERTIFIED = EnrolmentStatus.CERTIFIED
DROPPED = EnrolmentStatus.DROPPED
ENROLLED = EnrolmentStatus.ENROLLED


def run(provider, code, start, end, *statuses):
    course_run = CourseRunFactory(
        code=code, provider=provider, start_date=start, end_date=end
    )
    for status in statuses:
        EnrolmentFactory(
            course_run=course_run,
            status=status,
            completion_date=end if status in (COMPLETED, CERTIFIED) else None,
        )
    return course_run


@pytest.fixture
def providers(today):
    a = OrganizationFactory(code="CFP-A", name="A Centro")
    b = OrganizationFactory(code="CFP-B", name="B Centro")
    c = OrganizationFactory(code="CFP-C", name="C Centro")
    d = OrganizationFactory(code="CFP-D", name="D Centro")
    company = OrganizationFactory(
        code="EMP-E", name="E Empresa", type=OrganizationType.COMPANY
    )
    # A: one run within 2024, one that started in 2023 and ended in 2024, one that
    # started in 2024 and ends in 2025.
    run(
        a,
        "A1",
        D(2024, 2, 1),
        D(2024, 6, 30),
        *[COMPLETED] * 3,
        *[CERTIFIED] * 2,
        DROPPED,
        ENROLLED,
    )
    run(a, "A2", D(2023, 9, 1), D(2024, 3, 31), CERTIFIED, DROPPED)
    run(a, "A3", D(2024, 10, 1), D(2025, 2, 28), *[ENROLLED] * 4)
    # B: enrolments of 2024, none finished.
    run(b, "B1", D(2024, 1, 10), D(2024, 5, 10), ENROLLED, ENROLLED)
    # C: only drop-outs.
    run(c, "C1", D(2024, 3, 1), D(2024, 8, 31), DROPPED, DROPPED, DROPPED)
    # D: nothing. A company's runs are not in the scorecard.
    run(company, "E1", D(2024, 3, 1), D(2024, 8, 31), COMPLETED)

    audit = QualityAuditFactory(organization=a, audit_date=D(2024, 9, 1))
    FindingFactory(audit=audit, due_date=D(2024, 12, 31))  # open, overdue
    FindingFactory(audit=audit, due_date=D(2025, 3, 1), status="in_progress")
    FindingFactory(
        audit=audit,
        due_date=D(2024, 10, 1),
        status="closed",
        closing_note="Hecho",
        closed_on=D(2024, 9, 30),
    )
    AccreditationFactory(
        organization=a, valid_from=D(2023, 1, 1), valid_until=D(2025, 12, 31)
    )
    AccreditationFactory(
        organization=b, valid_from=D(2021, 1, 1), valid_until=D(2024, 12, 31)
    )
    AccreditationFactory(
        organization=c, status="in_process", valid_from=None, valid_until=None
    )
    return {"a": a, "b": b, "c": c, "d": d}


FIELDS = [
    "code",
    "runs",
    "enrolments",
    "completed",
    "certified",
    "dropped",
    "completion_rate",
    "certification_rate",
    "pending_findings",
    "overdue_findings",
    "accreditation_status",
]


def test_the_scorecard_of_2024_matches_the_figures_computed_by_hand(
    providers, analyst_user, today
):
    """A: runs started in 2024 are A1 and A3 (2 runs, 7 + 4 = 11 enrolments);
    finished in 2024 are A1's and A2's: completed 3, certified 2 + 1, dropped 1 + 1;
    completion (3 + 3) / 8 = 0.75, certification 3 / 6 = 0.5.
    B: nothing finished, both rates None. C: only drop-outs, completion 0,
    certification None (no completers). D: nothing at all."""
    rows = selectors.scorecard(user=analyst_user, year=2024, today=today)
    table = [tuple(getattr(r, f) for f in FIELDS) for r in rows if r.code != "CFP-001"]
    assert table == [
        ("CFP-A", 2, 11, 3, 3, 2, 0.75, 0.5, 2, 1, "accredited"),
        ("CFP-B", 1, 2, 0, 0, 0, None, None, 0, 0, "expired"),
        ("CFP-C", 1, 3, 0, 0, 3, 0.0, None, 0, 0, "in_process"),
        ("CFP-D", 0, 0, 0, 0, 0, None, None, 0, 0, "none"),
    ]


def test_the_scorecard_is_one_query_for_every_provider(
    providers, analyst_user, today, django_assert_num_queries
):
    for i in range(20):
        centre = OrganizationFactory(code=f"X{i:02d}")
        run(centre, f"X{i:02d}-1", D(2024, 1, 1), D(2024, 2, 1), COMPLETED, DROPPED)
    with django_assert_num_queries(1):
        rows = list(selectors.scorecard(user=analyst_user, year=2024, today=today))
    assert len(rows) == 24
    assert {r.completion_rate for r in rows if r.code.startswith("X")} == {0.5}


def test_the_scorecard_sorts_with_empty_rates_last(providers, analyst_user, today):
    from django.db.models import F

    rows = selectors.scorecard(user=analyst_user, year=2024, today=today).order_by(
        F("completion_rate").desc(nulls_last=True), "pk"
    )
    assert [r.code for r in rows][:2] == ["CFP-A", "CFP-C"]


def test_the_provider_page_has_the_same_figures_for_each_year(
    providers, analyst_user, today
):
    cards = selectors.provider_scorecard(user=analyst_user, organization=providers["a"])
    by_year = {c.year: c for c in cards}
    assert [c.year for c in cards] == [2025, 2024, 2023]
    y2024 = by_year[2024]
    assert (y2024.runs, y2024.enrolments, y2024.completers, y2024.finished) == (
        2,
        11,
        6,
        8,
    )
    assert (y2024.completion_rate, y2024.certification_rate) == (0.75, 0.5)
    # 2023: A2 started (1 run, 2 enrolments) but nothing finished in 2023.
    y2023 = by_year[2023]
    assert (y2023.runs, y2023.enrolments, y2023.completion_rate) == (1, 2, None)
    # 2025: A3 ends, but its trainees are still enrolled.
    assert by_year[2025].finished == 0 and by_year[2025].certification_rate is None


def test_filters_and_scope(providers, analyst_user, officer_user, today):
    rows = selectors.scorecard(
        user=analyst_user, year=2024, accreditation="expired", today=today
    )
    assert [r.code for r in rows] == ["CFP-B"]
    rows = selectors.scorecard(user=analyst_user, year=2024, q="c céntro", today=today)
    assert [r.code for r in rows] == ["CFP-C"]
    # A data officer sees its own centre only.
    rows = selectors.scorecard(user=officer_user, year=2024, today=today)
    assert [r.code for r in rows] == ["CFP-001"]


def test_company_officers_have_no_scorecard(company_user, today):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        selectors.scorecard(user=company_user, year=2024, today=today)


def test_rate_is_none_without_a_denominator():
    assert selectors.rate(0, 0) is None
    assert selectors.rate(0, 4) == 0.0
    assert selectors.rate(3, 4) == 0.75
