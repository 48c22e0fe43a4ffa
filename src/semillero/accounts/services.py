"""Every write of the accounts app: users, roles and API tokens.

Each service checks permission first, validates, writes inside one transaction and
records an audit event. Pages, API and the command line call these and nothing else.
"""

import secrets
from datetime import timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import events
from .models import ApiToken, Role, User
from .permissions import can_manage_users, is_admin, require

# Roles whose rights are scoped to one organization: they make no sense without one.
ROLES_NEEDING_ORGANIZATION = {Role.DATA_OFFICER, Role.COMPANY_OFFICER}

API_TOKEN_PREFIX = "sem_"  # noqa: S105 (a marker, not a secret)
# Writing last_used_at on every request would turn each API read into a write; a
# minute's precision is enough to tell a live token from a forgotten one.
LAST_USED_PRECISION = timedelta(minutes=1)


class SystemActor:
    """The actor of trusted server-side callers (management commands run by the
    operator, the demo generator): has every right and is audited as "system"."""

    pk = None
    id = None
    username = "system"
    role = Role.NATIONAL_ADMIN
    is_superuser = True
    is_authenticated = True
    is_active = True
    organization = None
    organization_id = None

    def __str__(self):
        return self.username


SYSTEM = SystemActor()


def generate_password() -> str:
    """A random password for a new account, shown once to whoever creates it."""
    return secrets.token_urlsafe(12)


def _validate_role_and_organization(role: str, organization) -> dict:
    errors = {}
    if role not in Role.values:
        errors["role"] = _("Unknown role: %(role)s.") % {"role": role}
    elif role in ROLES_NEEDING_ORGANIZATION and organization is None:
        errors["organization"] = _("A %(role)s must belong to an organization.") % {
            "role": Role(role).label
        }
    return errors


def _sync_admin_site_access(user: User) -> None:
    """National administrators maintain reference data in Django's admin site, so
    the role carries the admin flags; every other role loses them."""
    is_national_admin = user.role == Role.NATIONAL_ADMIN
    user.is_staff = user.is_superuser = is_national_admin


def user_create(
    *,
    actor,
    username: str,
    role: str,
    organization=None,
    password: str,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
) -> User:
    require(can_manage_users(actor), _("Only administrators manage users."))
    username = username.strip()
    email = email.strip()
    errors = _validate_role_and_organization(role, organization)
    if not username:
        errors["username"] = _("The username is required.")
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = _("The username %(username)s is already taken.") % {
            "username": username
        }
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            errors["email"] = exc.messages
    user = User(
        username=username,
        role=role,
        organization=organization,
        email=email,
        first_name=first_name,
        last_name=last_name,
    )
    try:
        user.full_clean(exclude=["password"], validate_unique=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, messages)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        errors["password"] = exc.messages
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    _sync_admin_site_access(user)
    with transaction.atomic():
        user.save()
        events.user_created_event(actor=actor, user=user)
    return user


def user_set_role(*, actor, user: User, role: str, organization) -> User:
    """Change what a user may do: role and organization together, audited as one
    permission change."""
    require(can_manage_users(actor), _("Only administrators manage users."))
    errors = _validate_role_and_organization(role, organization)
    if (
        getattr(actor, "pk", None) == user.pk
        and role != Role.NATIONAL_ADMIN
        and not user.is_superuser
    ):
        # Nobody else might be left to give the role back.
        errors["role"] = _("You cannot remove your own administrator role.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        user = (
            User.objects.select_for_update(of=("self",))
            .select_related("organization")
            .get(pk=user.pk)
        )
        old_role, old_organization = user.role, user.organization
        if old_role == role and user.organization_id == getattr(
            organization, "pk", None
        ):
            return user
        user.role = role
        user.organization = organization
        _sync_admin_site_access(user)
        user.save(update_fields=["role", "organization", "is_staff", "is_superuser"])
        events.user_role_changed_event(
            actor=actor, user=user, old_role=old_role, old_organization=old_organization
        )
    return user


def api_token_create(*, actor, name: str, user: User | None = None):
    """Create a personal API token; return (token, clear key).

    The clear key exists only in this return value: the database keeps its hash.
    """
    owner = user or actor
    require(
        getattr(actor, "is_authenticated", False)
        and (
            getattr(owner, "pk", None) == getattr(actor, "pk", None) or is_admin(actor)
        ),
        _("You may only create API tokens for yourself."),
    )
    if getattr(owner, "pk", None) is None:
        raise ValidationError({"user": _("API tokens belong to a user account.")})
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, e.g. what uses it.")})
    key = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken(
            user=owner,
            name=name,
            prefix=key[: ApiToken._meta.get_field("prefix").max_length],
            key_hash=ApiToken.hash_key(key),
        )
        token.full_clean()
        token.save()
        events.api_token_created_event(actor=actor, token=token)
    return token, key


def api_token_revoke(*, actor, token: ApiToken) -> ApiToken:
    require(
        getattr(actor, "is_authenticated", False)
        and (token.user_id == getattr(actor, "pk", None) or is_admin(actor)),
        _("You may only revoke your own API tokens."),
    )
    with transaction.atomic():
        token = (
            ApiToken.objects.select_for_update(of=("self",))
            .select_related("user")
            .get(pk=token.pk)
        )
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            events.api_token_revoked_event(actor=actor, token=token)
    return token


def api_token_authenticate(*, key: str) -> User | None:
    """The active user owning this clear key, or None for a wrong or revoked key.

    Looked up by hash, so the clear key is never compared or stored.
    """
    if not key or not key.startswith(API_TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user", "user__organization")
        .filter(key_hash=ApiToken.hash_key(key), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
