"""Reads of plans, for whoever reads national indicators."""

from django.db.models import Count, QuerySet

from semillero.accounts.permissions import can_read_plans, require

from .models import ActualStatus, Plan, PlanIndicator, ReportedActual


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
