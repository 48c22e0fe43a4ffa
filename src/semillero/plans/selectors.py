"""Reads of plans, for whoever reads national indicators."""

from decimal import Decimal

from django.db.models import Count, QuerySet

from semillero.accounts.permissions import can_read_plans, require

from .models import (
    ActualStatus,
    Plan,
    PlanIndicator,
    PlanKind,
    PlanStatus,
    ReportedActual,
    TargetRevision,
)


def plan_list(*, user) -> QuerySet[Plan]:
    require(can_read_plans(user))
    return Plan.objects.select_related("institute").annotate(
        indicator_count=Count("axes__objectives__indicators", distinct=True)
    )


def plan(*, user, pk: int) -> Plan:
    require(can_read_plans(user))
    return Plan.objects.select_related("institute").get(pk=pk)


def indicator(*, user, pk: int) -> PlanIndicator:
    require(can_read_plans(user))
    return PlanIndicator.objects.select_related(
        "objective__axis__plan__institute", "result"
    ).get(pk=pk)


def pending_actuals(plan: Plan):
    """Reported actuals awaiting approval, oldest first."""
    return (
        plan_actuals(plan)
        .filter(status=ActualStatus.SUBMITTED)
        .select_related("indicator", "entered_by")
        .order_by("entered_at")
    )


def plan_actuals(plan: Plan):
    return ReportedActual.objects.filter(indicator__objective__axis__plan=plan)


def actual(*, user, pk: int) -> ReportedActual:
    require(can_read_plans(user))
    return ReportedActual.objects.select_related("indicator").get(pk=pk)


def plan_targets(registry_codes, year: int) -> dict[str, dict]:
    """The targets for `year` of the active plans' national computed indicators
    (no fixed filters) on these registry codes: {code: {plan, indicator, target}}.
    The first plan by start year wins when two set one."""
    found: dict[str, dict] = {}
    indicators = (
        PlanIndicator.objects.filter(
            registry_code__in=registry_codes,
            filters={},
            objective__axis__plan__status=PlanStatus.ACTIVE,
            objective__axis__plan__kind=PlanKind.PLAN,
        )
        .select_related("objective__axis__plan")
        .order_by("objective__axis__plan__start_year", "pk")
    )
    for indicator in indicators:
        target = current_targets(indicator).get(year)
        if target is not None and indicator.registry_code not in found:
            found[indicator.registry_code] = {
                "plan": indicator.plan,
                "indicator": indicator,
                "target": target,
            }
    return found


def current_revision(indicator: PlanIndicator) -> TargetRevision | None:
    return indicator.revisions.order_by("-number").first()


def current_targets(indicator: PlanIndicator) -> dict[int, Decimal]:
    revision = current_revision(indicator)
    if revision is None:
        return {}
    return {t.year: t.value for t in revision.targets.all()}
