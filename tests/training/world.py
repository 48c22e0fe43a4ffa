"""A small training world with numbers worked out by hand, shared by the tests of
the training services, selectors, pages and API.

Organizations: centre CFP-001 and other_centre CFP-002 (training centres),
company EMP-001 and second company EMP-002.

Programmes: P-ELEC (Electricidad residencial, 120 h, initial, in person, area
ELEC), P-CONF (Confección industrial, 80 h, continuous, blended, area CONF) and
P-NONE (never run).

Course runs (year = start year):
- R-2023   centre, P-ELEC, company EMP-001, 2023-03-01..2023-06-30, $1,000.00
    Ana F certified · Luis M completed · Marta F dropped
- R-2024A  centre, P-CONF, company EMP-001, 2024-02-01..2024-05-31, $2,500.50
    Ana F certified · Rosa F completed · Pedro M dropped · Julia F enrolled
- R-2024B  other_centre, P-ELEC, no company, 2024-09-01..2024-12-15, no cost;
           serves EMP-001's request SR1
    Luis M completed · Carlos M enrolled
- R-OTHER  other_centre, P-CONF, company EMP-002, 2024-01-10..2024-03-10, $700
    Marta F completed · Sofía F certified
- R-NEXT   centre, P-ELEC, starts in 30 days in San Salvador (the catalogue)

SR1 (EMP-001, 10 workers, in progress) is served by R-2024A and R-2024B (R-2024A
is also EMP-001's own run: it must count once). SR2 (EMP-002, 5, requested).

Levy of EMP-001: 2023-01 $100.00, 2023-02 $150.50, 2024-01 $200.00, 2024-06
$300.25. EMP-001 by year:
- 2023: levy 250.50; runs 1; enrolments 3; workers trained 2; hours 2 × 120 =
  240; cost 1,000.00
- 2024: levy 500.25; runs 2; enrolments 6; workers trained 3 (Ana, Rosa in
  R-2024A, Luis in R-2024B); hours 2 × 80 + 1 × 120 = 280; cost 2,500.50
- total: levy 750.75; runs 3; enrolments 9; workers 5; hours 520; cost 3,500.50
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from semillero.accounts.models import Role
from semillero.registry.models import OrganizationType
from semillero.training.models import (
    CompanyServiceRequest,
    Delivery,
    LevyContribution,
    Modality,
)
from tests.factories import (
    OrganizationFactory,
    TrainingAreaFactory,
    UserFactory,
    department,
)
from tests.training.factories import (
    CourseRunFactory,
    EnrolmentFactory,
    ProgrammeFactory,
    TraineeFactory,
)

D = datetime.date

# name: (first, last, sex, e-mail, phone, birth date)
PEOPLE = {
    "ana": ("Ana", "López", "F", "ana.lopez@example.org", "7000-0001", D(2000, 5, 17)),
    "luis": ("Luis", "Gómez", "M", "luis.gomez@example.org", "7000-0002", D(1990, 1, 2)),
    "marta": ("Marta", "Ruiz", "F", "marta.ruiz@example.org", "7000-0003", D(1985, 3, 4)),
    "rosa": ("Rosa", "Pérez", "F", "rosa.perez@example.org", "7000-0004", D(2006, 7, 8)),
    "pedro": ("Pedro", "Díaz", "M", "pedro.diaz@example.org", "7000-0005", D(1970, 9, 9)),
    "julia": ("Julia", "Castro", "F", "julia.castro@example.org", "7000-0006", D(1999, 1, 1)),
    "carlos": ("Carlos", "Mejía", "M", "carlos.mejia@example.org", "7000-0007", D(1995, 2, 2)),
    "sofia": ("Sofía", "Hernández", "F", "sofia.hdz@example.org", "7000-0008", D(2001, 6, 6)),
}  # fmt: skip
NAMES = [p[1] for p in PEOPLE.values()] + [p[3] for p in PEOPLE.values()]
CENTRE_PEOPLE = ["ana", "luis", "marta", "rosa", "pedro", "julia"]
OTHER_ONLY = ["carlos", "sofia"]


@dataclass
class World:
    centre: object
    other_centre: object
    company: object
    other_company: object
    programmes: dict
    runs: dict
    trainees: dict
    enrolments: dict
    requests: dict


def build_world(*, centre, other_centre, company) -> World:
    other_company = OrganizationFactory(
        code="EMP-002", name="Calzado Moderno", type=OrganizationType.COMPANY
    )
    elec = TrainingAreaFactory(code="ELEC", name="Electricidad")
    conf = TrainingAreaFactory(code="CONF", name="Confección")
    programmes = {
        "elec": ProgrammeFactory(
            code="P-ELEC",
            name="Electricidad residencial",
            training_area=elec,
            hours=120,
            modality=Modality.INITIAL,
            delivery=Delivery.IN_PERSON,
            description="Instalaciones eléctricas en viviendas.",
        ),
        "conf": ProgrammeFactory(
            code="P-CONF",
            name="Confección industrial",
            training_area=conf,
            hours=80,
            modality=Modality.CONTINUOUS,
            delivery=Delivery.BLENDED,
        ),
        "none": ProgrammeFactory(
            code="P-NONE", name="Soldadura submarina", training_area=elec, hours=40
        ),
    }
    today = timezone.localdate()
    runs = {
        "r2023": CourseRunFactory(
            code="R-2023",
            programme=programmes["elec"],
            provider=centre,
            company=company,
            start_date=D(2023, 3, 1),
            end_date=D(2023, 6, 30),
            cost_usd=Decimal("1000.00"),
            funding="levy",
        ),
        "r2024a": CourseRunFactory(
            code="R-2024A",
            programme=programmes["conf"],
            provider=centre,
            company=company,
            start_date=D(2024, 2, 1),
            end_date=D(2024, 5, 31),
            cost_usd=Decimal("2500.50"),
            funding="company",
            department=department("SV-LI"),
        ),
        "r2024b": CourseRunFactory(
            code="R-2024B",
            programme=programmes["elec"],
            provider=other_centre,
            start_date=D(2024, 9, 1),
            end_date=D(2024, 12, 15),
        ),
        "other": CourseRunFactory(
            code="R-OTHER",
            programme=programmes["conf"],
            provider=other_centre,
            company=other_company,
            start_date=D(2024, 1, 10),
            end_date=D(2024, 3, 10),
            cost_usd=Decimal("700.00"),
        ),
        "next": CourseRunFactory(
            code="R-NEXT",
            programme=programmes["elec"],
            provider=centre,
            start_date=today + datetime.timedelta(days=30),
            end_date=today + datetime.timedelta(days=120),
            capacity=25,
        ),
    }
    trainees = {}
    for name, (first, last, sex, email, phone, birth) in PEOPLE.items():
        trainees[name] = TraineeFactory(
            first_name=first,
            last_name=last,
            sex=sex,
            email=email,
            phone=phone,
            birth_date=birth,
            department=department("SV-SS"),
            rural=name in ("marta", "carlos"),
        )
    enrolments = {}

    def enrol(run, name, status, completion=None):
        enrolments[(run, name)] = EnrolmentFactory(
            course_run=runs[run],
            trainee=trainees[name],
            status=status,
            completion_date=completion,
        )

    enrol("r2023", "ana", "certified", D(2023, 6, 30))
    enrol("r2023", "luis", "completed", D(2023, 6, 30))
    enrol("r2023", "marta", "dropped")
    enrol("r2024a", "ana", "certified", D(2024, 5, 31))
    enrol("r2024a", "rosa", "completed", D(2024, 5, 31))
    enrol("r2024a", "pedro", "dropped")
    enrol("r2024a", "julia", "enrolled")
    enrol("r2024b", "luis", "completed", D(2024, 12, 15))
    enrol("r2024b", "carlos", "enrolled")
    enrol("other", "marta", "completed", D(2024, 3, 10))
    enrol("other", "sofia", "certified", D(2024, 3, 10))

    sr1 = CompanyServiceRequest.objects.create(
        company=company,
        topic="Electricidad para mantenimiento",
        workers=10,
        status="in_progress",
        requested_on=D(2024, 1, 15),
    )
    sr1.course_runs.set([runs["r2024a"], runs["r2024b"]])
    sr2 = CompanyServiceRequest.objects.create(
        company=other_company,
        topic="Costura de calzado",
        workers=5,
        requested_on=D(2024, 4, 1),
    )
    for period, amount in (
        (D(2023, 1, 1), "100.00"),
        (D(2023, 2, 1), "150.50"),
        (D(2024, 1, 1), "200.00"),
        (D(2024, 6, 1), "300.25"),
    ):
        LevyContribution.objects.create(
            company=company, period=period, amount_usd=Decimal(amount)
        )
    LevyContribution.objects.create(
        company=other_company, period=D(2024, 1, 1), amount_usd=Decimal("999.99")
    )
    return World(
        centre=centre,
        other_centre=other_centre,
        company=company,
        other_company=other_company,
        programmes=programmes,
        runs=runs,
        trainees=trainees,
        enrolments=enrolments,
        requests={"sr1": sr1, "sr2": sr2},
    )


def other_officer(other_centre):
    return UserFactory(
        username="other-centre", role=Role.DATA_OFFICER, organization=other_centre
    )
