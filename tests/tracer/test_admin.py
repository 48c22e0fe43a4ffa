"""The tracer records are read-only in the Django admin: they come in through
the imports, validated and audited."""

import datetime

import pytest
from django.urls import reverse

from semillero.accounts.models import Role
from semillero.core.pseudonymisation import person_key
from semillero.tracer.models import SocialSecurityRecord, TracerResponse
from tests.factories import UserFactory
from tests.training.factories import EnrolmentFactory, dui

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


@pytest.fixture
def records(db):
    enrolment = EnrolmentFactory()
    TracerResponse.objects.create(
        trainee=enrolment.trainee,
        course_run=enrolment.course_run,
        followup_months=6,
        responded=True,
        employment_status="employed",
    )
    SocialSecurityRecord.objects.create(
        person_key=person_key(dui(12_345_670)),
        period=datetime.date(2024, 3, 1),
        employer_tax_id="0614-010190-101-2",
    )


@pytest.mark.parametrize("model", ["tracerresponse", "socialsecurityrecord"])
def test_admin_lists_render_and_nothing_is_added_there(
    client, superuser, records, model
):
    client.force_login(superuser)
    assert client.get(reverse(f"admin:tracer_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:tracer_{model}_add")).status_code == 403
