"""Training selectors: the catalogue's search and filters, course runs with
their outcomes in one query, who sees which trainees (role by role), and the
company and centre summaries against numbers worked out by hand (world.py)."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from semillero.training import selectors
from semillero.training.models import Trainee
from semillero.training.selectors import (
    PseudonymousRows,
    PseudonymousTrainee,
    TraineeAccess,
)

from .factories import CourseRunFactory, EnrolmentFactory, TraineeFactory
from .world import CENTRE_PEOPLE, OTHER_ONLY, build_world, other_officer

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def world(centre, other_centre, company):
    return build_world(centre=centre, other_centre=other_centre, company=company)


def codes(rows):
    return sorted(row.code for row in rows)


# The catalogue --------------------------------------------------------------------


def test_the_catalogue_is_searched_without_accents_or_case(world):
    assert codes(selectors.programme_list(q="CONFECCION")) == ["P-CONF"]
    assert codes(selectors.programme_list(q="eléctricas")) == ["P-ELEC"]
    assert codes(selectors.programme_list(q="electricidad")) == ["P-ELEC", "P-NONE"]


def test_the_catalogue_filters_by_modality_area_delivery_and_where(world):
    assert codes(selectors.programme_list(modality="continuous")) == ["P-CONF"]
    assert codes(selectors.programme_list(training_area="ELEC")) == [
        "P-ELEC",
        "P-NONE",
    ]
    assert codes(selectors.programme_list(delivery="blended")) == ["P-CONF"]
    # Where one can study now: only R-NEXT has not ended, in San Salvador.
    assert codes(selectors.programme_list(department="SV-SS")) == ["P-ELEC"]
    assert codes(selectors.programme_list(department="SV-LI")) == []
    assert codes(selectors.programme_list(offered="yes")) == ["P-ELEC"]
    assert codes(selectors.programme_list(offered="no")) == ["P-CONF", "P-NONE"]


def test_programmes_carry_their_open_runs_and_next_start(world):
    rows = {p.code: p for p in selectors.programme_list()}
    next_run = world.runs["next"]
    assert rows["P-ELEC"].current_runs == 1
    assert rows["P-ELEC"].next_start == next_run.start_date
    assert rows["P-CONF"].current_runs == 0 and rows["P-CONF"].next_start is None


def test_a_programme_detail_lists_its_upcoming_and_ongoing_runs(world):
    ongoing = CourseRunFactory(
        code="R-NOW",
        programme=world.programmes["elec"],
        provider=world.centre,
        start_date=D(2020, 1, 1),
        end_date=D(2999, 1, 1),
    )
    detail = selectors.programme_detail(code="P-ELEC")
    assert [r.code for r in detail.upcoming_runs] == [ongoing.code, "R-NEXT"]


# Course runs ----------------------------------------------------------------------


def test_course_runs_carry_their_outcomes_in_one_query(world, viewer_user):
    """Conditional aggregation: one query for every run and its counts."""
    with CaptureQueriesContext(connection) as ctx:
        rows = {r.code: r for r in selectors.course_run_list(user=viewer_user)}
        for run in rows.values():
            _ = (run.programme.name, run.provider.name, run.department.name)
    assert len(ctx.captured_queries) == 1
    run = rows["R-2024A"]
    assert (
        run.enrolment_count,
        run.in_progress_count,
        run.completed_count,
        run.certified_count,
        run.dropped_count,
    ) == (4, 1, 1, 1, 1)
    assert run.completion_rate == pytest.approx(2 / 3)
    assert rows["R-2023"].completion_rate == pytest.approx(2 / 3)
    assert rows["R-OTHER"].completion_rate == 1.0
    # Nobody finished: no rate, rather than 0 %.
    assert rows["R-NEXT"].enrolment_count == 0
    assert rows["R-NEXT"].completion_rate is None
    assert rows["R-2024B"].completion_rate == 1.0


def test_course_runs_are_filtered(world, viewer_user):
    def runs(**kwargs):
        return codes(selectors.course_run_list(user=viewer_user, **kwargs))

    assert runs(year=2024) == ["R-2024A", "R-2024B", "R-OTHER"]
    assert runs(year="2023") == ["R-2023"]
    assert runs(provider="CFP-002") == ["R-2024B", "R-OTHER"]
    assert runs(provider=world.centre.pk) == ["R-2023", "R-2024A", "R-NEXT"]
    assert runs(programme="P-CONF") == ["R-2024A", "R-OTHER"]
    assert runs(department="SV-LI") == ["R-2024A"]
    assert runs(modality="continuous") == ["R-2024A", "R-OTHER"]
    assert runs(funding="levy") == ["R-2023"]
    # For a company: its own runs and those serving its requests, once each.
    assert runs(company="EMP-001") == ["R-2023", "R-2024A", "R-2024B"]
    assert runs(company=world.other_company.pk) == ["R-OTHER"]
    assert runs(q="confeccion") == ["R-2024A", "R-OTHER"]
    assert runs(q="cfp-002") == ["R-2024B", "R-OTHER"]


def test_course_runs_need_a_login(world):
    with pytest.raises(PermissionDenied):
        selectors.course_run_list(user=AnonymousUser())


def test_outcomes_by_sex_of_a_course_run(world, viewer_user):
    rows = selectors.course_run_outcomes_by_sex(
        user=viewer_user, course_run=world.runs["r2024a"]
    )
    table = [
        (
            r.label,
            r.enrolments,
            r.in_progress,
            r.completed,
            r.certified,
            r.dropped,
            r.completion_rate,
            r.certification_rate,
        )
        for r in rows
    ]
    assert table == [
        ("Female", 3, 1, 1, 1, 0, 1.0, 0.5),
        ("Male", 1, 0, 0, 0, 1, 0.0, None),
        ("Total", 4, 1, 1, 1, 1, pytest.approx(2 / 3), 0.5),
    ]


def test_unknown_sex_gets_its_own_row(world, viewer_user):
    EnrolmentFactory(course_run=world.runs["r2024a"], trainee=TraineeFactory(sex=""))
    rows = selectors.course_run_outcomes_by_sex(
        user=viewer_user, course_run=world.runs["r2024a"]
    )
    assert [(r.label, r.enrolments) for r in rows] == [
        ("Female", 3),
        ("Male", 1),
        ("Unknown", 1),
        ("Total", 5),
    ]


# Trainees, role by role -----------------------------------------------------------


def _people(world, rows):
    by_pk = {t.pk: name for name, t in world.trainees.items()}
    return sorted(by_pk[row.pk] for row in rows)


@pytest.mark.parametrize(
    "role, access",
    [
        ("admin_user", TraineeAccess.ALL),
        ("officer_user", TraineeAccess.OWN),
        ("analyst_user", TraineeAccess.PSEUDONYMOUS),
        ("viewer_user", TraineeAccess.NONE),
        ("company_user", TraineeAccess.NONE),
    ],
)
def test_trainee_access_per_role(request, role, access):
    assert selectors.trainee_access(request.getfixturevalue(role)) == access
    assert selectors.trainee_access(AnonymousUser()) == TraineeAccess.NONE


def test_the_administrator_sees_every_trainee_with_personal_data(world, admin_user):
    rows = selectors.trainee_list(user=admin_user)
    assert _people(world, rows) == sorted(world.trainees)
    assert all(isinstance(t, Trainee) for t in rows)
    luis = rows.get(pk=world.trainees["luis"].pk)
    assert luis.enrolment_count == 2


def test_a_data_officer_sees_only_its_organizations_trainees(world, officer_user):
    rows = selectors.trainee_list(user=officer_user)
    assert _people(world, rows) == sorted(CENTRE_PEOPLE)
    counts = {t.pk: t.enrolment_count for t in rows}
    # Luis and Marta also trained elsewhere: only this centre's enrolments count.
    assert counts[world.trainees["luis"].pk] == 1
    assert counts[world.trainees["ana"].pk] == 2
    for name in OTHER_ONLY:
        with pytest.raises(Trainee.DoesNotExist):
            selectors.trainee_get(user=officer_user, pk=world.trainees[name].pk)
    luis = selectors.trainee_get(user=officer_user, pk=world.trainees["luis"].pk)
    enrolments = selectors.trainee_enrolments(user=officer_user, trainee=luis)
    assert [e.course_run.code for e in enrolments] == ["R-2023"]


def test_the_other_centres_officer_sees_the_other_half(world, other_centre):
    rows = selectors.trainee_list(user=other_officer(other_centre))
    assert _people(world, rows) == ["carlos", "luis", "marta", "sofia"]


def test_analysts_see_pseudonymised_trainees_only(world, analyst_user):
    rows = selectors.trainee_list(user=analyst_user)
    assert isinstance(rows, PseudonymousRows)
    people = list(rows)
    assert len(people) == len(world.trainees)
    assert all(isinstance(t, PseudonymousTrainee) for t in people)
    ana = rows.get(pk=world.trainees["ana"].pk)
    assert ana.key_prefix == world.trainees["ana"].person_key[:12]
    assert (ana.sex, ana.department_code, ana.enrolment_count) == ("F", "SV-SS", 2)
    fields = {f for f in PseudonymousTrainee.__dataclass_fields__}
    for personal in ("first_name", "last_name", "email", "phone", "birth_date"):
        assert personal not in fields
    assert "person_key" not in fields
    text = repr(people)
    for name in ("López", "ana.lopez@example.org", "7000-0001"):
        assert name not in text
    assert world.trainees["ana"].person_key not in text


def test_pseudonymised_trainees_are_not_searched_or_sorted_by_name(world, analyst_user):
    assert selectors.trainee_list(user=analyst_user, q="López").count() == 0
    prefix = world.trainees["rosa"].person_key[:8]
    found = list(selectors.trainee_list(user=analyst_user, q=prefix))
    assert [t.pk for t in found] == [world.trainees["rosa"].pk]
    with pytest.raises(PermissionDenied):
        selectors.trainee_list(user=analyst_user).order_by("last_name")
    with pytest.raises(PermissionDenied):
        selectors.trainee_list(user=analyst_user).order_by("-birth_date")


@pytest.mark.parametrize("role", ["viewer_user", "company_user"])
def test_viewers_and_company_officers_see_no_trainees(world, request, role):
    user = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        selectors.trainee_list(user=user)
    with pytest.raises(PermissionDenied):
        selectors.enrolment_list(user=user, course_run=world.runs["r2023"])


def test_trainees_are_searched_and_filtered(world, admin_user, officer_user):
    def people(user=admin_user, **kwargs):
        return _people(world, selectors.trainee_list(user=user, **kwargs))

    assert people(q="lopez") == ["ana"]
    assert people(q="7000-0004") == ["rosa"]
    assert people(sex="M") == ["carlos", "luis", "pedro"]
    assert people(vulnerable="yes") == ["carlos", "marta"]
    assert people(vulnerable="no") == sorted(set(world.trainees) - {"carlos", "marta"})
    assert people(provider="CFP-002") == ["carlos", "luis", "marta", "sofia"]
    assert people(course_run="R-2024A") == ["ana", "julia", "pedro", "rosa"]
    assert people(programme="P-CONF") == [
        "ana",
        "julia",
        "marta",
        "pedro",
        "rosa",
        "sofia",
    ]
    # The data officer filters within its own: Sofía trained only elsewhere.
    assert people(user=officer_user, programme="P-CONF") == [
        "ana", "julia", "pedro", "rosa",
    ]  # fmt: skip
    assert people(user=officer_user, q="hernandez") == []


def test_age_groups_follow_the_indicators(world, admin_user):
    today = D(2026, 11, 25)
    assert selectors.age_group(D(2000, 5, 17), today) == "25-29"
    assert selectors.age_group(D(2008, 11, 25), today) == "18-24"
    assert selectors.age_group(D(2008, 11, 26), today) == "15-17"
    assert selectors.age_group(D(2015, 1, 1), today) == "<15"
    assert selectors.age_group(D(1950, 1, 1), today) == "65+"
    assert selectors.age_group(None, today) == ""
    rows = selectors.trainee_list(user=admin_user, age_group="45-64", today=today)
    assert _people(world, rows) == ["pedro"]  # born 1970-09-09: 56


def test_the_enrolments_of_a_run_per_role(
    world, admin_user, officer_user, analyst_user
):
    run = world.runs["r2024a"]
    personal = list(selectors.enrolment_list(user=officer_user, course_run=run))
    assert [e.trainee.last_name for e in personal] == [
        "Castro", "Díaz", "López", "Pérez",
    ]  # fmt: skip
    assert personal[0].age_group == "25-29"  # Julia, born 1999-01-01: 25 at the start
    pseudonymous = list(selectors.enrolment_list(user=analyst_user, course_run=run))
    assert all(isinstance(e.trainee, PseudonymousTrainee) for e in pseudonymous)
    assert "López" not in repr(pseudonymous)
    # Another organization's run: the data officer sees its outcomes, not its people.
    with pytest.raises(PermissionDenied):
        selectors.enrolment_list(user=officer_user, course_run=world.runs["r2024b"])
    assert selectors.enrolment_list(user=admin_user, course_run=run).count() == 4


def test_enrolment_get_is_for_the_runs_managers(world, officer_user, analyst_user):
    mine = world.enrolments[("r2024a", "julia")]
    theirs = world.enrolments[("r2024b", "carlos")]
    assert selectors.enrolment_get(user=officer_user, pk=mine.pk) == mine
    for user, enrolment in ((officer_user, theirs), (analyst_user, mine)):
        with pytest.raises(mine.DoesNotExist):
            selectors.enrolment_get(user=user, pk=enrolment.pk)


# Companies ------------------------------------------------------------------------


def test_the_company_summary_against_hand_computed_numbers(world, company_user):
    summary = selectors.company_summary(user=company_user, company=world.company)
    table = [
        (
            y.year,
            y.levy_usd,
            y.runs,
            y.enrolments,
            y.workers_trained,
            y.hours,
            y.cost_usd,
        )
        for y in summary.years
    ]
    assert table == [
        (2024, Decimal("500.25"), 2, 6, 3, 280, Decimal("2500.50")),
        (2023, Decimal("250.50"), 1, 3, 2, 240, Decimal("1000.00")),
    ]
    total = summary.total
    assert (
        total.levy_usd,
        total.runs,
        total.enrolments,
        total.workers_trained,
        total.hours,
        total.cost_usd,
    ) == (Decimal("750.75"), 3, 9, 5, 520, Decimal("3500.50"))


def test_the_company_summary_takes_five_queries(world, admin_user):
    """Levy, runs, costs, enrolments and completers by year: whatever the size."""
    with CaptureQueriesContext(connection) as ctx:
        selectors.company_summary(user=admin_user, company=world.company)
    assert len(ctx.captured_queries) == 5


def test_training_across_new_year_counts_where_the_indicators_say(world, company_user):
    """A run from November 2024 to February 2025: the run and its enrolments
    count in 2024 (its start); its workers trained, their hours and its cost
    in 2025 (its end), as completers and cost_per_completer do."""
    run = CourseRunFactory(
        code="R-XMAS",
        programme=world.programmes["conf"],  # 80 hours
        provider=world.centre,
        company=world.company,
        start_date=D(2024, 11, 4),
        end_date=D(2025, 2, 28),
        cost_usd=Decimal("900.00"),
    )
    for status in ("completed", "certified", "dropped"):
        EnrolmentFactory(
            course_run=run,
            status=status,
            completion_date=D(2025, 2, 28) if status != "dropped" else None,
        )
    summary = selectors.company_summary(user=company_user, company=world.company)
    by_year = {
        y.year: (y.runs, y.enrolments, y.workers_trained, y.hours, y.cost_usd)
        for y in summary.years
    }
    assert by_year[2024] == (3, 9, 3, 280, Decimal("2500.50"))
    assert by_year[2025] == (0, 0, 2, 160, Decimal("900.00"))
    centre = {
        y.year: y.total
        for y in selectors.centre_summary(user=company_user, centre=world.centre)
    }
    assert (centre[2024].runs, centre[2024].enrolments) == (2, 7)
    # 2024's finished enrolments: R-2024A only (R-XMAS ends in 2025).
    assert (centre[2024].completed, centre[2024].certified) == (1, 1)
    assert (centre[2025].runs, centre[2025].enrolments) == (0, 0)
    assert (
        centre[2025].completed,
        centre[2025].certified,
        centre[2025].dropped,
    ) == (1, 1, 1)
    assert centre[2025].completion_rate == pytest.approx(2 / 3)


def test_a_year_with_levy_but_no_training_and_no_known_cost(world, admin_user):
    from semillero.training.models import LevyContribution

    LevyContribution.objects.create(
        company=world.company, period=D(2022, 5, 1), amount_usd=Decimal("10")
    )
    CourseRunFactory(
        code="R-2021",
        provider=world.centre,
        company=world.company,
        start_date=D(2021, 1, 1),
        end_date=D(2021, 2, 1),
    )
    summary = selectors.company_summary(user=admin_user, company=world.company)
    by_year = {y.year: y for y in summary.years}
    assert (by_year[2022].levy_usd, by_year[2022].runs) == (Decimal("10.00"), 0)
    assert by_year[2022].cost_usd is None
    assert (by_year[2021].levy_usd, by_year[2021].runs) == (Decimal("0.00"), 1)
    assert by_year[2021].cost_usd is None
    assert summary.total.cost_usd == Decimal("3500.50")


def test_who_sees_a_companys_levy_and_training(
    world, admin_user, analyst_user, company_user, officer_user, viewer_user
):
    for user in (admin_user, analyst_user, company_user):
        assert selectors.company_get(user=user, code="EMP-001") == world.company
    for user in (officer_user, viewer_user):
        with pytest.raises(PermissionDenied):
            selectors.company_get(user=user, code="EMP-001")
    with pytest.raises(PermissionDenied):
        selectors.company_get(user=company_user, code="EMP-002")
    with pytest.raises(type(world.company).DoesNotExist):
        selectors.company_get(user=admin_user, code="CFP-001")  # not a company


def test_the_company_list_totals_levy_and_runs(world, analyst_user, company_user):
    rows = {c.code: c for c in selectors.company_list(user=analyst_user)}
    assert rows["EMP-001"].levy_total == Decimal("750.75")
    assert rows["EMP-001"].run_count == 3
    assert rows["EMP-002"].levy_total == Decimal("999.99")
    assert rows["EMP-002"].run_count == 1
    with pytest.raises(PermissionDenied):
        selectors.company_list(user=company_user)


def test_levy_contributions_are_scoped(world, company_user, analyst_user, viewer_user):
    own = selectors.levy_contribution_list(user=company_user)
    assert {c.company.code for c in own} == {"EMP-001"} and own.count() == 4
    assert selectors.levy_contribution_list(user=analyst_user).count() == 5
    assert selectors.levy_contribution_list(user=analyst_user, year=2023).count() == 2
    # Asking for another company's: nothing.
    assert (
        selectors.levy_contribution_list(user=company_user, company="EMP-002").count()
        == 0
    )
    with pytest.raises(PermissionDenied):
        selectors.levy_contribution_list(user=viewer_user)


# Training centres -----------------------------------------------------------------


def test_the_centre_summary_by_year_and_programme(world, viewer_user):
    years = {
        y.year: y
        for y in selectors.centre_summary(user=viewer_user, centre=world.centre)
    }
    y2023, y2024 = years[2023], years[2024]
    assert [(r.programme_code, r.runs, r.enrolments) for r in y2023.programmes] == [
        ("P-ELEC", 1, 3)
    ]
    total = y2023.total
    assert (total.completed, total.certified, total.dropped) == (1, 1, 1)
    assert total.completion_rate == pytest.approx(2 / 3)
    assert total.certification_rate == 0.5
    [conf] = y2024.programmes
    assert (conf.programme_code, conf.runs, conf.enrolments, conf.in_progress) == (
        "P-CONF", 1, 4, 1,
    )  # fmt: skip
    # The upcoming run has a year of its own, with no enrolments yet.
    upcoming = years[world.runs["next"].start_date.year].total
    assert (upcoming.runs, upcoming.enrolments, upcoming.completion_rate) == (
        1, 0, None,
    )  # fmt: skip


def test_the_centre_summary_takes_three_queries(world, viewer_user):
    with CaptureQueriesContext(connection) as ctx:
        selectors.centre_summary(user=viewer_user, centre=world.centre)
    assert len(ctx.captured_queries) == 3


# Service requests -----------------------------------------------------------------


def test_service_requests_are_scoped(
    world, admin_user, analyst_user, company_user, officer_user, viewer_user
):
    def topics(user, **kwargs):
        return sorted(
            r.topic for r in selectors.service_request_list(user=user, **kwargs)
        )

    everything = ["Costura de calzado", "Electricidad para mantenimiento"]
    assert topics(admin_user) == everything
    assert topics(analyst_user) == everything
    assert topics(company_user) == ["Electricidad para mantenimiento"]
    assert topics(admin_user, status="requested") == ["Costura de calzado"]
    assert topics(admin_user, q="calzado") == ["Costura de calzado"]
    with pytest.raises(world.requests["sr2"].DoesNotExist):
        selectors.service_request_get(user=company_user, pk=world.requests["sr2"].pk)
    for user in (officer_user, viewer_user):
        with pytest.raises(PermissionDenied):
            selectors.service_request_list(user=user)
    sr1 = selectors.service_request_get(user=company_user, pk=world.requests["sr1"].pk)
    assert sr1.run_count == 2
    runs = selectors.service_request_runs(user=company_user, service_request=sr1)
    assert codes(runs) == ["R-2024A", "R-2024B"]
