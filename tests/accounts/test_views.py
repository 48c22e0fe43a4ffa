"""Account pages: users for administrators, API tokens for everyone."""

import pytest
from django.urls import reverse

from semillero.accounts.models import ApiToken, AuditEvent, Role, User
from semillero.accounts.services import api_token_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    """Texts are asserted in English, the msgids; Spanish is the default language."""
    settings.LANGUAGE_CODE = "en"


def test_the_admin_lists_and_filters_users(
    client, admin_user, officer_user, viewer_user
):
    client.force_login(admin_user)
    url = reverse("accounts:user_list")
    body = client.get(url, {"role": "data_officer"}).content.decode()
    assert "centre" in body and ">viewer<" not in body
    response = client.get(url, {"export": "csv"})
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert AuditEvent.objects.filter(action="export", details__list="users").exists()


def test_the_admin_creates_a_user_and_sees_the_generated_password_once(
    client, admin_user, centre
):
    client.force_login(admin_user)
    response = client.post(
        reverse("accounts:user_create"),
        {"username": "nueva", "role": "data_officer", "organization": centre.pk},
    )
    assert response.status_code == 200
    password = response.context["password"]
    assert password and password in response.content.decode()
    user = User.objects.get(username="nueva")
    assert user.check_password(password)
    assert password not in str(
        list(AuditEvent.objects.values_list("details", flat=True))
    )


def test_a_given_password_is_not_shown_again(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("accounts:user_create"),
        {"username": "otra", "role": "viewer", "password": "una clave bastante larga"},
    )
    assert response.status_code == 302
    assert User.objects.get(username="otra").check_password("una clave bastante larga")


def test_user_form_shows_service_errors(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("accounts:user_create"), {"username": "x", "role": "company_officer"}
    )
    assert response.status_code == 200
    assert "organization" in response.context["form"].errors


def test_the_admin_changes_a_role(client, admin_user, viewer_user, centre):
    client.force_login(admin_user)
    response = client.post(
        reverse("accounts:user_role", args=[viewer_user.pk]),
        {"role": "data_officer", "organization": centre.pk},
    )
    assert response.status_code == 302
    viewer_user.refresh_from_db()
    assert viewer_user.role == Role.DATA_OFFICER
    assert AuditEvent.objects.filter(action="user_role_changed").count() == 1


def test_a_new_token_is_shown_once(client, viewer_user):
    client.force_login(viewer_user)
    url = reverse("accounts:token_list")
    response = client.post(url, {"name": "informe mensual"})
    key = response.context["new_key"]
    assert key in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert ApiToken.objects.get(user=viewer_user).key_hash == ApiToken.hash_key(key)
    assert key not in client.get(url).content.decode()


def test_a_user_revokes_its_token_but_not_someone_elses(
    client, viewer_user, analyst_user
):
    mine, _ = api_token_create(actor=viewer_user, name="mío")
    theirs, _ = api_token_create(actor=analyst_user, name="ajeno")
    client.force_login(viewer_user)
    response = client.post(reverse("accounts:token_revoke", args=[mine.pk]))
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.revoked_at is not None
    assert (
        client.post(reverse("accounts:token_revoke", args=[theirs.pk])).status_code
        == 404
    )
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    assert (
        client.get(reverse("accounts:token_revoke", args=[mine.pk])).status_code == 405
    )


def test_tokens_list_only_the_users_own(client, viewer_user, analyst_user):
    api_token_create(actor=analyst_user, name="del analista")
    client.force_login(viewer_user)
    body = client.get(reverse("accounts:token_list")).content.decode()
    assert "del analista" not in body
    assert "You have no API tokens." in body


@pytest.mark.parametrize(
    "role_fixture, links, hidden",
    [
        ("admin_user", ["accounts:user_list", "registry:instructor_list"], []),
        ("analyst_user", ["registry:instructor_list"], ["accounts:user_list"]),
        ("company_user", ["registry:organization_list"], ["registry:instructor_list"]),
    ],
)
def test_the_navigation_follows_the_role(request, client, role_fixture, links, hidden):
    client.force_login(request.getfixturevalue(role_fixture))
    body = client.get(reverse("home")).content.decode()
    nav = body[body.index("<header") : body.index("</header>")]
    for name in links:
        assert f'href="{reverse(name)}"' in nav
    for name in hidden:
        assert f'href="{reverse(name)}"' not in nav


def test_the_start_page_counts_what_the_user_may_see(client, officer_user, centre):
    client.force_login(officer_user)
    body = client.get(reverse("home")).content.decode()
    assert centre.name in body
    assert reverse("registry:instructor_create") in body
