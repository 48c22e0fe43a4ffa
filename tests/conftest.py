import pytest

from semillero.accounts.models import Role
from semillero.registry.models import OrganizationType

from .factories import OrganizationFactory, UserFactory

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache (locmem outlives a test)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path_factory):
    """Uploaded and generated files (evidence, reports, import files) go to a
    temporary folder, not to ./var/media."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture
def centre(db):
    return OrganizationFactory(code="CFP-001", name="Centro de Formación Uno")


@pytest.fixture
def other_centre(db):
    return OrganizationFactory(code="CFP-002", name="Centro de Formación Dos")


@pytest.fixture
def company(db):
    return OrganizationFactory(
        code="EMP-001", name="Textiles del Pacífico", type=OrganizationType.COMPANY
    )


@pytest.fixture
def institute(db):
    return OrganizationFactory(
        code="INCAF",
        name="Instituto Nacional de Capacitación y Formación",
        type=OrganizationType.GOVERNMENT,
        is_lead_institute=True,
    )


@pytest.fixture
def admin_user(institute):
    return UserFactory(
        username="admin", role=Role.NATIONAL_ADMIN, organization=institute
    )


@pytest.fixture
def analyst_user(institute):
    return UserFactory(username="analyst", role=Role.ANALYST, organization=institute)


@pytest.fixture
def officer_user(centre):
    return UserFactory(username="centre", role=Role.DATA_OFFICER, organization=centre)


@pytest.fixture
def company_user(company):
    return UserFactory(
        username="company", role=Role.COMPANY_OFFICER, organization=company
    )


@pytest.fixture
def viewer_user(institute):
    return UserFactory(username="viewer", role=Role.VIEWER, organization=institute)
