"""Registry services: permission first, validation, the write and its audit event."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from semillero.accounts.models import AuditEvent, Role
from semillero.accounts.services import SYSTEM
from semillero.registry import services
from semillero.registry.models import (
    Agreement,
    AgreementType,
    Instructor,
    Municipality,
    Organization,
    OrganizationType,
)
from semillero.registry.selectors import organization_name_on

from ..factories import (
    AgreementFactory,
    InstructorFactory,
    TrainingAreaFactory,
    UserFactory,
    department,
)

pytestmark = pytest.mark.django_db


def _org_kwargs(**overrides):
    kwargs = {
        "code": "NEW-1",
        "name": "Academia Nueva",
        "type": OrganizationType.TRAINING_CENTRE,
        "department": department("SV-LI"),
    }
    kwargs.update(overrides)
    return kwargs


def _events(action):
    return list(AuditEvent.objects.filter(action=action))


# Organizations ------------------------------------------------------------------


def test_a_data_officer_registers_an_organization_and_it_is_audited(officer_user):
    org = services.organization_create(actor=officer_user, **_org_kwargs())
    assert Organization.objects.get(code="NEW-1") == org
    [event] = _events("organization_created")
    assert event.actor == officer_user
    assert event.object_id == str(org.pk)


@pytest.mark.parametrize(
    "role_fixture", ["analyst_user", "viewer_user", "company_user"]
)
def test_roles_without_the_right_cannot_register_organizations(request, role_fixture):
    user = request.getfixturevalue(role_fixture)
    with pytest.raises(PermissionDenied):
        services.organization_create(actor=user, **_org_kwargs())
    assert not Organization.objects.filter(code="NEW-1").exists()
    assert not _events("organization_created")


def test_organization_validation_reports_each_field(admin_user, centre):
    elsewhere = Municipality.objects.exclude(department=department("SV-LI")).first()
    with pytest.raises(ValidationError) as exc:
        services.organization_create(
            actor=admin_user,
            **_org_kwargs(
                code=centre.code,
                type="school",
                municipality=elsewhere,
                isic_section="Z",
                email="not-an-email",
            ),
        )
    errors = exc.value.message_dict
    assert set(errors) >= {"code", "type", "municipality", "isic_section", "email"}


def test_only_the_admin_may_set_the_lead_institute(officer_user, admin_user, institute):
    with pytest.raises(PermissionDenied):
        services.organization_create(
            actor=officer_user, **_org_kwargs(is_lead_institute=True)
        )
    with pytest.raises(ValidationError) as exc:
        services.organization_create(
            actor=admin_user, **_org_kwargs(is_lead_institute=True)
        )
    assert "is_lead_institute" in exc.value.message_dict


def test_a_company_officer_edits_its_own_company_only(company_user, company, centre):
    services.organization_update(
        actor=company_user, organization=company, data={"employees": 120}
    )
    company.refresh_from_db()
    assert company.employees == 120
    [event] = _events("organization_updated")
    assert event.details["changes"] == {"employees": [None, 120]}
    with pytest.raises(PermissionDenied):
        services.organization_update(
            actor=company_user, organization=centre, data={"employees": 5}
        )


def test_codes_change_only_by_the_admin(officer_user, admin_user, centre):
    with pytest.raises(PermissionDenied):
        services.organization_update(
            actor=officer_user, organization=centre, data={"code": "X-1"}
        )
    services.organization_update(
        actor=admin_user, organization=centre, data={"code": "X-1"}
    )
    assert Organization.objects.filter(code="X-1").exists()


def test_an_update_without_changes_writes_no_event(admin_user, centre):
    services.organization_update(
        actor=admin_user, organization=centre, data={"name": centre.name}
    )
    assert not _events("organization_updated")


def test_updating_with_an_unknown_field_is_a_programming_error(admin_user, centre):
    with pytest.raises(TypeError):
        services.organization_update(
            actor=admin_user, organization=centre, data={"created_at": None}
        )


def test_the_institute_rename_keeps_insaforp_until_8_december_2023(centre):
    """INSAFORP until 2023-12-08, INCAF from 2023-12-09: both dates answer right."""
    admin_user = UserFactory(role=Role.NATIONAL_ADMIN, organization=centre)
    lead = services.organization_create(
        actor=admin_user,
        **_org_kwargs(
            code="LEAD",
            name="Instituto Salvadoreño de Formación Profesional",
            type=OrganizationType.GOVERNMENT,
            is_lead_institute=True,
            name_valid_from=date(1993, 6, 2),
            acronym="INSAFORP",
        ),
    )
    record = services.organization_rename(
        actor=admin_user,
        organization=lead,
        name="Instituto Nacional de Capacitación y Formación",
        acronym="INCAF",
        valid_from=date(2023, 12, 9),
        note="Ley del INCAF",
    )
    lead.refresh_from_db()
    assert lead.name == "Instituto Nacional de Capacitación y Formación"
    assert record.valid_to is None
    old = lead.names.get(valid_from=date(1993, 6, 2))
    assert old.valid_to == date(2023, 12, 8)
    assert organization_name_on(lead, date(2023, 12, 8)).startswith(
        "Instituto Salvadoreño"
    )
    assert organization_name_on(lead, date(2023, 12, 9)).startswith(
        "Instituto Nacional"
    )
    assert organization_name_on(lead, date(2025, 1, 1)).startswith("Instituto Nacional")
    [event] = _events("organization_renamed")
    assert event.details["valid_from"] == "2023-12-09"


def test_renaming_without_history_needs_the_start_of_the_current_name(
    admin_user, centre
):
    with pytest.raises(ValidationError) as exc:
        services.organization_rename(
            actor=admin_user,
            organization=centre,
            name="Centro Renovado",
            valid_from=date(2024, 1, 1),
        )
    assert "previous_name_valid_from" in exc.value.message_dict
    services.organization_rename(
        actor=admin_user,
        organization=centre,
        name="Centro Renovado",
        valid_from=date(2024, 1, 1),
        previous_name_valid_from=date(2010, 1, 1),
    )
    assert organization_name_on(centre, date(2015, 5, 5)) == "Centro de Formación Uno"
    assert organization_name_on(centre, date(2024, 1, 1)) == "Centro Renovado"


def test_a_rename_must_start_after_the_current_name_and_not_in_the_future(
    admin_user, centre
):
    services.organization_rename(
        actor=admin_user,
        organization=centre,
        name="Nombre Dos",
        valid_from=date(2020, 1, 1),
        previous_name_valid_from=date(2010, 1, 1),
    )
    with pytest.raises(ValidationError) as exc:
        services.organization_rename(
            actor=admin_user,
            organization=centre,
            name="Nombre Tres",
            valid_from=date(2019, 1, 1),
        )
    assert "valid_from" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.organization_rename(
            actor=admin_user,
            organization=centre,
            name="Nombre Tres",
            valid_from=timezone.localdate() + timedelta(days=3),
        )
    assert "valid_from" in exc.value.message_dict


def test_only_the_admin_renames_the_lead_institute(officer_user, institute):
    officer_user.organization = institute
    with pytest.raises(PermissionDenied):
        services.organization_rename(
            actor=officer_user,
            organization=institute,
            name="Otro",
            valid_from=date(2024, 1, 1),
            previous_name_valid_from=date(2000, 1, 1),
        )


def test_correcting_the_name_corrects_the_open_name_period(admin_user, centre):
    services.organization_rename(
        actor=admin_user,
        organization=centre,
        name="Centro Nuevo",
        valid_from=date(2022, 1, 1),
        previous_name_valid_from=date(2010, 1, 1),
    )
    services.organization_update(
        actor=admin_user, organization=centre, data={"name": "Centro Nuevo S.A."}
    )
    assert organization_name_on(centre, date(2023, 1, 1)) == "Centro Nuevo S.A."
    assert organization_name_on(centre, date(2011, 1, 1)) == "Centro de Formación Uno"


def test_the_name_on_a_date_without_history_is_the_current_name(centre):
    assert organization_name_on(centre, date(1990, 1, 1)) == centre.name


# Agreements ---------------------------------------------------------------------


def test_an_agreement_needs_two_parties_and_an_end_after_its_start(admin_user, centre):
    with pytest.raises(ValidationError) as exc:
        services.agreement_create(
            actor=admin_user,
            code="C-1",
            title="Convenio",
            type=AgreementType.COOPERATION,
            start_date=date(2024, 5, 1),
            end_date=date(2024, 4, 30),
            parties=[centre],
        )
    assert set(exc.value.message_dict) == {"parties", "end_date"}
    assert not Agreement.objects.exists()


def test_a_data_officer_registers_agreements_of_its_organization_only(
    officer_user, centre, other_centre, company
):
    agreement = services.agreement_create(
        actor=officer_user,
        code="C-1",
        title="Formación dual",
        type=AgreementType.DUAL_TRAINING,
        start_date=date(2024, 1, 1),
        parties=[centre, company],
    )
    assert set(agreement.parties.all()) == {centre, company}
    [event] = _events("agreement_created")
    assert event.details["parties"] == sorted([centre.code, company.code])
    with pytest.raises(ValidationError) as exc:
        services.agreement_create(
            actor=officer_user,
            code="C-2",
            title="Ajeno",
            type=AgreementType.COOPERATION,
            start_date=date(2024, 1, 1),
            parties=[other_centre, company],
        )
    assert "parties" in exc.value.message_dict


@pytest.mark.parametrize(
    "role_fixture", ["analyst_user", "viewer_user", "company_user"]
)
def test_roles_without_the_right_cannot_register_agreements(
    request, role_fixture, centre, company
):
    user = request.getfixturevalue(role_fixture)
    with pytest.raises(PermissionDenied):
        services.agreement_create(
            actor=user,
            code="C-1",
            title="Convenio",
            type=AgreementType.COOPERATION,
            start_date=date(2024, 1, 1),
            parties=[centre, company],
        )


def test_agreement_update_records_party_changes_and_keeps_the_officer_in(
    officer_user, centre, company, other_centre
):
    agreement = AgreementFactory(parties=[centre, company])
    services.agreement_update(
        actor=officer_user,
        agreement=agreement,
        data={"parties": [centre, company, other_centre], "status": "expired"},
    )
    agreement.refresh_from_db()
    assert agreement.status == "expired"
    assert agreement.parties.count() == 3
    [event] = _events("agreement_updated")
    assert set(event.details["changes"]) == {"parties", "status"}
    with pytest.raises(ValidationError) as exc:
        services.agreement_update(
            actor=officer_user,
            agreement=agreement,
            data={"parties": [company, other_centre]},
        )
    assert "parties" in exc.value.message_dict


def test_a_data_officer_cannot_edit_agreements_of_others(
    officer_user, other_centre, company
):
    agreement = AgreementFactory(parties=[other_centre, company])
    with pytest.raises(PermissionDenied):
        services.agreement_update(
            actor=officer_user, agreement=agreement, data={"title": "Mío"}
        )


# Instructors --------------------------------------------------------------------


def test_a_data_officer_registers_instructors_of_its_centre(officer_user, centre):
    area = TrainingAreaFactory(code="ELEC", name="Electricidad")
    instructor = services.instructor_create(
        actor=officer_user,
        organization=centre,
        code="I-1",
        first_name="Rosa",
        last_name="Pérez",
        sex="F",
        email="rosa@example.org",
        training_areas=[area],
    )
    assert list(instructor.training_areas.all()) == [area]
    [event] = _events("instructor_created")
    assert "Rosa" not in event.summary and "Pérez" not in event.summary


def test_a_data_officer_cannot_register_or_move_instructors_elsewhere(
    officer_user, centre, other_centre
):
    with pytest.raises(PermissionDenied):
        services.instructor_create(
            actor=officer_user,
            organization=other_centre,
            code="I-1",
            first_name="Rosa",
            last_name="Pérez",
        )
    own = InstructorFactory(organization=centre)
    with pytest.raises(PermissionDenied):
        services.instructor_update(
            actor=officer_user, instructor=own, data={"organization": other_centre}
        )
    other = InstructorFactory(organization=other_centre)
    with pytest.raises(PermissionDenied):
        services.instructor_update(
            actor=officer_user, instructor=other, data={"phone": "2222-0000"}
        )


@pytest.mark.parametrize(
    "role_fixture", ["analyst_user", "viewer_user", "company_user"]
)
def test_other_roles_cannot_register_instructors(request, role_fixture, centre):
    user = request.getfixturevalue(role_fixture)
    with pytest.raises(PermissionDenied):
        services.instructor_create(
            actor=user, organization=centre, code="I-1", first_name="A", last_name="B"
        )


def test_instructor_update_audits_field_names_not_values(admin_user, centre):
    instructor = InstructorFactory(organization=centre, first_name="Ana")
    area = TrainingAreaFactory()
    services.instructor_update(
        actor=admin_user,
        instructor=instructor,
        data={"first_name": "Analía", "training_areas": [area]},
    )
    instructor.refresh_from_db()
    assert instructor.first_name == "Analía"
    [event] = _events("instructor_updated")
    assert event.details == {"changed": ["first_name", "training_areas"]}
    assert "Analía" not in str(event.details) + event.summary


def test_instructor_validation(admin_user, centre):
    InstructorFactory(code="I-1", organization=centre)
    with pytest.raises(ValidationError) as exc:
        services.instructor_create(
            actor=admin_user,
            organization=centre,
            code="I-1",
            first_name="",
            last_name="B",
            sex="X",
            email="nope",
        )
    assert set(exc.value.message_dict) >= {"code", "first_name", "sex", "email"}
    assert Instructor.objects.count() == 1


def test_the_system_actor_may_write_and_is_audited_as_system():
    org = services.organization_create(actor=SYSTEM, **_org_kwargs())
    event = AuditEvent.objects.get(action="organization_created")
    assert event.actor is None and event.actor_username == "system"
    assert org.pk
