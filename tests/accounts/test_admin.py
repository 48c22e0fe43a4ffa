"""Django admin: registry records are read-only there (their writes go through the
services); role changes made there are audited like any other."""

import pytest
from django.urls import reverse

from semillero.accounts.models import AuditEvent, Role

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(institute):
    return UserFactory(
        username="root",
        role=Role.NATIONAL_ADMIN,
        organization=institute,
        is_staff=True,
        is_superuser=True,
    )


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:registry_organization_changelist",
        "admin:registry_agreement_changelist",
        "admin:registry_instructor_changelist",
        "admin:accounts_user_changelist",
        "admin:accounts_apitoken_changelist",
        "admin:accounts_auditevent_changelist",
    ],
)
def test_admin_lists_render(client, superuser, url_name):
    client.force_login(superuser)
    assert client.get(reverse(url_name)).status_code == 200


def test_registry_records_cannot_be_added_in_the_admin(client, superuser):
    client.force_login(superuser)
    response = client.get(reverse("admin:registry_organization_add"))
    assert response.status_code == 403


def test_a_role_change_in_the_admin_is_audited(client, superuser, viewer_user):
    client.force_login(superuser)
    url = reverse("admin:accounts_user_change", args=[viewer_user.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in ("groups", "user_permissions", "password")
    }
    data.update(
        {
            "role": Role.ANALYST,
            "organization": viewer_user.organization_id,
            "date_joined_0": form.initial["date_joined"].strftime("%Y-%m-%d"),
            "date_joined_1": form.initial["date_joined"].strftime("%H:%M:%S"),
        }
    )
    data.pop("date_joined")
    data.pop("last_login", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    viewer_user.refresh_from_db()
    assert viewer_user.role == Role.ANALYST
    event = AuditEvent.objects.get(action="user_role_changed")
    assert (event.details["old_role"], event.details["new_role"]) == (
        "viewer",
        "analyst",
    )
