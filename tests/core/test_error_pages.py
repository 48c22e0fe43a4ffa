"""Denied and missing pages answer in the user's language, inside the site's layout."""

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_a_denied_page_explains_itself_in_spanish(client, analyst_user):
    client.force_login(analyst_user)
    response = client.get(reverse("accounts:user_list"))
    assert response.status_code == 403
    body = response.content.decode()
    assert "No tiene acceso a esta página" in body
    assert 'href="/"' in body


@pytest.mark.django_db
def test_a_missing_page_says_so_in_english_when_english_is_chosen(client, viewer_user):
    client.force_login(viewer_user)
    client.cookies["django_language"] = "en"
    response = client.get("/registry/organizations/999999999/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
