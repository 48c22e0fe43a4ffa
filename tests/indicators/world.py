"""Indicators computed on a small hand-made world; every number worked out by hand.

Year Y = 2024. Areas ELEC and CONF. Providers CFP-001 and CFP-002.

Runs:
- R0  P-ELEC (ELEC, initial)     CFP-002  2023-10-01..2024-02-28  $900
    T2 M completed · T4 M dropped · T5 F certified
- R1  P-ELEC (ELEC, initial)     CFP-001  2024-02-01..2024-06-30  $1,000
    T1 F certified · T2 M completed · T4 M dropped · T8 M completed · T6 ? enrolled
- R2  P-CONF (CONF, continuous)  CFP-002  2024-03-01..2024-07-31  no cost
    T1 F completed · T3 F certified · T7 F dropped · T9 F certified
- R3  P-CONF (CONF, continuous)  CFP-002  2024-09-01..2025-01-31  $500
    T5 F enrolled · T7 F enrolled

Trainees (sex, birth, vulnerable, residence):
T1 F 2000-05-17 rural=True → vulnerable, SV-SS (two enrolments in 2024)
T2 M 1990-01-01 all flags False, SV-SS
T3 F 2006-03-15 flags unknown, SV-LI
T4 M 1985-07-07 low_income=True → vulnerable, SV-SS
T5 F 1959-09-02 flags unknown, SV-SS
T6 unknown sex, no birth date, flags unknown, no residence
T7 F 1999-09-01 disability=False, SV-LI
T8 M 2008-02-01 returned_migrant=True → vulnerable, SV-SS
T9 F 2010-01-01 rural=None, low_income=False, SV-SS

Enrolments of 2024 (runs R1, R2, R3): 11 — F 7, M 3, unknown 1;
ELEC 5 (F 1, M 3, ? 1), CONF 6 (F 6).
"""

import datetime
from decimal import Decimal

from semillero.indicators import cube
from semillero.training.models import Modality
from tests.factories import OrganizationFactory, TrainingAreaFactory, department
from tests.training.factories import (
    CourseRunFactory,
    EnrolmentFactory,
    ProgrammeFactory,
    TraineeFactory,
)

D = datetime.date


def build_world():
    """Create the world described at the top of this module and build the cube."""
    elec = TrainingAreaFactory(code="ELEC", name="Electricidad")
    conf = TrainingAreaFactory(code="CONF", name="Confección")
    p_elec = ProgrammeFactory(
        code="P-ELEC", training_area=elec, modality=Modality.INITIAL
    )
    p_conf = ProgrammeFactory(
        code="P-CONF", training_area=conf, modality=Modality.CONTINUOUS
    )
    cfp1 = OrganizationFactory(code="CFP-001")
    cfp2 = OrganizationFactory(code="CFP-002")

    def run(code, prog, prov, start, end, cost):
        return CourseRunFactory(
            code=code,
            programme=prog,
            provider=prov,
            start_date=start,
            end_date=end,
            cost_usd=cost,
        )

    r0 = run("R0", p_elec, cfp2, D(2023, 10, 1), D(2024, 2, 28), Decimal("900.00"))
    r1 = run("R1", p_elec, cfp1, D(2024, 2, 1), D(2024, 6, 30), Decimal("1000.00"))
    r2 = run("R2", p_conf, cfp2, D(2024, 3, 1), D(2024, 7, 31), None)
    r3 = run("R3", p_conf, cfp2, D(2024, 9, 1), D(2025, 1, 31), Decimal("500.00"))

    ss, li = department("SV-SS"), department("SV-LI")
    t = {
        1: TraineeFactory(
            sex="F", birth_date=D(2000, 5, 17), rural=True, department=ss
        ),
        2: TraineeFactory(
            sex="M",
            birth_date=D(1990, 1, 1),
            disability=False,
            returned_migrant=False,
            rural=False,
            low_income=False,
            department=ss,
        ),
        3: TraineeFactory(sex="F", birth_date=D(2006, 3, 15), department=li),
        4: TraineeFactory(
            sex="M", birth_date=D(1985, 7, 7), low_income=True, department=ss
        ),
        5: TraineeFactory(sex="F", birth_date=D(1959, 9, 2), department=ss),
        6: TraineeFactory(sex="", birth_date=None, department=None),
        7: TraineeFactory(
            sex="F", birth_date=D(1999, 9, 1), disability=False, department=li
        ),
        8: TraineeFactory(
            sex="M", birth_date=D(2008, 2, 1), returned_migrant=True, department=ss
        ),
        9: TraineeFactory(
            sex="F", birth_date=D(2010, 1, 1), low_income=False, department=ss
        ),
    }

    def enrol(r, n, status):
        done = r.end_date if status in ("completed", "certified") else None
        EnrolmentFactory(
            course_run=r, trainee=t[n], status=status, completion_date=done
        )

    enrol(r0, 2, "completed")
    enrol(r0, 4, "dropped")
    enrol(r0, 5, "certified")
    enrol(r1, 1, "certified")
    enrol(r1, 2, "completed")
    enrol(r1, 4, "dropped")
    enrol(r1, 8, "completed")
    enrol(r1, 6, "enrolled")
    enrol(r2, 1, "completed")
    enrol(r2, 3, "certified")
    enrol(r2, 7, "dropped")
    enrol(r2, 9, "certified")
    enrol(r3, 5, "enrolled")
    enrol(r3, 7, "enrolled")
    cube.rebuild()


# Population (for coverage and parity): SV-SS F 1,000 M 800 (2024); SV-LI F 500
# M 500 (2023, its latest year up to 2024; its 2025 figure is ignored for 2024);
# SV-AH F 100 M 100 (2024). Country 2024: F 1,600, M 1,400, both 3,000.
