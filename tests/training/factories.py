"""Factories of the training app."""

import datetime

import factory

from semillero.core.pseudonymisation import person_key
from semillero.training.models import (
    CourseRun,
    Delivery,
    Enrolment,
    Modality,
    Programme,
    Trainee,
)
from tests.factories import OrganizationFactory, TrainingAreaFactory, department


def dui(number: int) -> str:
    """A valid DUI for an 8-digit number (check digit per the domain brief)."""
    digits = f"{number:08d}"
    total = sum(int(d) * w for d, w in zip(digits, range(9, 1, -1), strict=True))
    return f"{digits}-{(10 - total % 10) % 10}"


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"PRG{n:04d}")
    name = factory.Sequence(lambda n: f"Programa {n}")
    modality = Modality.INITIAL
    training_area = factory.SubFactory(TrainingAreaFactory)
    hours = 120
    delivery = Delivery.IN_PERSON


class CourseRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CourseRun
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"RUN{n:05d}")
    programme = factory.SubFactory(ProgrammeFactory)
    provider = factory.SubFactory(OrganizationFactory)
    start_date = datetime.date(2024, 2, 1)
    end_date = datetime.date(2024, 6, 30)
    department = factory.LazyFunction(department)


class TraineeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trainee

    person_key = factory.Sequence(lambda n: person_key(dui(20_000_000 + n)))
    sex = "F"
    birth_date = datetime.date(2000, 5, 17)


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    course_run = factory.SubFactory(CourseRunFactory)
    trainee = factory.SubFactory(TraineeFactory)
    status = "enrolled"
