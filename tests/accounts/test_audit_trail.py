"""The audit-trail page: administrators read who did what, filter and download it."""

import csv
import io

import pytest
from django.urls import reverse

from semillero.accounts.audit import record_event
from semillero.accounts.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail(admin_user, analyst_user):
    record_event(
        actor=admin_user,
        action="import.finished",
        summary="Importación de inscripciones",
    )
    record_event(
        actor=analyst_user, action="export", summary="Descarga de organizaciones"
    )
    record_event(
        actor=admin_user, action="accounts.role_changed", summary="Rol de ana cambiado"
    )


def test_administrators_read_filter_and_search_the_trail(client, admin_user, trail):
    client.force_login(admin_user)
    url = reverse("accounts:audit_trail")
    page = client.get(url).content.decode()
    assert page.count("data-action=") == 3
    assert page.index('data-action="accounts.role_changed"') < page.index(
        'data-action="import.finished"'
    )
    page = client.get(url, {"family": "import"}).content.decode()
    assert page.count("data-action=") == 1 and 'data-action="import.finished"' in page
    page = client.get(url, {"q": "organizaciones"}).content.decode()
    assert page.count("data-action=") == 1 and 'data-action="export"' in page
    page = client.get(url, {"who": "analyst"}).content.decode()
    assert page.count("data-action=") == 1
    assert client.get(url, {"period": "7"}).content.decode().count("data-action=") == 3


def test_the_trail_downloads_and_the_download_is_recorded(client, admin_user, trail):
    client.force_login(admin_user)
    response = client.get(reverse("accounts:audit_trail"), {"export": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 1 + 3
    assert AuditEvent.objects.filter(action="export", object_type="").count() >= 2


def test_only_administrators_read_the_trail(client, analyst_user, viewer_user, trail):
    for user in (analyst_user, viewer_user):
        client.force_login(user)
        assert client.get(reverse("accounts:audit_trail")).status_code == 403
    client.logout()
    assert client.get(reverse("accounts:audit_trail")).status_code == 302
