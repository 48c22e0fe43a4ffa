"""Progress and status of a plan indicator, each case worked out by hand."""

from decimal import Decimal

import pytest

from semillero.plans.progress import Status, progress, status


def _p(direction, baseline, target, actual, accumulation="stock"):
    return progress(
        direction=direction,
        accumulation=accumulation,
        baseline=baseline,
        target=target,
        actual=actual,
    )


@pytest.mark.parametrize(
    "direction, baseline, target, actual, expected",
    [
        # increasing: (actual − baseline) / (target − baseline)
        ("increase", "0.30", "0.40", "0.38", "0.8"),  # 0.08 / 0.10
        ("increase", "0.30", "0.40", "0.395", "0.95"),  # 0.095 / 0.10
        ("increase", "0.30", "0.40", "0.42", "1.2"),  # passed the target
        ("increase", "0.30", "0.40", "0.25", "-0.5"),  # went backwards
        ("increase", "100", "150", "100", "0"),
        # decreasing: (baseline − actual) / (baseline − target)
        ("decrease", "20", "10", "12", "0.8"),  # 8 / 10
        ("decrease", "20", "10", "19", "0.1"),
        ("decrease", "20", "10", "9", "1.1"),
        # target = baseline: 1 if met, else 0
        ("increase", "5", "5", "5", "1"),
        ("increase", "5", "5", "6", "1"),
        ("increase", "5", "5", "4", "0"),
        ("decrease", "5", "5", "6", "0"),
        ("decrease", "5", "5", "4", "1"),
    ],
)
def test_progress(direction, baseline, target, actual, expected):
    assert _p(direction, baseline, target, actual) == Decimal(expected)


def test_milestones_score_zero_or_one():
    assert _p("increase", "0", "1", "1", "milestone") == 1
    assert _p("increase", "0", "1", "0", "milestone") == 0
    # however close, a milestone not reached scores nothing
    assert _p("increase", "0", "10", "9.9", "milestone") == 0


def test_no_actual_or_no_target_is_no_data():
    assert _p("increase", "0.3", "0.4", None) is None
    assert _p("increase", "0.3", None, "0.35") is None
    assert status(None) == Status.NO_DATA


@pytest.mark.parametrize(
    "value, expected",
    [
        ("1.2", Status.ON_TRACK),
        ("0.95", Status.ON_TRACK),
        ("0.9499", Status.AT_RISK),
        ("0.75", Status.AT_RISK),
        ("0.7499", Status.OFF_TRACK),
        ("-0.5", Status.OFF_TRACK),
    ],
)
def test_status_thresholds(value, expected):
    assert status(Decimal(value)) == expected


def test_thresholds_are_settings(settings):
    settings.PLAN_ON_TRACK = 0.9
    settings.PLAN_AT_RISK = 0.5
    assert status(Decimal("0.92")) == Status.ON_TRACK
    assert status(Decimal("0.6")) == Status.AT_RISK
    assert status(Decimal("0.49")) == Status.OFF_TRACK
