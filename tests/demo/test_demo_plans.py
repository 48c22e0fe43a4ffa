"""The demo's Strategic Plan 2023–2027 and national policy (small scale): the
structure, computed indicators the registry can answer, a scorecard with every
status, reported actuals approved by a second person, revised targets and the
policy lines each objective serves."""

from datetime import date

import pytest

from semillero.demo import plans
from semillero.demo.generate import build_demo
from semillero.indicators import definitions as d
from semillero.plans.models import (
    ActualStatus,
    Narrative,
    Plan,
    PlanIndicator,
    PlanKind,
    PlanStatus,
    ReportedActual,
    Source,
    TargetRevision,
)
from semillero.plans.scorecard import Scorecard

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 11, 25)


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # the evidence files
    results = build_demo(
        seed=1993, scale="small", password="semillero-demo", as_of=AS_OF
    )
    return {r.name: r for r in results}


@pytest.fixture
def plan(demo):
    return Plan.objects.get(kind=PlanKind.PLAN)


def test_plan_has_five_axes_of_three_to_five_indicators(demo, plan):
    assert plan.status == PlanStatus.ACTIVE
    assert (plan.start_year, plan.end_year) == (2023, 2027)
    assert plan.institute.is_lead_institute
    axes = list(plan.axes.order_by("code"))
    assert [a.code for a in axes] == ["1", "2", "3", "4", "5"]
    for axis in axes:
        n = PlanIndicator.objects.filter(objective__axis=axis).count()
        assert 3 <= n <= 5, axis
        assert 1 <= axis.objectives.count() <= 2
    indicators = PlanIndicator.objects.filter(objective__axis__plan=plan)
    assert demo["plans"].counts["indicators"] == indicators.count()
    for indicator in indicators:
        for field in ("definition", "means_of_verification", "responsible_unit"):
            assert getattr(indicator, field), (indicator.code, field)
        assert indicator.assumptions
    assert indicators.filter(result__isnull=False).exists()


def test_computed_indicators_name_registry_codes_and_allowed_filters(plan):
    computed = PlanIndicator.objects.filter(
        objective__axis__plan=plan, source=Source.COMPUTED
    )
    reported = PlanIndicator.objects.filter(
        objective__axis__plan=plan, source=Source.REPORTED
    )
    assert computed.count() > reported.count() >= 4
    assert computed.exclude(filters={}).exists()
    for indicator in computed:
        registry = d.BY_CODE[indicator.registry_code]
        assert all(registry.allows(dim) for dim in indicator.filters), indicator.code
        assert bool(indicator.followup_months) == registry.followup
    assert not reported.exclude(registry_code="").exists()


def test_the_2025_scorecard_has_every_status(demo, plan):
    card = Scorecard(plan, 2025).calculate()
    counts = {code: n for code, _label, n in card["counts"]}
    assert counts["on_track"] >= 1
    assert counts["at_risk"] >= 1
    assert counts["off_track"] >= 1
    assert card["total"] == sum(counts.values())
    # the module's summary is this scorecard's
    assert {k: demo["plans"].counts[k] for k in counts} == counts


def test_reported_actuals_are_approved_by_someone_else_with_evidence(plan):
    actuals = ReportedActual.objects.filter(indicator__objective__axis__plan=plan)
    approved = actuals.filter(status=ActualStatus.APPROVED)
    assert set(approved.values_list("year", flat=True)) >= {2023, 2024, 2025}
    for actual in approved:
        assert actual.reviewed_by is not None and actual.entered_by is not None
        assert actual.reviewed_by != actual.entered_by
        assert actual.entered_by.organization.is_lead_institute
        assert actual.evidence.name.endswith(".pdf")
        with actual.evidence.open("rb") as f:
            assert f.read(5) == b"%PDF-"
    # the year in course: entered, awaiting approval
    assert actuals.filter(status=ActualStatus.SUBMITTED, reviewed_by=None).exists()


def test_targets_revised_with_a_reason(plan):
    revisions = TargetRevision.objects.filter(
        indicator__objective__axis__plan=plan, number__gt=1
    )
    assert revisions.exists()
    for revision in revisions:
        assert revision.reason.strip()
        assert revision.created_at.year == 2025


def test_narratives_for_2024_and_2025(plan):
    indicators = PlanIndicator.objects.filter(objective__axis__plan=plan)
    for indicator in indicators:
        years = set(indicator.narratives.values_list("year", flat=True))
        assert years == {2024, 2025}, indicator.code
    assert not Narrative.objects.filter(
        indicator__objective__axis__plan=plan, next_steps=""
    ).exists()


def test_objectives_serve_the_policy_lines(plan):
    policy = Plan.objects.get(kind=PlanKind.POLICY)
    assert policy.axes.count() == 4
    assert not PlanIndicator.objects.filter(objective__axis__plan=policy).exists()
    served = set()
    for axis in plan.axes.all():
        for objective in axis.objectives.all():
            lines = list(objective.policy_axes.all())
            assert lines, objective.code
            assert {line.plan_id for line in lines} == {policy.pk}
            served.update(line.code for line in lines)
    assert served == set(policy.axes.values_list("code", flat=True))


def test_it_is_not_mixed_with_other_plans(demo):
    with pytest.raises(plans.ExistingPlans):
        plans.check()
