"""Factories of the quality app."""

import datetime

import factory

from semillero.quality.models import (
    Accreditation,
    AccreditationStatus,
    AuditType,
    Equipment,
    Facility,
    FacilityKind,
    Finding,
    FindingSeverity,
    ProgrammeAccreditation,
    QualityAudit,
)
from tests.factories import OrganizationFactory, department
from tests.training.factories import ProgrammeFactory


class AccreditationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Accreditation

    organization = factory.SubFactory(OrganizationFactory)
    status = AccreditationStatus.ACCREDITED
    scope = "Formación inicial y continua"
    valid_from = datetime.date(2023, 1, 1)
    valid_until = datetime.date(2025, 12, 31)
    decision_reference = factory.Sequence(lambda n: f"RES-{n:04d}")


class ProgrammeAccreditationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeAccreditation

    organization = factory.SubFactory(OrganizationFactory)
    programme = factory.SubFactory(ProgrammeFactory)
    status = AccreditationStatus.ACCREDITED
    valid_from = datetime.date(2023, 1, 1)
    valid_until = datetime.date(2025, 12, 31)


class QualityAuditFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QualityAudit

    organization = factory.SubFactory(OrganizationFactory)
    audit_date = datetime.date(2024, 3, 15)
    type = AuditType.PERIODIC
    result = "compliant_with_observations"
    summary = "Auditoría periódica"


class FindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Finding

    audit = factory.SubFactory(QualityAuditFactory)
    severity = FindingSeverity.MINOR
    description = factory.Sequence(lambda n: f"Hallazgo {n}")
    required_action = "Corregir"
    due_date = datetime.date(2024, 6, 30)


class FacilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Facility
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Taller {n}")
    kind = FacilityKind.WORKSHOP
    department = factory.LazyFunction(department)
    capacity = 20

    @factory.post_generation
    def training_areas(self, create, extracted, **kwargs):
        if create and extracted:
            self.training_areas.set(extracted)

    @factory.post_generation
    def instructors(self, create, extracted, **kwargs):
        if create and extracted:
            self.instructors.set(extracted)


class EquipmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Equipment

    facility = factory.SubFactory(FacilityFactory)
    item = factory.Sequence(lambda n: f"Equipo {n}")
    quantity = 1
