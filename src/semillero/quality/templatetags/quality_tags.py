"""Template filters of the quality pages. The permission filters mirror
`accounts.permissions` to hide links a user may not use; they decide nothing."""

from django import template
from django.utils.formats import number_format

from semillero.accounts import permissions
from semillero.quality import selectors

register = template.Library()

DASH = "—"


@register.filter
def percent(value) -> str:
    """A rate (0–1) as a percentage with one decimal; "—" when it is undefined
    (nothing to divide by), never 0."""
    if value is None or value == "":
        return DASH
    return f"{number_format(float(value) * 100, 1)} %"


@register.filter
def accreditation_label(status) -> str:
    return selectors.status_label(status)


@register.filter
def finding_status_label(status) -> str:
    return selectors.finding_status_label(status)


@register.filter
def reads_quality(user) -> bool:
    return selectors.quality_access(user) != selectors.QualityAccess.NONE


@register.filter
def manages_quality(user) -> bool:
    return permissions.can_manage_quality(user)


@register.filter
def reads_capacity(user) -> bool:
    return permissions.can_read_capacity(user)


@register.filter
def manages_own_facilities(user) -> bool:
    return bool(
        user.is_authenticated
        and user.organization_id
        and permissions.can_manage_facilities(user, user.organization_id)
    )
