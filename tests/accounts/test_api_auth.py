"""API authentication: bearer tokens (valid, revoked, wrong) and the session."""

import pytest
from django.test import Client

from semillero.accounts.models import ApiToken
from semillero.accounts.services import api_token_create, api_token_revoke

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    """Texts are asserted in English, the msgids; Spanish is the default language."""
    settings.LANGUAGE_CODE = "en"


URL = "/api/registry/organizations"


def test_a_valid_token_authenticates_and_is_marked_used(client, viewer_user, centre):
    token, key = api_token_create(actor=viewer_user, name="script")
    response = client.get(URL, headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200
    assert response.json()["count"] == 2  # the centre and the viewer's institute
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_revoked_token_is_rejected(client, viewer_user):
    token, key = api_token_create(actor=viewer_user, name="script")
    api_token_revoke(actor=viewer_user, token=token)
    response = client.get(URL, headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


@pytest.mark.parametrize(
    "header", ["Bearer sem_wrong", "Bearer ", "Bearer nonsense", "Basic dXNlcjpwYXNz"]
)
def test_wrong_tokens_are_rejected(client, viewer_user, header):
    api_token_create(actor=viewer_user, name="script")
    response = client.get(URL, headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json()["detail"]


def test_no_credentials_is_401_with_a_clear_message(client):
    response = client.get(URL)
    assert response.status_code == 401
    assert "Authorization: Bearer" in response.json()["detail"]


def test_a_token_needs_no_csrf_for_writes(viewer_user, officer_user):
    _token, key = api_token_create(actor=officer_user, name="script")
    strict = Client(enforce_csrf_checks=True)
    response = strict.patch(
        URL + "/CFP-001",
        data='{"phone": "2200-0000"}',
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 200


def test_the_session_works_and_writes_need_the_csrf_token(officer_user):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(officer_user)
    assert strict.get(URL).status_code == 200
    body = '{"phone": "2200-0000"}'
    refused = strict.patch(URL + "/CFP-001", data=body, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    strict.get("/")  # sets the CSRF cookie, as a page would
    csrf = strict.cookies["csrftoken"].value
    accepted = strict.patch(
        URL + "/CFP-001",
        data=body,
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )
    assert accepted.status_code == 200


def test_only_hashes_are_stored(viewer_user):
    _token, key = api_token_create(actor=viewer_user, name="script")
    assert not ApiToken.objects.filter(key_hash=key).exists()
    assert not ApiToken.objects.filter(prefix=key).exists()
