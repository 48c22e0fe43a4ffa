"""Progress and status of a plan indicator in a period (spec: "Plan scorecard").

- increasing: (actual − baseline) / (target − baseline);
- decreasing: (baseline − actual) / (baseline − target);
- target = baseline: 1 when the target is met, else 0;
- milestone indicators: 1 when met, else 0.

Status from the progress with thresholds that are settings:
`on_track` ≥ SEMILLERO_PLAN_ON_TRACK (0.95), `at_risk` ≥ SEMILLERO_PLAN_AT_RISK
(0.75), `off_track` below, `no_data` when there is no actual (or no target) for
the period. Progress is not clipped: 1.2 means the target was passed by 20 % of
the distance planned.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import Accumulation, Direction


class Status(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")
    NO_DATA = "no_data", _("No data")


def _met(direction: str, target, actual) -> bool:
    return actual >= target if direction == Direction.INCREASE else actual <= target


def progress(*, direction: str, accumulation: str, baseline, target, actual):
    """The share of the planned change achieved, or None without data."""
    if actual is None or target is None:
        return None
    baseline, target, actual = (Decimal(str(v)) for v in (baseline, target, actual))
    if accumulation == Accumulation.MILESTONE or target == baseline:
        return Decimal(1) if _met(direction, target, actual) else Decimal(0)
    if direction == Direction.INCREASE:
        return (actual - baseline) / (target - baseline)
    return (baseline - actual) / (baseline - target)


def status(value) -> str:
    if value is None:
        return Status.NO_DATA
    if value >= Decimal(str(settings.PLAN_ON_TRACK)):
        return Status.ON_TRACK
    if value >= Decimal(str(settings.PLAN_AT_RISK)):
        return Status.AT_RISK
    return Status.OFF_TRACK
