import datetime

import pytest

from semillero.tracer.importers import SocialSecurityImporter
from tests.training.factories import CourseRunFactory


@pytest.fixture(params=["vectorised", "row_by_row"])
def path(request, monkeypatch):
    """Run the test on both validation paths of the social_security kind."""
    monkeypatch.setattr(
        SocialSecurityImporter, "vectorised", request.param == "vectorised"
    )
    return request.param


@pytest.fixture
def run(centre):
    """A course run of `centre` ending on 30 June 2024."""
    return CourseRunFactory(
        code="CR-1",
        provider=centre,
        start_date=datetime.date(2024, 2, 1),
        end_date=datetime.date(2024, 6, 30),
    )


@pytest.fixture
def other_run(other_centre):
    return CourseRunFactory(
        code="CR-2",
        provider=other_centre,
        start_date=datetime.date(2024, 3, 1),
        end_date=datetime.date(2024, 7, 31),
    )
