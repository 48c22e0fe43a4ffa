"""How plan values read: each unit as the indicator pages show it; a milestone
as reached or not; progress as a percentage of the planned change."""

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from semillero.indicators.templatetags.indicator_tags import indicator_value

register = template.Library()


@register.filter
def plan_value(value, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "milestone":
        return _("Reached") if value >= 1 else _("Not reached")
    if unit == "count" and value == int(value):
        return indicator_value(int(value), unit)  # 9, not 9.0
    return indicator_value(float(value), unit)


@register.filter
def progress_text(value) -> str:
    if value is None:
        return "—"
    return f"{number_format(round(value * 100), decimal_pos=0)} %"
