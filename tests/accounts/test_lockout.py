"""Logging in: five failed attempts lock the account out (django-axes)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


def attempt(client, password):
    return client.post(
        reverse("accounts:login"), {"username": "viewer", "password": password}
    )


def test_five_failed_logins_lock_the_account_out(client, viewer_user):
    for _ in range(4):
        assert attempt(client, "wrong").status_code == 200
    locked = attempt(client, "wrong")
    assert locked.status_code == 429
    # Even the right password does not get in while locked out.
    assert attempt(client, PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_correct_login_before_the_limit_works(client, viewer_user):
    for _ in range(3):
        attempt(client, "wrong")
    response = attempt(client, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(viewer_user.pk)
