"""The declarative registry of indicators (ARCHITECTURE.md, convention 4).

Every consumer (command line, dashboards, scorecards, API, open data) reads the
definitions from here; `compute.py` is the one place that turns a definition into
numbers, following the spec's "Participation and results of training".

Not here yet: `coverage_per_1000`, `gender_parity_index` and
`gender_parity_index_adjusted`. They divide by the population of an area and year,
and there is no population table yet; they come with it.
"""

from dataclasses import dataclass

# The dimensions an indicator can be cut by, in the spec's order.
SEX = "sex"
AGE_GROUP = "age_group"
DEPARTMENT = "department"
PROGRAMME = "programme"
TRAINING_AREA = "training_area"
MODALITY = "modality"
PROVIDER = "provider"
VULNERABLE = "vulnerable"

DIMENSIONS = (
    SEX,
    AGE_GROUP,
    DEPARTMENT,
    PROGRAMME,
    TRAINING_AREA,
    MODALITY,
    PROVIDER,
    VULNERABLE,
)

# Age in whole years at the course run's start date; `<15` is its own group.
AGE_GROUPS = ("<15", "15-17", "18-24", "25-29", "30-44", "45-64", "65+")

UNITS = ("count", "ratio", "index", "usd")


@dataclass(frozen=True)
class Indicator:
    code: str
    label_es: str
    label_en: str
    unit: str
    description_es: str
    dimensions: tuple[str, ...]
    # "people": department is the trainee's residence; "offer": the course run's.
    basis: str = "people"

    def __post_init__(self):
        if self.unit not in UNITS:
            raise ValueError(f"unknown unit {self.unit!r}")
        unknown = set(self.dimensions) - set(DIMENSIONS)
        if unknown:
            raise ValueError(f"unknown dimensions {sorted(unknown)}")

    def allows(self, dimension: str) -> bool:
        return dimension in self.dimensions


def _without(*excluded: str) -> tuple[str, ...]:
    return tuple(d for d in DIMENSIONS if d not in excluded)


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        code="enrolments",
        label_es="Matrículas",
        label_en="Enrolments",
        unit="count",
        description_es="Matrículas en cursos que inician en el año.",
        dimensions=DIMENSIONS,
    ),
    Indicator(
        code="trainees",
        label_es="Participantes",
        label_en="Trainees",
        unit="count",
        description_es=(
            "Personas distintas con al menos una matrícula en un curso que inicia "
            "en el año."
        ),
        dimensions=DIMENSIONS,
    ),
    Indicator(
        code="completion_rate",
        label_es="Tasa de finalización",
        label_en="Completion rate",
        unit="ratio",
        description_es=(
            "(Finalizadas + certificadas) / (finalizadas + certificadas + "
            "deserciones), sobre matrículas de cursos que terminan en el año."
        ),
        dimensions=DIMENSIONS,
    ),
    Indicator(
        code="certification_rate",
        label_es="Tasa de certificación",
        label_en="Certification rate",
        unit="ratio",
        description_es=(
            "Certificadas / (finalizadas + certificadas), sobre matrículas de "
            "cursos que terminan en el año."
        ),
        dimensions=DIMENSIONS,
    ),
    Indicator(
        code="women_share",
        label_es="Proporción de mujeres",
        label_en="Share of women",
        unit="ratio",
        description_es=(
            "Matrículas de mujeres / matrículas con sexo conocido, en cursos que "
            "inician en el año."
        ),
        dimensions=_without(SEX),
    ),
    Indicator(
        code="vulnerable_share",
        label_es="Proporción de población vulnerable",
        label_en="Share of vulnerable trainees",
        unit="ratio",
        description_es=(
            "Matrículas de personas vulnerables (discapacidad, migrante retornado, "
            "rural o bajos ingresos; lo desconocido cuenta como no) / matrículas "
            "del año."
        ),
        dimensions=DIMENSIONS,
    ),
    Indicator(
        code="segregation_index",
        label_es="Índice de segregación por sexo (Duncan)",
        label_en="Gender segregation index (Duncan)",
        unit="index",
        description_es=(
            "D = ½ Σ |fₐ/F − mₐ/M| sobre las áreas de formación, matrículas del "
            "año con sexo conocido; nulo si F o M es cero."
        ),
        dimensions=_without(SEX, TRAINING_AREA),
    ),
    Indicator(
        code="cost_per_completer",
        label_es="Costo por egresado",
        label_en="Cost per completer",
        unit="usd",
        description_es=(
            "Σ costo de los cursos que terminan en el año con costo conocido / "
            "egresados de esos mismos cursos."
        ),
        # Cost belongs to the course run: it cannot be split among people.
        dimensions=(DEPARTMENT, PROGRAMME, TRAINING_AREA, MODALITY, PROVIDER),
        basis="offer",
    ),
)

BY_CODE: dict[str, Indicator] = {i.code: i for i in INDICATORS}


def get(code: str) -> Indicator:
    return BY_CODE[code]
