"""Training services: permission first, validation, the write and its audit
event; the status transitions of an enrolment."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from semillero.accounts.models import AuditEvent
from semillero.registry.models import Municipality, OrganizationType
from semillero.training import services
from semillero.training.models import (
    CompanyServiceRequest,
    CourseRun,
    LevyContribution,
    Programme,
)

from ..factories import OrganizationFactory, TrainingAreaFactory, department
from .factories import CourseRunFactory, EnrolmentFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture(autouse=True)
def english(settings):
    """Messages are asserted in English, the msgids; Spanish is the default."""
    settings.LANGUAGE_CODE = "en"


def _events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


# Programmes -----------------------------------------------------------------------


def _programme_kwargs(**overrides):
    kwargs = {
        "code": "P-NEW",
        "name": "Refrigeración",
        "modality": "initial",
        "training_area": TrainingAreaFactory(code="REF"),
        "hours": 200,
        "delivery": "in_person",
        "isco_code": "7127",
    }
    kwargs.update(overrides)
    return kwargs


def test_the_administrator_adds_a_programme_and_it_is_audited(admin_user):
    programme = services.programme_create(actor=admin_user, **_programme_kwargs())
    assert Programme.objects.get(code="P-NEW") == programme
    [event] = _events("programme_created")
    assert event.actor == admin_user and event.object_id == str(programme.pk)


@pytest.mark.parametrize(
    "role", ["analyst_user", "officer_user", "company_user", "viewer_user"]
)
def test_only_the_administrator_adds_programmes(request, role):
    with pytest.raises(PermissionDenied):
        services.programme_create(
            actor=request.getfixturevalue(role), **_programme_kwargs()
        )
    assert not Programme.objects.exists() and not _events("programme_created")


def test_programme_validation_reports_each_field(admin_user):
    ProgrammeFactory(code="P-NEW")
    with pytest.raises(ValidationError) as exc:
        services.programme_create(
            actor=admin_user,
            **_programme_kwargs(modality="weekend", isco_code="71A", hours=0),
        )
    errors = exc.value.message_dict
    assert {"code", "modality", "isco_code", "hours"} <= set(errors)


def test_a_programme_update_records_what_changed(admin_user):
    programme = ProgrammeFactory(code="P-1", name="Viejo", hours=100)
    services.programme_update(
        actor=admin_user, programme=programme, data={"name": " Nuevo ", "hours": 100}
    )
    programme.refresh_from_db()
    assert programme.name == "Nuevo"
    [event] = _events("programme_updated")
    assert event.details == {"changes": {"name": ["Viejo", "Nuevo"]}}
    # Nothing changed: no event.
    services.programme_update(
        actor=admin_user, programme=programme, data={"name": "Nuevo"}
    )
    assert len(_events("programme_updated")) == 1


# Course runs ----------------------------------------------------------------------


def _run_kwargs(provider, **overrides):
    kwargs = {
        "code": "CR-NEW",
        "programme": ProgrammeFactory(code="P-1"),
        "provider": provider,
        "start_date": D(2025, 2, 1),
        "end_date": D(2025, 6, 30),
        "department": department("SV-SS"),
        "cost_usd": Decimal("1200.00"),
        "funding": "levy",
    }
    kwargs.update(overrides)
    return kwargs


def test_a_data_officer_registers_its_own_centres_course_run(officer_user, centre):
    run = services.course_run_create(actor=officer_user, **_run_kwargs(centre))
    assert run.provider == centre
    [event] = _events("course_run_created")
    assert event.summary == "CR-NEW (CFP-001)"


def test_a_data_officer_cannot_register_another_centres_run(officer_user, other_centre):
    with pytest.raises(PermissionDenied):
        services.course_run_create(actor=officer_user, **_run_kwargs(other_centre))
    assert not CourseRun.objects.exists()


@pytest.mark.parametrize("role", ["analyst_user", "company_user", "viewer_user"])
def test_other_roles_register_no_course_runs(request, role, centre):
    with pytest.raises(PermissionDenied):
        services.course_run_create(
            actor=request.getfixturevalue(role), **_run_kwargs(centre)
        )


def test_course_run_validation(admin_user, centre, company):
    elsewhere = Municipality.objects.exclude(department=department("SV-SS")).first()
    with pytest.raises(ValidationError) as exc:
        services.course_run_create(
            actor=admin_user,
            **_run_kwargs(
                company,  # not a training centre
                end_date=D(2025, 1, 1),
                municipality=elsewhere,
                cost_usd=Decimal("-1"),
                capacity=0,
            ),
        )
    assert {"provider", "end_date", "municipality", "cost_usd", "capacity"} <= set(
        exc.value.message_dict
    )
    assert exc.value.message_dict["end_date"] == [
        "The end date cannot be before the start date."
    ]


def test_a_data_officer_neither_moves_a_run_away_nor_changes_its_code(
    officer_user, centre, other_centre
):
    run = CourseRunFactory(code="CR-1", provider=centre)
    with pytest.raises(PermissionDenied):
        services.course_run_update(
            actor=officer_user, course_run=run, data={"provider": other_centre}
        )
    with pytest.raises(PermissionDenied):
        services.course_run_update(
            actor=officer_user, course_run=run, data={"code": "CR-9"}
        )
    services.course_run_update(
        actor=officer_user, course_run=run, data={"capacity": 30, "funding": None}
    )
    run.refresh_from_db()
    assert run.capacity == 30 and run.code == "CR-1"
    [event] = _events("course_run_updated")
    assert event.details["changes"] == {"capacity": [None, 30]}


def test_a_data_officer_cannot_edit_another_centres_run(officer_user, other_centre):
    run = CourseRunFactory(provider=other_centre)
    with pytest.raises(PermissionDenied):
        services.course_run_update(
            actor=officer_user, course_run=run, data={"capacity": 3}
        )


# Enrolment status -----------------------------------------------------------------


@pytest.fixture
def enrolment(centre):
    run = CourseRunFactory(
        code="CR-1", provider=centre, start_date=D(2024, 2, 1), end_date=D(2024, 6, 30)
    )
    return EnrolmentFactory(course_run=run, status="enrolled")


@pytest.mark.parametrize(
    "steps",
    [
        [("completed", D(2024, 6, 30)), ("certified", None)],
        [("certified", D(2024, 6, 30))],
        [("dropped", None)],
    ],
)
def test_enrolments_move_forward(officer_user, enrolment, steps):
    """enrolled → completed → certified, enrolled → certified, enrolled → dropped;
    a certification keeps the completion date already known."""
    for status, completion in steps:
        services.enrolment_update_status(
            actor=officer_user,
            enrolment=enrolment,
            status=status,
            completion_date=completion,
        )
    enrolment.refresh_from_db()
    assert enrolment.status == steps[-1][0]
    expected_date = None if steps[-1][0] == "dropped" else D(2024, 6, 30)
    assert enrolment.completion_date == expected_date
    events = _events("enrolment_status_changed")
    assert [e.details["new_status"] for e in events] == [s for s, _d in steps]
    assert events[0].details["old_status"] == "enrolled"


@pytest.mark.parametrize(
    "start, status, message",
    [
        ("completed", "enrolled", "An enrolment cannot go from Completed to Enrolled."),
        ("completed", "dropped", "An enrolment cannot go from Completed to Dropped out."),
        ("certified", "completed", "An enrolment cannot go from Certified to Completed."),
        ("dropped", "completed", "An enrolment cannot go from Dropped out to Completed."),
        ("enrolled", "enrolled", "The enrolment already has this status."),
        ("enrolled", "graduated", "Unknown status: graduated."),
    ],
)  # fmt: skip
def test_enrolments_do_not_move_backwards(
    officer_user, enrolment, start, status, message
):
    enrolment.status = start
    enrolment.completion_date = D(2024, 6, 30) if start != "dropped" else None
    enrolment.save()
    with pytest.raises(ValidationError) as exc:
        services.enrolment_update_status(
            actor=officer_user,
            enrolment=enrolment,
            status=status,
            completion_date=D(2024, 6, 30),
        )
    assert exc.value.message_dict["status"] == [message]
    enrolment.refresh_from_db()
    assert enrolment.status == start
    assert not _events("enrolment_status_changed")


def test_a_completion_needs_a_plausible_completion_date(officer_user, enrolment):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    for completion, message in (
        (None, "A completed or certified enrolment needs its completion date."),
        (D(2024, 1, 31), "The completion date cannot be before the course run starts."),
        (tomorrow, "The completion date cannot be in the future."),
    ):
        with pytest.raises(ValidationError) as exc:
            services.enrolment_update_status(
                actor=officer_user,
                enrolment=enrolment,
                status="completed",
                completion_date=completion,
            )
        assert exc.value.message_dict["completion_date"] == [message]
    enrolment.refresh_from_db()
    assert enrolment.status == "enrolled"


@pytest.mark.parametrize(
    "role", ["analyst_user", "company_user", "viewer_user", "other_officer"]
)
def test_only_the_runs_managers_change_an_enrolment(request, role, enrolment):
    if role == "other_officer":
        from .world import other_officer

        user = other_officer(request.getfixturevalue("other_centre"))
    else:
        user = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        services.enrolment_update_status(
            actor=user, enrolment=enrolment, status="dropped"
        )


def test_the_administrator_changes_any_enrolment(admin_user, enrolment):
    services.enrolment_update_status(
        actor=admin_user, enrolment=enrolment, status="dropped"
    )
    enrolment.refresh_from_db()
    assert enrolment.status == "dropped"


# Service requests -----------------------------------------------------------------


def test_a_company_officer_requests_training_for_its_company(company_user, company):
    request = services.service_request_create(
        actor=company_user, company=company, topic=" Soldadura ", workers=12
    )
    assert request.topic == "Soldadura" and request.status == "requested"
    assert request.requested_on == timezone.localdate()
    [event] = _events("service_request_created")
    assert event.details == {"workers": 12}


def test_a_company_officer_requests_nothing_for_another_company(company_user):
    other = OrganizationFactory(code="EMP-9", type=OrganizationType.COMPANY)
    with pytest.raises(PermissionDenied):
        services.service_request_create(
            actor=company_user, company=other, topic="x", workers=1
        )


@pytest.mark.parametrize("role", ["analyst_user", "officer_user", "viewer_user"])
def test_other_roles_request_nothing(request, role, company):
    with pytest.raises(PermissionDenied):
        services.service_request_create(
            actor=request.getfixturevalue(role), company=company, topic="x", workers=1
        )


def test_service_request_validation(admin_user, centre):
    with pytest.raises(ValidationError) as exc:
        services.service_request_create(
            actor=admin_user, company=centre, topic="", workers=0
        )
    assert {"company", "topic", "workers"} <= set(exc.value.message_dict)


def test_the_institute_answers_and_links_runs_the_company_cannot(
    admin_user, company_user, company, centre
):
    request = services.service_request_create(
        actor=company_user, company=company, topic="Soldadura", workers=12
    )
    run = CourseRunFactory(code="CR-S", provider=centre)
    with pytest.raises(PermissionDenied):
        services.service_request_update(
            actor=company_user,
            service_request=request,
            data={"status": "served"},
        )
    services.service_request_update(
        actor=company_user, service_request=request, data={"workers": 15}
    )
    services.service_request_update(
        actor=admin_user,
        service_request=request,
        data={"status": "in_progress", "course_runs": [run]},
    )
    request.refresh_from_db()
    assert request.workers == 15 and request.status == "in_progress"
    assert list(request.course_runs.all()) == [run]
    *_, answer = _events("service_request_updated")
    assert answer.details["changes"] == {
        "course_runs": ["", "CR-S"],
        "status": ["requested", "in_progress"],
    }
    # Once the institute is answering, the company asks it to change the request.
    with pytest.raises(PermissionDenied):
        services.service_request_update(
            actor=company_user, service_request=request, data={"workers": 20}
        )


def test_another_company_cannot_touch_a_request(company_user):
    other = OrganizationFactory(code="EMP-9", type=OrganizationType.COMPANY)
    request = CompanyServiceRequest.objects.create(
        company=other, topic="x", workers=1, requested_on=D(2024, 1, 1)
    )
    with pytest.raises(PermissionDenied):
        services.service_request_update(
            actor=company_user, service_request=request, data={"workers": 2}
        )


# Levy -----------------------------------------------------------------------------


def test_the_administrator_records_a_months_levy(admin_user, company):
    contribution = services.levy_contribution_create(
        actor=admin_user,
        company=company,
        period=D(2024, 3, 17),
        amount_usd=Decimal("125.40"),
    )
    assert contribution.period == D(2024, 3, 1)
    [event] = _events("levy_contribution_created")
    assert event.summary == "EMP-001 2024-03"
    assert event.details == {"amount_usd": "125.40"}


def test_levy_validation(admin_user, company, centre):
    LevyContribution.objects.create(
        company=company, period=D(2024, 3, 1), amount_usd=Decimal("1")
    )
    with pytest.raises(ValidationError) as exc:
        services.levy_contribution_create(
            actor=admin_user, company=company, period=D(2024, 3, 5), amount_usd=1
        )
    assert "period" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.levy_contribution_create(
            actor=admin_user,
            company=centre,
            period=D(2024, 4, 1),
            amount_usd=Decimal("-5"),
        )
    assert {"company", "amount_usd"} <= set(exc.value.message_dict)


@pytest.mark.parametrize(
    "role", ["analyst_user", "officer_user", "company_user", "viewer_user"]
)
def test_only_the_administrator_records_the_levy(request, role, company):
    with pytest.raises(PermissionDenied):
        services.levy_contribution_create(
            actor=request.getfixturevalue(role),
            company=company,
            period=D(2024, 3, 1),
            amount_usd=Decimal("1"),
        )
