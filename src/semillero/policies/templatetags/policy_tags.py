"""Labels of the catalogue's codes in the page's language."""

from django import template

from semillero.policies.models import Trend
from semillero.policies.services import country_name as _country_name

register = template.Library()


@register.filter
def country_name(code: str) -> str:
    return _country_name(code)


@register.filter
def trend_label(code: str) -> str:
    try:
        return str(Trend(code).label)
    except ValueError:
        return code


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key)
