"""Synthetic enrolment files for benchmarks: valid DUIs, realistic values, seeded."""

import csv
import random
from pathlib import Path

DEPARTMENTS = [
    "SV-AH", "SV-CA", "SV-CH", "SV-CU", "SV-LI", "SV-MO", "SV-PA",
    "SV-SA", "SV-SM", "SV-SO", "SV-SS", "SV-SV", "SV-UN", "SV-US",
]  # fmt: skip
HEADER = [
    "course_run_code", "person_id", "sex", "birth_date", "department", "status",
    "completion_date", "disability", "returned_migrant", "rural", "low_income",
    "education_level", "employed_at_entry", "first_name", "last_name", "email", "phone",
]  # fmt: skip


def dui(number: int) -> str:
    """A valid DUI for the 8-digit number (check digit per brief §1)."""
    digits = f"{number:08d}"
    total = sum(int(d) * w for d, w in zip(digits, range(9, 1, -1), strict=True))
    check = 0 if total % 10 == 0 else 10 - total % 10
    return f"{digits}-{check}"


def write_enrolments_csv(
    path: Path, rows: int, run_codes: list[str], seed: int = 1
) -> Path:
    rng = random.Random(seed)
    flags = ["sí", "no", "", "no", "no"]
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(HEADER)
        for i in range(rows):
            status = rng.choice(
                ["completed", "certified", "dropped", "enrolled", "completed"]
            )
            done = status in ("completed", "certified")
            out.writerow(
                [
                    run_codes[i % len(run_codes)],
                    dui(
                        10_000_000 + i
                    ),  # one enrolment per person: worst case for upserts
                    rng.choice("FM"),
                    f"{rng.randint(1960, 2006)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                    rng.choice(DEPARTMENTS),
                    status,
                    "2024-06-30" if done else "",
                    rng.choice(flags),
                    rng.choice(flags),
                    rng.choice(flags),
                    rng.choice(flags),
                    rng.choice(["primaria", "secundaria", "bachillerato", "superior"]),
                    rng.choice(["1", "0", ""]),
                    "María",
                    "López",
                    "",
                    "",
                ]
            )
    return path
