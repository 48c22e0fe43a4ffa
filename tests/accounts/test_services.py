"""Accounts services: users, roles (audited permission changes) and API tokens."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from semillero.accounts import services
from semillero.accounts.models import ApiToken, AuditEvent, Role, User

pytestmark = pytest.mark.django_db


GOOD_PASSWORD = "una clave bastante larga"


def test_the_admin_creates_a_data_officer_and_it_is_audited(admin_user, centre):
    user = services.user_create(
        actor=admin_user,
        username="nuevo",
        role=Role.DATA_OFFICER,
        organization=centre,
        password=GOOD_PASSWORD,
        email="nuevo@example.org",
    )
    assert user.check_password(GOOD_PASSWORD)
    event = AuditEvent.objects.get(action="user_created")
    assert event.details == {
        "username": "nuevo",
        "role": "data_officer",
        "organization": "CFP-001",
    }


@pytest.mark.parametrize(
    "role_fixture", ["analyst_user", "officer_user", "company_user", "viewer_user"]
)
def test_only_administrators_create_users(request, role_fixture):
    with pytest.raises(PermissionDenied):
        services.user_create(
            actor=request.getfixturevalue(role_fixture),
            username="x",
            role=Role.VIEWER,
            password=GOOD_PASSWORD,
        )


def test_user_validation(admin_user):
    with pytest.raises(ValidationError) as exc:
        services.user_create(
            actor=admin_user,
            username="ADMIN",  # taken, whatever the case
            role=Role.DATA_OFFICER,  # needs an organization
            password="123",
            email="nope",
        )
    assert set(exc.value.message_dict) == {
        "username",
        "organization",
        "password",
        "email",
    }
    with pytest.raises(ValidationError) as exc:
        services.user_create(
            actor=admin_user, username="ok", role="emperor", password=GOOD_PASSWORD
        )
    assert "role" in exc.value.message_dict


def test_a_role_change_is_an_audited_permission_change(admin_user, viewer_user, centre):
    services.user_set_role(
        actor=admin_user, user=viewer_user, role=Role.DATA_OFFICER, organization=centre
    )
    viewer_user.refresh_from_db()
    assert (viewer_user.role, viewer_user.organization) == (Role.DATA_OFFICER, centre)
    event = AuditEvent.objects.get(action="user_role_changed")
    assert event.details["old_role"] == "viewer"
    assert event.details["new_role"] == "data_officer"
    assert event.details["old_organization"] == "INCAF"
    assert event.details["new_organization"] == "CFP-001"


def test_setting_the_same_role_writes_no_event(admin_user, viewer_user, institute):
    services.user_set_role(
        actor=admin_user, user=viewer_user, role=Role.VIEWER, organization=institute
    )
    assert not AuditEvent.objects.filter(action="user_role_changed").exists()


def test_admins_cannot_remove_their_own_admin_role(admin_user, institute):
    with pytest.raises(ValidationError):
        services.user_set_role(
            actor=admin_user, user=admin_user, role=Role.VIEWER, organization=institute
        )
    admin_user.refresh_from_db()
    assert admin_user.role == Role.NATIONAL_ADMIN


def test_only_administrators_change_roles(analyst_user, viewer_user):
    with pytest.raises(PermissionDenied):
        services.user_set_role(
            actor=analyst_user,
            user=viewer_user,
            role=Role.NATIONAL_ADMIN,
            organization=None,
        )


def test_a_token_is_shown_once_and_stored_as_a_hash(viewer_user):
    token, key = services.api_token_create(actor=viewer_user, name="script")
    assert key.startswith("sem_") and len(key) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.key_hash == ApiToken.hash_key(key)
    assert key not in (stored.key_hash, stored.prefix, stored.name)
    assert key.startswith(stored.prefix)
    assert AuditEvent.objects.filter(action="api_token_created").count() == 1


def test_tokens_need_a_name(viewer_user):
    with pytest.raises(ValidationError):
        services.api_token_create(actor=viewer_user, name="  ")


def test_tokens_are_revoked_by_their_owner_or_an_admin(
    viewer_user, analyst_user, admin_user
):
    token, key = services.api_token_create(actor=viewer_user, name="script")
    with pytest.raises(PermissionDenied):
        services.api_token_revoke(actor=analyst_user, token=token)
    services.api_token_revoke(actor=admin_user, token=token)
    assert services.api_token_authenticate(key=key) is None
    services.api_token_revoke(actor=viewer_user, token=token)  # idempotent
    assert AuditEvent.objects.filter(action="api_token_revoked").count() == 1


def test_token_authentication(viewer_user):
    token, key = services.api_token_create(actor=viewer_user, name="script")
    assert services.api_token_authenticate(key=key) == viewer_user
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert services.api_token_authenticate(key=key + "x") is None
    assert services.api_token_authenticate(key="") is None
    assert services.api_token_authenticate(key=token.key_hash) is None
    User.objects.filter(pk=viewer_user.pk).update(is_active=False)
    assert services.api_token_authenticate(key=key) is None


def test_nobody_creates_tokens_for_others_but_the_admin(
    viewer_user, analyst_user, admin_user
):
    with pytest.raises(PermissionDenied):
        services.api_token_create(actor=analyst_user, user=viewer_user, name="x")
    token, _key = services.api_token_create(
        actor=admin_user, user=viewer_user, name="for the viewer"
    )
    assert token.user == viewer_user


def test_only_national_administrators_get_the_admin_site(admin_user, institute):
    """The role carries Django's staff/superuser flags, granted and taken away."""
    new_admin = services.user_create(
        actor=admin_user,
        username="second-admin",
        role=Role.NATIONAL_ADMIN,
        organization=institute,
        password=GOOD_PASSWORD,
    )
    assert new_admin.is_staff and new_admin.is_superuser
    services.user_set_role(
        actor=admin_user, user=new_admin, role=Role.ANALYST, organization=institute
    )
    new_admin.refresh_from_db()
    assert not new_admin.is_staff and not new_admin.is_superuser
