"""Invented people for the demo: national IDs (DUI) that pass the check digit,
their keyed hashes, and names and contacts drawn from pools.

The n-th trainee the demo creates (in the order of their ids) has the DUI
`national_id(seed, n)`, so a later part of the demo (tracer studies, social
security records) can write files with the same people's IDs; the database itself
only ever holds `person_key(DUI)`.
"""

import math
import zlib

import numpy as np

from semillero.core.pseudonymisation import person_key

from .context import RandomSource, ascii_slug

# DUI bodies are 8 digits; the invented ones are spread over 00000001–69999999.
DUI_RANGE = 69_999_999
# Reserved for documentation (RFC 2606): a demo that sends survey invitations
# can never write to a real person.
EMAIL_DOMAINS = ["example.com", "example.net", "example.org"]


def _affine(seed: int) -> tuple[int, int]:
    """A multiplier prime to DUI_RANGE and an offset, both from the seed: n → (a·n
    + b) mod DUI_RANGE is then a permutation, so different n never share an ID."""
    state = np.random.SeedSequence([seed, zlib.crc32(b"dui")]).generate_state(2)
    a = int(state[0]) % DUI_RANGE
    while a < 2 or math.gcd(a, DUI_RANGE) != 1:
        a += 1
    return a, int(state[1]) % DUI_RANGE


def dui_check_digit(bodies: np.ndarray) -> np.ndarray:
    """The DUI check digit of 8-digit bodies: weights 9 … 2, sum mod 10, 10 minus
    the remainder (0 for 0)."""
    total = np.zeros(len(bodies), dtype=np.int64)
    rest = np.asarray(bodies, dtype=np.int64).copy()
    for weight in range(2, 10):  # from the last digit (weight 2) to the first (9)
        total += (rest % 10) * weight
        rest //= 10
    return (10 - total % 10) % 10


def national_ids(seed: int, numbers: np.ndarray) -> list[str]:
    """DUIs `########-#` of the trainees numbered `numbers` (0, 1, 2, …)."""
    a, b = _affine(seed)
    bodies = 1 + (a * np.asarray(numbers, dtype=np.int64) + b) % DUI_RANGE
    checks = dui_check_digit(bodies)
    return [f"{body:08d}-{check}" for body, check in zip(bodies, checks, strict=True)]


def national_id(seed: int, number: int) -> str:
    return national_ids(seed, np.array([number]))[0]


def person_keys(ids: list[str]) -> list[str]:
    return [person_key(raw) for raw in ids]


class NamePools:
    """Given names by sex and surnames, drawn once from the module's Faker and
    then picked by index for every trainee (a Faker call per person would cost
    more than the rest of a trainee together)."""

    def __init__(self, rnd: RandomSource, size: int = 400):
        self.female = sorted({rnd.first_name("F") for _ in range(size)})
        self.male = sorted({rnd.first_name("M") for _ in range(size)})
        self.surnames = sorted({rnd.surname() for _ in range(size)})
        # The first given name and first surname, as an e-mail address uses them.
        self._slug = {n: ascii_slug(n.split()[0]) for n in self.female + self.male}
        self._slug.update({s: ascii_slug(s.split()[0]) for s in self.surnames})

    def draw(self, rng: np.random.Generator, female: np.ndarray) -> dict[str, list]:
        """First and last names (two surnames) and an e-mail address for people
        of the given sexes."""
        n = len(female)
        f_idx = rng.integers(0, len(self.female), n)
        m_idx = rng.integers(0, len(self.male), n)
        s1 = rng.integers(0, len(self.surnames), n).tolist()
        s2 = rng.integers(0, len(self.surnames), n).tolist()
        number = rng.integers(1, 100, n).tolist()
        with_number = (rng.random(n) < 0.7).tolist()
        domain = rng.integers(0, len(EMAIL_DOMAINS), n).tolist()
        first = [
            self.female[i] if is_f else self.male[j]
            for is_f, i, j in zip(female.tolist(), f_idx, m_idx, strict=True)
        ]
        last = [
            f"{self.surnames[i]} {self.surnames[j]}"
            for i, j in zip(s1, s2, strict=True)
        ]
        emails = [
            f"{self._slug[f]}.{self._slug[self.surnames[i]]}"
            f"{k if numbered else ''}@{EMAIL_DOMAINS[d]}"
            for f, i, k, numbered, d in zip(
                first, s1, number, with_number, domain, strict=True
            )
        ]
        return {"first_name": first, "last_name": last, "email": emails}


def mobile_phones(rng: np.random.Generator, n: int) -> list[str]:
    """Salvadoran mobile numbers (+503, starting with 6 or 7)."""
    first = rng.choice([6, 7], n).tolist()
    middle = rng.integers(0, 1000, n).tolist()
    last = rng.integers(0, 10_000, n).tolist()
    return [
        f"+503 {a}{b:03d}-{c:04d}" for a, b, c in zip(first, middle, last, strict=True)
    ]
