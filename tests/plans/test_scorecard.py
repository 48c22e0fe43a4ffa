"""The scorecard's numbers over the indicators' hand-made world (see
tests/indicators/world.py): computed actuals are the registry's, reported ones
count once approved, targets come from the revision in force."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from semillero.accounts.models import AuditEvent, Role
from semillero.indicators.compute import compute
from semillero.plans import services
from semillero.plans.models import PlanStatus, TargetRevision
from semillero.plans.scorecard import Scorecard
from tests.factories import UserFactory
from tests.indicators.world import build_world

from .support import add_indicator, evidence, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(institute):
    build_world()


def _rows(plan, year, **kwargs):
    card = Scorecard(plan, year, **kwargs).calculate()
    return {
        row.indicator.code: row
        for axis in card["axes"]
        for objective in axis["objectives"]
        for row in objective["rows"]
    }, card


def test_computed_actuals_are_the_registry_values(world, admin_user):
    plan, objective = make_plan(admin_user)
    # completion 2024 = 8/11 = 0.727273; baseline 0.6, target 0.8:
    # (0.727273 − 0.6) / 0.2 = 0.636364 → off track
    add_indicator(
        admin_user,
        objective,
        "3.1.1",
        registry_code="completion_rate",
        baseline_value=Decimal("0.6"),
        targets={2024: "0.8", 2025: "0.85"},
    )
    # women share in CONF 2024 = 6/6 = 1; baseline 0.9, target 0.95: 0.1/0.05 = 2 → on track
    add_indicator(
        admin_user,
        objective,
        "3.1.2",
        registry_code="women_share",
        filters={"training_area": "CONF"},
        baseline_value=Decimal("0.9"),
        targets={2024: "0.95"},
    )
    # enrolments, cumulative from 2023: 3 + 11 = 14; baseline 0, target 15:
    # 14/15 = 0.933333 → at risk
    add_indicator(
        admin_user,
        objective,
        "3.1.3",
        registry_code="enrolments",
        unit="count",
        accumulation="cumulative",
        targets={2024: 15},
    )
    rows, card = _rows(plan, 2024)

    completion = rows["3.1.1"]
    registry = compute("completion_rate", 2024)[0]["value"]
    assert completion.actual == Decimal(str(round(registry, 6))) == Decimal("0.727273")
    assert completion.progress == pytest.approx(
        Decimal("0.636365"), abs=Decimal("1e-6")
    )
    assert completion.status == "off_track"
    assert completion.target == Decimal("0.8") and completion.baseline == Decimal("0.6")

    women = rows["3.1.2"]
    assert women.actual == Decimal("1") and women.progress == Decimal("2")
    assert women.status == "on_track"

    enrolments = rows["3.1.3"]
    assert enrolments.actuals == {2023: Decimal("3"), 2024: Decimal("14")}
    assert enrolments.progress == Decimal("14") / Decimal("15")
    assert enrolments.status == "at_risk"
    assert enrolments.progress_percent == 93

    counts = {code: n for code, _label, n in card["counts"]}
    assert counts == {"on_track": 1, "at_risk": 1, "off_track": 1, "no_data": 0}


def test_a_year_without_actual_or_target_is_no_data(world, admin_user):
    plan, objective = make_plan(admin_user)
    add_indicator(
        admin_user,
        objective,
        "3.1.1",
        registry_code="completion_rate",
        baseline_value=Decimal("0.6"),
        targets={2024: "0.8"},
    )
    # 2023: no run ended, the completion rate has no value; 2025: no target
    rows, _card = _rows(plan, 2023)
    assert rows["3.1.1"].actual is None and rows["3.1.1"].status == "no_data"
    rows, _card = _rows(plan, 2025)
    assert rows["3.1.1"].target is None and rows["3.1.1"].status == "no_data"


def test_filter_by_status_and_axis(world, admin_user):
    plan, objective = make_plan(admin_user)
    add_indicator(
        admin_user,
        objective,
        "3.1.1",
        registry_code="completion_rate",
        baseline_value=Decimal("0.6"),
        targets={2024: "0.8"},
    )
    add_indicator(
        admin_user,
        objective,
        "3.1.2",
        registry_code="women_share",
        baseline_value=Decimal("0.5"),
        targets={2024: "0.6"},
    )
    rows, _card = _rows(plan, 2024, status="on_track")
    assert list(rows) == ["3.1.2"]
    rows, _card = _rows(plan, 2024, axis="9")
    assert rows == {}


def test_reported_actuals_count_once_approved_by_someone_else(world, admin_user):
    plan, objective = make_plan(admin_user)
    indicator = add_indicator(
        admin_user,
        objective,
        "3.1.9",
        source="reported",
        unit="milestone",
        accumulation="milestone",
        targets={2024: 1},
    )
    officer = UserFactory(
        username="planner", role=Role.DATA_OFFICER, organization=plan.institute
    )
    actual = services.report_actual(
        indicator, user=officer, year=2024, value=Decimal("1"), evidence=evidence()
    )
    rows, _card = _rows(plan, 2024)
    assert rows["3.1.9"].status == "no_data"  # awaiting approval

    with pytest.raises(ValidationError):
        services.review_actual(actual, user=admin_user, approve=False, note="")
    services.review_actual(actual, user=admin_user, approve=True)
    rows, _card = _rows(plan, 2024)
    assert rows["3.1.9"].actual == 1 and rows["3.1.9"].progress == 1
    assert rows["3.1.9"].status == "on_track"
    assert AuditEvent.objects.filter(action="plans.actual_reviewed").count() == 1

    # The one who entered it cannot approve it.
    second = services.report_actual(
        indicator, user=admin_user, year=2024, value=Decimal("0"), evidence=evidence()
    )
    with pytest.raises(ValidationError, match="otra persona|other than"):
        services.review_actual(second, user=admin_user, approve=True)


def test_a_reported_actual_needs_evidence_and_a_year_of_the_plan(world, admin_user):
    plan, objective = make_plan(admin_user)
    indicator = add_indicator(
        admin_user, objective, "3.1.9", source="reported", targets={2024: "0.5"}
    )
    with pytest.raises(ValidationError):
        services.report_actual(
            indicator, user=admin_user, year=2024, value=1, evidence=None
        )
    with pytest.raises(ValidationError):
        services.report_actual(
            indicator, user=admin_user, year=2030, value=1, evidence=evidence()
        )
    computed = add_indicator(
        admin_user,
        objective,
        "3.1.1",
        registry_code="completion_rate",
        targets={2024: "0.8"},
    )
    with pytest.raises(ValidationError):
        services.report_actual(
            computed, user=admin_user, year=2024, value=1, evidence=evidence()
        )


def test_targets_change_only_by_an_audited_revision(world, admin_user):
    plan, objective = make_plan(admin_user)
    indicator = add_indicator(
        admin_user,
        objective,
        "3.1.1",
        registry_code="completion_rate",
        baseline_value=Decimal("0.6"),
        targets={2024: "0.8"},
    )
    with pytest.raises(ValidationError):
        services.revise_targets(
            indicator, user=admin_user, targets={2024: Decimal("0.7")}, reason="  "
        )
    services.revise_targets(
        indicator,
        user=admin_user,
        targets={2024: Decimal("0.7")},
        reason="Presupuesto reducido",
    )
    revisions = TargetRevision.objects.filter(indicator=indicator).order_by("number")
    assert [r.number for r in revisions] == [1, 2]
    assert revisions[0].targets.get().value == Decimal("0.8")  # the old one stays
    event = AuditEvent.objects.get(action="plans.targets_revised")
    assert event.details["before"] == {"2024": "0.800000"}
    assert event.details["after"] == {"2024": "0.7"}
    assert event.details["reason"] == "Presupuesto reducido"
    # (0.727273 − 0.6) / (0.7 − 0.6) = 1.27 → on track with the revised target
    rows, _card = _rows(plan, 2024)
    assert rows["3.1.1"].target == Decimal("0.7") and rows["3.1.1"].status == "on_track"


def test_a_computed_indicator_names_a_registry_indicator_and_allowed_filters(
    world, admin_user
):
    _plan, objective = make_plan(admin_user)
    with pytest.raises(ValidationError):
        add_indicator(admin_user, objective, "X1", registry_code="no_such", targets={})
    with pytest.raises(ValidationError):
        # the segregation index cannot be cut by sex
        add_indicator(
            admin_user,
            objective,
            "X2",
            registry_code="segregation_index",
            filters={"sex": "F"},
            targets={},
        )
    with pytest.raises(ValidationError):
        add_indicator(
            admin_user,
            objective,
            "X3",
            registry_code="completion_rate",
            targets={2031: "0.9"},
        )


def test_only_allowed_roles_edit_report_and_approve(
    world, admin_user, analyst_user, officer_user
):
    plan, objective = make_plan(admin_user)
    indicator = add_indicator(
        admin_user, objective, "3.1.9", source="reported", targets={2024: "0.5"}
    )
    for user in (analyst_user, officer_user):
        with pytest.raises(PermissionDenied):
            services.add_axis(plan, user=user, code="9", name="X")
        with pytest.raises(PermissionDenied):
            services.revise_targets(indicator, user=user, targets={}, reason="x")
        with pytest.raises(PermissionDenied):
            services.report_actual(
                indicator, user=user, year=2024, value=1, evidence=evidence()
            )
    actual = services.report_actual(
        indicator, user=admin_user, year=2024, value=1, evidence=evidence()
    )
    planner = UserFactory(
        username="planner", role=Role.DATA_OFFICER, organization=plan.institute
    )
    with pytest.raises(PermissionDenied):
        services.review_actual(actual, user=planner, approve=True)


def test_copy_a_plan_to_a_new_period_and_close_the_old_one(world, admin_user):
    plan, objective = make_plan(admin_user)
    add_indicator(
        admin_user,
        objective,
        "3.1.1",
        registry_code="completion_rate",
        baseline_value=Decimal("0.6"),
        targets={2026: "0.8", 2027: "0.85"},
    )
    new = services.copy_plan(
        plan, user=admin_user, name="Plan 2027–2031", start_year=2027, end_year=2031
    )
    services.set_plan_status(plan, PlanStatus.CLOSED, user=admin_user)
    (copied,) = [
        i
        for a in new.axes.all()
        for o in a.objectives.all()
        for i in o.indicators.all()
    ]
    assert copied.registry_code == "completion_rate"
    assert {t.year: t.value for t in copied.revisions.get().targets.all()} == {
        2027: Decimal("0.85")
    }
    assert new.status == PlanStatus.DRAFT and new.copied_from == plan
    with pytest.raises(ValidationError):
        services.add_axis(plan, user=admin_user, code="9", name="Nuevo")


def test_the_plan_read_by_the_policy_axis_it_serves(world, admin_user, client):
    from semillero.plans.models import Plan, PlanKind

    plan, objective = make_plan(admin_user)
    add_indicator(
        admin_user,
        objective,
        "3.1.1",
        registry_code="completion_rate",
        targets={2024: "0.8"},
    )
    other = services.add_objective(
        objective.axis, user=admin_user, code="3.2", name="Otro objetivo"
    )
    add_indicator(
        admin_user, other, "3.2.1", registry_code="women_share", targets={2024: "0.8"}
    )
    policy = services.create_plan(
        user=admin_user,
        name="Política",
        kind=PlanKind.POLICY,
        start_year=2023,
        end_year=2032,
        institute=Plan.objects.get().institute,
    )
    access = services.add_axis(policy, user=admin_user, code="B", name="Acceso")
    objective.policy_axes.set([access])

    rows, _card = _rows(plan, 2024, policy_axis=access.pk)
    assert list(rows) == ["3.1.1"]  # only the objective serving that axis
    client.force_login(admin_user)
    page = client.get(f"/plans/{plan.pk}/", {"year": 2024, "policy_axis": access.pk})
    html = page.content.decode()
    assert 'data-indicator="3.1.1"' in html and 'data-indicator="3.2.1"' not in html
    # an axis of no policy the plan serves is ignored
    page = client.get(f"/plans/{plan.pk}/", {"year": 2024, "policy_axis": 999999})
    assert 'data-indicator="3.2.1"' in page.content.decode()
