"""Factories shared by the test suite (one section per app)."""

import factory

from semillero.accounts.models import Role, User
from semillero.registry.models import (
    Agreement,
    AgreementType,
    Department,
    Instructor,
    Organization,
    OrganizationType,
    TrainingArea,
)


def department(code="SV-SS"):
    """Departments are reference data loaded on migrate; fetch, never create."""
    return Department.objects.get(code=code)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"ORG{n:04d}")
    name = factory.Sequence(lambda n: f"Centro de Formación {n}")
    type = OrganizationType.TRAINING_CENTRE
    department = factory.LazyFunction(department)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.VIEWER
    organization = factory.SubFactory(OrganizationFactory)
    password = factory.django.Password("correct horse battery")


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"CONV{n:04d}")
    title = factory.Sequence(lambda n: f"Convenio {n}")
    type = AgreementType.COOPERATION
    start_date = "2024-01-01"

    @factory.post_generation
    def parties(self, create, extracted, **kwargs):
        if create and extracted:
            self.parties.set(extracted)


class InstructorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Instructor

    code = factory.Sequence(lambda n: f"INS{n:04d}")
    organization = factory.SubFactory(OrganizationFactory)
    first_name = "Ana"
    last_name = factory.Sequence(lambda n: f"Martínez {n}")
    email = factory.Sequence(lambda n: f"instructor{n}@example.org")


class TrainingAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingArea
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"AREA{n:03d}")
    name = factory.Sequence(lambda n: f"Área {n}")
