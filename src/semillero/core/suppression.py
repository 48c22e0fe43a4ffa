"""Small-cell suppression for every public output (spec: "Disclosure control").

A count below k, and a ratio whose numerator or denominator is below k, is
shown as empty with `suppressed = true`; k is the setting SUPPRESSION_K
(default 5). Where a row's own numerator and denominator are not counts of people
(a parity index divides two rates), the caller passes the counts it rests on.
"""

from collections.abc import Iterable

from django.conf import settings

HIDDEN = ("value", "numerator", "denominator", "ci_low", "ci_high")


def threshold() -> int:
    return settings.SUPPRESSION_K


def is_small(counts: Iterable, k: int | None = None) -> bool:
    """True when any of the counts a figure rests on is below k (an unknown
    count is not small: there is nothing to protect)."""
    k = threshold() if k is None else k
    return any(c is not None and c < k for c in counts)


def suppressed(row: dict, counts: Iterable, k: int | None = None) -> dict:
    """A copy of `row` with `suppressed` set, and its figures emptied when one of
    `counts` is below k."""
    out = dict(row)
    small = is_small(counts, k)
    out["suppressed"] = small
    if small:
        out.update(dict.fromkeys(HIDDEN))
    return out
