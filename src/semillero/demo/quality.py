"""The quality part of the demo: the institute's accreditation of the training
centres and of the programmes they deliver, its quality audits of the centres
from 2019 on with their findings and follow-up, and the installed capacity (the
workshops, laboratories, classrooms and mobile units of the centres and of some
large companies, their equipment and the instructors who work in them).

Statuses that depend on the day are as of the demo's reference day (`ctx.as_of`,
as in demo.training), and the dataset is built so that every quality page has
something to show on it: a few accreditations lapse within the alert window
(`quality.selectors.DEFAULT_ALERT_DAYS`) and a few lapsed while still marked
accredited; most findings are closed, some are open and some overdue. Centres
that complete fewer of their trainees in the training data get more
non-compliant audits, more findings and more of them left open. The demo's
`centre` account (CFP-0001) has an accreditation, a recent audit with an open
finding and facilities, and a training centre of San Miguel has an electricity
laboratory ("who can train electricians with a laboratory in San Miguel?").
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
from django.db.models import Count, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from semillero.accounts.models import User
from semillero.quality.models import (
    Accreditation,
    AccreditationStatus,
    AuditResult,
    AuditType,
    Equipment,
    EquipmentCondition,
    Facility,
    FacilityKind,
    Finding,
    FindingSeverity,
    FindingStatus,
    ProgrammeAccreditation,
    QualityAudit,
)
from semillero.quality.selectors import DEFAULT_ALERT_DAYS
from semillero.registry.models import (
    Instructor,
    Organization,
    OrganizationType,
    TrainingArea,
)
from semillero.training.models import CourseRun, Enrolment, EnrolmentStatus

from . import bulk
from .context import DemoContext, RandomSource
from .registry import CENTRE_CODE, COMPANY_CODE, TRAINING_AREAS, institute_acronym

NAME = "quality"
TITLE = gettext_lazy("Quality and capacity")

# Audits from 2019, and to the reference day: a demo built later still shows
# recent audits and findings not yet due.
FIRST_YEAR = 2019
AUDIT_INTERVAL = (600, 860)  # days between periodic audits: about two years
AREA_NAMES = {code: name for code, name, _share in TRAINING_AREAS}
SAN_MIGUEL = "SV-SM"
ELECTRICITY = "ELE"

# Centres in each situation, as shares of the centres (at least one of each but
# the withdrawn, so every alert shows at the small scale too): accreditations
# lapsing within the alert window, lapsed but still marked accredited, lapsed with
# the renewal in process, suspended, withdrawn.
CENTRE_CASES = {
    "soon": (1 / 30, 1),
    "lapsed": (1 / 60, 1),
    "renewing": (1 / 50, 1),
    "suspended": (1 / 35, 1),
    "withdrawn": (1 / 100, 0),
}
# Programme accreditations lapsing within the window and lapsed, per pair of a
# centre and a programme it delivers.
PROGRAMME_CASES = {"soon": (1 / 400, 1), "lapsed": (1 / 900, 1)}
CONDITIONAL = 0.12  # of the accreditations in force, at a centre of average results

FINDINGS = {
    FindingSeverity.MINOR: [
        (
            "El registro de asistencia está incompleto en varios de los cursos "
            "revisados.",
            "Completar los registros de asistencia y resguardarlos en el expediente "
            "de cada curso.",
        ),
        (
            "Los expedientes de los participantes no incluyen copia del documento "
            "de identidad.",
            "Completar los expedientes con la documentación de ingreso.",
        ),
        (
            "Los informes de cierre de los cursos se entregaron fuera del plazo "
            "establecido.",
            "Establecer un calendario de entrega de informes y designar un "
            "responsable.",
        ),
        (
            "No hay evidencia de la evaluación de la satisfacción de los "
            "participantes.",
            "Aplicar la encuesta de satisfacción al cierre de cada curso y "
            "analizar sus resultados.",
        ),
        (
            "El material didáctico de algunos módulos está desactualizado.",
            "Actualizar el material didáctico según la versión vigente del programa.",
        ),
        (
            "Señalización de seguridad incompleta en talleres y pasillos.",
            "Instalar la señalización de rutas de evacuación y de riesgos.",
        ),
        (
            "El inventario del equipo no coincide con el equipo encontrado en el "
            "taller.",
            "Actualizar el inventario y dar de baja el equipo inservible.",
        ),
    ],
    FindingSeverity.MAJOR: [
        (
            "Extintores vencidos en el taller y en el laboratorio.",
            "Recargar los extintores y establecer un control de vencimientos.",
        ),
        (
            "Dos instructores sin evidencia de su acreditación vigente como "
            "facilitadores.",
            "Presentar la acreditación vigente o sustituir a los instructores.",
        ),
        (
            "Equipo del taller fuera de servicio sin plan de mantenimiento.",
            "Elaborar y ejecutar un plan de mantenimiento preventivo y correctivo.",
        ),
        (
            "El número de participantes por grupo excede la capacidad del taller.",
            "Ajustar los grupos a la capacidad instalada autorizada.",
        ),
        (
            "El plan de formación aplicado no corresponde a la versión aprobada del "
            "programa.",
            "Aplicar el plan de formación aprobado y capacitar a los instructores "
            "en su uso.",
        ),
        (
            "Falta equipo de protección personal para los participantes.",
            "Dotar de equipo de protección personal a todos los participantes de "
            "las prácticas.",
        ),
    ],
    FindingSeverity.CRITICAL: [
        (
            "Cursos impartidos en un local no autorizado por el instituto.",
            "Suspender los cursos en el local y solicitar su autorización.",
        ),
        (
            "Participantes inscritos sin evidencia de asistencia a la formación.",
            "Depurar las inscripciones y presentar la evidencia de asistencia de "
            "cada participante.",
        ),
        (
            "Instalación eléctrica del taller sin protección diferencial; riesgo "
            "para los participantes.",
            "Corregir la instalación eléctrica con un electricista certificado "
            "antes de reanudar las prácticas.",
        ),
    ],
}
CLOSING_NOTES = [
    "El centro presentó evidencia documental de la corrección.",
    "Se verificó la corrección en la visita de seguimiento.",
    "Corrección verificada por el auditor con fotografías y facturas.",
    "El centro aplicó la acción requerida; se revisaron los registros.",
]
EXTRAORDINARY_REASONS = [
    "por denuncia de participantes",
    "por solicitud de ampliación del alcance de la acreditación",
    "por cambio de sede del centro",
]

# Installed capacity -----------------------------------------------------------------

W, L, C, M = (
    FacilityKind.WORKSHOP,
    FacilityKind.LABORATORY,
    FacilityKind.CLASSROOM,
    FacilityKind.MOBILE_UNIT,
)
# For each training area: the facility a centre teaching it has (kind, name,
# capacity range) and its equipment (item, fewest, most).
FACILITIES = {
    "ADM": (C, "Aula de administración y contabilidad", (20, 35), [
        ("Computadoras", 10, 25), ("Proyector multimedia", 1, 1),
        ("Impresora multifuncional", 1, 2), ("Pizarra acrílica", 1, 2),
    ]),
    "INF": (L, "Laboratorio de cómputo", (15, 30), [
        ("Computadoras", 15, 30), ("Proyector multimedia", 1, 1),
        ("Switch de red", 1, 2), ("Servidor", 1, 1),
        ("Kit de redes y cableado estructurado", 3, 6),
    ]),
    "COM": (C, "Aula de ventas y atención al cliente", (20, 30), [
        ("Punto de venta (caja registradora)", 2, 6),
        ("Lector de código de barras", 2, 6), ("Computadoras", 5, 15),
        ("Proyector multimedia", 1, 1),
    ]),
    "CON": (W, "Taller de confección industrial", (15, 25), [
        ("Máquina de coser industrial", 10, 25), ("Máquina overlock", 4, 10),
        ("Máquina collaretera", 2, 4), ("Mesa de corte", 1, 3),
        ("Cortadora de tela vertical", 1, 1), ("Plancha industrial de vapor", 2, 4),
    ]),
    "ELE": (L, "Laboratorio de electricidad", (12, 24), [
        ("Banco de pruebas eléctricas", 6, 12), ("Multímetro digital", 10, 20),
        ("Tablero de prácticas de instalaciones residenciales", 6, 12),
        ("Motor eléctrico trifásico de prácticas", 2, 6),
        ("Pinza amperimétrica", 5, 10),
        ("Kit de paneles solares fotovoltaicos", 1, 3),
    ]),
    "HOT": (W, "Cocina didáctica", (12, 20), [
        ("Estufa industrial", 2, 4), ("Horno de convección", 1, 2),
        ("Refrigerador industrial", 1, 2),
        ("Mesa de trabajo de acero inoxidable", 4, 8), ("Batidora industrial", 1, 2),
    ]),
    "MAU": (W, "Taller de mecánica automotriz", (12, 20), [
        ("Elevador hidráulico", 1, 3), ("Escáner de diagnóstico automotriz", 2, 4),
        ("Motor de prácticas", 3, 6), ("Compresor de aire", 1, 1),
        ("Juego de herramientas de mecánica", 8, 15),
        ("Gato hidráulico de patín", 2, 4),
    ]),
    "MIN": (W, "Taller de mecánica industrial", (10, 18), [
        ("Torno paralelo", 2, 6), ("Fresadora universal", 1, 3),
        ("Taladro de columna", 2, 4), ("Esmeril de banco", 2, 4),
        ("Unidad de aire acondicionado de prácticas", 2, 4),
        ("Bomba de vacío", 2, 4),
    ]),
    "SOL": (W, "Taller de soldadura", (10, 20), [
        ("Soldadora MIG", 4, 10), ("Soldadora de arco eléctrico", 6, 12),
        ("Soldadora TIG", 2, 4), ("Equipo de oxicorte", 1, 3),
        ("Cabina de soldadura con extracción", 6, 12),
        ("Careta de soldar fotosensible", 10, 20),
    ]),
    "CST": (W, "Taller de construcción", (15, 25), [
        ("Mezcladora de concreto", 1, 2),
        ("Juego de herramientas de albañilería", 10, 20), ("Nivel láser", 2, 4),
        ("Andamio modular", 4, 10), ("Cortadora de cerámica", 2, 4),
    ]),
    "AGR": (L, "Planta piloto agroindustrial", (10, 18), [
        ("Marmita industrial", 1, 2), ("Despulpadora de frutas", 1, 1),
        ("Deshidratador de alimentos", 1, 2), ("Selladora al vacío", 1, 2),
        ("Refrigerador industrial", 1, 1),
    ]),
    "BEL": (W, "Salón-taller de belleza", (12, 20), [
        ("Sillón hidráulico de peluquería", 6, 12), ("Lavacabezas", 2, 4),
        ("Secador de casco", 2, 4),
        ("Juego de tijeras y peines profesionales", 10, 20),
        ("Esterilizador de instrumentos", 1, 2),
    ]),
    "IDI": (L, "Laboratorio de idiomas", (15, 30), [
        ("Cabina de audio con auriculares", 15, 25), ("Computadoras", 10, 20),
        ("Proyector multimedia", 1, 1),
    ]),
    "SAL": (L, "Laboratorio de enfermería", (12, 20), [
        ("Simulador de paciente", 2, 4), ("Camilla clínica", 3, 6),
        ("Tensiómetro", 6, 12), ("Desfibrilador de entrenamiento", 1, 2),
        ("Botiquín de primeros auxilios", 5, 10),
    ]),
    "LOG": (W, "Almacén didáctico", (12, 20), [
        ("Montacargas", 1, 2), ("Estantería industrial", 6, 12),
        ("Carretilla hidráulica", 2, 4), ("Lector de código de barras", 4, 8),
        ("Computadoras", 5, 10),
    ]),
}  # fmt: skip
CLASSROOM = (C, "Aula teórica", (20, 40), [
    ("Pupitres", 20, 40), ("Proyector multimedia", 1, 1), ("Pizarra acrílica", 1, 2),
])  # fmt: skip
MOBILE_UNITS = {
    "SOL": ("Unidad móvil de soldadura", [
        ("Soldadora MIG", 4, 6), ("Soldadora de arco eléctrico", 4, 8),
        ("Planta eléctrica", 1, 1),
    ]),
    "ELE": ("Unidad móvil de electricidad", [
        ("Banco de pruebas eléctricas", 4, 8), ("Multímetro digital", 8, 12),
        ("Planta eléctrica", 1, 1),
    ]),
    "INF": ("Unidad móvil de cómputo", [
        ("Computadoras portátiles", 12, 20), ("Proyector multimedia", 1, 1),
        ("Planta eléctrica", 1, 1),
    ]),
    "CON": ("Unidad móvil de confección", [
        ("Máquina de coser industrial", 8, 12), ("Máquina overlock", 2, 4),
        ("Planta eléctrica", 1, 1),
    ]),
    "MAU": ("Unidad móvil de mecánica automotriz", [
        ("Juego de herramientas de mecánica", 6, 10),
        ("Escáner de diagnóstico automotriz", 1, 2), ("Compresor de aire", 1, 1),
    ]),
}  # fmt: skip
# The areas of a large company's own training facilities, by ISIC section.
COMPANY_AREAS = {
    "A": ["AGR"], "C": ["CON", "MIN", "SOL"], "D": ["ELE"], "F": ["CST", "ELE"],
    "G": ["COM", "LOG"], "H": ["LOG"], "I": ["HOT"], "J": ["INF"], "K": ["ADM"],
    "N": ["ADM", "COM"], "Q": ["SAL"],
}  # fmt: skip
CONDITIONS = {
    EquipmentCondition.GOOD: 0.6,
    EquipmentCondition.FAIR: 0.27,
    EquipmentCondition.POOR: 0.09,
    EquipmentCondition.OUT_OF_SERVICE: 0.04,
}
SHARED = 0.6  # facilities available to share
SCHEDULES = [
    "los sábados",
    "por las tardes",
    "de lunes a viernes después de las 5 p. m.",
    "en los periodos sin cursos programados",
]


class MissingTraining(Exception):
    pass


class ExistingQualityData(Exception):
    pass


def check() -> None:
    """The quality part needs the demo's training data (its centres, programmes
    and course runs) and no quality records: invented audits are never mixed with
    real ones."""
    centres = Organization.objects.filter(type=OrganizationType.TRAINING_CENTRE)
    if not (centres.exists() and CourseRun.objects.exists()):
        raise MissingTraining
    for model in (Accreditation, ProgrammeAccreditation, QualityAudit, Facility):
        if model.objects.exists():
            raise ExistingQualityData(str(model._meta.verbose_name_plural))


def describe(counts: dict[str, int]) -> str:
    return _(
        "%(accreditations)s accreditations of training centres and %(programmes)s "
        "of programmes, %(audits)s quality audits with %(findings)s findings, "
        "%(facilities)s facilities with %(equipment)s items of equipment"
    ) % {
        "accreditations": counts.get("accreditations", 0),
        "programmes": counts.get("programme_accreditations", 0),
        "audits": counts.get("audits", 0),
        "findings": counts.get("findings", 0),
        "facilities": counts.get("facilities", 0),
        "equipment": counts.get("equipment", 0),
    }


def generate(ctx: DemoContext) -> dict[str, int]:
    world = World.load()
    stamp = bulk.stamp(timezone.now())
    counts: dict[str, int] = {}
    origins = _accreditations(
        ctx.random(f"{NAME}.accreditations"), world, ctx.as_of, stamp, counts
    )
    _programme_accreditations(
        ctx.random(f"{NAME}.programmes"), world, ctx.as_of, stamp, counts
    )
    _audits(ctx.random(f"{NAME}.audits"), world, origins, ctx.as_of, stamp, counts)
    _facilities(ctx.random(f"{NAME}.facilities"), world, stamp, counts)
    return counts


# The world the institute looks at --------------------------------------------------


@dataclass
class Centre:
    pk: int
    code: str
    department_id: int
    department: str  # its code
    municipality_id: int | None
    municipality: str
    email: str
    phone: str
    employees: int
    founded: date | None
    # What it teaches: course runs and instructors per training area.
    areas: dict[str, float] = field(default_factory=dict)
    # (programme id, first day it was given) of each programme it delivered.
    programmes: list[tuple[int, date]] = field(default_factory=list)
    first_run: date | None = None
    # Above 0 for centres completing fewer trainees than most, in standard
    # deviations of the log-odds of their completion rate.
    risk: float = 0.0

    def main_areas(self, k: int | None = None) -> list[str]:
        ranked = sorted(self.areas, key=lambda a: (-self.areas[a], a))
        return ranked[:k] if k else ranked


@dataclass
class World:
    centres: list[Centre]
    companies: list[Organization]  # the large ones, in code order
    area_ids: dict[str, int]
    # Active instructors of each organization, by area: {org id: {area: [ids]}}
    instructors: dict[int, dict[str, list[int]]]
    auditors: list[int]

    @classmethod
    def load(cls) -> "World":
        rows = (
            Organization.objects.filter(type=OrganizationType.TRAINING_CENTRE)
            .select_related("department", "municipality")
            .order_by("code")
        )
        centres = [
            Centre(
                pk=org.pk,
                code=org.code,
                department_id=org.department_id,
                department=org.department.code if org.department else "",
                municipality_id=org.municipality_id,
                municipality=org.municipality.name if org.municipality else "",
                email=org.email,
                phone=org.phone,
                employees=org.employees or 1,
                founded=_founded(org.tax_id),
            )
            for org in rows
        ]
        by_pk = {c.pk: c for c in centres}
        delivered = (
            CourseRun.objects.values(
                "provider_id", "programme_id", "programme__training_area__code"
            )
            .annotate(n=Count("id"), first=Min("start_date"))
            .order_by("provider_id", "programme_id")
        )
        for row in delivered:
            centre = by_pk.get(row["provider_id"])
            if centre is None:
                continue
            area = row["programme__training_area__code"]
            centre.areas[area] = centre.areas.get(area, 0.0) + row["n"]
            centre.programmes.append((row["programme_id"], row["first"]))
            if centre.first_run is None or row["first"] < centre.first_run:
                centre.first_run = row["first"]

        instructors: dict[int, dict[str, list[int]]] = defaultdict(
            lambda: defaultdict(list)
        )
        links = (
            Instructor.training_areas.through.objects.values_list(
                "instructor_id",
                "instructor__organization_id",
                "trainingarea__code",
                "instructor__active",
            )
            .order_by("instructor_id", "trainingarea__code")
            .iterator()
        )
        for instructor, org, area, active in links:
            if org in by_pk:
                # Two instructors count as much as a course run.
                taught = by_pk[org].areas
                taught[area] = taught.get(area, 0.0) + 0.5
            if active:
                instructors[org][area].append(instructor)

        _risk(centres)
        companies = list(
            Organization.objects.filter(
                type=OrganizationType.COMPANY, employees__gte=200
            )
            .select_related("municipality")
            .order_by("code")
        )
        return cls(
            centres=centres,
            companies=companies,
            area_ids=dict(TrainingArea.objects.values_list("code", "id")),
            instructors=instructors,
            # The institute's staff audit: the demo's administrator and analyst.
            auditors=list(
                User.objects.filter(username__in=["admin", "analyst"])
                .order_by("username")
                .values_list("pk", flat=True)
            ),
        )


def _founded(tax_id: str) -> date | None:
    """The founding day a demo NIT (`DDMM-DDMMYY-CCC-V`) carries."""
    parts = (tax_id or "").split("-")
    if len(parts) != 4 or len(parts[1]) != 6 or not parts[1].isdigit():
        return None
    day, month, yy = int(parts[1][:2]), int(parts[1][2:4]), int(parts[1][4:])
    try:
        return date(2000 + yy if yy <= 25 else 1900 + yy, month, day)
    except ValueError:
        return None


def _risk(centres: list[Centre]) -> None:
    """How much worse than the others each centre completes its trainees: its
    completion rate in the training data (shrunk towards the overall rate when it
    has few finished enrolments), as minus the z-score of its log-odds."""
    done = (EnrolmentStatus.COMPLETED, EnrolmentStatus.CERTIFIED)
    rows = (
        Enrolment.objects.filter(status__in=[*done, EnrolmentStatus.DROPPED])
        .values("course_run__provider_id")
        .annotate(finished=Count("id"), done=Count("id", filter=Q(status__in=done)))
        .order_by()
    )
    figures = {r["course_run__provider_id"]: (r["done"], r["finished"]) for r in rows}
    total_done = sum(d for d, _f in figures.values())
    total = sum(f for _d, f in figures.values())
    if not total:
        return
    overall = total_done / total
    prior = 30  # enrolments' worth of the overall rate
    logits = {}
    for centre in centres:
        d, f = figures.get(centre.pk, (0, 0))
        rate = (d + prior * overall) / (f + prior)
        logits[centre.pk] = math.log(rate / (1 - rate))
    values = np.array(list(logits.values()))
    spread = float(values.std()) or 1.0
    for centre in centres:
        centre.risk = -(logits[centre.pk] - float(values.mean())) / spread


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _logit(p: float) -> float:
    return math.log(p / (1.0 - p))


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _quota(n: int, share: float, least: int) -> int:
    return max(least, round(n * share)) if n else 0


def _choose(rnd: RandomSource, candidates: list, k: int, weights=None) -> list:
    """k of the candidates without repetition, in their order; the likelier the
    heavier."""
    k = min(k, len(candidates))
    if k == 0:
        return []
    p = None
    if weights is not None:
        w = np.asarray(weights, dtype=float)
        p = w / w.sum()
    picked = rnd.np.choice(len(candidates), k, replace=False, p=p)
    return [candidates[int(i)] for i in sorted(picked)]


# Accreditation ----------------------------------------------------------------------


@dataclass
class Record:
    organization: int
    status: str
    valid_from: date | None
    valid_until: date | None
    scope: str = ""
    programme: int | None = None
    reference: str = ""


def _current_term(rnd: RandomSource, case: str, as_of: date) -> tuple[date, date]:
    """Start and end of the term a centre (or programme) is in on `as_of`, or was
    in last: lapsing within the alert window (`soon`), lapsed (`lapsed`,
    `renewing`) or in force beyond the window."""
    years = rnd.integer(2, 3)
    window = DEFAULT_ALERT_DAYS
    if case == "soon":
        until = as_of + timedelta(days=rnd.integer(3, window - 3))
    elif case in ("lapsed", "renewing"):
        until = as_of - timedelta(days=rnd.integer(10, 150))
    elif case == "withdrawn":
        until = as_of + timedelta(days=rnd.integer(-300, 300))
    else:
        until = as_of + timedelta(days=rnd.integer(window + 1, 365 * years - 30))
    return _years_before(until, years) + timedelta(days=1), until


def _history(rnd: RandomSource, start: date, origin: date) -> list[tuple[date, date]]:
    """Earlier terms of two or three years, back from `start` to `origin`."""
    terms = []
    while start > origin:
        until = start - timedelta(days=1)
        start = _years_before(until, rnd.integer(2, 3)) + timedelta(days=1)
        terms.append((start, until))
    terms.reverse()
    return terms


def _scope(centre: Centre) -> str:
    areas = [AREA_NAMES[a] for a in centre.main_areas(5) if a in AREA_NAMES]
    if not areas:
        return "Formación profesional"
    listed = ", ".join(areas[:-1]) + (" y " if len(areas) > 1 else "") + areas[-1]
    place = f", en su sede de {centre.municipality}" if centre.municipality else ""
    return f"Formación profesional en {listed}{place}."


def _accreditations(rnd, world: World, as_of: date, stamp, counts) -> dict[int, date]:
    """Each centre's accreditation history, renewed every two or three years from
    before its first course, and its current situation; returns the day each
    centre was first accredited."""
    centres = world.centres
    others = [c for c in centres if c.code != CENTRE_CODE]
    case = {c.pk: "normal" for c in centres}
    free = list(others)
    for name, (share, least) in CENTRE_CASES.items():
        k = _quota(len(centres), share, least)
        # Suspensions and withdrawals fall on the centres with worse results.
        weights = None
        if name in ("suspended", "withdrawn"):
            weights = [math.exp(c.risk) for c in free]
        for centre in _choose(rnd, free, k, weights):
            case[centre.pk] = name
        free = [c for c in free if case[c.pk] == "normal"]

    records: list[Record] = []
    origins: dict[int, date] = {}
    for centre in centres:
        kind = case[centre.pk]
        scope = _scope(centre)
        start, until = _current_term(rnd, kind, as_of)
        if kind in ("suspended", "withdrawn"):
            status = kind
        elif kind == "normal" and rnd.chance(
            _sigmoid(_logit(CONDITIONAL) + 0.8 * centre.risk)
        ):
            status = AccreditationStatus.CONDITIONAL
        else:
            status = AccreditationStatus.ACCREDITED
        if centre.code == CENTRE_CODE:
            status = AccreditationStatus.ACCREDITED
        # First accredited before its first course (or a few years ago, for a
        # centre without courses), and not before it was founded.
        first_run = centre.first_run or (as_of - timedelta(days=3 * 365))
        origin = first_run - timedelta(days=rnd.integer(30, 1500))
        if centre.founded:
            latest = first_run - timedelta(days=30)
            origin = max(origin, min(centre.founded + timedelta(days=365), latest))
        terms = _history(rnd, start, origin)
        origins[centre.pk] = terms[0][0] if terms else start
        # A centre no longer in force has its earlier terms recorded as lapsed:
        # nothing in force replaces them.
        earlier = (
            AccreditationStatus.EXPIRED
            if kind in ("suspended", "withdrawn")
            else AccreditationStatus.ACCREDITED
        )
        for begin, end in terms:
            status_then = earlier
            if earlier == AccreditationStatus.ACCREDITED and rnd.chance(0.1):
                status_then = AccreditationStatus.CONDITIONAL
            records.append(Record(centre.pk, status_then, begin, end, scope))
        current = scope
        if status == AccreditationStatus.CONDITIONAL:
            current += " Condicionada a subsanar los hallazgos de la última auditoría."
        records.append(Record(centre.pk, status, start, until, current))
        if kind == "renewing" or (kind == "soon" and rnd.chance(0.4)):
            # The renewal applied for, not decided yet: no dates.
            records.append(
                Record(centre.pk, AccreditationStatus.IN_PROCESS, None, None, scope)
            )
    _number(records, "ACR")
    bulk.insert_columns(
        Accreditation,
        {
            "organization_id": [r.organization for r in records],
            "status": [str(r.status) for r in records],
            "valid_from": [_iso(r.valid_from) for r in records],
            "valid_until": [_iso(r.valid_until) for r in records],
            "decision_reference": [r.reference for r in records],
            "scope": [r.scope for r in records],
            "created_at": stamp,
            "updated_at": stamp,
        },
    )
    counts["accreditations"] = len(records)
    for status in AccreditationStatus.values:
        n = sum(r.status == status for r in records)
        if n:
            counts[f"accreditations.{status}"] = n
    counts["accreditations_lapsing"] = sum(v == "soon" for v in case.values())
    counts["accreditations_lapsed"] = sum(
        v in ("lapsed", "renewing") for v in case.values()
    )
    return origins


def _number(records: list[Record], kind: str) -> None:
    """Decision references in order of the decisions, numbered within each year and
    carrying the name the institute had then: `INSAFORP-ACR-2021-014`."""
    decided = sorted(
        (r for r in records if r.valid_from is not None),
        key=lambda r: (r.valid_from, r.organization, r.programme or 0),
    )
    sequence: dict[int, int] = {}
    for r in decided:
        year = r.valid_from.year
        sequence[year] = sequence.get(year, 0) + 1
        acronym = institute_acronym(r.valid_from)
        r.reference = f"{acronym}-{kind}-{year}-{sequence[year]:04d}"


def _programme_accreditations(rnd, world: World, as_of: date, stamp, counts) -> None:
    """Each centre is authorised to deliver each programme it gave a course of,
    from a little before the first course, renewed every two or three years; a
    few authorisations lapse within the alert window or have lapsed."""
    pairs = [(c, p, first) for c in world.centres for p, first in c.programmes]
    case = ["normal"] * len(pairs)
    own = [i for i, (c, _p, _f) in enumerate(pairs) if c.code == CENTRE_CODE]
    if own:
        # The demo's centre sees one of its programmes in its alerts.
        case[own[rnd.integer(0, len(own) - 1)]] = "soon"
    for name, (share, least) in PROGRAMME_CASES.items():
        free = [
            i
            for i, (c, _p, _f) in enumerate(pairs)
            if case[i] == "normal" and c.code != CENTRE_CODE
        ]
        for i in _choose(rnd, free, _quota(len(pairs), share, least)):
            case[i] = name
    records = []
    for (centre, programme, first), kind in zip(pairs, case, strict=True):
        start, until = _current_term(rnd, kind, as_of)
        origin = first - timedelta(days=rnd.integer(15, 120))
        earlier = AccreditationStatus.ACCREDITED
        for begin, end in _history(rnd, start, origin):
            records.append(Record(centre.pk, earlier, begin, end, "", programme))
        status = AccreditationStatus.ACCREDITED
        if kind == "normal" and rnd.chance(0.05):
            status = AccreditationStatus.CONDITIONAL
        records.append(Record(centre.pk, status, start, until, "", programme))
    _number(records, "AP")
    bulk.insert_columns(
        ProgrammeAccreditation,
        {
            "organization_id": [r.organization for r in records],
            "programme_id": [r.programme for r in records],
            "status": [str(r.status) for r in records],
            "valid_from": [_iso(r.valid_from) for r in records],
            "valid_until": [_iso(r.valid_until) for r in records],
            "decision_reference": [r.reference for r in records],
            "created_at": stamp,
            "updated_at": stamp,
        },
    )
    counts["programme_accreditations"] = len(records)
    counts["programme_accreditations_lapsing"] = case.count("soon")
    counts["programme_accreditations_lapsed"] = case.count("lapsed")


# Audits and findings ----------------------------------------------------------------


@dataclass
class Audit:
    centre: Centre
    day: date
    type: str
    result: str = ""
    showcase: bool = False  # the demo centre's recent audit, with an open finding
    findings: list[dict] = field(default_factory=list)
    summary: str = ""


def _audit_days(rnd, centre: Centre, origin: date, as_of: date) -> list[Audit]:
    """About one periodic audit every two years from 2019 to `as_of` (none before
    the centre was first accredited, which an initial audit precedes), a few
    extraordinary ones and, for a centre due, the next one a few weeks ahead."""
    first_day = date(FIRST_YEAR, 1, 1)
    showcase = centre.code == CENTRE_CODE
    if showcase:
        last = as_of - timedelta(days=rnd.integer(45, 100))
    else:
        last = as_of - timedelta(days=rnd.integer(0, 700))
    days = [last] if showcase else []
    day = last
    while day >= max(first_day, origin):
        days.append(day)
        day -= timedelta(days=rnd.integer(*AUDIT_INTERVAL))
    days = sorted(set(days), reverse=True)
    audits = [Audit(centre, d, AuditType.PERIODIC) for d in reversed(days)]
    if audits and showcase:
        audits[-1].showcase = True
    initial = origin - timedelta(days=rnd.integer(20, 60))
    if first_day <= initial <= as_of:
        audits.insert(0, Audit(centre, initial, AuditType.INITIAL))
    if rnd.chance(0.12):
        extra = rnd.date_between(max(first_day, origin), as_of)
        audits.append(Audit(centre, extra, AuditType.EXTRAORDINARY))
    if last < as_of - timedelta(days=640):
        upcoming = as_of + timedelta(days=rnd.integer(5, 60))
        audits.append(Audit(centre, upcoming, AuditType.PERIODIC))
    return sorted(audits, key=lambda a: a.day)


def _result(rnd, risk: float, follow_up: bool = False) -> str:
    non_compliant = _sigmoid(_logit(0.1) + risk - (1.0 if follow_up else 0.0))
    roll = rnd.np.random()
    if roll < non_compliant:
        return AuditResult.NON_COMPLIANT
    if roll < non_compliant + (1 - non_compliant) * 0.65:
        return AuditResult.COMPLIANT_WITH_OBSERVATIONS
    return AuditResult.COMPLIANT


def _findings(rnd, audit: Audit, as_of: date) -> list[dict]:
    """The findings of a reported audit and how far their follow-up went by
    `as_of`: most closed; past their due date, a few still open (overdue), more
    of them at centres with worse results."""
    risk = audit.centre.risk
    if audit.result == AuditResult.COMPLIANT:
        return []
    if audit.result == AuditResult.NON_COMPLIANT:
        n = rnd.integer(2, 4)
        severity_p = {"minor": 0.35, "major": 0.45, "critical": 0.2}
    else:
        n = rnd.integer(1, 3)
        severity_p = {"minor": 0.75, "major": 0.25, "critical": 0.0}
    n += int(rnd.np.poisson(0.4 * max(risk, 0.0)))
    severities = [FindingSeverity(rnd.weighted(severity_p)) for _k in range(n)]
    if audit.result == AuditResult.NON_COMPLIANT and all(
        s == FindingSeverity.MINOR for s in severities
    ):
        severities[0] = FindingSeverity.MAJOR
    if audit.showcase:
        severities[0] = FindingSeverity.MINOR
    used: set[tuple[str, int]] = set()
    findings = []
    for k, severity in enumerate(severities):
        options = FINDINGS[severity]
        choice = rnd.integer(0, len(options) - 1)
        while (severity, choice) in used and len(used) < len(options):
            choice = (choice + 1) % len(options)
        used.add((severity, choice))
        description, action = options[choice]
        days = {"minor": (60, 120), "major": (30, 60), "critical": (15, 30)}
        due = audit.day + timedelta(days=rnd.integer(*days[severity]))
        if audit.showcase and k == 0:
            # Open and not yet due: what the demo's centre has to follow up.
            due = max(due, as_of + timedelta(days=rnd.integer(20, 60)))
            status = FindingStatus.OPEN
        elif due < as_of:
            late = (as_of - due).days
            pending = 0.3 if late <= 90 else 0.06 if late <= 365 else 0.015
            pending = min(0.9, pending * math.exp(0.5 * risk))
            status = (
                FindingStatus.CLOSED
                if not rnd.chance(pending)
                else rnd.pick([FindingStatus.OPEN, FindingStatus.IN_PROGRESS])
            )
        else:
            elapsed = (as_of - audit.day).days / max(1, (due - audit.day).days)
            roll = rnd.np.random()
            status = (
                FindingStatus.CLOSED
                if roll < 0.6 * elapsed
                else FindingStatus.IN_PROGRESS
                if roll < 0.6 * elapsed + 0.4
                else FindingStatus.OPEN
            )
        closed_on = None
        if status == FindingStatus.CLOSED:
            # Mostly by the due date, some a few weeks late; never after as_of.
            latest = min(as_of, due + timedelta(days=45))
            closed_on = rnd.date_between(
                min(audit.day + timedelta(days=5), latest), latest
            )
        findings.append(
            {
                "severity": str(severity),
                "description": description,
                "required_action": action,
                "due_date": due,
                "status": str(status),
                "closing_note": rnd.pick(CLOSING_NOTES) if closed_on else "",
                "closed_on": closed_on,
            }
        )
    return findings


def _summary(audit: Audit, previous: Audit | None, rnd) -> str:
    parts = []
    if audit.type == AuditType.INITIAL:
        parts.append("Auditoría inicial previa a la acreditación del centro.")
    elif audit.type == AuditType.FOLLOW_UP and previous is not None:
        parts.append(f"Seguimiento de la auditoría del {previous.day:%d/%m/%Y}.")
    elif audit.type == AuditType.EXTRAORDINARY:
        parts.append(f"Auditoría extraordinaria {rnd.pick(EXTRAORDINARY_REASONS)}.")
    n = len(audit.findings)
    serious = sum(f["severity"] != FindingSeverity.MINOR for f in audit.findings)
    if audit.result == AuditResult.COMPLIANT:
        parts.append("El centro cumple los requisitos; no se registran hallazgos.")
    elif audit.result == AuditResult.COMPLIANT_WITH_OBSERVATIONS:
        word = "hallazgo" if n == 1 else "hallazgos"
        parts.append(
            f"El centro cumple con observaciones: {n} {word} a subsanar en los "
            "plazos indicados."
        )
    elif audit.result == AuditResult.NON_COMPLIANT:
        parts.append(
            f"El centro no cumple requisitos esenciales: {n} hallazgos, {serious} "
            "mayores o críticos. Se programa auditoría de seguimiento."
        )
    return " ".join(parts)


def _audits(rnd, world: World, origins, as_of: date, stamp, counts) -> None:
    audits: list[Audit] = []
    for centre in world.centres:
        planned = _audit_days(rnd, centre, origins[centre.pk], as_of)
        done: list[Audit] = []
        for audit in planned:
            done.append(audit)
            if audit.day > as_of:
                audit.summary = "Auditoría programada."
                continue  # still to come: no result, no findings
            if audit.day > as_of - timedelta(days=20) and not audit.showcase:
                if rnd.chance(0.6):
                    audit.summary = "Informe de auditoría en elaboración."
                    continue
            audit.result = _result(rnd, centre.risk)
            if audit.showcase:
                audit.result = AuditResult.COMPLIANT_WITH_OBSERVATIONS
            audit.findings = _findings(rnd, audit, as_of)
            audit.summary = _summary(audit, None, rnd)
            if audit.result == AuditResult.NON_COMPLIANT:
                day = audit.day + timedelta(days=rnd.integer(90, 180))
                if day <= as_of and not audit.showcase:
                    again = Audit(centre, day, AuditType.FOLLOW_UP)
                    again.result = _result(rnd, centre.risk, follow_up=True)
                    again.findings = _findings(rnd, again, as_of)
                    again.summary = _summary(again, audit, rnd)
                    done.append(again)
        audits += sorted(done, key=lambda a: a.day)
    _ensure_overdue(audits, as_of)

    auditors = world.auditors
    ids = bulk.reserve_ids(QualityAudit, len(audits))
    bulk.insert_columns(
        QualityAudit,
        {
            "id": ids.tolist(),
            "organization_id": [a.centre.pk for a in audits],
            "audit_date": [a.day.isoformat() for a in audits],
            "type": [str(a.type) for a in audits],
            "auditor_id": [rnd.pick(auditors) if auditors else None for _a in audits],
            "result": [str(a.result) for a in audits],
            "summary": [a.summary for a in audits],
            "created_at": stamp,
            "updated_at": stamp,
        },
    )
    findings = [
        (pk, f) for pk, a in zip(ids.tolist(), audits, strict=True) for f in a.findings
    ]
    bulk.insert(
        Finding,
        [
            "audit_id",
            "severity",
            "description",
            "required_action",
            "due_date",
            "status",
            "closing_note",
            "closed_on",
            "created_at",
            "updated_at",
        ],
        (
            (
                pk,
                f["severity"],
                f["description"],
                f["required_action"],
                f["due_date"].isoformat(),
                f["status"],
                f["closing_note"],
                _iso(f["closed_on"]),
                stamp,
                stamp,
            )
            for pk, f in findings
        ),
    )
    counts["audits"] = len(audits)
    for result in AuditResult.values:
        counts[f"audits.{result}"] = sum(a.result == result for a in audits)
    counts["audits.pending"] = sum(a.result == "" for a in audits)
    pending = [f for _pk, f in findings if f["status"] != FindingStatus.CLOSED]
    counts["findings"] = len(findings)
    counts["findings_pending"] = len(pending)
    counts["findings_overdue"] = sum(f["due_date"] < as_of for f in pending)


def _ensure_overdue(audits: list[Audit], as_of: date) -> None:
    """Make sure the overdue list is not empty: at the small scale chance may
    close everything. The latest finding past due (not the demo centre's) is
    left open."""
    past_due = [
        f for a in audits if not a.showcase for f in a.findings if f["due_date"] < as_of
    ]
    if not past_due or any(f["status"] != FindingStatus.CLOSED for f in past_due):
        return
    latest = max(past_due, key=lambda f: f["due_date"])
    latest.update(status=str(FindingStatus.OPEN), closing_note="", closed_on=None)


# Installed capacity -----------------------------------------------------------------


@dataclass
class Room:
    organization: int
    department_id: int
    municipality_id: int | None
    kind: str
    name: str
    areas: list[str]
    capacity: int
    shared: bool
    contact: str
    equipment: list[tuple[str, int, str]]
    instructors: list[int] = field(default_factory=list)


def _equipment(rnd, items, risk: float = 0.0) -> list[tuple[str, int, str]]:
    """Its main item and some of the facility's other usual equipment, in uneven
    condition (worse at the centres with worse results)."""
    # The first item is what the facility is for; it is always there.
    chosen = [items[0], *rnd.sample(items[1:], rnd.integer(2, len(items) - 1))]
    shift = math.exp(0.4 * max(risk, 0.0))
    weights = {
        k: v * (shift if k != EquipmentCondition.GOOD else 1.0)
        for k, v in CONDITIONS.items()
    }
    return [
        (item, rnd.integer(low, high), str(rnd.weighted(weights)))
        for item, low, high in chosen
    ]


def _contact(rnd, shared: bool, email: str, phone: str) -> str:
    if not shared:
        return "Uso exclusivo de los cursos propios."
    who = ", ".join(x for x in (email, phone) if x)
    return f"Coordinación académica ({who}). Disponible {rnd.pick(SCHEDULES)}."


def _room(rnd, centre_or_org, spec, areas, *, shared=None, risk=0.0, name=None):
    kind, default_name, (low, high), items = spec
    org = centre_or_org
    email = getattr(org, "email", "")
    phone = getattr(org, "phone", "")
    shared = rnd.chance(SHARED) if shared is None else shared
    return Room(
        organization=org.pk,
        department_id=org.department_id,
        municipality_id=org.municipality_id,
        kind=str(kind),
        name=name or default_name,
        areas=areas,
        capacity=rnd.integer(low, high),
        shared=shared,
        contact=_contact(rnd, shared, email, phone),
        equipment=_equipment(rnd, items, risk),
    )


def _centre_rooms(rnd, world: World, centre: Centre) -> list[Room]:
    """A facility for each of the centre's main areas (more for bigger centres),
    sometimes a general classroom and, rarely, a mobile unit."""
    taught = centre.main_areas()
    if not taught:
        return []
    k = min(len(taught), 1 + int(rnd.np.poisson(0.35 * math.log1p(centre.employees))))
    k = min(k, 5)
    rooms = []
    for area in taught[:k]:
        room = _room(rnd, centre, FACILITIES[area], [area], risk=centre.risk)
        rooms.append(room)
    if len(taught) > 1 and rnd.chance(0.3):
        rooms.append(_room(rnd, centre, CLASSROOM, taught[:3], risk=centre.risk))
    mobile = [a for a in taught[:3] if a in MOBILE_UNITS]
    if mobile and rnd.chance(0.07):
        area = mobile[0]
        name, items = MOBILE_UNITS[area]
        spec = (M, name, (10, 16), items)
        rooms.append(_room(rnd, centre, spec, [area], risk=centre.risk))
    _name_apart(rooms)
    for room in rooms:
        _staff(rnd, world, room)
    return rooms


def _name_apart(rooms: list[Room]) -> None:
    """Two facilities of one organization with the same name are numbered."""
    seen: dict[str, int] = {}
    for room in rooms:
        seen[room.name] = seen.get(room.name, 0) + 1
        if seen[room.name] > 1:
            room.name = f"{room.name} {seen[room.name]}"


def _staff(rnd, world: World, room: Room) -> None:
    """One to four active instructors of the organization who teach the area."""
    by_area = world.instructors.get(room.organization, {})
    candidates = sorted({i for a in room.areas for i in by_area.get(a, [])})
    if candidates:
        room.instructors = rnd.sample(candidates, rnd.integer(1, 4))


def _company_rooms(rnd, company: Organization) -> list[Room]:
    areas = COMPANY_AREAS.get(company.isic_section)
    if not areas:
        return []
    area = rnd.pick(areas)
    rooms = [_room(rnd, company, FACILITIES[area], [area], shared=rnd.chance(0.45))]
    if company.employees >= 1000 or rnd.chance(0.3):
        spec = (C, "Centro de capacitación interno", (20, 40), CLASSROOM[3])
        rooms.append(_room(rnd, company, spec, ["ADM", "INF"], shared=rnd.chance(0.45)))
    return rooms


def _san_miguel_laboratory(rnd, world: World, rooms: list[Room]) -> None:
    """At least one training centre of San Miguel has an electricity laboratory:
    the one teaching the most electricity there (else the biggest)."""
    local = [c for c in world.centres if c.department == SAN_MIGUEL]
    ids = {c.pk for c in local}
    if not local or any(
        r.organization in ids and r.kind == L and ELECTRICITY in r.areas for r in rooms
    ):
        return
    centre = max(
        local, key=lambda c: (c.areas.get(ELECTRICITY, 0.0), c.employees, c.code)
    )
    room = _room(rnd, centre, FACILITIES[ELECTRICITY], [ELECTRICITY], shared=True)
    _staff(rnd, world, room)
    rooms.append(room)


def _facilities(rnd, world: World, stamp, counts) -> None:
    rooms: list[Room] = []
    for centre in world.centres:
        # Most centres record theirs; the demo's centre always does.
        if centre.code == CENTRE_CODE or rnd.chance(0.85):
            rooms += _centre_rooms(rnd, world, centre)
    for company in world.companies:
        # Some large companies train in their own premises, the demo's always.
        if company.code == COMPANY_CODE or rnd.chance(0.35):
            rooms += _company_rooms(rnd, company)
    _san_miguel_laboratory(rnd, world, rooms)

    ids = bulk.reserve_ids(Facility, len(rooms)).tolist()
    bulk.insert_columns(
        Facility,
        {
            "id": ids,
            "organization_id": [r.organization for r in rooms],
            "name": [r.name for r in rooms],
            "kind": [r.kind for r in rooms],
            "department_id": [r.department_id for r in rooms],
            "municipality_id": [r.municipality_id for r in rooms],
            "capacity": [r.capacity for r in rooms],
            "available_to_share": [r.shared for r in rooms],
            "contact_note": [r.contact for r in rooms],
            "created_at": stamp,
            "updated_at": stamp,
        },
    )
    bulk.insert(
        Facility.training_areas.through,
        ["facility_id", "trainingarea_id"],
        (
            (pk, world.area_ids[a])
            for pk, r in zip(ids, rooms, strict=True)
            for a in r.areas
        ),
    )
    counts["facility_instructors"] = bulk.insert(
        Facility.instructors.through,
        ["facility_id", "instructor_id"],
        ((pk, i) for pk, r in zip(ids, rooms, strict=True) for i in r.instructors),
    )
    counts["equipment"] = bulk.insert(
        Equipment,
        ["facility_id", "item", "quantity", "condition"],
        (
            (pk, item, quantity, condition)
            for pk, r in zip(ids, rooms, strict=True)
            for item, quantity, condition in r.equipment
        ),
    )
    counts["facilities"] = len(rooms)
    counts["facilities_shared"] = sum(r.shared for r in rooms)
    counts["facilities.companies"] = len(
        {r.organization for r in rooms} & {c.pk for c in world.companies}
    )
