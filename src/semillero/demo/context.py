"""What every demo module shares: the seed and scale, reproducible random sources,
Spanish names of people and the country's territory with its population weights."""

import unicodedata
import zlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

import numpy as np
from faker import Faker

from semillero.registry.models import Department, Municipality

# default: ready in about two minutes; national: a year's enrolments like the real
# system's (about 250,000); small: for tests.
SCALES = ("default", "national", "small")

# Census 2024 population by department (6,029,976 people). Ahuachapán, Cabañas,
# Chalatenango, Cuscatlán, La Libertad and La Paz are the published figures and San
# Salvador is its published 26.4% share; the seven others are illustrative figures
# that make up the national total. They spread the demo's organizations and are
# the demo's reference population of 2024 (demo.population).
DEPARTMENT_POPULATION = {
    "SV-AH": 348_880,
    "SV-CA": 143_049,
    "SV-CH": 185_930,
    "SV-CU": 244_901,
    "SV-LI": 765_879,
    "SV-PA": 318_374,
    "SV-SS": 1_591_914,
    "SV-SA": 532_000,
    "SV-SO": 492_000,
    "SV-SM": 482_000,
    "SV-US": 342_000,
    "SV-UN": 231_000,
    "SV-MO": 187_000,
    "SV-SV": 165_049,
}

# Within a department, the municipality holding the departmental capital ("Centro")
# and the metropolitan belts of San Salvador and La Libertad draw more organizations.
MUNICIPALITY_WEIGHT = {"CE": 3.0, "SV-SS-ES": 2.0, "SV-LI-SU": 2.5, "SV-LI-ES": 2.5}

# Department numbers of the former DIGESTYC numbering, the first two digits of a
# Salvadoran tax ID (NIT).
NIT_DEPARTMENT = {
    "SV-AH": "01",
    "SV-SA": "02",
    "SV-SO": "03",
    "SV-CH": "04",
    "SV-LI": "05",
    "SV-SS": "06",
    "SV-CU": "07",
    "SV-PA": "08",
    "SV-CA": "09",
    "SV-SV": "10",
    "SV-US": "11",
    "SV-SM": "12",
    "SV-MO": "13",
    "SV-UN": "14",
}

# The most frequent Salvadoran surnames; Faker's Mexican surnames add variety.
SURNAMES = [
    "Hernández", "López", "Martínez", "García", "Rodríguez", "González", "Ramírez",
    "Pérez", "Flores", "Cruz", "Rivera", "Díaz", "Romero", "Sánchez", "Reyes",
    "Portillo", "Ramos", "Mejía", "Aguilar", "Guardado", "Alvarado", "Orellana",
    "Quintanilla", "Menjívar", "Chávez", "Escobar", "Molina", "Castillo", "Vásquez",
    "Argueta", "Ayala", "Henríquez", "Morales", "Ventura", "Lemus", "Fuentes",
    "Guevara", "Bonilla", "Rivas", "Serrano", "Campos", "Cornejo", "Zelaya",
    "Amaya", "Melgar", "Villalta", "Landaverde", "Velásquez", "Abarca", "Bonilla",
    "Palacios", "Pineda", "Carranza", "Mendoza", "Alfaro", "Monterrosa", "Solórzano",
]  # fmt: skip


def ascii_slug(text: str, sep: str = "") -> str:
    """Lower-case ASCII letters and digits, for e-mail addresses and domains."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = "".join(c if c.isalnum() else " " for c in plain.lower()).split()
    return sep.join(words)


def allocate(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Split `total` in proportion to `weights` by largest remainder, so every
    share is as exact as whole numbers allow (no sampling noise at small scale)."""
    keys = list(weights)
    w = np.array([weights[k] for k in keys], dtype=float)
    exact = total * w / w.sum()
    counts = np.floor(exact).astype(int)
    # Ties broken by key order, which the caller keeps stable.
    order = sorted(range(len(keys)), key=lambda i: (-(exact[i] - counts[i]), i))
    for i in order[: total - counts.sum()]:
        counts[i] += 1
    return {k: int(c) for k, c in zip(keys, counts, strict=True)}


class RandomSource:
    """Seeded random numbers and fake Spanish text for one demo module.

    Each module draws from its own stream derived from (seed, module name), so adding
    a module never changes what the others generate, and a module run later on an
    existing demo database generates what a fresh run would.
    """

    def __init__(self, seed: int, stream: str):
        # Python's hash() of a str changes per process; crc32 does not.
        sequence = np.random.SeedSequence([seed, zlib.crc32(stream.encode())])
        self.np = np.random.default_rng(sequence)
        faker_seed = int(sequence.generate_state(1)[0])
        # One Faker per locale: a multi-locale Faker picks the locale with the global
        # `random` module, which would make the output depend on unrelated code.
        self._mx = Faker("es_MX")
        self._es = Faker("es_ES")
        self._mx.seed_instance(faker_seed)
        self._es.seed_instance(faker_seed + 1)

    def chance(self, p: float) -> bool:
        return bool(self.np.random() < p)

    def pick(self, items, p=None):
        return items[int(self.np.choice(len(items), p=p))]

    def sample(self, items, k: int) -> list:
        idx = self.np.choice(len(items), size=min(k, len(items)), replace=False)
        return [items[int(i)] for i in sorted(idx)]

    def integer(self, low: int, high: int) -> int:
        """A whole number in [low, high], both included."""
        return int(self.np.integers(low, high + 1))

    def date_between(self, start: date, end: date) -> date:
        return start + timedelta(days=self.integer(0, (end - start).days))

    def weighted(self, weights: dict):
        keys = list(weights)
        p = np.array([weights[k] for k in keys], dtype=float)
        return keys[int(self.np.choice(len(keys), p=p / p.sum()))]

    # People --------------------------------------------------------------------
    def first_name(self, sex: str) -> str:
        # Mostly Latin-American given names, some from Spain, as in El Salvador.
        fake = self._mx if self.chance(0.8) else self._es
        name = fake.first_name_female() if sex == "F" else fake.first_name_male()
        return " ".join(name.split())  # some of Faker's names carry double spaces

    def surname(self) -> str:
        if self.chance(0.7):
            return self.pick(SURNAMES)
        return self._mx.last_name()

    def last_name(self) -> str:
        """Two surnames, father's then mother's, as Salvadorans carry them."""
        return f"{self.surname()} {self.surname()}"

    def phone(self, mobile: bool = False) -> str:
        """A Salvadoran number: landlines start with 2, mobiles with 6 or 7."""
        first = self.pick(["6", "7"]) if mobile else "2"
        return f"+503 {first}{self.integer(0, 999):03d}-{self.integer(0, 9999):04d}"

    def nit(self, department_code: str, founded: date, correlative: int) -> str:
        """A tax ID shaped like a Salvadoran NIT: `DDMM-DDMMYY-CCC-V` (place, date,
        correlative, check digit). The check digit is a weighted modulo-11 digit:
        these numbers look real but are not valid at the Ministry of Finance."""
        if department_code == "SV-SS" and self.chance(0.6):
            place = "0614"  # the municipality of San Salvador, the most frequent
        else:
            place = f"{NIT_DEPARTMENT[department_code]}{self.integer(1, 22):02d}"
        body = f"{place}{founded:%d%m%y}{correlative:03d}"
        check = sum(int(d) * w for d, w in zip(body, range(14, 1, -1), strict=True))
        check = check % 11 % 10
        return f"{body[:4]}-{body[4:10]}-{body[10:13]}-{check}"


@dataclass
class Territory:
    """Departments and municipalities of the database, in a stable order."""

    departments: dict[str, Department] = field(default_factory=dict)
    municipalities: dict[str, list[Municipality]] = field(default_factory=dict)

    @classmethod
    def load(cls) -> "Territory":
        territory = cls()
        for dept in Department.objects.order_by("code"):
            territory.departments[dept.code] = dept
            territory.municipalities[dept.code] = []
        for muni in Municipality.objects.select_related("department").order_by("code"):
            territory.municipalities.setdefault(muni.department.code, []).append(muni)
        return territory

    def weights(self) -> dict[str, float]:
        """Population weight of each department of the database."""
        return {code: DEPARTMENT_POPULATION.get(code, 1) for code in self.departments}

    def municipality(self, rnd: RandomSource, department_code: str):
        options = self.municipalities.get(department_code) or []
        if not options:
            return None
        weights = {
            m.code: MUNICIPALITY_WEIGHT.get(
                m.code, MUNICIPALITY_WEIGHT.get(m.code.rsplit("-", 1)[-1], 1.0)
            )
            for m in options
        }
        chosen = rnd.weighted(weights)
        return next(m for m in options if m.code == chosen)

    def municipality_by_code(self, code: str):
        for options in self.municipalities.values():
            for muni in options:
                if muni.code == code:
                    return muni
        return None


@dataclass
class DemoContext:
    seed: int
    scale: str
    # Statuses (active, expired…) are derived from the dates as of this day.
    as_of: date
    # The password of the demo accounts.
    password: str = ""

    def random(self, module: str) -> RandomSource:
        return RandomSource(self.seed, module)

    @cached_property
    def territory(self) -> Territory:
        return Territory.load()
