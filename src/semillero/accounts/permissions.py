"""What each role may do. Services and selectors ask here; views only mirror it.

Roles (see PRODUCT.md):
- national administrator: everything, including personal data and user management;
- analyst: all aggregate data and the whole registry, no personal data, no writes;
- organization data officer: maintains its own organization's records, including
  its people's personal data; may register new organizations (partners, companies);
- company officer: its own company's record;
- viewer: reads the registry.
"""

from django.core.exceptions import PermissionDenied

from .models import Role


def is_admin(user) -> bool:
    return bool(
        user
        and user.is_authenticated
        and (user.role == Role.NATIONAL_ADMIN or user.is_superuser)
    )


def _own(user, organization) -> bool:
    return (
        organization is not None
        and user.organization_id is not None
        and user.organization_id == getattr(organization, "pk", organization)
    )


def can_create_organization(user) -> bool:
    return is_admin(user) or user.role == Role.DATA_OFFICER


def can_edit_organization(user, organization) -> bool:
    if is_admin(user):
        return True
    return user.role in (Role.DATA_OFFICER, Role.COMPANY_OFFICER) and _own(
        user, organization
    )


def can_manage_agreement(user, parties) -> bool:
    """Admins manage every agreement; a data officer those its organization is party to."""
    if is_admin(user):
        return True
    return user.role == Role.DATA_OFFICER and any(_own(user, org) for org in parties)


def can_manage_instructors(user, organization) -> bool:
    return is_admin(user) or (
        user.role == Role.DATA_OFFICER and _own(user, organization)
    )


def can_see_personal_data(user, organization) -> bool:
    """Names and contacts of people: the admin, and the data officers of their organization."""
    return can_manage_instructors(user, organization)


# Import kinds each role may run. Reference data (territory, classifications,
# training areas, programmes, the levy) is the institute's; organizations may be
# registered by data officers too, and a data officer loads its own
# organization's course runs and their enrolments (the importers enforce "own").
IMPORT_KINDS_BY_ROLE = {
    Role.DATA_OFFICER: {"organizations", "course_runs", "enrolments"},
}


def can_import(user, kind: str) -> bool:
    if is_admin(user):
        return True
    return kind in IMPORT_KINDS_BY_ROLE.get(user.role, set())


def can_manage_users(user) -> bool:
    return is_admin(user)


def require(allowed: bool, message: str = "") -> None:
    """Raise PermissionDenied unless allowed; services call this first."""
    if not allowed:
        raise PermissionDenied(message or "Not allowed")
