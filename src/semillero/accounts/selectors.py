"""Every read of the accounts app that pages, API and other apps need."""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from semillero.core.search import matches

from .models import ApiToken, AuditEvent, User
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


# Filters of the audit trail: an action family is the part before the dot
# ("import.finished" → "import"); a period counts back from today.
AUDIT_PERIODS = {"7": 7, "30": 30, "365": 365}


def audit_action_families() -> list[str]:
    actions = AuditEvent.objects.order_by().values_list("action", flat=True).distinct()
    return sorted({a.split(".")[0] for a in actions})


def audit_event_list(
    *,
    actor,
    q: str = "",
    family: str | None = None,
    period: str | None = None,
    who: str | None = None,
) -> QuerySet[AuditEvent]:
    """The audit trail, for administrators: who imported, exported, changed or
    published what. `q` searches the summary, action, object and user name."""
    require(can_manage_users(actor), _("Only administrators read the audit trail."))
    events = AuditEvent.objects.order_by("-created_at", "-id")
    if q:
        events = events.filter(
            matches(q, "summary", "action", "object_type", "actor_username")
        )
    if family:
        events = events.filter(Q(action__startswith=f"{family}.") | Q(action=family))
    if period in AUDIT_PERIODS:
        since = timezone.now() - datetime.timedelta(days=AUDIT_PERIODS[period])
        events = events.filter(created_at__gte=since)
    if who:
        events = events.filter(actor_username=who)
    return events
