"""How indicator values read on a page: each unit its own way, "—" when absent."""

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from semillero.training.templatetags.training_tags import NBSP, money, percent

register = template.Library()


@register.filter
def indicator_value(value, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "ratio":
        return percent(value)
    if unit == "usd":
        return money(value)
    if unit == "count":
        return number_format(value, force_grouping=True)
    if unit == "points":  # a difference of two shares, in percentage points
        points = number_format(round(value * 100, 1), decimal_pos=1)
        sign = "+" if value > 0 else ""
        unit = _("pp")
        return f"{sign}{points}{NBSP}{unit}"
    if unit == "months":
        return number_format(value, decimal_pos=0)
    if unit == "per_1000":
        return number_format(round(value, 1), decimal_pos=1, force_grouping=True)
    return number_format(round(value, 3), decimal_pos=3)  # an index


@register.filter
def indicator_change(headline: dict) -> str:
    """The change from last year: % for counts and money, points for ratios."""
    change = headline.get("change")
    if change is None:
        return ""
    arrow = "▲" if change > 0 else ("▼" if change < 0 else "=")
    if headline["change_kind"] == "relative":
        text = f"{number_format(round(change * 100, 1), decimal_pos=1)}{NBSP}%"
    elif headline["unit"] == "ratio":
        points = number_format(round(change * 100, 1), decimal_pos=1)
        unit = _("pp")  # percentage points
        text = f"{points}{NBSP}{unit}"
    else:
        text = number_format(round(change, 3), decimal_pos=3)
    sign = "+" if change > 0 else ""
    return f"{arrow} {sign}{text}"


@register.filter
def p_value(value) -> str:
    """A test's p-value after "p": "= 0.012", or "< 0.001" when smaller."""
    if value is None:
        return "—"
    if value < 0.001:
        return f"<{NBSP}{number_format(0.001, decimal_pos=3)}"
    return f"={NBSP}{number_format(round(value, 3), decimal_pos=3)}"


@register.filter
def lookup(mapping, key):
    """The value of `key` in a dict (None when absent or no dict)."""
    return mapping.get(key) if mapping else None
