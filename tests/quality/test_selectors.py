"""Quality selectors: statuses derived from the date (passed as `today`, never
mocked), expiry alerts, overdue findings, scoping, and the capacity search."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from semillero.quality import selectors
from semillero.quality.models import AccreditationStatus

from ..factories import (
    InstructorFactory,
    OrganizationFactory,
    TrainingAreaFactory,
    department,
)
from ..training.factories import ProgrammeFactory
from .factories import (
    AccreditationFactory,
    EquipmentFactory,
    FacilityFactory,
    FindingFactory,
    ProgrammeAccreditationFactory,
    QualityAuditFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date


# Accreditation statuses and alerts ---------------------------------------------------------


def test_an_accredited_record_past_its_end_counts_as_expired(analyst_user, centre):
    record = AccreditationFactory(
        organization=centre, valid_from=D(2022, 1, 1), valid_until=D(2024, 12, 31)
    )
    AccreditationFactory(
        organization=OrganizationFactory(code="S"),
        status="suspended",
        valid_from=D(2020, 1, 1),
        valid_until=D(2021, 1, 1),
    )

    def current(today):
        return {
            a.organization.code: a.current_status
            for a in selectors.accreditation_list(user=analyst_user, today=today)
        }

    assert current(D(2024, 12, 31)) == {"CFP-001": "accredited", "S": "suspended"}
    assert current(D(2025, 1, 1)) == {"CFP-001": "expired", "S": "suspended"}
    # Stored once: the record still says what the institute decided.
    record.refresh_from_db()
    assert record.status == "accredited"
    assert record.status_on(D(2025, 1, 1)) == "expired"
    filtered = selectors.accreditation_list(
        user=analyst_user, status="expired", today=D(2025, 1, 1)
    )
    assert [a.pk for a in filtered] == [record.pk]


def test_alerts_list_expiring_and_lapsed_but_not_replaced_records(analyst_user, today):
    soon = OrganizationFactory(code="SOON")
    later = OrganizationFactory(code="LATER")
    lapsed = OrganizationFactory(code="LAPSED")
    renewed = OrganizationFactory(code="RENEWED")
    closed = OrganizationFactory(code="CLOSED")
    AccreditationFactory(
        organization=soon, valid_from=D(2023, 1, 1), valid_until=D(2025, 3, 1)
    )
    AccreditationFactory(
        organization=later, valid_from=D(2023, 1, 1), valid_until=D(2025, 6, 1)
    )
    AccreditationFactory(
        organization=lapsed, valid_from=D(2021, 1, 1), valid_until=D(2024, 12, 1)
    )
    AccreditationFactory(
        organization=lapsed, status="in_process", valid_from=None, valid_until=None
    )
    AccreditationFactory(
        organization=renewed, valid_from=D(2021, 1, 1), valid_until=D(2024, 12, 1)
    )
    AccreditationFactory(
        organization=renewed, valid_from=D(2024, 12, 2), valid_until=D(2027, 12, 1)
    )
    AccreditationFactory(
        organization=closed,
        status="withdrawn",
        valid_from=D(2021, 1, 1),
        valid_until=D(2025, 2, 1),
    )
    programme = ProgrammeFactory(code="P-1", name="Soldadura")
    ProgrammeAccreditationFactory(
        organization=later,
        programme=programme,
        valid_from=D(2024, 1, 1),
        valid_until=D(2025, 2, 14),
    )

    alerts = selectors.accreditation_alerts(user=analyst_user, today=today)  # 90 days
    table = [
        (a.kind, a.organization.code, a.days_left, a.lapsed, a.renewal_in_process)
        for a in alerts
    ]
    assert table == [
        ("centre", "LAPSED", -45, True, True),
        ("programme", "LATER", 30, False, False),
        ("centre", "SOON", 45, False, False),
    ]
    wider = selectors.accreditation_alerts(user=analyst_user, days=365, today=today)
    assert ("centre", "LATER") in {(a.kind, a.organization.code) for a in wider}
    only_later = selectors.accreditation_alerts(
        user=analyst_user, organization="LATER", today=today
    )
    assert [a.kind for a in only_later] == ["programme"]


def test_the_centres_by_status_today(analyst_user, today):
    AccreditationFactory(
        organization=OrganizationFactory(code="A"), valid_until=D(2026, 1, 1)
    )
    AccreditationFactory(
        organization=OrganizationFactory(code="B"), valid_until=D(2024, 1, 1)
    )
    # A renewal in process does not hide the accreditation in force.
    c = OrganizationFactory(code="C")
    AccreditationFactory(organization=c, valid_until=D(2026, 1, 1))
    AccreditationFactory(
        organization=c, status="in_process", valid_from=None, valid_until=None
    )
    OrganizationFactory(code="D")
    OrganizationFactory(code="E", type="company")
    counts = {
        row["status"]: row["count"]
        for row in selectors.centre_status_counts(user=analyst_user, today=today)
    }
    assert counts == {
        **dict.fromkeys(AccreditationStatus.values, 0),
        "accredited": 2,
        "expired": 1,
        "none": 1,
    }


# Findings -----------------------------------------------------------------------------------------


def test_an_open_finding_past_its_due_date_is_overdue(analyst_user, centre, today):
    audit = QualityAuditFactory(organization=centre)
    due_today = FindingFactory(audit=audit, due_date=today)
    late = FindingFactory(audit=audit, due_date=today - datetime.timedelta(days=1))
    late_in_progress = FindingFactory(
        audit=audit, due_date=D(2024, 7, 1), status="in_progress"
    )
    closed_late = FindingFactory(
        audit=audit,
        due_date=D(2024, 7, 1),
        status="closed",
        closing_note="ok",
        closed_on=D(2024, 8, 1),
    )
    statuses = {
        f.pk: f.current_status
        for f in selectors.finding_list(user=analyst_user, today=today)
    }
    assert statuses == {
        due_today.pk: "open",
        late.pk: "overdue",
        late_in_progress.pk: "overdue",
        closed_late.pk: "closed",
    }
    assert late.is_overdue_on(today) and not due_today.is_overdue_on(today)
    assert selectors.finding_counts(user=analyst_user, today=today) == {
        "open": 2,
        "in_progress": 1,
        "overdue": 2,
        "pending": 3,
        "closed": 1,
    }
    overdue = selectors.finding_list(user=analyst_user, status="overdue", today=today)
    assert {f.pk for f in overdue} == {late.pk, late_in_progress.pk}
    # The day after, the one due today is overdue too.
    tomorrow = today + datetime.timedelta(days=1)
    assert selectors.finding_counts(user=analyst_user, today=tomorrow)["overdue"] == 3
    audit_row = selectors.audit_list(user=analyst_user, today=today).get()
    assert (
        audit_row.finding_count,
        audit_row.pending_count,
        audit_row.overdue_count,
    ) == (4, 3, 2)


def test_scopes_by_role(users, centre, other_centre, today):
    FindingFactory(audit=QualityAuditFactory(organization=centre))
    FindingFactory(audit=QualityAuditFactory(organization=other_centre))
    AccreditationFactory(organization=centre)
    AccreditationFactory(organization=other_centre)
    for role in ("admin", "analyst", "viewer"):
        assert selectors.finding_list(user=users[role], today=today).count() == 2
        assert selectors.accreditation_list(user=users[role], today=today).count() == 2
    officer = users["officer"]
    assert [f.audit.organization for f in selectors.finding_list(user=officer)] == [
        centre
    ]
    assert [a.organization for a in selectors.accreditation_list(user=officer)] == [
        centre
    ]
    assert selectors.centre_choices(user=officer) == [(centre.code, centre.name)]
    for role in ("company", "anonymous"):
        with pytest.raises(PermissionDenied):
            selectors.finding_list(user=users[role])
        with pytest.raises(PermissionDenied):
            selectors.accreditation_alerts(user=users[role])


# Installed capacity ---------------------------------------------------------------------------------


@pytest.fixture
def capacity():
    elec = TrainingAreaFactory(code="ELEC", name="Electricidad")
    weld = TrainingAreaFactory(code="SOLD", name="Soldadura")
    san_miguel, san_salvador = department("SV-SM"), department("SV-SS")
    oriente = OrganizationFactory(
        code="CFP-OR", name="Centro de Oriente", department=san_miguel
    )
    capital = OrganizationFactory(
        code="CFP-CA", name="Centro Capital", department=san_salvador
    )
    factory = OrganizationFactory(
        code="EMP-SM", name="Fábrica Migueleña", type="company", department=san_miguel
    )
    lab = FacilityFactory(
        organization=oriente,
        name="Laboratorio eléctrico",
        kind="laboratory",
        department=san_miguel,
        training_areas=[elec],
        capacity=20,
        available_to_share=True,
    )
    EquipmentFactory(facility=lab, item="Banco de pruebas trifásico")
    FacilityFactory(
        organization=oriente,
        name="Taller de soldadura",
        kind="workshop",
        department=san_miguel,
        training_areas=[weld],
        capacity=15,
    )
    FacilityFactory(
        organization=capital,
        name="Laboratorio de electricidad",
        kind="laboratory",
        department=san_salvador,
        training_areas=[elec],
        capacity=30,
    )
    company_lab = FacilityFactory(
        organization=factory,
        name="Laboratorio de mantenimiento",
        kind="laboratory",
        department=san_miguel,
        training_areas=[elec],
        capacity=8,
    )
    for i, areas in enumerate(([elec], [elec, weld], [weld])):
        InstructorFactory(code=f"OR-{i}", organization=oriente).training_areas.set(
            areas
        )
    InstructorFactory(
        code="OR-OLD", organization=oriente, active=False
    ).training_areas.set([elec])
    return {"lab": lab, "company_lab": company_lab}


def test_who_can_train_electricians_with_a_lab_in_san_miguel(capacity, company_user):
    """The question of the issue, answered by the filters."""
    rows = selectors.capacity_search(
        user=company_user, training_area="ELEC", department="SV-SM", kind="laboratory"
    )
    table = [
        (
            o.code,
            [f.name for f in o.matching],
            o.facility_count,
            o.places,
            o.instructor_count,
        )
        for o in rows
    ]
    assert table == [
        ("CFP-OR", ["Laboratorio eléctrico"], 1, 20, 2),  # 2 active electricians
        ("EMP-SM", ["Laboratorio de mantenimiento"], 1, 8, 0),
    ]
    shared = selectors.capacity_search(
        user=company_user, training_area="ELEC", department="SV-SM", available="yes"
    )
    assert [o.code for o in shared] == ["CFP-OR"]
    centres = selectors.capacity_search(
        user=company_user, training_area="ELEC", organization_type="training_centre"
    )
    assert [o.code for o in centres] == ["CFP-CA", "CFP-OR"]


def test_the_capacity_search_ignores_accents_and_case(capacity, viewer_user):
    def found(q):
        return {f.name for f in selectors.facility_list(user=viewer_user, q=q)}

    assert found("TRIFASICO") == {"Laboratorio eléctrico"}  # equipment
    assert found("electrico") == {"Laboratorio eléctrico"}  # name
    assert found("migueleña") == {"Laboratorio de mantenimiento"}  # organization
    assert "Taller de soldadura" in found("soldadura")  # training area


def test_the_capacity_search_is_a_few_queries_for_any_number_of_organizations(
    capacity, viewer_user, django_assert_max_num_queries
):
    for i in range(30):
        org = OrganizationFactory(code=f"N{i:02d}")
        facility = FacilityFactory(organization=org, kind="laboratory")
        EquipmentFactory(facility=facility)
    with django_assert_max_num_queries(4):
        rows = list(selectors.capacity_search(user=viewer_user, kind="laboratory"))
        assert sum(len(o.matching) for o in rows) == 33
        assert all(o.matching[0].training_areas.all() is not None for o in rows)
