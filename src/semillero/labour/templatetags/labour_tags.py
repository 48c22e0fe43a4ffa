"""The demand for a programme's target occupation, for the programme pages:

{% load labour_tags %}{% occupation_demand programme %}
"""

from django import template

from semillero.labour.selectors import occupation_demand as _occupation_demand

register = template.Library()


@register.inclusion_tag("labour/_programme_demand.html", takes_context=True)
def occupation_demand(context, programme):
    return {
        "demand": _occupation_demand(programme.isco_code),
        "user": context.get("user"),
    }
