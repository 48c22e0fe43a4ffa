import datetime

import pytest


@pytest.fixture(autouse=True)
def english(settings):
    """Texts are asserted in English, the msgids; Spanish is the default language."""
    settings.LANGUAGE_CODE = "en"


# "Today" of the tests: selectors take it as a parameter, nothing mocks the clock.
TODAY = datetime.date(2025, 1, 15)


@pytest.fixture
def today():
    return TODAY


@pytest.fixture
def users(admin_user, analyst_user, officer_user, company_user, viewer_user):
    return {
        "admin": admin_user,
        "analyst": analyst_user,
        "officer": officer_user,
        "company": company_user,
        "viewer": viewer_user,
        "anonymous": None,
    }


@pytest.fixture
def world(centre, other_centre, company, institute, admin_user):
    """A small quality world around the real date (pages compute for today):
    the officer's centre (CFP-001) and another (CFP-002), each accredited, audited
    with a finding, with a facility; a company's workshop; electricity."""
    from django.utils import timezone

    from tests.factories import InstructorFactory, TrainingAreaFactory, department
    from tests.training.factories import CourseRunFactory, ProgrammeFactory

    from .factories import (
        AccreditationFactory,
        EquipmentFactory,
        FacilityFactory,
        FindingFactory,
        ProgrammeAccreditationFactory,
        QualityAuditFactory,
    )

    day = datetime.timedelta(days=1)
    now = timezone.localdate()
    area = TrainingAreaFactory(code="ELEC", name="Electricidad")
    programme = ProgrammeFactory(code="P-ELEC", name="Electricista", training_area=area)
    CourseRunFactory(
        code="RUN-1", programme=programme, provider=centre, end_date=now - 30 * day
    )
    mine = AccreditationFactory(
        organization=centre, valid_from=now - 400 * day, valid_until=now + 30 * day
    )
    theirs = AccreditationFactory(
        organization=other_centre,
        valid_from=now - 800 * day,
        valid_until=now - 10 * day,
    )
    programme_mine = ProgrammeAccreditationFactory(
        organization=centre,
        programme=programme,
        valid_from=now - 400 * day,
        valid_until=now + 300 * day,
    )
    programme_theirs = ProgrammeAccreditationFactory(
        organization=other_centre,
        programme=programme,
        valid_from=now - 400 * day,
        valid_until=now + 300 * day,
    )
    audit_mine = QualityAuditFactory(
        organization=centre, audit_date=now - 60 * day, auditor=admin_user
    )
    audit_theirs = QualityAuditFactory(
        organization=other_centre, audit_date=now - 60 * day, auditor=admin_user
    )
    finding_mine = FindingFactory(
        audit=audit_mine, description="Extintores vencidos", due_date=now - 5 * day
    )
    finding_theirs = FindingFactory(
        audit=audit_theirs, description="Falta señalización", due_date=now + 5 * day
    )
    instructor = InstructorFactory(
        code="I-MINE", organization=centre, first_name="Rosa", last_name="Pérez"
    )
    instructor.training_areas.set([area])
    facility_mine = FacilityFactory(
        organization=centre,
        name="Laboratorio de electricidad",
        kind="laboratory",
        department=department("SV-SM"),
        training_areas=[area],
        instructors=[instructor],
        available_to_share=True,
    )
    EquipmentFactory(facility=facility_mine, item="Osciloscopio digital", quantity=4)
    facility_theirs = FacilityFactory(
        organization=other_centre, name="Aula 1", kind="classroom"
    )
    facility_company = FacilityFactory(
        organization=company, name="Taller de costura", kind="workshop"
    )
    return {
        "centre": centre,
        "other_centre": other_centre,
        "company": company,
        "institute": institute,
        "area": area,
        "programme": programme,
        "mine": mine,
        "theirs": theirs,
        "programme_mine": programme_mine,
        "programme_theirs": programme_theirs,
        "audit_mine": audit_mine,
        "audit_theirs": audit_theirs,
        "finding_mine": finding_mine,
        "finding_theirs": finding_theirs,
        "instructor": instructor,
        "facility_mine": facility_mine,
        "facility_theirs": facility_theirs,
        "facility_company": facility_company,
    }
