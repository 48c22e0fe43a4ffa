"""Template filters that mirror `accounts.permissions`, to hide links and buttons a
user may not use. They decide nothing: the views, services and selectors do."""

from django import template

from semillero.accounts import permissions
from semillero.registry.selectors import InstructorAccess, instructor_access

register = template.Library()


@register.filter
def is_admin(user) -> bool:
    return permissions.is_admin(user)


@register.filter
def can_manage_users(user) -> bool:
    return permissions.can_manage_users(user)


@register.filter
def can_create_organization(user) -> bool:
    return bool(user.is_authenticated) and permissions.can_create_organization(user)


@register.filter
def can_manage_agreements(user) -> bool:
    """Whether the user manages some agreements (those its organization is party to)."""
    return bool(user.is_authenticated) and permissions.can_manage_agreement(
        user, [user.organization_id]
    )


@register.filter
def can_manage_own_instructors(user) -> bool:
    return bool(user.is_authenticated) and permissions.can_manage_instructors(
        user, user.organization_id
    )


@register.filter
def sees_instructors(user) -> bool:
    return instructor_access(user) != InstructorAccess.NONE


@register.filter
def may_import(user) -> bool:
    """Whether the user may run at least one kind of import."""
    return permissions.is_admin(user) or bool(
        user.is_authenticated and permissions.IMPORT_KINDS_BY_ROLE.get(user.role)
    )


@register.filter
def sees_indicators(user) -> bool:
    """The national dashboard, or an organization's own (its data officer)."""
    return permissions.can_read_national_indicators(user) or (
        bool(user and user.is_authenticated)
        and user.organization is not None
        and permissions.can_read_indicators_of(user, user.organization)
    )


@register.filter
def sees_tracer_studies(user) -> bool:
    return permissions.can_read_tracer_studies(user)


@register.filter
def sees_plans(user) -> bool:
    return permissions.can_read_plans(user)


@register.filter
def sees_consultations(user) -> bool:
    return permissions.can_read_consultations(user)


@register.filter
def can_edit_policy_catalogue(user) -> bool:
    return permissions.can_edit_policy_catalogue(user)


@register.filter
def sees_supply_demand(user) -> bool:
    return permissions.can_read_supply_demand(user)
