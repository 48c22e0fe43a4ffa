"""The lead institute's Strategic Plan 2023–2027 and the National Vocational
Training Policy it serves, wired to the demo's data.

The plan follows the five aims of the national system (one axis each). Most of
its indicators are computed from the registry (baseline: the demo's 2022 value,
or 2023 for the tracer-based ones, whose first cohort is 2023); the others are
reported by the planning unit with evidence and approved by the national
administrator. The demo data are much the same from year to year, so the
targets of the computed indicators are set from what the cube shows, the way a
planner would set them with the data at hand: some ambitions are met, some
almost, and where a figure went the wrong way the target stays and the
indicator is off track. The enrolments' targets are revised in 2025 after a
budget cut, so the history of revisions has something to show. Every indicator
has a narrative for 2024 and 2025.

Built after the indicator cube (`demo.indicators`): the baselines and targets
read the registry's values with `indicators.compute.compute_series`.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from semillero.accounts.models import User
from semillero.indicators.compute import compute_series
from semillero.plans import services
from semillero.plans.models import (
    Accumulation,
    Direction,
    Narrative,
    Plan,
    PlanIndicator,
    PlanKind,
    PlanStatus,
    ReportedActual,
    Source,
    TargetRevision,
    Unit,
)
from semillero.plans.progress import Status
from semillero.plans.scorecard import Scorecard
from semillero.registry.models import Organization

from .context import DemoContext

NAME = "plans"
TITLE = gettext_lazy("Strategic plans")

PLAN_NAME = "Plan Estratégico Institucional"
POLICY_NAME = "Política Nacional de Formación Profesional"
FIRST_YEAR, LAST_YEAR = 2023, 2027
# The last complete year of the demo's data: the one the plan is scored on.
SCORED_YEAR = 2025
REPORTED_YEARS = (2023, 2024, 2025)
NARRATIVE_YEARS = (2024, 2025)
PLANNER = "planificacion"

# Intended progress in SCORED_YEAR of a computed indicator whose figure moved
# the planned way: the 2025 target is set so that the change seen is this share
# of the change planned.
ON_TRACK, AT_RISK, OFF_TRACK = Decimal("1.1"), Decimal("0.85"), Decimal("0.5")

# The lines of action of the national policy.
POLICY_LINES = [
    ("L1", "Gobernanza y articulación del sistema nacional de formación profesional"),
    (
        "L2",
        "Pertinencia de la oferta formativa con las necesidades del sector productivo",
    ),
    ("L3", "Inclusión y equidad en el acceso a la formación y al empleo"),
    ("L4", "Calidad, innovación y reconocimiento de las competencias"),
]

# The five aims of the national system: axis → objectives (code, name, policy
# lines served, results).
AXES = [
    (
        "1",
        "Coordinación y cooperación entre las organizaciones del sistema nacional "
        "de formación profesional",
        [
            (
                "1.1",
                "Articular a los centros de formación, las empresas y las "
                "instituciones públicas en una red nacional de cooperación",
                ["L1"],
                [
                    (
                        "1.1.R1",
                        "Convenios de cooperación en ejecución con gremios, "
                        "municipios y organismos de cooperación",
                    )
                ],
            ),
            (
                "1.2",
                "Ampliar la cobertura territorial de la formación profesional",
                ["L1", "L3"],
                [
                    (
                        "1.2.R1",
                        "Oferta formativa en los 14 departamentos, con prioridad en "
                        "la zona oriental",
                    )
                ],
            ),
        ],
    ),
    (
        "2",
        "Servicios actualizados para las empresas y para las personas formadas",
        [
            (
                "2.1",
                "Formación pertinente que lleva al empleo",
                ["L2"],
                [],
            ),
            (
                "2.2",
                "Más personas terminan y certifican su formación",
                ["L2", "L4"],
                [
                    (
                        "2.2.R1",
                        "Formación dual ampliada con empresas formadoras acreditadas",
                    )
                ],
            ),
        ],
    ),
    (
        "3",
        "Acceso de las mujeres y de las poblaciones más vulnerables a programas con "
        "alta inserción laboral",
        [
            (
                "3.1",
                "Más mujeres en los programas que llevan al empleo",
                ["L3"],
                [
                    (
                        "3.1.R1",
                        "Becas y cuidado infantil para mujeres en carreras técnicas "
                        "de alta inserción",
                    )
                ],
            ),
            (
                "3.2",
                "Inclusión de las personas en situación de vulnerabilidad",
                ["L3"],
                [],
            ),
        ],
    ),
    (
        "4",
        "Innovación y estándares de excelencia",
        [
            (
                "4.1",
                "Cualificaciones y normas de calidad al día",
                ["L4"],
                [],
            ),
            (
                "4.2",
                "Uso eficiente de los recursos de la formación",
                ["L1", "L4"],
                [],
            ),
        ],
    ),
    (
        "5",
        "Toma de decisiones basada en datos",
        [
            (
                "5.1",
                "Decisiones del sistema informadas por evidencia sobre sus resultados",
                ["L1", "L2"],
                [],
            ),
        ],
    ),
]


@dataclass
class Spec:
    """One indicator of the plan with its technical sheet and what the demo
    needs to give it targets, actuals and narratives."""

    objective: str
    code: str
    name: str
    definition: str
    unit: str
    means_of_verification: str
    responsible_unit: str
    assumptions: str
    narratives: dict  # year -> (what happened, what will be done)
    direction: str = Direction.INCREASE
    accumulation: str = Accumulation.STOCK
    result: str = ""
    # computed
    registry_code: str = ""
    filters: dict = field(default_factory=dict)
    followup_months: int | None = None
    baseline_year: int = 2022
    intended: Decimal = ON_TRACK
    # the change a year a planner would ask for, when the data give no lead
    step: Decimal = Decimal("0.01")
    # reported
    baseline: Decimal | None = None
    targets: dict = field(default_factory=dict)
    # year -> (value, note, approved)
    actuals: dict = field(default_factory=dict)
    evidence: str = ""

    @property
    def computed(self) -> bool:
        return bool(self.registry_code)


def D(value) -> Decimal:  # noqa: N802 - reads like the literal it stands for
    return Decimal(str(value))


SPECS = [
    # -- 1. Coordination and cooperation -------------------------------------------
    Spec(
        objective="1.1",
        result="1.1.R1",
        code="1.1.1",
        name="Convenios de cooperación vigentes",
        definition=(
            "Número de convenios de cooperación del instituto vigentes al 31 de "
            "diciembre (con gremios empresariales, alcaldías, instituciones "
            "públicas y organismos de cooperación), con plan de trabajo en "
            "ejecución."
        ),
        unit=Unit.COUNT,
        accumulation=Accumulation.STOCK,
        means_of_verification=(
            "Registro de convenios de la Gerencia de Cooperación y Alianzas; "
            "convenios firmados y actas de seguimiento."
        ),
        responsible_unit="Gerencia de Cooperación y Alianzas",
        assumptions=(
            "Los gremios y las alcaldías mantienen su interés en cofinanciar la "
            "formación; la cooperación internacional sostiene sus programas en el "
            "país."
        ),
        baseline=D(24),
        targets={2023: 28, 2024: 32, 2025: 36, 2026: 40, 2027: 44},
        actuals={
            2023: (
                27,
                "Listado de convenios vigentes al 31 de diciembre de 2023.",
                True,
            ),
            2024: (
                33,
                "Listado de convenios vigentes al 31 de diciembre de 2024.",
                True,
            ),
            2025: (
                37,
                "Listado de convenios vigentes al 31 de diciembre de 2025.",
                True,
            ),
            2026: (
                39,
                "Convenios vigentes al cierre del tercer trimestre de 2026.",
                False,
            ),
        },
        evidence="convenios-vigentes",
        narratives={
            2024: (
                "Se firmaron convenios con la Cámara Salvadoreña de la Industria de "
                "la Construcción y con seis alcaldías de la zona oriental; dos "
                "convenios con organismos de cooperación terminaron sin renovarse.",
                "Negociar la renovación del convenio de formación dual con la "
                "Asociación Salvadoreña de Industriales y formalizar las mesas "
                "sectoriales de turismo y logística.",
            ),
            2025: (
                "Se renovó el convenio de formación dual con la industria y se "
                "sumaron las mesas sectoriales de turismo y logística; cada "
                "convenio tiene ahora un plan de trabajo con metas de matrícula.",
                "Revisar en el primer trimestre los convenios sin actividad en el "
                "año y darlos por terminados si no tienen plan de trabajo.",
            ),
        },
    ),
    Spec(
        objective="1.2",
        code="1.2.1",
        name="Matrículas acumuladas en la formación profesional",
        definition=(
            "Matrículas en cursos que empiezan en el año, sumadas desde 2023. Una "
            "persona matriculada en dos cursos cuenta dos veces. Línea de base: 0 "
            "al inicio del plan (el acumulado empieza en 2023)."
        ),
        unit=Unit.COUNT,
        accumulation=Accumulation.CUMULATIVE,
        registry_code="enrolments",
        baseline_year=2022,
        means_of_verification=(
            "Semillero: indicador «Matrículas» del registro, con las matrículas que "
            "cargan los centros de formación; informe anual de gestión."
        ),
        responsible_unit="Gerencia de Planificación y Estadística",
        assumptions=(
            "El presupuesto de la formación se mantiene en términos reales; los "
            "centros cargan sus matrículas a tiempo."
        ),
        narratives={
            2024: (
                "La matrícula creció con los cursos de formación continua "
                "solicitados por las empresas; la formación inicial se mantuvo por "
                "falta de instructores en mecánica y electricidad.",
                "Contratar instructores para los centros de Santa Ana y San Miguel y "
                "abrir grupos en horario nocturno.",
            ),
            2025: (
                "El recorte presupuestario de 2025 redujo los cursos financiados de "
                "formación inicial; las metas se revisaron en julio y la matrícula "
                "del año se sostuvo con cursos cofinanciados por las empresas.",
                "Presentar al Consejo Directivo la propuesta de presupuesto 2026 con "
                "la recuperación de los cursos de formación inicial.",
            ),
        },
    ),
    Spec(
        objective="1.2",
        result="1.2.R1",
        code="1.2.2",
        name="Cobertura por cada 1 000 habitantes",
        definition=(
            "Personas distintas con al menos una matrícula en el año, residentes en "
            "el país, por cada 1 000 habitantes (población de referencia del año)."
        ),
        unit=Unit.PER_1000,
        registry_code="coverage_per_1000",
        intended=ON_TRACK,
        step=D("0.15"),
        means_of_verification=(
            "Semillero: indicador «Cobertura por cada 1 000 habitantes», con la "
            "población de referencia del censo 2024."
        ),
        responsible_unit="Gerencia de Planificación y Estadística",
        assumptions="La población de referencia se actualiza con el censo 2024.",
        narratives={
            2024: (
                "Llegaron a la formación más personas que en 2023; ayudaron los "
                "cursos cortos en línea de informática y administración.",
                "Ampliar la oferta en línea a idiomas y comercio, y medir cuántas "
                "personas vuelven a matricularse.",
            ),
            2025: (
                "La cobertura siguió creciendo; las personas que repiten curso en el "
                "mismo año pesan menos porque se priorizó a quien se forma por "
                "primera vez.",
                "Mantener la prioridad para quien no ha recibido formación y "
                "publicar la cobertura por municipio en el tablero.",
            ),
        },
    ),
    Spec(
        objective="1.2",
        result="1.2.R1",
        code="1.2.3",
        name="Cobertura en Morazán por cada 1 000 habitantes",
        definition=(
            "Personas distintas residentes en Morazán con al menos una matrícula en "
            "el año, por cada 1 000 habitantes del departamento."
        ),
        unit=Unit.PER_1000,
        registry_code="coverage_per_1000",
        filters={"department": "SV-MO"},
        intended=AT_RISK,
        step=D("0.15"),
        means_of_verification=(
            "Semillero: indicador «Cobertura por cada 1 000 habitantes» filtrado "
            "por el departamento de residencia Morazán."
        ),
        responsible_unit="Oficina Regional de Oriente",
        assumptions=(
            "Las alcaldías de Morazán ceden locales para los cursos móviles; el "
            "transporte público permite llegar a los centros de San Miguel."
        ),
        narratives={
            2024: (
                "Las unidades móviles dieron cursos de electricidad y belleza en "
                "nueve municipios del norte de Morazán con locales prestados por "
                "las alcaldías.",
                "Abrir un aula permanente en San Francisco Gotera con el convenio "
                "firmado con la alcaldía.",
            ),
            2025: (
                "El aula de San Francisco Gotera abrió en el segundo semestre, más "
                "tarde de lo previsto por la adecuación del local; las unidades "
                "móviles cubrieron menos municipios.",
                "Programar en el aula de Gotera una oferta anual completa y "
                "devolver las unidades móviles a los municipios del norte.",
            ),
        },
    ),
    # -- 2. Updated services ----------------------------------------------------------
    Spec(
        objective="2.1",
        code="2.1.1",
        name="Tasa de empleo de las personas egresadas a los 6 meses",
        definition=(
            "Proporción de personas egresadas que trabajan (con empleo o por "
            "cuenta propia) seis meses después de terminar, ajustada por quién "
            "respondió: cada programa y sexo pesa según sus egresados."
        ),
        unit=Unit.RATIO,
        registry_code="employment_rate_weighted",
        followup_months=6,
        baseline_year=2023,
        intended=AT_RISK,
        means_of_verification=(
            "Semillero: indicador «Tasa de empleo ajustada» del estudio de "
            "seguimiento de egresados a los 6 meses."
        ),
        responsible_unit="Unidad de Seguimiento de Egresados",
        assumptions=(
            "El mercado laboral mantiene su ritmo de contratación; la tasa de "
            "respuesta del seguimiento no baja del 60 %."
        ),
        narratives={
            2024: (
                "La cohorte 2024 encontró empleo en mayor proporción en la "
                "formación dual y en logística; en belleza y confección predominó "
                "el trabajo por cuenta propia.",
                "Reforzar la intermediación laboral con la bolsa de empleo del "
                "Ministerio de Trabajo para las carreras de formación inicial.",
            ),
            2025: (
                "El dato de la cohorte 2025 es preliminar: el estudio de "
                "seguimiento sigue en campo y aún faltan respuestas de las "
                "carreras largas.",
                "Cerrar el trabajo de campo en el primer trimestre y ajustar la "
                "oferta de los programas con menor inserción.",
            ),
        },
    ),
    Spec(
        objective="2.2",
        code="2.2.1",
        name="Tasa de finalización",
        definition=(
            "De quienes terminaron su paso por un curso que acaba en el año "
            "(aprobaron, se certificaron o desertaron), la proporción que lo "
            "aprobó o se certificó."
        ),
        unit=Unit.RATIO,
        registry_code="completion_rate",
        intended=ON_TRACK,
        step=D("0.003"),
        means_of_verification=(
            "Semillero: indicador «Tasa de finalización» del registro, con el "
            "estado final de cada matrícula cargado por los centros."
        ),
        responsible_unit="Gerencia de Formación Inicial",
        assumptions=(
            "Los centros registran las deserciones en el mes en que ocurren; la "
            "ayuda de transporte se mantiene."
        ),
        narratives={
            2024: (
                "Se extendió la ayuda de transporte a los cursos largos de los "
                "centros del interior; la deserción siguió concentrada en las "
                "primeras cuatro semanas.",
                "Aplicar la alerta temprana de inasistencia en todos los centros "
                "acreditados.",
            ),
            2025: (
                "La alerta temprana funcionó en 120 centros: los facilitadores "
                "llamaron a quienes faltaron dos sesiones seguidas.",
                "Extender la alerta a los cursos en línea y evaluar su efecto con "
                "los datos de 2026.",
            ),
        },
    ),
    Spec(
        objective="2.2",
        result="2.2.R1",
        code="2.2.2",
        name="Tasa de finalización en la formación dual",
        definition=(
            "Tasa de finalización de los cursos de la modalidad dual (empresa y "
            "centro de formación) que acaban en el año."
        ),
        unit=Unit.RATIO,
        registry_code="completion_rate",
        filters={"modality": "dual"},
        intended=AT_RISK,
        step=D("0.003"),
        means_of_verification=(
            "Semillero: indicador «Tasa de finalización» filtrado por la modalidad "
            "dual."
        ),
        responsible_unit="Unidad de Formación Dual",
        assumptions=(
            "Las empresas formadoras mantienen los puestos de aprendizaje durante "
            "toda la carrera."
        ),
        narratives={
            2024: (
                "Tres empresas formadoras del sector textil cerraron líneas de "
                "producción y sus aprendices se reubicaron en otras empresas.",
                "Crear una reserva de empresas formadoras acreditadas para reubicar "
                "aprendices sin perder el ciclo.",
            ),
            2025: (
                "La reserva de empresas formadoras permitió reubicar a los "
                "aprendices afectados; la deserción en el primer semestre bajó.",
                "Acreditar 25 empresas formadoras nuevas en logística y agroindustria.",
            ),
        },
    ),
    Spec(
        objective="2.2",
        code="2.2.3",
        name="Tasa de certificación",
        definition=(
            "De las personas que aprobaron un curso que acaba en el año, la "
            "proporción que además obtuvo su certificación."
        ),
        unit=Unit.RATIO,
        registry_code="certification_rate",
        intended=ON_TRACK,
        step=D("0.005"),
        means_of_verification=(
            "Semillero: indicador «Tasa de certificación» del registro; actas de "
            "evaluación de competencias."
        ),
        responsible_unit="Unidad de Certificación de Competencias",
        assumptions=(
            "Hay evaluadores acreditados suficientes en cada área de formación."
        ),
        narratives={
            2024: (
                "Las evaluaciones de competencias se atrasaron en soldadura y "
                "mecánica automotriz por falta de evaluadores acreditados.",
                "Formar y acreditar 40 evaluadores nuevos con el apoyo de los gremios.",
            ),
            2025: (
                "Se acreditaron 38 evaluadores y se programaron jornadas de "
                "evaluación al final de cada curso largo.",
                "Incluir la evaluación de certificación en el calendario de cada "
                "curso desde su apertura.",
            ),
        },
    ),
    # -- 3. Access of women and the most vulnerable ------------------------------------
    Spec(
        objective="3.1",
        result="3.1.R1",
        code="3.1.1",
        name="Proporción de mujeres en programas de alta inserción",
        definition=(
            "Matrículas de mujeres del año en programas de alta inserción (los que "
            "emplean a sus egresados seis meses después tanto o más que el "
            "conjunto) / matrículas con sexo conocido en esos programas."
        ),
        unit=Unit.RATIO,
        registry_code="women_share_high_insertion",
        followup_months=6,
        baseline_year=2023,
        intended=AT_RISK,
        means_of_verification=(
            "Semillero: indicador «Proporción de mujeres en programas de alta "
            "inserción», con el seguimiento de egresados a los 6 meses."
        ),
        responsible_unit="Unidad de Género e Inclusión",
        assumptions=(
            "El conjunto de programas de alta inserción cambia cada año con el "
            "seguimiento; la línea de base de 2023 descansa en pocos programas."
        ),
        narratives={
            2024: (
                "Se otorgaron becas con cuidado infantil para mujeres en "
                "logística, informática y electricidad; la convocatoria llegó "
                "sobre todo a San Salvador y La Libertad.",
                "Llevar la convocatoria de becas a los centros del interior con "
                "las oficinas municipales de la mujer.",
            ),
            2025: (
                "Las oficinas municipales de la mujer difundieron las becas en "
                "40 municipios; el cuidado infantil se ofreció en 12 centros.",
                "Ampliar el cuidado infantil a los centros de la zona oriental y "
                "medir cuántas becarias terminan y consiguen empleo.",
            ),
        },
    ),
    Spec(
        objective="3.1",
        result="3.1.R1",
        code="3.1.2",
        name="Participación de mujeres en Electricidad",
        definition=(
            "Matrículas de mujeres del año en el área de Electricidad / matrículas "
            "con sexo conocido en esa área."
        ),
        unit=Unit.RATIO,
        registry_code="women_share",
        filters={"training_area": "ELE"},
        intended=ON_TRACK,
        step=D("0.01"),
        means_of_verification=(
            "Semillero: indicador «Proporción de mujeres» filtrado por el área de "
            "formación Electricidad."
        ),
        responsible_unit="Unidad de Género e Inclusión",
        assumptions=(
            "Las empresas del sector eléctrico contratan a las egresadas; las "
            "instalaciones de los centros tienen vestidores para mujeres."
        ),
        narratives={
            2024: (
                "Se lanzó la campaña «Ellas también electrifican» en redes sociales "
                "y en 30 institutos de bachillerato técnico.",
                "Sumar a la campaña a las distribuidoras eléctricas con pasantías "
                "para las egresadas.",
            ),
            2025: (
                "Las distribuidoras ofrecieron 60 pasantías para egresadas; la "
                "matrícula de mujeres en el área sigue lejos de la meta.",
                "Abrir grupos solo de mujeres en horario compatible con el cuidado "
                "y revisar con el área por qué desertan en el primer mes.",
            ),
        },
    ),
    Spec(
        objective="3.1",
        code="3.1.3",
        name="Índice de paridad de género en el acceso",
        definition=(
            "(Mujeres formadas en el año / población femenina) / (hombres formados "
            "en el año / población masculina). 1 es la paridad; menos de 1, las "
            "mujeres llegan menos."
        ),
        unit=Unit.INDEX,
        registry_code="gender_parity_index",
        intended=ON_TRACK,
        step=D("0.01"),
        means_of_verification=(
            "Semillero: indicador «Índice de paridad de género», con la población "
            "de referencia por sexo."
        ),
        responsible_unit="Unidad de Género e Inclusión",
        assumptions="La población de referencia por sexo se actualiza cada año.",
        narratives={
            2024: (
                "Crecieron los cursos de formación continua para empresas de la "
                "construcción y la metalmecánica, con pocas mujeres en sus "
                "plantillas.",
                "Pedir a las empresas que soliciten cursos una participación "
                "mínima de mujeres cuando su personal lo permita.",
            ),
            2025: (
                "La cláusula de participación de mujeres se incluyó en los "
                "convenios nuevos, pero no en las solicitudes de formación "
                "continua, que siguieron creciendo.",
                "Llevar la cláusula a las solicitudes de formación continua "
                "financiadas con la contribución de las empresas.",
            ),
        },
    ),
    Spec(
        objective="3.2",
        code="3.2.1",
        name="Proporción de matrículas de personas en situación de vulnerabilidad",
        definition=(
            "Matrículas del año de personas con discapacidad, retornadas, "
            "residentes en zona rural o de bajos ingresos / matrículas del año."
        ),
        unit=Unit.RATIO,
        registry_code="vulnerable_share",
        intended=AT_RISK,
        step=D("0.01"),
        means_of_verification=(
            "Semillero: indicador «Proporción de personas vulnerables», con las "
            "condiciones declaradas en la ficha de inscripción."
        ),
        responsible_unit="Unidad de Género e Inclusión",
        assumptions=(
            "Las personas declaran su condición en la inscripción; el programa de "
            "becas para población rural mantiene su financiamiento."
        ),
        narratives={
            2024: (
                "El programa de atención a personas retornadas con la Dirección de "
                "Migración derivó participantes a cursos de hostelería y "
                "construcción.",
                "Adaptar dos centros a la accesibilidad de personas con "
                "discapacidad motriz.",
            ),
            2025: (
                "El recorte presupuestario suspendió las becas de transporte para "
                "la población rural durante el segundo semestre.",
                "Restablecer las becas de transporte con fondos de cooperación y "
                "priorizar los municipios rurales de Cabañas y Chalatenango.",
            ),
        },
    ),
    # -- 4. Innovation and excellence ---------------------------------------------------
    Spec(
        objective="4.1",
        code="4.1.1",
        name="Sistema nacional de cualificaciones aprobado",
        definition=(
            "El marco nacional de cualificaciones para la formación profesional, "
            "con sus niveles y sectores, aprobado por el Consejo Directivo (1) o "
            "no (0)."
        ),
        unit=Unit.MILESTONE,
        accumulation=Accumulation.MILESTONE,
        means_of_verification=(
            "Acuerdo del Consejo Directivo que aprueba el marco nacional de "
            "cualificaciones, publicado en el sitio del instituto."
        ),
        responsible_unit="Unidad de Calidad y Normalización",
        assumptions=(
            "Los gremios y el Ministerio de Educación validan los niveles en la "
            "consulta pública."
        ),
        baseline=D(0),
        targets={2023: 0, 2024: 0, 2025: 1, 2026: 1, 2027: 1},
        actuals={
            2023: (
                0,
                "Diseño de los niveles en curso con la asistencia técnica.",
                True,
            ),
            2024: (0, "Borrador del marco en consulta con los gremios.", True),
            2025: (0, "Consulta pública cerrada; aprobación pendiente.", True),
            2026: (1, "Acuerdo del Consejo Directivo de marzo de 2026.", True),
        },
        evidence="acta-cualificaciones",
        narratives={
            2024: (
                "Se terminó el borrador del marco con ocho niveles y seis sectores "
                "prioritarios, con la asistencia técnica de la OIT/Cinterfor.",
                "Abrir la consulta pública con los gremios, el Ministerio de "
                "Educación y las organizaciones de trabajadores.",
            ),
            2025: (
                "La consulta pública recibió 210 observaciones y se extendió dos "
                "meses a pedido de los gremios; el Consejo no llegó a aprobarlo en "
                "2025.",
                "Presentar el marco ajustado al Consejo Directivo en su sesión de "
                "marzo de 2026.",
            ),
        },
    ),
    Spec(
        objective="4.1",
        code="4.1.2",
        name="Normas de calidad actualizadas",
        definition=(
            "Normas técnicas de competencia laboral y normas de calidad de los "
            "centros actualizadas y publicadas, sumadas desde 2023."
        ),
        unit=Unit.COUNT,
        accumulation=Accumulation.CUMULATIVE,
        means_of_verification=(
            "Listado de normas publicadas de la Unidad de Calidad y "
            "Normalización, con el acta de validación de cada una."
        ),
        responsible_unit="Unidad de Calidad y Normalización",
        assumptions=(
            "Las mesas sectoriales se reúnen para validar las normas; hay "
            "expertos técnicos disponibles en cada sector."
        ),
        baseline=D(0),
        targets={2023: 10, 2024: 25, 2025: 45, 2026: 65, 2027: 80},
        actuals={
            2023: (12, "Normas validadas y publicadas en 2023.", True),
            2024: (14, "Normas validadas y publicadas en 2024.", True),
            2025: (12, "Normas validadas y publicadas en 2025.", True),
        },
        evidence="normas-publicadas",
        narratives={
            2024: (
                "Se actualizaron las normas de soldadura, refrigeración y cocina "
                "con las mesas sectoriales de la industria y el turismo.",
                "Empezar las normas de logística y energías renovables, que no "
                "tenían norma vigente.",
            ),
            2025: (
                "Las mesas de logística y energías renovables se reunieron menos "
                "de lo previsto y sus normas quedaron en validación.",
                "Contratar dos especialistas en normalización y fijar un "
                "calendario trimestral con cada mesa.",
            ),
        },
    ),
    Spec(
        objective="4.2",
        code="4.2.1",
        name="Costo por persona egresada",
        definition=(
            "Costo de los cursos que acaban en el año con costo conocido / personas "
            "que aprobaron esos mismos cursos, en dólares corrientes."
        ),
        unit=Unit.USD,
        direction=Direction.DECREASE,
        registry_code="cost_per_completer",
        intended=AT_RISK,
        step=D("10"),
        means_of_verification=(
            "Semillero: indicador «Costo por persona egresada», con el costo que "
            "cargan los centros por curso; liquidaciones financieras."
        ),
        responsible_unit="Gerencia Financiera",
        assumptions=(
            "La inflación se mantiene por debajo del 4 % anual; los centros "
            "cargan el costo de todos sus cursos."
        ),
        narratives={
            2024: (
                "Subieron los costos de materiales de soldadura y electricidad; se "
                "negociaron compras consolidadas para los centros propios.",
                "Extender las compras consolidadas a los centros colaboradores y "
                "revisar el costo de los cursos con menos de 10 egresados.",
            ),
            2025: (
                "Los grupos pequeños de la zona rural elevaron el costo por "
                "egresado; las compras consolidadas ahorraron en materiales.",
                "Fijar un mínimo de 12 participantes por grupo salvo en los cursos "
                "para población rural, que se financian aparte.",
            ),
        },
    ),
    # -- 5. Data-driven decisions -------------------------------------------------------
    Spec(
        objective="5.1",
        code="5.1.1",
        name="Decisiones del Consejo Directivo basadas en el tablero",
        definition=(
            "Acuerdos del Consejo Directivo en el año que citan como fundamento un "
            "indicador del tablero de Semillero."
        ),
        unit=Unit.COUNT,
        accumulation=Accumulation.FLOW,
        means_of_verification=(
            "Actas del Consejo Directivo; la Secretaría del Consejo marca los "
            "acuerdos que citan un indicador del tablero."
        ),
        responsible_unit="Secretaría del Consejo Directivo",
        assumptions=(
            "El tablero se actualiza antes de cada sesión; los consejeros reciben "
            "el informe con una semana de anticipación."
        ),
        baseline=D(2),
        targets={2023: 4, 2024: 6, 2025: 8, 2026: 10, 2027: 12},
        actuals={
            2023: (3, "Acuerdos de las sesiones de 2023 que citan el tablero.", True),
            2024: (6, "Acuerdos de las sesiones de 2024 que citan el tablero.", True),
            2025: (9, "Acuerdos de las sesiones de 2025 que citan el tablero.", True),
        },
        evidence="acta-consejo",
        narratives={
            2024: (
                "El Consejo usó la tasa de finalización por centro para renovar "
                "las acreditaciones y la cobertura por departamento para abrir "
                "la oficina regional de oriente.",
                "Incluir el informe del cuadro de mando del plan en el orden del "
                "día de cada sesión trimestral.",
            ),
            2025: (
                "La revisión de metas de julio y el cierre de dos programas de "
                "baja inserción se acordaron con los datos del tablero.",
                "Publicar los acuerdos con sus indicadores en el sitio del instituto.",
            ),
        },
    ),
    Spec(
        objective="5.1",
        code="5.1.2",
        name="Tasa de respuesta del seguimiento de egresados",
        definition=(
            "Personas egresadas de la muestra que respondieron el seguimiento a "
            "los 6 meses / todas las personas de la muestra."
        ),
        unit=Unit.RATIO,
        registry_code="tracer_response_rate",
        followup_months=6,
        baseline_year=2023,
        intended=ON_TRACK,
        means_of_verification=(
            "Semillero: indicador «Tasa de respuesta del seguimiento» del estudio "
            "de seguimiento de egresados a los 6 meses."
        ),
        responsible_unit="Unidad de Seguimiento de Egresados",
        assumptions=(
            "Las personas egresadas mantienen su número de teléfono; el envío de "
            "enlaces por mensaje de texto sigue siendo gratuito."
        ),
        narratives={
            2024: (
                "Se combinó el cuestionario en línea con llamadas a quienes no "
                "abrieron el enlace en dos semanas.",
                "Pedir a los centros que confirmen el teléfono de cada persona al "
                "terminar el curso.",
            ),
            2025: (
                "El estudio de la cohorte 2025 sigue en campo: el dato es parcial "
                "y subirá con los recordatorios y las llamadas pendientes.",
                "Terminar las llamadas en el primer trimestre y publicar la tasa "
                "final con el informe de inserción.",
            ),
        },
    ),
    Spec(
        objective="5.1",
        code="5.1.3",
        name="Empleo formal de las personas egresadas según la seguridad social",
        definition=(
            "Personas egresadas del año con fecha de finalización que cotizan a la "
            "seguridad social seis meses después de terminar / esas personas. Se "
            "obtiene cruzando el registro con las planillas del ISSS, sin encuesta."
        ),
        unit=Unit.RATIO,
        registry_code="formal_employment_admin",
        followup_months=6,
        baseline_year=2023,
        intended=ON_TRACK,
        means_of_verification=(
            "Semillero: indicador «Empleo formal según la seguridad social», con "
            "las planillas mensuales que entrega el ISSS."
        ),
        responsible_unit="Gerencia de Planificación y Estadística",
        assumptions=(
            "El ISSS entrega las planillas cada trimestre según el convenio de "
            "intercambio de datos."
        ),
        narratives={
            2024: (
                "Se firmó el convenio de intercambio de datos con el ISSS y se "
                "cargaron las planillas de 2023 y 2024.",
                "Automatizar la carga trimestral de las planillas.",
            ),
            2025: (
                "El ISSS aún no entrega las planillas de los meses en que la "
                "cohorte 2025 cumple seis meses de egresada: el dato del año no es "
                "todavía comparable.",
                "Solicitar al ISSS la entrega de las planillas de 2026 y "
                "recalcular el indicador al recibirlas.",
            ),
        },
    ),
]

# The enrolments' targets: growth a year over 2022 planned in 2023, and after
# the budget cut of 2025 (on the 2024 actual) for 2025–2027.
ENROLMENT_GROWTH = Decimal("0.08")
REVISED_GROWTH = {2025: Decimal("0.01"), 2026: Decimal("0.04"), 2027: Decimal("0.08")}
REVISION_REASON = (
    "El presupuesto de 2025 se redujo un 12 % con el ajuste fiscal y se "
    "financiaron menos cursos de formación inicial. Se ajustan las metas de 2025 "
    "a 2027 a la capacidad financiada (acuerdo del Consejo Directivo, sesión "
    "ordinaria de julio de 2025)."
)
REVISION_DATE = datetime.date(2025, 7, 17)
PLAN_APPROVED = datetime.date(2023, 1, 20)


class ExistingPlans(Exception):
    pass


def check() -> None:
    """Never mixed with plans the demo did not make."""
    if Plan.objects.exists():
        raise ExistingPlans(str(Plan._meta.verbose_name_plural))


def describe(counts: dict[str, int]) -> str:
    return _(
        "%(plans)s plans: a strategic plan %(first)s–%(last)s with %(indicators)s "
        "indicators (in %(year)s: %(on_track)s on track, %(at_risk)s at risk, "
        "%(off_track)s off track, %(no_data)s without data) and the national "
        "vocational training policy with %(lines)s lines of action"
    ) % {
        "plans": counts.get("plans", 0),
        "first": FIRST_YEAR,
        "last": LAST_YEAR,
        "indicators": counts.get("indicators", 0),
        "year": SCORED_YEAR,
        "on_track": counts.get(Status.ON_TRACK, 0),
        "at_risk": counts.get(Status.AT_RISK, 0),
        "off_track": counts.get(Status.OFF_TRACK, 0),
        "no_data": counts.get(Status.NO_DATA, 0),
        "lines": counts.get("policy_lines", 0),
    }


def generate(ctx: DemoContext) -> dict[str, int]:
    institute = Organization.objects.get(is_lead_institute=True)
    admin = User.objects.get(username="admin")
    # The planning unit's account (demo.accounts) enters the reported actuals.
    planner = User.objects.get(username=PLANNER)

    policy = services.create_plan(
        user=admin,
        name=POLICY_NAME,
        kind=PlanKind.POLICY,
        start_year=2023,
        end_year=2032,
        institute=institute,
    )
    lines = {
        code: services.add_axis(policy, user=admin, code=code, name=name)
        for code, name in POLICY_LINES
    }
    services.set_plan_status(policy, PlanStatus.ACTIVE, user=admin)

    plan = services.create_plan(
        user=admin,
        name=PLAN_NAME,
        start_year=FIRST_YEAR,
        end_year=LAST_YEAR,
        institute=institute,
    )
    objectives, results = {}, {}
    for axis_code, axis_name, axis_objectives in AXES:
        axis = services.add_axis(plan, user=admin, code=axis_code, name=axis_name)
        for code, name, served, axis_results in axis_objectives:
            objectives[code] = services.add_objective(
                axis,
                user=admin,
                code=code,
                name=name,
                policy_axes=[lines[c] for c in served],
            )
            for result_code, result_name in axis_results:
                results[result_code] = services.add_result(
                    objectives[code], user=admin, code=result_code, name=result_name
                )

    indicators = {}
    for spec in SPECS:
        indicators[spec.code] = _indicator(spec, objectives, results, admin)
    _date_revisions(plan)
    services.set_plan_status(plan, PlanStatus.ACTIVE, user=admin)

    actuals = 0
    for spec in SPECS:
        if not spec.computed:
            actuals += _report(spec, indicators[spec.code], planner, admin)

    rows = {year: _scorecard_rows(plan, year) for year in NARRATIVE_YEARS}
    for spec in SPECS:
        for year in NARRATIVE_YEARS:
            _narrative(
                spec, indicators[spec.code], year, rows[year][spec.code], planner
            )
    Plan.objects.filter(pk__in=[plan.pk, policy.pk]).update(
        created_at=_moment(PLAN_APPROVED)
    )

    statuses = {s: 0 for s in Status}
    for row in rows[SCORED_YEAR].values():
        statuses[row.status] += 1
    return {
        "plans": 2,
        "axes": len(AXES),
        "policy_lines": len(POLICY_LINES),
        "objectives": len(objectives),
        "indicators": len(indicators),
        "revisions": TargetRevision.objects.filter(
            indicator__objective__axis__plan=plan
        ).count(),
        "reported_actuals": actuals,
        "narratives": Narrative.objects.filter(
            indicator__objective__axis__plan=plan
        ).count(),
        **{str(s): n for s, n in statuses.items()},
    }


# -- indicators and targets -------------------------------------------------------------


def _series(spec: Spec) -> dict[int, Decimal]:
    rows = compute_series(
        spec.registry_code,
        range(2022, SCORED_YEAR + 1),
        filters=spec.filters,
        followup=spec.followup_months or 6,
    )
    return {r["year"]: D(r["value"]) for r in rows if r["value"] is not None}


QUANTUM = {
    Unit.RATIO: Decimal("0.001"),
    Unit.INDEX: Decimal("0.001"),
    Unit.PER_1000: Decimal("0.01"),
    Unit.USD: Decimal("1"),
    Unit.COUNT: Decimal("1"),
}


def _round(value: Decimal, unit: str) -> Decimal:
    return value.quantize(QUANTUM.get(unit, Decimal("0.001")), rounding=ROUND_HALF_UP)


def _baseline(spec: Spec, series: dict[int, Decimal]) -> tuple[int, Decimal]:
    """The baseline year's value, or the next year's when it has none."""
    for year in (spec.baseline_year, spec.baseline_year + 1):
        if year in series:
            return year, _round(series[year], spec.unit)
    return spec.baseline_year, Decimal(0)


def _computed_targets(spec: Spec, series) -> tuple[int, Decimal, dict[int, Decimal]]:
    """Baseline and yearly targets on a straight line from the baseline.

    The planned change to SCORED_YEAR is the change the data show divided by the
    progress intended for the indicator; when the figure did not move the
    planned way (by at least one year's `step`), the plan asks for `step` a year
    and the indicator is, honestly, off track."""
    year0, baseline = _baseline(spec, series)
    sign = 1 if spec.direction == Direction.INCREASE else -1
    seen = series.get(SCORED_YEAR)
    years_to_score = SCORED_YEAR - year0
    if seen is not None and sign * (seen - baseline) >= spec.step:
        planned = (seen - baseline) / spec.intended
    else:
        planned = sign * spec.step * years_to_score
    per_year = planned / years_to_score
    # After the scored year the plan asks for no more than `step` a year: a
    # baseline resting on little data (a first tracer cohort) would otherwise
    # carry the line past what can be reached.
    later = sign * min(abs(per_year), spec.step)
    targets = {}
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        value = baseline + per_year * (min(year, SCORED_YEAR) - year0)
        value += later * max(0, year - SCORED_YEAR)
        targets[year] = _round(value, spec.unit)
    return year0, baseline, targets


def _round_count(value: Decimal) -> Decimal:
    """Planned enrolments are round numbers: hundreds, or tens at small scale."""
    unit = Decimal(100) if value >= 10_000 else Decimal(10)
    return (value / unit).quantize(Decimal(1), rounding=ROUND_HALF_UP) * unit


def _enrolment_targets(series) -> tuple[dict[int, Decimal], dict[int, Decimal]]:
    """Cumulative targets from 2023: first those of the plan, then those revised
    in 2025 over the actuals of 2023 and 2024."""
    base = series.get(2022, Decimal(0))
    first, total = {}, Decimal(0)
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        total += base * (1 + ENROLMENT_GROWTH) ** (year - 2022)
        first[year] = _round_count(total)
    revised = {year: first[year] for year in (2023, 2024)}
    last = series.get(2024, base)
    total = series.get(2023, Decimal(0)) + last
    for year in range(2025, LAST_YEAR + 1):
        total += last * (1 + REVISED_GROWTH[year])
        revised[year] = _round_count(total)
    return first, revised


def _indicator(spec: Spec, objectives, results, admin) -> PlanIndicator:
    revised = None
    if spec.registry_code == "enrolments":
        series = _series(spec)
        year0, baseline = 2022, Decimal(0)
        targets, revised = _enrolment_targets(series)
    elif spec.computed:
        year0, baseline, targets = _computed_targets(spec, _series(spec))
    else:
        year0, baseline = 2022, spec.baseline
        targets = {y: D(v) for y, v in spec.targets.items()}
    indicator = services.save_indicator(
        PlanIndicator(
            objective=objectives[spec.objective],
            result=results.get(spec.result),
            code=spec.code,
            name=spec.name,
            definition=spec.definition,
            unit=spec.unit,
            direction=spec.direction,
            accumulation=spec.accumulation,
            means_of_verification=spec.means_of_verification,
            responsible_unit=spec.responsible_unit,
            assumptions=spec.assumptions,
            source=Source.COMPUTED if spec.computed else Source.REPORTED,
            registry_code=spec.registry_code,
            filters=spec.filters,
            followup_months=spec.followup_months,
            baseline_year=year0,
            baseline_value=baseline,
        ),
        user=admin,
        targets=targets,
    )
    if revised is not None:
        services.revise_targets(
            indicator, user=admin, targets=revised, reason=REVISION_REASON
        )
    return indicator


def _date_revisions(plan) -> None:
    """The plan's targets date from its approval, the revision from July 2025."""
    revisions = TargetRevision.objects.filter(indicator__objective__axis__plan=plan)
    revisions.filter(number=1).update(created_at=_moment(PLAN_APPROVED))
    revisions.filter(number__gt=1).update(created_at=_moment(REVISION_DATE))


# -- reported actuals and narratives ----------------------------------------------------


def _report(spec: Spec, indicator, planner, admin) -> int:
    """Each year's actual entered by the planner with its evidence in the
    following January and approved by the administrator in February; the
    agreements in force of the year in course await approval."""
    for year, (value, note, approved) in sorted(spec.actuals.items()):
        actual = services.report_actual(
            indicator,
            user=planner,
            year=year,
            value=D(value),
            evidence=ContentFile(
                _evidence_pdf(spec, year, value, note),
                name=f"{spec.evidence}-{year}.pdf",
            ),
            note=note,
        )
        entered, reviewed = _report_dates(year, approved)
        fields = {"entered_at": _moment(entered)}
        if approved:
            services.review_actual(
                actual, user=admin, approve=True, note="Verificado con la evidencia."
            )
            fields["reviewed_at"] = _moment(reviewed)
        ReportedActual.objects.filter(pk=actual.pk).update(**fields)
    return len(spec.actuals)


def _report_dates(year: int, approved: bool) -> tuple[datetime.date, datetime.date]:
    """A closed year is reported in January and approved in February; in the
    year in course, the milestone reached in March was approved in April and
    the agreements in force were entered in October."""
    if year <= SCORED_YEAR:
        return datetime.date(year + 1, 1, 22), datetime.date(year + 1, 2, 12)
    if approved:
        return datetime.date(year, 3, 30), datetime.date(year, 4, 6)
    return datetime.date(year, 10, 8), datetime.date(year, 10, 8)


def _scorecard_rows(plan, year: int) -> dict:
    card = Scorecard(plan, year).calculate()
    return {
        row.indicator.code: row
        for axis in card["axes"]
        for objective in axis["objectives"]
        for row in objective["rows"]
    }


def _narrative(spec: Spec, indicator, year: int, row, planner) -> None:
    happened, next_steps = spec.narratives[year]
    narrative = services.add_narrative(
        indicator,
        user=planner,
        year=year,
        what_happened=f"{_figures(row, year)} {happened}",
        next_steps=next_steps,
    )
    Narrative.objects.filter(pk=narrative.pk).update(
        created_at=_moment(datetime.date(year + 1, 2, 16))
    )


def _figures(row, year: int) -> str:
    """The year's figures in the planner's words."""
    unit = row.indicator.unit
    if row.actual is None:
        return f"Sin dato de {year} al cierre de este informe."
    if unit == Unit.MILESTONE:
        reached = "se alcanzó" if row.actual >= 1 else "no se alcanzó"
        return f"En {year} el hito {reached}."
    text = f"Resultado de {year}: {_fmt(row.actual, unit)}"
    if row.target is not None:
        text += f" (meta: {_fmt(row.target, unit)})"
    if row.progress is not None and row.target != row.baseline:
        if row.progress >= 1:
            text += "; se alcanzó la meta del año"
        elif row.progress < 0:
            text += (
                "; el indicador retrocedió respecto de la línea de base "
                f"({_fmt(row.baseline, unit)})"
            )
        else:
            percent = int(
                (row.progress * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
            )
            text += f"; avance del {percent} % de lo previsto desde la línea de base"
    return text + "."


def _fmt(value: Decimal, unit: str) -> str:
    """A number the Salvadoran way (decimal comma, space for thousands)."""

    def number(v: Decimal, places: int) -> str:
        text = f"{v:,.{places}f}"
        return text.replace(",", " ").replace(".", ",")

    if unit == Unit.RATIO:
        return f"{number(value * 100, 1)} %"
    if unit == Unit.USD:
        return f"US$ {number(value, 0)}"
    if unit == Unit.PER_1000:
        return f"{number(value, 2)} por cada 1 000 habitantes"
    if unit == Unit.INDEX:
        return number(value, 3)
    return number(value, 0)


def _moment(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


def _evidence_pdf(spec: Spec, year: int, value, note: str) -> bytes:
    """A one-page PDF standing for the scanned evidence."""
    lines = [
        "Instituto Nacional de Capacitación y Formación",
        f"{spec.responsible_unit}",
        f"Indicador {spec.code}: {spec.name}",
        f"Año {year}: valor reportado {value}",
        note,
        "Documento de demostración generado por Semillero.",
    ]
    text = (
        "BT /F1 11 Tf 56 780 Td 16 TL "
        + " ".join(f"({_pdf_text(line)}) '" for line in lines)
        + " ET"
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(text.encode("latin-1"))
        + text.encode("latin-1")
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
        b"/Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _pdf_text(line: str) -> str:
    plain = line.encode("latin-1", "replace").decode("latin-1")
    return plain.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
