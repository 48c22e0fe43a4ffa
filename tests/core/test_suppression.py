"""Disclosure control (spec): a count below k, and a ratio whose numerator or
denominator is below k, is emptied and flagged; indices rest on their counts."""

from semillero.core.suppression import suppressed
from semillero.indicators.compute import disclosure_counts


def row(indicator, value, numerator=None, denominator=None, **extra):
    return {
        "indicator": indicator,
        "year": 2024,
        "value": value,
        "numerator": numerator,
        "denominator": denominator,
        "ci_low": None,
        "ci_high": None,
        **extra,
    }


def check(r, k=5):
    return suppressed(r, disclosure_counts(r), k)


def test_counts():
    assert check(row("enrolments", 4))["suppressed"] is True
    assert check(row("enrolments", 4))["value"] is None
    assert check(row("enrolments", 5)) == {**row("enrolments", 5), "suppressed": False}
    assert check(row("trainees", 0))["suppressed"] is True


def test_ratios_look_at_numerator_and_denominator():
    assert check(row("completion_rate", 0.4, 4, 10))["suppressed"] is True
    assert check(row("completion_rate", 1.0, 5, 5))["suppressed"] is False
    small_denominator = check(row("women_share", 1.0, 4, 4))
    assert small_denominator["suppressed"] is True
    assert small_denominator["numerator"] is None
    assert small_denominator["denominator"] is None
    # a null ratio over an empty denominator: nothing to protect beyond the 0
    assert check(row("completion_rate", None, 0, 0))["suppressed"] is True


def test_money_over_people():
    # $1,900 over 4 completers: the completers are few
    assert check(row("cost_per_completer", 475.0, 1900.0, 4))["suppressed"] is True
    assert check(row("cost_per_completer", 380.0, 1900.0, 5))["suppressed"] is False


def test_indices_rest_on_women_and_men():
    # the parity index's numerator and denominator are rates (< 1): its counts decide
    parity = row("gender_parity_index", 0.8, 0.003, 0.00375, counts=[30, 3])
    assert check(parity)["suppressed"] is True
    parity = row("gender_parity_index", 0.8, 0.003, 0.00375, counts=[30, 30])
    assert check(parity)["suppressed"] is False
    segregation = row("segregation_index", 0.5, counts=[7, 3])
    assert check(segregation)["suppressed"] is True
    assert check(segregation, k=3)["suppressed"] is False


def test_unknown_counts_are_not_small():
    assert check(row("coverage_per_1000", None, 8, None))["suppressed"] is False
