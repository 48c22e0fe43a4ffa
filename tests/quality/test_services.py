"""Quality services: permission first, validation of dates and statuses with
messages keyed by field, one audit event per write."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from semillero.accounts.models import AuditEvent
from semillero.quality import services
from semillero.quality.models import Equipment, FindingStatus

from ..factories import (
    InstructorFactory,
    OrganizationFactory,
    TrainingAreaFactory,
    department,
)
from ..training.factories import ProgrammeFactory
from .factories import (
    AccreditationFactory,
    FacilityFactory,
    FindingFactory,
    QualityAuditFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def errors_of(call) -> dict:
    with pytest.raises(ValidationError) as exc:
        call()
    return exc.value.message_dict


# Accreditation ----------------------------------------------------------------------------


def test_an_admin_accredits_a_centre_and_it_is_audited(admin_user, centre):
    record = services.accreditation_create(
        actor=admin_user,
        organization=centre,
        status="accredited",
        valid_from=D(2024, 1, 1),
        valid_until=D(2026, 12, 31),
        decision_reference="  RES-1 ",
    )
    assert record.decision_reference == "RES-1"
    event = AuditEvent.objects.get(action="accreditation_created")
    assert event.details["organization"] == "CFP-001"
    assert event.details["valid_until"] == "2026-12-31"


@pytest.mark.parametrize("role", ["analyst", "officer", "company", "viewer"])
def test_only_admins_accredit(users, centre, role):
    with pytest.raises(PermissionDenied):
        services.accreditation_create(actor=users[role], organization=centre)


def test_an_accreditation_in_force_needs_both_dates_in_order(admin_user, centre):
    errors = errors_of(
        lambda: services.accreditation_create(
            actor=admin_user, organization=centre, status="accredited"
        )
    )
    assert set(errors) == {"valid_from", "valid_until"}
    errors = errors_of(
        lambda: services.accreditation_create(
            actor=admin_user,
            organization=centre,
            status="conditional",
            valid_from=D(2024, 5, 1),
            valid_until=D(2024, 4, 30),
        )
    )
    assert errors == {"valid_until": ["It cannot lapse before it starts."]}
    # An application has no dates yet.
    services.accreditation_create(actor=admin_user, organization=centre)


def test_only_training_centres_are_accredited(admin_user, company):
    errors = errors_of(
        lambda: services.accreditation_create(actor=admin_user, organization=company)
    )
    assert "organization" in errors


def test_two_accreditations_in_force_cannot_overlap(admin_user, centre):
    AccreditationFactory(
        organization=centre, valid_from=D(2023, 1, 1), valid_until=D(2025, 12, 31)
    )
    errors = errors_of(
        lambda: services.accreditation_create(
            actor=admin_user,
            organization=centre,
            status="accredited",
            valid_from=D(2025, 6, 1),
            valid_until=D(2028, 5, 31),
        )
    )
    assert "valid_from" in errors
    # The renewal starting after the old one lapses is fine.
    services.accreditation_create(
        actor=admin_user,
        organization=centre,
        status="accredited",
        valid_from=D(2026, 1, 1),
        valid_until=D(2028, 12, 31),
    )


def test_updating_an_accreditation_records_the_changes(admin_user, centre):
    record = AccreditationFactory(organization=centre)
    services.accreditation_update(
        actor=admin_user, accreditation=record, data={"status": "suspended"}
    )
    event = AuditEvent.objects.get(action="accreditation_updated")
    assert event.details["changes"] == {"status": ["accredited", "suspended"]}
    # Nothing changed, nothing recorded.
    services.accreditation_update(
        actor=admin_user, accreditation=record, data={"status": "suspended"}
    )
    assert AuditEvent.objects.filter(action="accreditation_updated").count() == 1


def test_programme_accreditations(admin_user, centre, analyst_user):
    programme = ProgrammeFactory(code="P-1")
    record = services.programme_accreditation_create(
        actor=admin_user,
        organization=centre,
        programme=programme,
        status="accredited",
        valid_from=D(2024, 1, 1),
        valid_until=D(2025, 1, 1),
    )
    errors = errors_of(
        lambda: services.programme_accreditation_update(
            actor=admin_user, accreditation=record, data={"valid_until": D(2023, 1, 1)}
        )
    )
    assert "valid_until" in errors
    with pytest.raises(PermissionDenied):
        services.programme_accreditation_update(
            actor=analyst_user, accreditation=record, data={"status": "withdrawn"}
        )
    assert AuditEvent.objects.filter(action="programme_accreditation_created").exists()


# Audits and findings -------------------------------------------------------------------------


TODAY = D(2025, 1, 15)


def test_an_audit_is_recorded_with_its_findings(admin_user, centre):
    audit = services.audit_create(
        actor=admin_user,
        organization=centre,
        audit_date=D(2025, 1, 10),
        type="initial",
        auditor=admin_user,
        result="non_compliant",
        findings=[
            {
                "severity": "critical",
                "description": "Sin salida de emergencia",
                "due_date": D(2025, 2, 1),
            },
        ],
        today=TODAY,
    )
    assert audit.findings.get().status == FindingStatus.OPEN
    assert (
        AuditEvent.objects.get(action="quality_audit_created").details["findings"] == 1
    )


def test_audit_validation(admin_user, analyst_user, officer_user, centre, institute):
    def create(**kwargs):
        data = {
            "actor": admin_user,
            "organization": centre,
            "audit_date": D(2025, 1, 10),
            "type": "periodic",
            "today": TODAY,
            **kwargs,
        }
        return lambda: services.audit_create(**data)

    # An audit still to come has neither result nor findings.
    assert "result" in errors_of(create(audit_date=D(2025, 3, 1), result="compliant"))
    finding = {"severity": "minor", "description": "x", "due_date": D(2025, 4, 1)}
    assert "audit_date" in errors_of(
        create(audit_date=D(2025, 3, 1), findings=[finding])
    )
    # The auditor is institute staff, and not of the organization audited.
    assert "auditor" in errors_of(create(auditor=officer_user))
    centre_analyst = analyst_user
    centre_analyst.organization = centre
    centre_analyst.save()
    assert errors_of(create(auditor=centre_analyst)) == {
        "auditor": ["An organization cannot be audited by its own staff."]
    }
    # Each finding's errors come keyed by its position.
    errors = errors_of(
        create(
            findings=[
                finding,
                {"severity": "bad", "description": "", "due_date": D(2025, 1, 1)},
            ]
        )
    )
    assert {
        "findings-1-severity",
        "findings-1-description",
        "findings-1-due_date",
    } <= set(errors)
    assert "findings-0-due_date" not in errors


def test_moving_an_audit_after_its_findings_due_dates_is_refused(admin_user, centre):
    audit = QualityAuditFactory(organization=centre, audit_date=D(2024, 3, 1))
    FindingFactory(audit=audit, due_date=D(2024, 4, 1))
    errors = errors_of(
        lambda: services.audit_update(
            actor=admin_user,
            audit=audit,
            data={"audit_date": D(2024, 5, 1)},
            today=TODAY,
        )
    )
    assert "audit_date" in errors


def test_closing_a_finding_needs_a_note_and_a_past_date(admin_user, centre):
    finding = FindingFactory(audit=QualityAuditFactory(organization=centre))
    errors = errors_of(
        lambda: services.finding_update(
            actor=admin_user, finding=finding, data={"status": "closed"}, today=TODAY
        )
    )
    assert set(errors) == {"closed_on", "closing_note"}
    errors = errors_of(
        lambda: services.finding_close(
            actor=admin_user,
            finding=finding,
            closing_note="Hecho",
            closed_on=D(2025, 2, 1),
            today=TODAY,
        )
    )
    assert errors == {"closed_on": ["A finding cannot be closed in the future."]}
    errors = errors_of(
        lambda: services.finding_close(
            actor=admin_user,
            finding=finding,
            closing_note="Hecho",
            closed_on=D(2024, 1, 1),  # before the audit of 2024-03-15
            today=TODAY,
        )
    )
    assert "closed_on" in errors
    closed = services.finding_close(
        actor=admin_user, finding=finding, closing_note="Hecho", today=TODAY
    )
    assert (closed.status, closed.closed_on) == ("closed", TODAY)
    assert AuditEvent.objects.filter(action="finding_closed").count() == 1
    # Reopening clears the closing date.
    reopened = services.finding_update(
        actor=admin_user, finding=closed, data={"status": "open"}, today=TODAY
    )
    assert reopened.closed_on is None
    errors = errors_of(
        lambda: services.finding_update(
            actor=admin_user,
            finding=reopened,
            data={"closed_on": D(2024, 12, 1)},
            today=TODAY,
        )
    )
    assert errors == {"closed_on": ["Only a closed finding has a closing date."]}


def test_a_data_officer_follows_up_only_its_own_findings(
    officer_user, admin_user, centre, other_centre
):
    mine = FindingFactory(audit=QualityAuditFactory(organization=centre))
    theirs = FindingFactory(audit=QualityAuditFactory(organization=other_centre))
    updated = services.finding_update(
        actor=officer_user,
        finding=mine,
        data={"status": "in_progress", "closing_note": "Comprando"},
        today=TODAY,
    )
    assert updated.status == "in_progress"
    for data in (
        {"status": "closed", "closing_note": "Listo"},  # the institute closes
        {"due_date": D(2030, 1, 1)},  # nor moves deadlines
    ):
        with pytest.raises(PermissionDenied):
            services.finding_update(
                actor=officer_user, finding=mine, data=data, today=TODAY
            )
    with pytest.raises(PermissionDenied):
        services.finding_update(
            actor=officer_user,
            finding=theirs,
            data={"status": "in_progress"},
            today=TODAY,
        )
    # Once closed by the institute, it is no longer the officer's to change.
    services.finding_close(
        actor=admin_user, finding=mine, closing_note="Visto", today=TODAY
    )
    with pytest.raises(PermissionDenied):
        services.finding_update(
            actor=officer_user, finding=mine, data={"closing_note": "Más"}, today=TODAY
        )


@pytest.mark.parametrize("role", ["analyst", "company", "viewer"])
def test_other_roles_do_not_touch_findings(users, centre, role):
    finding = FindingFactory(audit=QualityAuditFactory(organization=centre))
    with pytest.raises(PermissionDenied):
        services.finding_update(
            actor=users[role], finding=finding, data={"status": "in_progress"}
        )
    with pytest.raises(PermissionDenied):
        services.finding_create(
            actor=users[role],
            audit=finding.audit,
            severity="minor",
            description="x",
            due_date=D(2030, 1, 1),
        )


# Facilities ------------------------------------------------------------------------------------


def test_officers_register_their_own_organizations_facilities(
    officer_user, company_user, centre, company, other_centre
):
    area = TrainingAreaFactory(code="ELEC")
    facility = services.facility_create(
        actor=officer_user,
        organization=centre,
        name=" Laboratorio ",
        kind="laboratory",
        department=department("SV-SM"),
        training_areas=[area],
        equipment=[{"item": "Osciloscopio", "quantity": 3, "condition": "good"}],
    )
    assert facility.name == "Laboratorio"
    assert list(Equipment.objects.values_list("item", "quantity")) == [
        ("Osciloscopio", 3)
    ]
    services.facility_create(
        actor=company_user,
        organization=company,
        name="Taller",
        kind="workshop",
        department=department("SV-SS"),
    )
    for user, org in ((officer_user, other_centre), (company_user, centre)):
        with pytest.raises(PermissionDenied):
            services.facility_create(
                actor=user,
                organization=org,
                name="Ajeno",
                kind="workshop",
                department=department(),
            )
    assert AuditEvent.objects.filter(action="facility_created").count() == 2


def test_facility_validation(admin_user, centre, other_centre):
    from semillero.registry.models import Municipality

    theirs = InstructorFactory(code="I-X", organization=other_centre)
    elsewhere = Municipality.objects.filter(department__code="SV-SS").first()
    errors = errors_of(
        lambda: services.facility_create(
            actor=admin_user,
            organization=centre,
            name="",
            kind="spaceship",
            department=department("SV-SM"),
            municipality=elsewhere,
            capacity=0,
            instructors=[theirs],
            equipment=[{"item": "", "quantity": 0}],
        )
    )
    assert {
        "name",
        "kind",
        "municipality",
        "capacity",
        "instructors",
        "equipment-0-item",
        "equipment-0-quantity",
    } <= set(errors)


def test_updating_a_facility_replaces_its_equipment_and_is_audited(
    officer_user, centre
):
    facility = FacilityFactory(organization=centre)
    Equipment.objects.create(facility=facility, item="Viejo")
    services.facility_update(
        actor=officer_user,
        facility=facility,
        data={"equipment": [{"item": "Nuevo", "quantity": 2}], "capacity": 12},
    )
    assert list(facility.equipment.values_list("item", flat=True)) == ["Nuevo"]
    event = AuditEvent.objects.get(action="facility_updated")
    assert set(event.details["changes"]) == {"equipment", "capacity"}


def test_a_data_officer_does_not_edit_another_organizations_facility(officer_user):
    facility = FacilityFactory(organization=OrganizationFactory(code="OTRO"))
    with pytest.raises(PermissionDenied):
        services.facility_update(
            actor=officer_user, facility=facility, data={"capacity": 5}
        )
