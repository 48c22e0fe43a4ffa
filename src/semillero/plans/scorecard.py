"""The scorecard of a plan for a year: every indicator's baseline, target, actual,
progress and status, grouped by axis and objective.

Actuals: a computed indicator reads the registry (`indicators.compute`, from the
cube) with its fixed filters, for every year of the plan up to the one asked,
cached per cube build; a reported indicator takes its latest approved actual of
each year. A cumulative indicator adds the yearly values up from the plan's first
year. Targets are those of the revision in force.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Prefetch
from django.utils import timezone

from semillero.indicators import cube
from semillero.indicators.compute import compute_series

from . import progress as p
from .models import (
    Accumulation,
    ActualStatus,
    Axis,
    Objective,
    Plan,
    PlanIndicator,
    ReportedActual,
    Source,
    TargetRevision,
)

CACHE_SECONDS = 24 * 3600


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(round(value, 6)))


def computed_series(
    indicator: PlanIndicator, years: list[int], build
) -> dict[int, Decimal]:
    """The registry's values of a computed indicator, by year (cached per build)."""
    key = (
        f"plans:actual:{build.pk}:{indicator.registry_code}:"
        f"{sorted(indicator.filters.items())}:{indicator.followup_months}:{years}"
    )

    def calculate():
        rows = compute_series(
            indicator.registry_code,
            years,
            filters=indicator.filters,
            followup=indicator.followup_months or 6,
        )
        return {row["year"]: _decimal(row["value"]) for row in rows}

    return cache.get_or_set(key.replace(" ", ""), calculate, CACHE_SECONDS)


def reported_series(indicator: PlanIndicator) -> dict[int, Decimal]:
    """The latest approved actual of each year (prefetched by `Scorecard`)."""
    values: dict[int, Decimal] = {}
    for actual in sorted(indicator.approved_actuals, key=lambda a: a.reviewed_at):
        values[actual.year] = actual.value
    return values


def actual_series(
    indicator: PlanIndicator, plan: Plan, up_to: int, build
) -> dict[int, Decimal]:
    years = [y for y in plan.years if y <= up_to]
    if indicator.source == Source.COMPUTED:
        # All the plan's years in one (cached) computation, whatever `up_to`:
        # the indicator page asks for every year in turn.
        values = computed_series(indicator, list(plan.years), build)
    else:
        values = reported_series(indicator)
    values = {y: v for y, v in values.items() if y in years and v is not None}
    if indicator.accumulation == Accumulation.CUMULATIVE:
        total, cumulative = Decimal(0), {}
        for year in years:
            if year in values:
                total += values[year]
                cumulative[year] = total
        values = cumulative
    return values


@dataclass
class Row:
    indicator: PlanIndicator
    baseline: Decimal
    target: Decimal | None
    actual: Decimal | None
    progress: Decimal | None
    status: str
    targets: dict[int, Decimal] = field(default_factory=dict)
    actuals: dict[int, Decimal] = field(default_factory=dict)

    @property
    def unit(self) -> str:
        return self.indicator.unit

    @property
    def progress_percent(self) -> int | None:
        """For the progress bar: 0–100."""
        if self.progress is None:
            return None
        return int(max(0, min(100, round(self.progress * 100))))


def indicator_row(indicator: PlanIndicator, plan: Plan, year: int, build) -> Row:
    targets = indicator.targets_in_force
    actuals = actual_series(indicator, plan, year, build)
    target, actual = targets.get(year), actuals.get(year)
    value = p.progress(
        direction=indicator.direction,
        accumulation=indicator.accumulation,
        baseline=indicator.baseline_value,
        target=target,
        actual=actual,
    )
    return Row(
        indicator=indicator,
        baseline=indicator.baseline_value,
        target=target,
        actual=actual,
        progress=value,
        status=p.status(value),
        targets=targets,
        actuals=actuals,
    )


def indicators_with_data(queryset):
    """Indicators with their approved actuals and their targets in force, in
    three queries whatever their number."""
    indicators = list(
        queryset.prefetch_related(
            Prefetch(
                "reported_actuals",
                queryset=ReportedActual.objects.filter(status=ActualStatus.APPROVED),
                to_attr="approved_actuals",
            ),
            Prefetch(
                "revisions",
                queryset=TargetRevision.objects.order_by("-number").prefetch_related(
                    "targets"
                ),
                to_attr="all_revisions",
            ),
        )
    )
    for indicator in indicators:
        current = indicator.all_revisions[0] if indicator.all_revisions else None
        indicator.targets_in_force = (
            {t.year: t.value for t in current.targets.all()} if current else {}
        )
    return indicators


def default_year(plan: Plan) -> int:
    """The last complete year within the plan (its first year before then): the
    current year's figures are partial until it ends, and would read as behind."""
    last_complete = timezone.localdate().year - 1
    return max(plan.start_year, min(plan.end_year, last_complete))


class Scorecard:
    """The scorecard of `plan` in `year`, optionally only one axis, one status, or
    the objectives serving one axis of the policy (`policy_axis`, its pk): the plan
    read by the policy it serves."""

    def __init__(
        self,
        plan: Plan,
        year: int,
        *,
        axis: str = "",
        status: str = "",
        policy_axis: int | None = None,
    ):
        self.plan = plan
        self.year = year
        self.axis = axis
        self.status = status
        self.policy_axis = policy_axis

    def calculate(self) -> dict:
        build = cube.ensure_fresh(triggered_by="plan scorecard")
        indicators = indicators_with_data(
            PlanIndicator.objects.filter(
                objective__axis__plan=self.plan
            ).select_related("objective__axis", "result")
        )
        by_objective: dict[int, list[Row]] = defaultdict(list)
        for indicator in indicators:
            row = indicator_row(indicator, self.plan, self.year, build)
            by_objective[indicator.objective_id].append(row)
        counts = Counter(row.status for rows in by_objective.values() for row in rows)
        axes = []
        for axis in Axis.objects.filter(plan=self.plan).prefetch_related(
            Prefetch(
                "objectives", queryset=Objective.objects.prefetch_related("policy_axes")
            )
        ):
            if self.axis and axis.code != self.axis:
                continue
            objectives = []
            for objective in axis.objectives.all():
                if self.policy_axis and self.policy_axis not in {
                    a.pk for a in objective.policy_axes.all()
                }:
                    continue
                shown = [
                    row
                    for row in by_objective[objective.pk]
                    if not self.status or row.status == self.status
                ]
                if shown or not (self.status or self.policy_axis):
                    objectives.append({"objective": objective, "rows": shown})
            if objectives:
                axes.append({"axis": axis, "objectives": objectives})
        return {
            "axes": axes,
            "counts": [(s, s.label, counts.get(s, 0)) for s in p.Status],
            "total": len(indicators),
            "build": build,
        }
