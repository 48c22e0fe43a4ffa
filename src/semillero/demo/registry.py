"""The registry part of the demo: the lead institute and its two names, training
centres, companies and the other actors of the system, the institute's training
areas, the agreements between them and the centres' instructors.

Organizations and places are spread over the departments like the population.
Public bodies, associations, universities and international bodies carry their real
names so the demo reads like the real system; every figure, agreement, person,
company and training centre is invented.
"""

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from semillero.registry.models import (
    Agreement,
    AgreementStatus,
    AgreementType,
    Instructor,
    Municipality,
    Organization,
    OrganizationName,
    OrganizationType,
    TrainingArea,
)

from .context import DemoContext, RandomSource, Territory, allocate, ascii_slug

NAME = "registry"
TITLE = gettext_lazy("Registry")

COUNTS = {
    "default": {
        "training_centres": 300,
        "companies": 2000,
        "government": 20,
        "business_associations": 15,
        "workers_organizations": 15,
        "strategic_partners": 15,
        "international": 8,
        "agreements": 800,
        "instructors": 2500,
    },
    # About 1/20, with at least two of each kind so every page has something.
    "small": {
        "training_centres": 15,
        "companies": 100,
        "government": 3,
        "business_associations": 2,
        "workers_organizations": 2,
        "strategic_partners": 2,
        "international": 2,
        "agreements": 40,
        "instructors": 125,
    },
}
# The national scale has the real system's size: the same ~300 centres, with the
# enrolments of a real year (see demo.training).
COUNTS["national"] = COUNTS["default"]

# The organizations the demo accounts belong to (see demo.accounts).
LEAD_CODE = "INCAF"
CENTRE_CODE = "CFP-0001"
COMPANY_CODE = "EMP-00001"
GOVERNMENT_CODE = "GOB-001"

# The lead institute and the names it carried (brief §1): INSAFORP from the Ley de
# Formación Profesional of 2 June 1993 until INCAF took over on 9 December 2023.
LEAD_NAMES = [
    (
        "Instituto Salvadoreño de Formación Profesional",
        "INSAFORP",
        date(1993, 6, 2),
        date(2023, 12, 8),
        "Ley de Formación Profesional, Decreto Legislativo 554",
    ),
    (
        "Instituto Nacional de Capacitación y Formación",
        "INCAF",
        date(2023, 12, 9),
        None,
        "Ley del INCAF: asume las funciones, bienes y obligaciones del INSAFORP",
    ),
]

# Institute-defined training areas: code, name, women's share among instructors.
TRAINING_AREAS = [
    ("ADM", "Administración", 0.62),
    ("INF", "Informática", 0.34),
    ("COM", "Comercio", 0.55),
    ("CON", "Confección industrial", 0.78),
    ("ELE", "Electricidad", 0.09),
    ("HOT", "Hostelería y turismo", 0.52),
    ("MAU", "Mecánica automotriz", 0.06),
    ("MIN", "Mecánica industrial", 0.08),
    ("SOL", "Soldadura", 0.07),
    ("CST", "Construcción", 0.10),
    ("AGR", "Agroindustria", 0.36),
    ("BEL", "Belleza", 0.88),
    ("IDI", "Idiomas", 0.58),
    ("SAL", "Salud", 0.74),
    ("LOG", "Logística", 0.28),
]
# How often an area is a centre's main line (IT, administration and languages lead).
CENTRE_MAIN_AREA = {
    "INF": 14, "ADM": 10, "IDI": 9, "BEL": 8, "HOT": 8, "ELE": 7, "CON": 6, "MAU": 6,
    "COM": 6, "AGR": 5, "SAL": 5, "SOL": 4, "CST": 4, "LOG": 4, "MIN": 4,
}  # fmt: skip

REGION = {
    "SV-AH": "de Occidente", "SV-SA": "de Occidente", "SV-SO": "de Occidente",
    "SV-CH": "del Norte", "SV-LI": "de La Libertad", "SV-SS": "del Área Metropolitana",
    "SV-CU": "Paracentral", "SV-PA": "Paracentral", "SV-CA": "Paracentral",
    "SV-SV": "Paracentral", "SV-US": "de Oriente", "SV-SM": "de Oriente",
    "SV-MO": "de Oriente", "SV-UN": "de Oriente",
}  # fmt: skip

CENTRE_PATTERNS = {
    None: [
        "Centro de Formación Profesional {x}",
        "Instituto Técnico {x}",
        "Centro de Capacitación Técnica {x}",
        "Escuela Técnica {x}",
        "Centro de Estudios Técnicos {x}",
        "Asociación Educativa {x}",
    ],
    "INF": ["Academia de Computación {x}", "Instituto de Informática {x}"],
    "ADM": ["Academia Comercial {x}", "Escuela de Negocios {x}"],
    "IDI": ["Academia de Idiomas {x}", "Instituto de Inglés {x}"],
    "BEL": ["Academia de Belleza {x}", "Escuela de Cosmetología {x}"],
    "HOT": ["Escuela de Hostelería y Turismo {x}", "Escuela de Cocina {x}"],
    "ELE": ["Instituto de Electricidad {x}", "Centro de Electrotecnia {x}"],
    "CON": ["Escuela de Corte y Confección {x}", "Centro de Confección {x}"],
    "MAU": ["Taller Escuela Automotriz {x}", "Instituto Automotriz {x}"],
    "COM": ["Academia de Ventas y Comercio {x}"],
    "AGR": ["Escuela Agroindustrial {x}", "Centro de Formación Agropecuaria {x}"],
    "SAL": ["Escuela de Enfermería {x}", "Instituto de Ciencias de la Salud {x}"],
    "SOL": ["Centro de Soldadura {x}"],
    "CST": ["Escuela de la Construcción {x}"],
    "LOG": ["Centro de Logística {x}"],
    "MIN": ["Instituto de Mecánica Industrial {x}"],
}
CENTRE_EPITHETS = [
    "San José", "San Francisco", "Santa María", "San Rafael", "Santa Lucía",
    "San Antonio", "Santa Teresa", "San Andrés", "La Esperanza", "El Progreso",
    "Nuevo Horizonte", "Los Volcanes", "El Pacífico", "Cuscatlán", "Atlacatl",
    "Torogoz", "Maquilishuat", "Izote", "Monte Carmelo", "Fe y Trabajo",
    "Futuro", "Superación", "Emprende", "Manos que Construyen",
]  # fmt: skip

# ISIC sections of the companies, weighted like the country's formal employers:
# commerce and manufacturing first; no public administration, households or
# extraterritorial bodies among companies.
COMPANY_SECTIONS = {
    "G": 26, "C": 18, "I": 8, "F": 6, "M": 6, "N": 6, "H": 5, "A": 4, "J": 4,
    "K": 4, "Q": 4, "S": 2.5, "L": 2, "P": 2, "D": 1, "E": 1, "R": 1, "B": 0.5,
}  # fmt: skip
COMPANY_WORDS = {
    "A": ["Agrícola", "Avícola", "Cafetalera", "Ganadera", "Hacienda", "Camaronera"],
    "B": ["Canteras", "Agregados"],
    "C": ["Industrias", "Textiles", "Confecciones", "Plásticos", "Alimentos",
          "Lácteos", "Panificadora", "Laboratorios", "Metalúrgica", "Empaques",
          "Bebidas", "Muebles", "Calzado", "Imprenta", "Beneficio de Café"],
    "D": ["Energía Solar", "Generadora Eléctrica"],
    "E": ["Reciclaje", "Servicios Ambientales"],
    "F": ["Constructora", "Ingeniería y Construcción", "Edificaciones"],
    "G": ["Distribuidora", "Comercial", "Almacenes", "Importadora", "Ferretería",
          "Farmacia", "Supermercados", "Agroservicio", "Repuestos"],
    "H": ["Transportes", "Logística", "Mensajería", "Almacenadora"],
    "I": ["Hotel", "Restaurante", "Cafetería", "Hostal", "Pupusería"],
    "J": ["Soluciones Informáticas", "Sistemas", "Telecomunicaciones", "Software"],
    "K": ["Financiera", "Cooperativa de Ahorro y Crédito", "Seguros"],
    "L": ["Inmobiliaria", "Bienes Raíces"],
    "M": ["Consultores", "Auditores", "Arquitectos", "Publicidad"],
    "N": ["Servicios de Limpieza", "Seguridad Privada", "Contact Center",
          "Agencia de Viajes"],
    "P": ["Colegio", "Academia"],
    "Q": ["Clínica", "Hospital", "Laboratorio Clínico", "Centro Médico"],
    "R": ["Centro Recreativo", "Producciones"],
    "S": ["Taller", "Lavandería", "Salón de Belleza", "Servicios Técnicos"],
}  # fmt: skip
COMPANY_EPITHETS = [
    "del Pacífico", "del Valle", "del Lago", "Los Volcanes", "El Roble", "La Ceiba",
    "El Bálsamo", "Santa Elena", "San Benito", "Monte Verde", "Cuscatlán", "Lempa",
    "Izalco", "Torogoz", "Conacaste", "El Amate", "Centroamérica", "La Cima",
    "Las Colinas", "El Sol", "Jiboa", "Apaneca", "Coatepeque", "Ilopango",
]  # fmt: skip

# Real public bodies and organizations, by kind: name, acronym, municipality code.
# The national bodies sit in the capital, so these do not follow the population.
GOVERNMENT = [
    ("Ministerio de Trabajo y Previsión Social", "MTPS", "SV-SS-CE"),
    ("Ministerio de Educación, Ciencia y Tecnología", "MINEDUCYT", "SV-SS-CE"),
    ("Instituto Salvadoreño del Seguro Social", "ISSS", "SV-SS-CE"),
    ("Ministerio de Economía", "MINEC", "SV-SS-CE"),
    ("Ministerio de Hacienda", "MH", "SV-SS-CE"),
    ("Ministerio de Agricultura y Ganadería", "MAG", "SV-LI-SU"),
    ("Ministerio de Salud", "MINSAL", "SV-SS-CE"),
    ("Ministerio de Turismo", "MITUR", "SV-SS-CE"),
    ("Ministerio de Obras Públicas y de Transporte", "MOP", "SV-SS-CE"),
    ("Ministerio de Medio Ambiente y Recursos Naturales", "MARN", "SV-SS-CE"),
    ("Ministerio de Relaciones Exteriores", "RREE", "SV-SS-CE"),
    ("Ministerio de Cultura", "MICULTURA", "SV-SS-CE"),
    ("Ministerio de Desarrollo Local", "MINDEL", "SV-SS-CE"),
    ("Comisión Nacional de la Micro y Pequeña Empresa", "CONAMYPE", "SV-SS-CE"),
    ("Instituto Salvadoreño para el Desarrollo de la Mujer", "ISDEMU", "SV-SS-CE"),
    ("Instituto Nacional de la Juventud", "INJUVE", "SV-SS-CE"),
    (
        "Consejo Nacional de Atención Integral a la Persona con Discapacidad",
        "CONAIPD",
        "SV-SS-CE",
    ),
    ("Banco Central de Reserva de El Salvador", "BCR", "SV-SS-CE"),
    (
        "Organismo Promotor de Exportaciones e Inversiones de El Salvador",
        "PROESA",
        "SV-SS-CE",
    ),
    ("Dirección General de Migración y Extranjería", "DGME", "SV-SS-CE"),
    ("Instituto Salvadoreño de Turismo", "ISTU", "SV-SS-CE"),
    ("Comisión Ejecutiva Portuaria Autónoma", "CEPA", "SV-SS-CE"),
]
BUSINESS_ASSOCIATIONS = [
    ("Asociación Nacional de la Empresa Privada", "ANEP", "SV-SS-CE"),
    ("Asociación Salvadoreña de Industriales", "ASI", "SV-SS-CE"),
    ("Cámara de Comercio e Industria de El Salvador", "CAMARASAL", "SV-SS-CE"),
    ("Cámara Salvadoreña de la Industria de la Construcción", "CASALCO", "SV-SS-CE"),
    ("Cámara Salvadoreña de Turismo", "CASATUR", "SV-SS-CE"),
    (
        "Cámara de la Industria Textil, Confección y Zonas Francas de El Salvador",
        "CAMTEX",
        "SV-SS-CE",
    ),
    ("Asociación Bancaria Salvadoreña", "ABANSA", "SV-SS-CE"),
    (
        "Cámara Salvadoreña de Tecnologías de Información y Comunicaciones",
        "CASATIC",
        "SV-SS-CE",
    ),
    (
        "Asociación de Medianos y Pequeños Empresarios Salvadoreños",
        "AMPES",
        "SV-SS-CE",
    ),
    ("Cámara Agropecuaria y Agroindustrial de El Salvador", "CAMAGRO", "SV-SS-CE"),
    ("Cámara Americana de Comercio de El Salvador", "AMCHAM", "SV-LI-ES"),
    ("Asociación de Empresarios de Occidente", "", "SV-SA-CE"),
    ("Cámara de Comercio de la Zona Oriental", "", "SV-SM-CE"),
    ("Asociación de Empresarios de la Zona Paracentral", "", "SV-SV-SU"),
    ("Asociación de Productores Lácteos de Chalatenango", "", "SV-CH-SU"),
    ("Asociación de Pescadores y Acuicultores de Oriente", "", "SV-UN-SU"),
]
# Invented, sector-named unions, spread with the population.
WORKERS_ORGANIZATIONS = [
    "Federación Sindical de Trabajadores de la Industria Textil y Confección",
    "Sindicato de Trabajadores de la Construcción y Similares",
    "Federación de Trabajadores del Transporte",
    "Sindicato de Trabajadores de la Industria Alimentaria",
    "Sindicato de Trabajadores del Sector Salud",
    "Sindicato de Facilitadores de la Formación Técnica",
    "Federación de Trabajadores Agropecuarios",
    "Sindicato de Trabajadores de Hoteles y Restaurantes",
    "Sindicato de Trabajadores de la Industria Eléctrica",
    "Sindicato de Trabajadores del Comercio y los Servicios",
    "Federación Sindical de Trabajadores Metalúrgicos",
    "Sindicato de Trabajadoras y Trabajadores de Zonas Francas",
    "Sindicato de Trabajadores de Centros de Llamadas",
    "Sindicato de Trabajadores de la Industria Pesquera",
    "Federación de Trabajadores de la Micro y Pequeña Empresa",
]
STRATEGIC_PARTNERS = [
    ("Universidad de El Salvador", "UES", "SV-SS-CE"),
    ("Universidad Centroamericana José Simeón Cañas", "UCA", "SV-LI-ES"),
    ("Escuela Especializada en Ingeniería ITCA-FEPADE", "ITCA-FEPADE", "SV-LI-SU"),
    ("Universidad Don Bosco", "UDB", "SV-SS-ES"),
    ("Fundación Empresarial para el Desarrollo Educativo", "FEPADE", "SV-SS-CE"),
    (
        "Fundación Salvadoreña para el Desarrollo Económico y Social",
        "FUSADES",
        "SV-LI-ES",
    ),
    ("Universidad Tecnológica de El Salvador", "UTEC", "SV-SS-CE"),
    ("Universidad Francisco Gavidia", "UFG", "SV-SS-CE"),
    ("Universidad Católica de El Salvador", "UNICAES", "SV-SA-CE"),
    ("Escuela Superior de Economía y Negocios", "ESEN", "SV-LI-SU"),
    ("Fundación Empresarial para la Acción Social", "FUNDEMAS", "SV-SS-CE"),
    ("Glasswing International", "", "SV-SS-CE"),
    ("Fe y Alegría El Salvador", "", "SV-SS-CE"),
    ("Universidad de Oriente", "UNIVO", "SV-SM-CE"),
    ("Universidad Dr. José Matías Delgado", "UJMD", "SV-LI-ES"),
]
INTERNATIONAL = [
    (
        "Organización Internacional del Trabajo, Centro Interamericano para el "
        "Desarrollo del Conocimiento en la Formación Profesional",
        "OIT/Cinterfor",
        "SV-SS-CE",
    ),
    ("Deutsche Gesellschaft für Internationale Zusammenarbeit", "GIZ", "SV-SS-CE"),
    (
        "Agencia de los Estados Unidos para el Desarrollo Internacional",
        "USAID",
        "SV-SS-CE",
    ),
    ("Delegación de la Unión Europea en El Salvador", "UE", "SV-SS-CE"),
    ("Agencia de Cooperación Internacional del Japón", "JICA", "SV-SS-CE"),
    (
        "Agencia Española de Cooperación Internacional para el Desarrollo",
        "AECID",
        "SV-SS-CE",
    ),
    ("Banco Interamericano de Desarrollo", "BID", "SV-SS-CE"),
    (
        "Alto Comisionado de las Naciones Unidas para los Refugiados",
        "ACNUR",
        "SV-SS-CE",
    ),
    ("Organización Internacional para las Migraciones", "OIM", "SV-SS-CE"),
    ("Programa de las Naciones Unidas para el Desarrollo", "PNUD", "SV-SS-CE"),
]
FUNDING_THEMES = [
    "Inserción laboral de jóvenes en riesgo",
    "Formación y certificación de personas retornadas",
    "Competencias digitales para mujeres emprendedoras",
    "Modernización de talleres de formación técnica",
    "Formación dual en el sector turismo",
    "Técnicos en energía solar fotovoltaica",
    "Formación de formadores en competencias laborales",
    "Inclusión de personas con discapacidad en la formación profesional",
    "Movilidad laboral y reconocimiento de competencias",
    "Empleabilidad de personas desplazadas",
]

# Agreement mix: training delivery with centres is the bulk of the institute's work.
AGREEMENT_SHARES = {
    AgreementType.TRAINING_DELIVERY: 0.40,
    AgreementType.DUAL_TRAINING: 0.25,
    AgreementType.CERTIFICATION: 0.10,
    AgreementType.COOPERATION: 0.16,
    AgreementType.FUNDING: 0.09,
}
# Agreements start from 2015 to 2025, or to the current year when the demo is built
# later, so that a demo built in any year shows current agreements.
FIRST_YEAR, LAST_YEAR = 2015, 2025
# Sections whose companies take dual-training apprentices.
DUAL_SECTIONS = {"C", "G", "I", "H", "F", "J", "N", "Q", "D"}

GENERAL_CERTIFICATIONS = [
    "Formación de formadores por competencias",
    "Diplomado en diseño curricular basado en competencias",
    "Metodología de la formación dual",
    "Facilitación de cursos virtuales",
    "Evaluador de competencias laborales",
]
AREA_CERTIFICATIONS = {
    "ADM": ["Técnico en administración de empresas", "Diplomado en gestión del talento humano"],
    "INF": ["Técnico en ingeniería de sistemas", "Certificación en redes de computadoras", "Desarrollo web"],
    "COM": ["Técnico en mercadeo", "Servicio al cliente"],
    "CON": ["Patronaje industrial", "Operación de máquinas de confección"],
    "ELE": ["Técnico en ingeniería eléctrica", "Instalaciones eléctricas residenciales", "Sistemas fotovoltaicos"],
    "HOT": ["Técnico en gastronomía", "Manipulación higiénica de alimentos", "Guía turístico"],
    "MAU": ["Técnico en mecánica automotriz", "Diagnóstico electrónico automotriz"],
    "MIN": ["Técnico en mecánica industrial", "Mantenimiento industrial"],
    "SOL": ["Soldadura por arco eléctrico", "Soldadura MIG/TIG"],
    "CST": ["Maestro de obra", "Técnico en construcción civil"],
    "AGR": ["Técnico agroindustrial", "Buenas prácticas de manufactura"],
    "BEL": ["Cosmetología", "Barbería profesional"],
    "IDI": ["Inglés avanzado (nivel C1)", "Didáctica de lenguas extranjeras"],
    "SAL": ["Técnico en enfermería", "Primeros auxilios"],
    "LOG": ["Técnico en logística y aduanas", "Operación de montacargas"],
}  # fmt: skip


@dataclass
class Centre:
    org: Organization
    areas: list[str]
    weight: float


@dataclass
class Built:
    """Everything generated, before it is written."""

    institute: Organization | None = None
    centres: list[Centre] = field(default_factory=list)
    companies: list[Organization] = field(default_factory=list)
    by_type: dict[str, list[Organization]] = field(default_factory=dict)

    def organizations(self) -> list[Organization]:
        orgs = [self.institute] + [c.org for c in self.centres] + self.companies
        for kind in sorted(self.by_type):
            orgs += self.by_type[kind]
        return orgs


class ExistingOrganizations(Exception):
    pass


class OtherCountry(Exception):
    pass


def check() -> None:
    """The registry part only fills an empty registry of El Salvador: real
    organizations are never mixed with invented ones."""
    capital = Municipality.objects.filter(code="SV-SS-CE")
    if settings.COUNTRY != "SV" or not capital.exists():
        raise OtherCountry
    if Organization.objects.exists():
        raise ExistingOrganizations


def describe(counts: dict[str, int]) -> str:
    types = ", ".join(
        f"{label}: {counts[f'organizations.{value}']}"
        for value, label in OrganizationType.choices
        if f"organizations.{value}" in counts
    )
    return _(
        "%(organizations)s organizations (%(types)s), %(areas)s training areas, "
        "%(agreements)s agreements, %(instructors)s instructors"
    ) % {
        "organizations": counts.get("organizations", 0),
        "types": types,
        "areas": counts.get("training_areas", 0),
        "agreements": counts.get("agreements", 0),
        "instructors": counts.get("instructors", 0),
    }


def institute_acronym(on: date) -> str:
    for _name, acronym, start, end, _note in LEAD_NAMES:
        if start <= on and (end is None or on <= end):
            return acronym
    return LEAD_NAMES[-1][1]


def generate(ctx: DemoContext) -> dict[str, int]:
    rnd = ctx.random(NAME)
    territory = ctx.territory
    counts = COUNTS[ctx.scale]
    areas = {
        code: TrainingArea(code=code, name=name)
        for code, name, _share in TRAINING_AREAS
    }
    TrainingArea.objects.bulk_create(areas.values())

    built = Built()
    built.institute = _lead_institute(territory)
    built.centres = _training_centres(rnd, territory, counts["training_centres"])
    built.companies = _companies(rnd, territory, counts["companies"])
    built.by_type = _other_organizations(rnd, territory, counts)
    Organization.objects.bulk_create(built.organizations())
    OrganizationName.objects.bulk_create(
        OrganizationName(
            organization=built.institute,
            name=name,
            acronym=acronym,
            valid_from=start,
            valid_to=end,
            note=note,
        )
        for name, acronym, start, end, note in LEAD_NAMES
    )
    n_agreements = _agreements(rnd, ctx.as_of, built, counts["agreements"])
    n_instructors = _instructors(rnd, built.centres, areas, counts["instructors"])

    result = {"organizations": len(built.organizations())}
    by_type = {OrganizationType.GOVERNMENT.value: 1}  # the institute
    by_type[OrganizationType.TRAINING_CENTRE.value] = len(built.centres)
    by_type[OrganizationType.COMPANY.value] = len(built.companies)
    for kind, orgs in built.by_type.items():
        by_type[kind] = by_type.get(kind, 0) + len(orgs)
    result.update({f"organizations.{k}": v for k, v in sorted(by_type.items())})
    result.update(
        {
            "training_areas": len(areas),
            "agreements": n_agreements,
            "instructors": n_instructors,
        }
    )
    return result


# Organizations ----------------------------------------------------------------


def _organization(territory: Territory, *, municipality_code: str, **fields):
    muni = territory.municipality_by_code(municipality_code)
    return Organization(department=muni.department, municipality=muni, **fields)


def _lead_institute(territory: Territory) -> Organization:
    name, acronym = LEAD_NAMES[-1][0], LEAD_NAMES[-1][1]
    return _organization(
        territory,
        municipality_code="SV-SS-CE",
        code=LEAD_CODE,
        name=name,
        type=OrganizationType.GOVERNMENT,
        isic_section="O",
        is_lead_institute=True,
        email=f"info@{acronym.lower()}.gob.sv",
        phone="+503 2555-0100",
    )


def _spread(rnd: RandomSource, territory: Territory, n: int) -> list[str]:
    """Department codes for n organizations, in proportion to the population and
    shuffled so that codes do not follow the departments."""
    quota = allocate(n, territory.weights())
    codes = [code for code, k in quota.items() for _k in range(k)]
    return [codes[int(i)] for i in rnd.np.permutation(len(codes))]


def _unique(name: str, used: set[str], qualifier: str) -> str:
    """Branches of the same name are told apart by their place, as in practice."""
    candidate = name
    if candidate in used:
        candidate = f"{name}, sede {qualifier}"
    n = 2
    while candidate in used:
        candidate = f"{name}, sede {qualifier} {n}"
        n += 1
    used.add(candidate)
    return candidate


STOP_WORDS = {"de", "del", "la", "las", "los", "el", "y", "e", "para"}


def domain_stem(name: str, longest: int = 22) -> str:
    """An invented web domain from a name: the whole name when short, else the
    initials of its words and the last word ("Centro de Formación Profesional
    Metropolitano" → "cfpmetropolitano")."""
    words = [w for w in ascii_slug(name, sep=" ").split() if w not in STOP_WORDS]
    whole = "".join(words)
    if len(whole) <= longest:
        return whole
    return "".join(w[0] for w in words[:-1]) + words[-1]


def _size(rnd: RandomSource, median: float, sigma: float, high: int) -> int:
    """Employees: log-normal, so a few large employers and many small ones."""
    draw = rnd.np.lognormal(mean=math.log(median), sigma=sigma)
    return int(min(high, max(1, round(draw))))


def _levy(rnd: RandomSource, employees: int) -> bool:
    # The levy is owed from 10 workers; a few liable employers are not paying.
    return employees >= 10 and rnd.chance(0.93)


def _training_centres(rnd, territory, n) -> list[Centre]:
    departments = _spread(rnd, territory, n)
    if "SV-SS" in departments:
        # The demo's data officer works at CFP-0001, a large centre in the capital.
        departments.remove("SV-SS")
        departments.insert(0, "SV-SS")
    used_names: set[str] = set()
    used_nits: set[str] = set()
    centres = []
    area_codes = [code for code, _, _ in TRAINING_AREAS]
    for i, dept in enumerate(departments, start=1):
        if i == 1:
            muni = _capital_or_any(rnd, territory, dept)
            main = "ELE"
            areas = ["ELE", "MAU", "SOL", "INF", "ADM", "CON"]
            weight = 6.0
            name = "Centro de Formación Profesional Metropolitano"
        else:
            muni = territory.municipality(rnd, dept)
            main = rnd.weighted(CENTRE_MAIN_AREA)
            others = [a for a in area_codes if a != main]
            areas = [main, *rnd.sample(others, rnd.integer(0, 4))]
            weight = float(rnd.np.lognormal(0, 0.8))
            generic = rnd.chance(0.45)
            pattern = rnd.pick(CENTRE_PATTERNS[None if generic else main])
            if rnd.chance(0.3):
                epithet = REGION.get(dept, rnd.pick(CENTRE_EPITHETS))
            elif rnd.chance(0.5):
                epithet = rnd.surname()
            else:
                epithet = rnd.pick(CENTRE_EPITHETS)
            name = pattern.format(x=epithet)
        domain = f"{domain_stem(name)}.edu.sv"  # branches share their domain
        name = _unique(name, used_names, muni.name if muni else dept)
        employees = max(3, round(weight * rnd.integer(8, 25)))
        founded = rnd.date_between(date(1975, 1, 1), date(2018, 12, 31))
        org = Organization(
            code=f"CFP-{i:04d}",
            name=name,
            type=OrganizationType.TRAINING_CENTRE,
            tax_id=_nit(rnd, dept, founded, used_nits, legal=True),
            department=territory.departments[dept],
            municipality=muni,
            isic_section="P",
            employees=employees,
            levy_contributor=_levy(rnd, employees),
            email=f"info@{domain}",
            phone=rnd.phone(),
        )
        centres.append(Centre(org=org, areas=areas, weight=weight))
    return centres


def _capital_or_any(rnd, territory: Territory, dept: str):
    if dept == "SV-SS":
        return territory.municipality_by_code("SV-SS-CE")
    return territory.municipality(rnd, dept)


def _nit(rnd, dept, founded, used: set[str], legal: bool) -> str:
    """Legal persons carry correlatives above 100; sole traders their own NIT."""
    while True:
        correlative = rnd.integer(101, 199) if legal else rnd.integer(1, 99)
        nit = rnd.nit(dept, founded, correlative)
        if nit not in used:
            used.add(nit)
            return nit


def _company_stem(rnd, section: str, employees: int) -> str:
    word = rnd.pick(COMPANY_WORDS[section])
    roll = rnd.np.random()
    if roll < 0.45:
        stem = f"{word} {rnd.pick(COMPANY_EPITHETS)}"
    elif roll < 0.8:
        stem = f"{word} {rnd.surname()}"
    else:
        stem = f"{word} Hermanos {rnd.surname()}"
    if employees >= 200 and rnd.chance(0.25):
        stem = f"Grupo {stem}"
    return stem


def _companies(rnd, territory, n) -> list[Organization]:
    departments = _spread(rnd, territory, n)
    if "SV-SS" in departments:
        # The demo's company officer works at EMP-00001, a large firm in the capital.
        departments.remove("SV-SS")
        departments.insert(0, "SV-SS")
    used_names: set[str] = set()
    used_nits: set[str] = set()
    companies = []
    for i, dept in enumerate(departments, start=1):
        if i == 1:
            section, employees = "C", 1850
            muni = _capital_or_any(rnd, territory, dept)
            stem, legal_form = "Industrias Cuscatlán", "S.A. de C.V."
        else:
            section = rnd.weighted(COMPANY_SECTIONS)
            employees = _size(rnd, median=18, sigma=1.35, high=12_000)
            muni = territory.municipality(rnd, dept)
            # Two companies do not share a name: draw again until it is new.
            for attempt in range(50):
                stem = _company_stem(rnd, section, employees)
                if attempt == 49:
                    stem = f"{stem} {i}"
                if stem not in used_names:
                    break
            if stem.startswith("Cooperativa"):
                stem, legal_form = f"Asociación {stem}", "de R.L."
            elif employees < 10 and rnd.chance(0.4):
                legal_form = ""  # a sole trader
            elif employees < 50 and rnd.chance(0.2):
                legal_form = "S. de R.L. de C.V."
            else:
                legal_form = "S.A. de C.V."
        used_names.add(stem)
        domain = f"{domain_stem(stem)}.com.sv"
        name = f"{stem}, {legal_form}" if legal_form else stem
        if legal_form:
            founded = rnd.date_between(date(1960, 1, 1), date(2022, 12, 31))
        else:
            founded = rnd.date_between(date(1955, 1, 1), date(2000, 12, 31))
        companies.append(
            Organization(
                code=f"EMP-{i:05d}",
                name=name,
                type=OrganizationType.COMPANY,
                tax_id=_nit(rnd, dept, founded, used_nits, legal=bool(legal_form)),
                department=territory.departments[dept],
                municipality=muni,
                isic_section=section,
                employees=employees,
                # The demo's company pays its levy, so its page shows what it
                # bought (drawn all the same, so the other companies do not change).
                levy_contributor=_levy(rnd, employees) or i == 1,
                email=f"contacto@{domain}",
                phone=rnd.phone(),
            )
        )
    return companies


def _named(territory, rows, kind, prefix, domain) -> list[Organization]:
    orgs = []
    for i, (name, acronym, municipality_code) in enumerate(rows, start=1):
        full = f"{name} ({acronym})" if acronym else name
        slug = ascii_slug(acronym or name)[:20]
        orgs.append(
            _organization(
                territory,
                municipality_code=municipality_code,
                code=f"{prefix}-{i:03d}",
                name=full,
                type=kind,
                email=f"info@{slug}.{domain}",
            )
        )
    return orgs


def _other_organizations(rnd, territory, counts) -> dict[str, list[Organization]]:
    T = OrganizationType
    result = {
        T.GOVERNMENT: _named(
            territory, GOVERNMENT[: counts["government"]], T.GOVERNMENT, "GOB", "gob.sv"
        ),
        T.BUSINESS_ASSOCIATION: _named(
            territory,
            BUSINESS_ASSOCIATIONS[: counts["business_associations"]],
            T.BUSINESS_ASSOCIATION,
            "GRE",
            "org.sv",
        ),
        T.STRATEGIC_PARTNER: _named(
            territory,
            STRATEGIC_PARTNERS[: counts["strategic_partners"]],
            T.STRATEGIC_PARTNER,
            "ALI",
            "edu.sv",
        ),
        T.INTERNATIONAL: _named(
            territory,
            INTERNATIONAL[: counts["international"]],
            T.INTERNATIONAL,
            "INT",
            "org",
        ),
    }
    for org in result[T.GOVERNMENT]:
        org.isic_section = "O"
    for org in result[T.INTERNATIONAL]:
        org.isic_section = "U"
    for org in result[T.BUSINESS_ASSOCIATION] + result[T.STRATEGIC_PARTNER]:
        org.isic_section = "S" if org.type == T.BUSINESS_ASSOCIATION else "P"
    # Unions have members all over the country: spread them like the population.
    names = WORKERS_ORGANIZATIONS[: counts["workers_organizations"]]
    unions = []
    for i, (name, dept) in enumerate(
        zip(names, _spread(rnd, territory, len(names)), strict=True), start=1
    ):
        muni = territory.municipality(rnd, dept)
        unions.append(
            Organization(
                code=f"SIN-{i:03d}",
                name=name,
                type=T.WORKERS_ORGANIZATION,
                department=territory.departments[dept],
                municipality=muni,
                isic_section="S",
                phone=rnd.phone(),
            )
        )
    result[T.WORKERS_ORGANIZATION] = unions
    return {str(k): v for k, v in result.items()}


# Agreements -------------------------------------------------------------------


def _status(rnd, start: date, end: date | None, as_of: date):
    """Status consistent with the dates: not started yet is a draft; some are
    terminated early (the end date becomes the termination date); past the end
    date is expired; otherwise active."""
    if start > as_of:
        return AgreementStatus.DRAFT, end
    last = min(end, as_of) if end else as_of
    if (last - start).days > 60 and rnd.chance(0.04):
        return AgreementStatus.TERMINATED, rnd.date_between(
            start + timedelta(days=30), last
        )
    if end is not None and end < as_of:
        return AgreementStatus.EXPIRED, end
    return AgreementStatus.ACTIVE, end


def _years_later(start: date, years: int) -> date:
    try:
        return start.replace(year=start.year + years) - timedelta(days=1)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28) - timedelta(days=1)


def _agreements(rnd, as_of: date, built: Built, n: int) -> int:
    institute = built.institute
    T = OrganizationType
    quota = allocate(n, {str(k): v for k, v in AGREEMENT_SHARES.items()})
    last_year = max(LAST_YEAR, as_of.year)
    first, last = date(FIRST_YEAR, 1, 1), date(last_year, 12, 31)
    centre_weights = [c.weight for c in built.centres]
    centre_p = [w / sum(centre_weights) for w in centre_weights]
    dual_companies = [
        c
        for c in built.companies
        if c.isic_section in DUAL_SECTIONS and c.employees >= 20
    ] or built.companies
    company_w = [c.employees**0.5 for c in dual_companies]
    company_p = [w / sum(company_w) for w in company_w]
    by_type = built.by_type

    rows = []  # (type, title, start, planned end, parties)
    # Training delivery: every centre at least once (the first in the list is the
    # demo's CFP-0001), then more for the bigger centres; one calendar year each.
    for k in range(quota[AgreementType.TRAINING_DELIVERY]):
        centre = (
            built.centres[k]
            if k < len(built.centres)
            else rnd.pick(built.centres, p=centre_p)
        ).org
        year = rnd.integer(FIRST_YEAR, last_year)
        start = date(year, rnd.integer(1, 3), rnd.integer(1, 28))
        title = f"Ejecución de acciones formativas {year}: {centre.name}"
        rows.append(
            (
                AgreementType.TRAINING_DELIVERY,
                title,
                start,
                date(year, 12, 31),
                [institute, centre],
            )
        )
    for k in range(quota[AgreementType.DUAL_TRAINING]):
        if k == 0:
            centre, company = built.centres[0].org, built.companies[0]
        else:
            centre = rnd.pick(built.centres, p=centre_p).org
            company = rnd.pick(dual_companies, p=company_p)
        start = rnd.date_between(first, last)
        title = f"Formación dual Empresa-Centro: {centre.name} y {company.name}"
        rows.append(
            (
                AgreementType.DUAL_TRAINING,
                title,
                start,
                _years_later(start, 2),
                [centre, company],
            )
        )
    certifiers = (
        by_type[T.BUSINESS_ASSOCIATION]
        + [c.org for c in built.centres]
        + built.companies[: max(1, len(built.companies) // 20)]
    )
    for _k in range(quota[AgreementType.CERTIFICATION]):
        org = rnd.pick(certifiers)
        start = rnd.date_between(first, last)
        title = f"Certificación de competencias laborales: {org.name}"
        rows.append(
            (
                AgreementType.CERTIFICATION,
                title,
                start,
                _years_later(start, 3),
                [institute, org],
            )
        )
    partners = (
        by_type[T.GOVERNMENT]
        + by_type[T.BUSINESS_ASSOCIATION]
        + by_type[T.WORKERS_ORGANIZATION]
        + by_type[T.STRATEGIC_PARTNER]
    )
    for _k in range(quota[AgreementType.COOPERATION]):
        org = rnd.pick(partners)
        start = rnd.date_between(first, last)
        # A fifth are open-ended framework agreements.
        end = None if rnd.chance(0.2) else _years_later(start, rnd.integer(3, 5))
        title = f"Convenio marco de cooperación {institute_acronym(start)}: {org.name}"
        rows.append((AgreementType.COOPERATION, title, start, end, [institute, org]))
    for _k in range(quota[AgreementType.FUNDING]):
        donor = rnd.pick(by_type[T.INTERNATIONAL])
        start = rnd.date_between(first, last)
        parties = [institute, donor]
        if rnd.chance(0.5):
            parties.append(rnd.pick(built.centres, p=centre_p).org)  # the executor
        acronym = donor.name.rsplit("(", 1)[-1].rstrip(")")
        title = f"{rnd.pick(FUNDING_THEMES)} ({acronym})"
        rows.append(
            (
                AgreementType.FUNDING,
                title,
                start,
                _years_later(start, rnd.integer(2, 4)),
                parties,
            )
        )

    agreements, parties_of = [], []
    sequence: dict[int, int] = {}
    for kind, title, start, end, parties in sorted(rows, key=lambda r: r[2]):
        status, end = _status(rnd, start, end, as_of)
        sequence[start.year] = sequence.get(start.year, 0) + 1
        agreements.append(
            Agreement(
                code=f"CONV-{start.year}-{sequence[start.year]:04d}",
                title=title[:255],
                type=kind,
                status=status,
                start_date=start,
                end_date=end,
            )
        )
        parties_of.append(parties)
    Agreement.objects.bulk_create(agreements)
    Party = Agreement.parties.through
    Party.objects.bulk_create(
        Party(agreement_id=agreement.pk, organization_id=org.pk)
        for agreement, parties in zip(agreements, parties_of, strict=True)
        for org in {p.pk: p for p in parties}.values()
    )
    return len(agreements)


# Instructors ------------------------------------------------------------------


def _instructors(rnd, centres: list[Centre], areas: dict, n: int) -> int:
    female_share = {code: share for code, _, share in TRAINING_AREAS}
    quota = allocate(n, {c.org.code: c.weight for c in centres})
    instructors, their_areas = [], []
    used_emails: set[str] = set()
    number = 0
    for centre in centres:
        domain = centre.org.email.split("@", 1)[1]
        for _k in range(quota[centre.org.code]):
            number += 1
            # Most instructors teach the centre's main line.
            main = centre.areas[0] if rnd.chance(0.6) else rnd.pick(centre.areas)
            own = [main]
            if len(centre.areas) > 1 and rnd.chance(0.35):
                own += rnd.sample([a for a in centre.areas if a != main], 1)
            sex = "F" if rnd.chance(female_share[main]) else "M"
            first, last = rnd.first_name(sex), rnd.last_name()
            local = f"{ascii_slug(first.split()[0])}.{ascii_slug(last.split()[0])}"
            email, k = f"{local}@{domain}", 1
            while email in used_emails:
                k += 1
                email = f"{local}{k}@{domain}"
            used_emails.add(email)
            instructors.append(
                Instructor(
                    organization=centre.org,
                    code=f"INS-{number:05d}",
                    first_name=first,
                    last_name=last,
                    sex=sex,
                    email=email,
                    phone=rnd.phone(mobile=True),
                    certifications=_certifications(rnd, own, sex),
                    active=rnd.chance(0.9),
                )
            )
            their_areas.append(own)
    Instructor.objects.bulk_create(instructors)
    Link = Instructor.training_areas.through
    Link.objects.bulk_create(
        Link(instructor_id=instructor.pk, trainingarea_id=areas[code].pk)
        for instructor, codes in zip(instructors, their_areas, strict=True)
        for code in codes
    )
    return len(instructors)


def _certifications(rnd, area_codes: list[str], sex: str) -> str:
    """0–3 certifications with their year; accreditations name the institute by the
    name it had that year."""
    items = []
    pool = GENERAL_CERTIFICATIONS + [
        c for code in area_codes for c in AREA_CERTIFICATIONS[code]
    ]
    for title in rnd.sample(pool, rnd.integer(0, 3)):
        year = rnd.integer(2000, 2025)
        items.append(f"{title} ({year})")
    if rnd.chance(0.5):
        year = rnd.integer(2005, 2025)
        title = "Facilitadora acreditada" if sex == "F" else "Facilitador acreditado"
        items.append(f"{title} ({institute_acronym(date(year, 12, 31))}, {year})")
    return "; ".join(items)
