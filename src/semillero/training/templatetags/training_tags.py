"""Template filters of the training pages. The nav filters mirror the selectors'
rules to hide links a user may not use; they decide nothing."""

from django import template
from django.utils import timezone
from django.utils.formats import number_format

from semillero.accounts import permissions
from semillero.accounts.models import Role

from .. import selectors
from ..selectors import TraineeAccess, service_request_access, trainee_access

register = template.Library()
NBSP = "\u00a0"  # a figure and its unit stay on one line


@register.filter
def percent(rate) -> str:
    """0.756 → "75.6 %"; None (nobody finished yet) → "—"."""
    if rate is None:
        return "—"
    # number_format truncates: round first (2/3 is 66.7 %, not 66.6 %).
    return f"{number_format(round(rate * 100, 1), decimal_pos=1)}{NBSP}%"


@register.filter
def money(amount) -> str:
    """A US dollar amount with two decimals and grouped thousands; None → "—"."""
    if amount is None:
        return "—"
    return f"${NBSP}{number_format(amount, decimal_pos=2, force_grouping=True)}"


@register.filter
def age_group(birth_date) -> str:
    """The age group today of someone born on `birth_date` ("" when unknown)."""
    return selectors.age_group(birth_date, timezone.localdate())


@register.filter
def sees_trainees(user) -> bool:
    return trainee_access(user) != TraineeAccess.NONE


@register.filter
def sees_companies(user) -> bool:
    """Administrators and analysts see every company's levy and training."""
    return bool(user.is_authenticated) and (
        permissions.is_admin(user) or user.role == Role.ANALYST
    )


@register.filter
def own_company(user):
    """The company a company officer's pages are about, else None."""
    if (
        user.is_authenticated
        and user.role == Role.COMPANY_OFFICER
        and user.organization_id
        and permissions.can_see_company_training(user, user.organization_id)
    ):
        return user.organization_id
    return None


@register.filter
def own_centre(user):
    """The training centre a data officer works at, else None."""
    organization = (
        getattr(user, "organization", None) if user.is_authenticated else None
    )
    if (
        organization is not None
        and user.role == Role.DATA_OFFICER
        and organization.type == "training_centre"
    ):
        return organization.pk
    return None


@register.filter
def sees_service_requests(user) -> bool:
    return service_request_access(user) != "none"
