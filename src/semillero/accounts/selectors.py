"""Every read of the accounts app that pages, API and other apps need."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from semillero.core.search import matches

from .models import ApiToken, User
from .permissions import can_manage_users, require


def user_list(
    *,
    actor,
    q: str = "",
    role: str | None = None,
    organization: str | int | None = None,
) -> QuerySet[User]:
    """Users, for administrators only. `organization` is a code or a primary key."""
    require(can_manage_users(actor), _("Only administrators manage users."))
    users = User.objects.select_related("organization").order_by("username")
    if q:
        users = users.filter(
            matches(
                q, "username", "first_name", "last_name", "email", "organization__name"
            )
        )
    if role:
        users = users.filter(role=role)
    if isinstance(organization, int):
        users = users.filter(organization_id=organization)
    elif organization:
        users = users.filter(organization__code=organization)
    return users


def user_get(*, actor, pk: int) -> User:
    return user_list(actor=actor).get(pk=pk)


def api_token_list(*, user) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first, revoked ones included (for the record)."""
    require(getattr(user, "is_authenticated", False))
    return ApiToken.objects.filter(user_id=user.pk).select_related("user")


def api_token_get(*, user, pk: int) -> ApiToken:
    return api_token_list(user=user).get(pk=pk)
