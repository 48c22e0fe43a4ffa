"""The declarative registry of indicators (ARCHITECTURE.md, convention 4).

Every consumer (command line, dashboards, scorecards, API, open data) reads the
definitions from here; `compute.py` is the one place that turns a definition into
numbers, following the spec's "Participation and results of training".

The population-based indicators divide by the reference population of the
`population` import (registry); the population of year Y is used, else the latest
earlier year.
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

UNITS = ("count", "ratio", "per_1000", "index", "usd", "months")


@dataclass(frozen=True)
class Indicator:
    code: str
    label_es: str
    label_en: str
    unit: str
    description_es: str
    description_en: str
    dimensions: tuple[str, ...]
    # "people": department is the trainee's residence; "offer": the course run's.
    basis: str = "people"
    # Insertion and access indicators belong to a tracer cohort (Y, m): their rows
    # carry `followup_months`.
    followup: bool = False

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
        description_es=(
            "Matrículas en cursos que empiezan en el año. Una persona matriculada en "
            "dos cursos cuenta dos veces."
        ),
        description_en=(
            "Enrolments in course runs that start in the year. A person enrolled in two"
            " courses counts twice."
        ),
        dimensions=DIMENSIONS,
    ),
    Indicator(
        code="trainees",
        label_es="Participantes",
        label_en="Trainees",
        unit="count",
        description_es=(
            "Personas distintas con al menos una matrícula en un curso que empieza en"
            " el año. Cada persona cuenta una sola vez."
        ),
        description_en=(
            "Different people with at least one enrolment in a course run that starts "
            "in the year. Each person counts once."
        ),
        dimensions=DIMENSIONS,
    ),
    Indicator(
        code="completion_rate",
        label_es="Tasa de finalización",
        label_en="Completion rate",
        unit="ratio",
        description_es=(
            "De quienes terminaron su paso por un curso que acaba en el año (lo "
            "aprobaron, se certificaron o desertaron), la proporción que lo aprobó o se"
            " certificó: (finalizadas + certificadas) / (finalizadas + certificadas + "
            "deserciones)."
        ),
        description_en=(
            "Of the people who finished a course run ending in the year (completed, "
            "certified or dropped out), the share who completed or were certified."
        ),
        dimensions=DIMENSIONS,
    ),
    Indicator(
        code="certification_rate",
        label_es="Tasa de certificación",
        label_en="Certification rate",
        unit="ratio",
        description_es=(
            "De quienes aprobaron un curso que acaba en el año, la proporción que "
            "además obtuvo la certificación: certificadas / (finalizadas + "
            "certificadas)."
        ),
        description_en=(
            "Of those who completed a course run ending in the year, the share who were"
            " also certified."
        ),
        dimensions=DIMENSIONS,
    ),
    Indicator(
        code="women_share",
        label_es="Proporción de mujeres",
        label_en="Share of women",
        unit="ratio",
        description_es=(
            "De las matrículas del año con sexo conocido, la proporción de mujeres."
        ),
        description_en=(
            "Of the enrolments of the year whose sex is known, the share by women."
        ),
        dimensions=_without(SEX),
    ),
    Indicator(
        code="vulnerable_share",
        label_es="Proporción de población vulnerable",
        label_en="Share of vulnerable trainees",
        unit="ratio",
        description_es=(
            "Proporción de las matrículas del año de personas con discapacidad, "
            "migrantes retornados, residentes en zona rural o de bajos ingresos (un "
            "dato desconocido cuenta como no)."
        ),
        description_en=(
            "Share of the year's enrolments by people with a disability, returned "
            "migrants, rural residents or people on a low income (an unknown flag "
            "counts as no)."
        ),
        dimensions=DIMENSIONS,
    ),
    Indicator(
        code="coverage_per_1000",
        label_es="Cobertura por 1.000 habitantes",
        label_en="Coverage per 1,000 inhabitants",
        unit="per_1000",
        description_es=(
            "Personas distintas formadas en el año por cada 1.000 habitantes del área "
            "donde viven (población del año, o del último año anterior disponible)."
        ),
        description_en=(
            "Different people trained in the year per 1,000 inhabitants of the area "
            "where they live (population of the year, or the latest earlier year "
            "available)."
        ),
        dimensions=(SEX, DEPARTMENT, PROGRAMME, TRAINING_AREA, MODALITY, PROVIDER),
    ),
    Indicator(
        code="gender_parity_index",
        label_es="Índice de paridad de género",
        label_en="Gender parity index",
        unit="index",
        description_es=(
            "La cobertura de las mujeres dividida entre la de los hombres: (mujeres "
            "formadas / población femenina) / (hombres formados / población masculina)."
            " 1 es paridad; menos de 1, la formación llega menos a las mujeres; más de "
            "1, más. El numerador y el denominador son esas dos tasas."
        ),
        description_en=(
            "The coverage of women divided by the coverage of men: 1 is parity, below 1"
            " women are less reached than men, above 1 more."
        ),
        dimensions=(DEPARTMENT, PROGRAMME, TRAINING_AREA, MODALITY, PROVIDER),
    ),
    Indicator(
        code="gender_parity_index_adjusted",
        label_es="Índice de paridad de género ajustado",
        label_en="Adjusted gender parity index",
        unit="index",
        description_es=(
            "El índice de paridad llevado a una escala de 0 a 2 para que una brecha "
            "contra las mujeres y la misma brecha contra los hombres se lean igual: el "
            "índice cuando es 1 o menos; si no, 2 − 1/índice."
        ),
        description_en=(
            "The parity index kept between 0 and 2 so that a gap against women and the "
            "same gap against men read alike: the index when it is at most 1, else 2 − "
            "1/index."
        ),
        dimensions=(DEPARTMENT, PROGRAMME, TRAINING_AREA, MODALITY, PROVIDER),
    ),
    Indicator(
        code="segregation_index",
        label_es="Índice de segregación por sexo (Duncan)",
        label_en="Gender segregation index (Duncan)",
        unit="index",
        description_es=(
            "Índice de Duncan: cuán distinto se reparten mujeres y hombres entre las "
            "áreas de formación, D = ½ Σ |fₐ/F − mₐ/M|. 0 es el mismo reparto; 1, "
            "ninguna área con ambos. Es la proporción de mujeres (o de hombres) que "
            "tendría que cambiar de área para igualar el reparto; vacío si no hay "
            "mujeres u hombres."
        ),
        description_en=(
            "Duncan's index: how differently women and men spread over the training "
            "areas. 0 means the same spread; 1 means no area has both. The share of "
            "women or men that would have to change area to reach the same spread."
        ),
        dimensions=_without(SEX, TRAINING_AREA),
    ),
    Indicator(
        code="cost_per_completer",
        label_es="Costo por egresado",
        label_en="Cost per completer",
        unit="usd",
        description_es=(
            "El costo de los cursos que acaban en el año con costo conocido, dividido "
            "entre las personas que aprobaron esos mismos cursos."
        ),
        description_en=(
            "The cost of the course runs ending in the year with a known cost, divided "
            "by the people who completed those same runs."
        ),
        dimensions=(DEPARTMENT, PROGRAMME, TRAINING_AREA, MODALITY, PROVIDER),
        basis="offer",
    ),
)


def _insertion(code, label_es, label_en, unit, es, en, dimensions=DIMENSIONS):
    return Indicator(
        code=code,
        label_es=label_es,
        label_en=label_en,
        unit=unit,
        description_es=es,
        description_en=en,
        dimensions=dimensions,
        followup=True,
    )


# Labour-market insertion: the tracer cohort (Y, m) = the tracer rows of the
# wave of m months (6 unless asked) of the course runs ending in Y.
# Respondents = responded and an employment status given; working = employed or
# self-employed.
INSERTION: tuple[Indicator, ...] = (
    _insertion(
        "tracer_response_rate",
        "Tasa de respuesta del seguimiento",
        "Tracer response rate",
        "ratio",
        "Personas de la muestra que respondieron / todas las personas de la "
        "muestra del seguimiento.",
        "Sampled graduates who answered / all sampled graduates of the cohort.",
    ),
    _insertion(
        "employment_rate",
        "Tasa de empleo",
        "Employment rate",
        "ratio",
        "Personas que trabajan (empleadas o por cuenta propia) / personas que "
        "respondieron, con su intervalo de confianza del 95 % (Wilson).",
        "Respondents working (employed or self-employed) / respondents, with its "
        "95% Wilson interval.",
    ),
    _insertion(
        "unemployment_rate",
        "Tasa de desempleo",
        "Unemployment rate",
        "ratio",
        "Personas desempleadas / personas que trabajan o buscan trabajo.",
        "Unemployed / (working + unemployed), among respondents.",
    ),
    _insertion(
        "formal_share",
        "Proporción de empleo formal",
        "Share of formal jobs",
        "ratio",
        "De quienes trabajan y dijeron si su empleo es formal, la proporción con "
        "empleo formal.",
        "Working respondents with a formal job / working respondents who said.",
    ),
    _insertion(
        "job_relevance_share",
        "Proporción de empleo relacionado con la formación",
        "Share of jobs related to the training",
        "ratio",
        "De quienes trabajan y valoraron la relación de su empleo con el curso, "
        "la proporción que la valoró con 4 o 5 (de 5).",
        "Working respondents rating the job's relation to the training 4 or 5 / "
        "working respondents who rated it.",
    ),
    _insertion(
        "employment_rate_weighted",
        "Tasa de empleo ajustada",
        "Adjusted employment rate",
        "ratio",
        "La tasa de empleo corregida por quién respondió: cada programa y sexo "
        "pesa según sus egresados, no según sus respuestas. Intervalo de Wilson "
        "con el tamaño efectivo de Kish.",
        "The employment rate adjusted for who answered: each programme × sex cell "
        "weighs by its completers, not by its answers. Wilson interval on the "
        "Kish effective size.",
    ),
    _insertion(
        "weight_coverage",
        "Cobertura de la ponderación",
        "Weight coverage",
        "ratio",
        "Egresados de los programas y sexos con al menos una respuesta / todos "
        "los egresados del año: la parte de la población que la tasa ajustada "
        "representa.",
        "Completers in programme × sex cells with at least one respondent / all "
        "completers of the year.",
    ),
    _insertion(
        "formal_employment_admin",
        "Empleo formal según la seguridad social",
        "Formal employment from social-security records",
        "ratio",
        "Egresados del año con fecha de finalización que cotizan a la seguridad "
        "social en el mes de finalización + m / esos egresados.",
        "Completers of the year with a completion date who have a social-security "
        "record in the month completion + m / those completers.",
    ),
    _insertion(
        "median_months_to_first_job",
        "Mediana de meses hasta el primer empleo",
        "Median months to first job",
        "months",
        "Estimación de Kaplan–Meier entre quienes respondieron: quien aún no "
        "trabaja cuenta hasta el mes del seguimiento; vacío si la mitad no llega "
        "a emplearse.",
        "Kaplan–Meier median among respondents; those not yet working are "
        "censored at the follow-up month; null when S never reaches one half.",
    ),
    _insertion(
        "high_insertion_programmes",
        "Programas de alta inserción",
        "High-insertion programmes",
        "count",
        "Programas con al menos el mínimo de respuestas en la cohorte cuya tasa de "
        "empleo, en el extremo bajo de su intervalo, alcanza la de toda la "
        "cohorte.",
        "Programmes with at least the minimum of respondents whose employment "
        "rate's lower bound reaches the whole cohort's rate.",
        (TRAINING_AREA, MODALITY),
    ),
    _insertion(
        "women_share_high_insertion",
        "Proporción de mujeres en programas de alta inserción",
        "Share of women in high-insertion programmes",
        "ratio",
        "Matrículas de mujeres del año en programas de alta inserción / "
        "matrículas con sexo conocido en ellos.",
        "Enrolments of the year by women in high-insertion programmes / those "
        "with known sex in them.",
        _without(SEX, PROGRAMME),
    ),
    _insertion(
        "women_access_gap",
        "Brecha de acceso de las mujeres",
        "Women's access gap",
        "ratio",
        "Proporción de mujeres en programas de alta inserción − proporción de "
        "mujeres en todas las matrículas del año (negativa: llegan menos).",
        "Share of women in high-insertion programmes − share of women overall.",
        _without(SEX, PROGRAMME),
    ),
    _insertion(
        "vulnerable_share_high_insertion",
        "Proporción de personas vulnerables en programas de alta inserción",
        "Share of vulnerable trainees in high-insertion programmes",
        "ratio",
        "Matrículas del año de personas vulnerables en programas de alta "
        "inserción / matrículas en ellos.",
        "Enrolments of the year by vulnerable trainees in high-insertion "
        "programmes / enrolments in them.",
        _without(VULNERABLE, PROGRAMME),
    ),
    _insertion(
        "vulnerable_access_gap",
        "Brecha de acceso de las personas vulnerables",
        "Vulnerable trainees' access gap",
        "ratio",
        "Proporción de personas vulnerables en programas de alta inserción − su "
        "proporción en todas las matrículas del año.",
        "Share of vulnerable trainees in high-insertion programmes − their share "
        "overall.",
        _without(VULNERABLE, PROGRAMME),
    ),
)
INDICATORS = INDICATORS + INSERTION

BY_CODE: dict[str, Indicator] = {i.code: i for i in INDICATORS}


def get(code: str) -> Indicator:
    return BY_CODE[code]
