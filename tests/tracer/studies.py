"""A small cohort for tracer-study tests: graduates of runs ending in 2024."""

import datetime

from semillero.tracer import services
from tests.training.factories import (
    CourseRunFactory,
    EnrolmentFactory,
    ProgrammeFactory,
    TraineeFactory,
)


def cohort(*, women=3, men=2, dropped=1, programme_code="ELEC-01", year=2024):
    """`women` + `men` completers of one run ending in `year`, plus `dropped`
    dropouts (not in the frame). Returns the run."""
    programme = ProgrammeFactory(code=programme_code, name=f"Programa {programme_code}")
    run = CourseRunFactory(
        programme=programme,
        start_date=datetime.date(year, 2, 1),
        end_date=datetime.date(year, 6, 30),
    )
    for sex, count in (("F", women), ("M", men)):
        for i in range(count):
            EnrolmentFactory(
                course_run=run,
                trainee=TraineeFactory(
                    sex=sex,
                    first_name=f"Nombre{sex}{i}",
                    last_name="Apellido",
                    email=f"{sex.lower()}{i}@example.org",
                    phone="7000-0000",
                ),
                status="completed" if i % 2 else "certified",
                completion_date=datetime.date(year, 6, 30),
            )
    for _i in range(dropped):
        EnrolmentFactory(course_run=run, status="dropped")
    return run


def study_in_fieldwork(user, *, year=2024, followup=6, margin="0.10", seed=7):
    study = services.create_study(
        user=user,
        name=f"Seguimiento {year} a {followup} meses",
        cohort_year=year,
        followup_months=followup,
        margin_of_error=margin,
        seed=seed,
    )
    services.draw_sample(study, user=user)
    study.refresh_from_db()
    return study
