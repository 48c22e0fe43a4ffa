import pytest
from django.contrib.auth.models import Group

from semillero.accounts.models import Role
from semillero.accounts.permissions import CATALOGUE_EDITORS_GROUP
from semillero.policies import services
from tests.factories import UserFactory


@pytest.fixture
def editor_user(institute):
    """An analyst who is a member of the catalogue editors' group."""
    user = UserFactory(username="editor", role=Role.ANALYST, organization=institute)
    user.groups.add(Group.objects.get(name=CATALOGUE_EDITORS_GROUP))
    return user


def instrument(**fields) -> dict:
    data = {
        "slug": "sv-ley-uno",
        "country": "SV",
        "name": "Ley de prueba",
        "year": 1993,
        "instrument_type": "levy",
        "summary": "Una ley de prueba.",
    }
    data.update(fields)
    return data


@pytest.fixture
def add(db):
    """Add an entry as the system (the starting data's way)."""

    def add(**fields):
        return services.entry_create(actor=None, data=instrument(**fields))

    return add
