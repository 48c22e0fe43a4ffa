from django import template

from semillero.registry import selectors

register = template.Library()


@register.simple_tag
def registry_summary(user) -> dict:
    """Counts for the start page, within what the user may see."""
    return selectors.registry_summary(user=user)
