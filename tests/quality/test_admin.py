"""The quality records are read-only in the Django admin: writes go through the
services, validated and audited."""

import pytest
from django.urls import reverse

from semillero.accounts.models import Role

from ..factories import UserFactory

pytestmark = pytest.mark.django_db

MODELS = [
    "accreditation",
    "programmeaccreditation",
    "qualityaudit",
    "finding",
    "facility",
]


@pytest.fixture
def superuser(institute):
    return UserFactory(
        username="root",
        role=Role.NATIONAL_ADMIN,
        organization=institute,
        is_staff=True,
        is_superuser=True,
    )


@pytest.mark.parametrize("model", MODELS)
def test_admin_lists_render_and_nothing_is_added_there(client, superuser, world, model):
    client.force_login(superuser)
    assert client.get(reverse(f"admin:quality_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:quality_{model}_add")).status_code == 403


def test_a_facility_reads_with_its_equipment(client, superuser, world):
    client.force_login(superuser)
    url = reverse("admin:quality_facility_change", args=[world["facility_mine"].pk])
    assert "Osciloscopio digital" in client.get(url).content.decode()
