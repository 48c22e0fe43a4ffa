"""The institute's programme catalogue of the demo and the figures that shape who
takes which course: women's share by training area, how popular each area is,
where vulnerable people live, how long and how dear each modality is.

Every figure here is illustrative: chosen so that the dashboards tell a plausible
story (a segregated offer, dual training that completes best, vulnerable people in
short courses and in the north and east of the country), not measured.
"""

from dataclasses import dataclass

# Modalities, in the order of the arrays of demo.training.
MODALITIES = ("initial", "continuous", "dual", "certification")
INITIAL, CONTINUOUS, DUAL, CERTIFICATION = range(4)

# The programme lines of the brief, named in each programme's description.
LINES = {
    "dual": "Programa Empresa Centro: formación dual en la empresa y el centro de "
    "formación.",
    "initial": "Programa Hábil Técnico Permanente: formación inicial para personas "
    "que buscan su primer empleo o cambiar de oficio.",
    "initial_youth": "Programa Caminos de la Juventud: formación inicial para "
    "jóvenes de comunidades en riesgo.",
    "continuous": "Formación continua para el personal de las empresas cotizantes.",
    "certification": "Certificación de competencias laborales: evaluación de lo que "
    "la persona ya sabe hacer, como sea que lo haya aprendido.",
}


@dataclass(frozen=True)
class ProgrammeSpec:
    code: str
    name: str
    modality: str
    isco: str  # ISCO-08 unit group (4 digits) of the target occupation
    hours: int
    delivery: str


def _p(area, number, modality, name, isco, hours, delivery="in_person"):
    prefix = {"initial": "FI", "continuous": "FC", "dual": "FD", "certification": "CC"}
    return ProgrammeSpec(
        f"{area}-{prefix[modality]}{number:02d}", name, modality, isco, hours, delivery
    )


# 60 programmes over the 15 areas of demo.registry.TRAINING_AREAS. Hours by
# modality: dual 600–2,000 (six months to two years), initial 120–600, continuous
# 16–80, certification 8–40. Dual careers in the fields of Empresa Centro.
PROGRAMMES = [
    _p("ADM", 1, "dual", "Técnico en Asistencia Administrativa", "4110", 1600),
    _p("ADM", 1, "initial", "Auxiliar contable", "4311", 320, "blended"),
    _p("ADM", 1, "continuous", "Excel para la gestión administrativa", "4110", 24, "virtual"),
    _p("ADM", 2, "continuous", "Gestión del talento humano", "4416", 40, "blended"),
    _p("INF", 1, "dual", "Técnico en Soporte Informático", "3512", 1800),
    _p("INF", 1, "initial", "Desarrollo de aplicaciones web", "2513", 480, "blended"),
    _p("INF", 2, "initial", "Operador de computadoras", "4132", 160),
    _p("INF", 1, "continuous", "Ciberseguridad para empresas", "3513", 40, "virtual"),
    _p("COM", 1, "dual", "Técnico en Comercio y Ventas", "5223", 1200),
    _p("COM", 1, "initial", "Cajero y atención al cliente", "5230", 160),
    _p("COM", 1, "continuous", "Técnicas de venta y negociación", "3322", 20),
    _p("COM", 2, "continuous", "Marketing digital para mipymes", "2431", 32, "virtual"),
    _p("CON", 1, "dual", "Técnico en Confección Industrial", "8153", 1400),
    _p("CON", 1, "initial", "Operación de máquinas de confección", "8153", 240),
    _p("CON", 1, "continuous", "Control de calidad en la confección", "7543", 24),
    _p("CON", 1, "certification", "Certificación: operación de máquina plana industrial", "8153", 16),
    _p("ELE", 1, "dual", "Técnico en Electricidad Industrial", "7412", 2000),
    _p("ELE", 1, "initial", "Electricista residencial", "7411", 400),
    _p("ELE", 1, "continuous", "Instalación de sistemas fotovoltaicos", "7411", 60, "blended"),
    _p("ELE", 1, "certification", "Certificación: instalaciones eléctricas residenciales", "7411", 24),
    _p("HOT", 1, "dual", "Técnico en Servicios de Hotel y Restaurante", "5131", 1200),
    _p("HOT", 1, "initial", "Cocina salvadoreña e internacional", "5120", 360),
    _p("HOT", 1, "continuous", "Manipulación higiénica de alimentos", "5120", 16),
    _p("HOT", 1, "certification", "Certificación: servicio de mesa y bar", "5131", 16),
    _p("MAU", 1, "dual", "Técnico en Mecánica Automotriz", "7231", 2000),
    _p("MAU", 1, "initial", "Mecánica automotriz básica", "7231", 480),
    _p("MAU", 1, "continuous", "Diagnóstico electrónico automotriz", "7231", 40),
    _p("MAU", 1, "certification", "Certificación: mantenimiento preventivo de vehículos", "7231", 24),
    _p("MIN", 1, "dual", "Técnico en Mecánica Industrial", "7233", 1800),
    _p("MIN", 1, "initial", "Refrigeración y aire acondicionado", "7127", 400),
    _p("MIN", 1, "continuous", "Mantenimiento industrial preventivo", "7233", 40),
    _p("MIN", 2, "continuous", "Neumática e hidráulica industrial", "3115", 32),
    _p("SOL", 1, "initial", "Soldadura por arco eléctrico", "7212", 300),
    _p("SOL", 1, "continuous", "Soldadura MIG/MAG", "7212", 60),
    _p("SOL", 2, "continuous", "Montaje de estructuras metálicas", "7214", 48),
    _p("SOL", 1, "certification", "Certificación: soldadura de arco eléctrico", "7212", 24),
    _p("CST", 1, "initial", "Albañilería", "7112", 320),
    _p("CST", 2, "initial", "Fontanería", "7126", 240),
    _p("CST", 1, "continuous", "Lectura e interpretación de planos", "3123", 24),
    _p("CST", 1, "certification", "Certificación: carpintería de obra", "7115", 16),
    _p("AGR", 1, "initial", "Procesamiento de productos lácteos", "7513", 200),
    _p("AGR", 2, "initial", "Panadería y repostería", "7512", 240),
    _p("AGR", 1, "continuous", "Buenas prácticas de manufactura", "8160", 16),
    _p("AGR", 2, "continuous", "Catación y calidad del café", "7515", 40),
    _p("BEL", 1, "initial", "Cosmetología", "5142", 480),
    _p("BEL", 2, "initial", "Barbería", "5141", 200),
    _p("BEL", 1, "continuous", "Manicura y uñas profesionales", "5142", 32),
    _p("BEL", 1, "certification", "Certificación: estilismo y corte de cabello", "5141", 16),
    _p("IDI", 1, "initial", "Inglés para centros de llamadas", "4222", 480, "blended"),
    _p("IDI", 2, "initial", "Inglés básico", "4222", 200, "virtual"),
    _p("IDI", 1, "continuous", "Inglés para el turismo", "4221", 60, "blended"),
    _p("IDI", 2, "continuous", "Inglés técnico para la industria", "3122", 40, "virtual"),
    _p("SAL", 1, "initial", "Cuidado de personas adultas mayores", "5322", 240),
    _p("SAL", 2, "initial", "Asistente de farmacia", "3213", 300),
    _p("SAL", 1, "continuous", "Primeros auxilios y seguridad ocupacional", "3257", 16),
    _p("SAL", 2, "continuous", "Atención y cuidado infantil", "5311", 40),
    _p("LOG", 1, "initial", "Auxiliar de bodega e inventarios", "4321", 160),
    _p("LOG", 1, "continuous", "Operación segura de montacargas", "8344", 24),
    _p("LOG", 2, "continuous", "Gestión aduanera y comercio exterior", "3331", 40, "virtual"),
    _p("LOG", 1, "certification", "Certificación: operación de montacargas", "8344", 8),
]  # fmt: skip
# Initial courses of Caminos de la Juventud (the others are Hábil Técnico).
YOUTH_PROGRAMMES = {"INF-FI02", "CST-FI01", "AGR-FI02", "BEL-FI02", "SOL-FI01"}

# Share of the year's enrolments in each area and women's share in it. With these,
# women are about 47% of the enrolments and Duncan's segregation index over the
# areas is about 0.48.
AREA_ENROLMENT = {
    "ADM": (0.11, 0.70), "INF": (0.12, 0.42), "COM": (0.08, 0.58),
    "CON": (0.06, 0.85), "ELE": (0.08, 0.09), "HOT": (0.09, 0.62),
    "MAU": (0.05, 0.06), "MIN": (0.04, 0.07), "SOL": (0.04, 0.05),
    "CST": (0.04, 0.07), "AGR": (0.05, 0.40), "BEL": (0.06, 0.90),
    "IDI": (0.08, 0.55), "SAL": (0.05, 0.80), "LOG": (0.05, 0.22),
}  # fmt: skip
# Relative weight of one programme of each modality within its area: continuous
# courses for companies are the bulk of the enrolments, dual careers a few.
MODALITY_WEIGHT = {"initial": 2.6, "continuous": 4.2, "dual": 0.9, "certification": 1.9}

# Enrolments of each year, as a share of the scale's yearly figure: the 2020
# pandemic closed the workshops for months, then the system grew again.
YEAR_FACTOR = {
    2019: 1.00, 2020: 0.62, 2021: 0.88, 2022: 1.02, 2023: 1.06, 2024: 1.10, 2025: 1.12,
}  # fmt: skip

# How a run is funded, by modality (levy, public budget, donor, company, other).
FUNDING = {
    "initial": {"levy": 0.45, "public": 0.35, "donor": 0.15, "other": 0.05},
    "continuous": {
        "levy": 0.45, "company": 0.35, "public": 0.12, "donor": 0.05, "other": 0.03,
    },
    "dual": {"levy": 0.90, "public": 0.05, "donor": 0.05},
    "certification": {"levy": 0.60, "company": 0.20, "public": 0.15, "donor": 0.05},
}  # fmt: skip

# Seats of a run (lowest, highest) and share of the seats taken on average.
CAPACITY = {
    "initial": (15, 30),
    "continuous": (12, 30),
    "dual": (12, 25),
    "certification": (8, 20),
}
FILL = (9.0, 2.0)  # beta distribution: about 82% of the seats taken

# Hours of training a day (lowest, highest): dual alternates company and centre
# over six months to two years, company courses are full days.
DAILY_HOURS = {
    "initial": (3, 5),
    "continuous": (4, 8),
    "dual": (4, 6),
    "certification": (8, 8),
}
# Month a run starts in (January … December); dual careers start with the
# semesters.
START_MONTH = {
    "default": [6, 11, 11, 8, 10, 10, 10, 8, 9, 10, 6, 1],
    "dual": [30, 30, 0, 0, 0, 0, 25, 15, 0, 0, 0, 0],
}

# Cost of one participant-hour in US dollars, by modality; workshops of the
# mechanical trades cost more. A run's cost is seats × hours × rate × noise.
HOUR_RATE = {"initial": 1.4, "continuous": 3.0, "dual": 0.6, "certification": 5.0}
AREA_COST = {"MAU": 1.4, "MIN": 1.4, "SOL": 1.5, "ELE": 1.3, "CST": 1.2, "INF": 1.1}

# Completion (completed or certified among the finished) by modality, before the
# provider's effect, and certification among those who complete.
COMPLETION = {"initial": 0.70, "continuous": 0.81, "dual": 0.90, "certification": 0.83}
CERTIFICATION_RATE = {
    "initial": 0.45,
    "continuous": 0.15,
    "dual": 0.72,
    "certification": 0.80,
}

# Age at the start (years): low + gamma(shape, scale), most of them 18 to 29.
AGE = {
    "initial": (15, 2.2, 4.0),
    "continuous": (17, 2.6, 6.0),
    "dual": (16, 2.5, 1.6),
    "certification": (17, 3.0, 4.5),
}
# Employed when they enrol.
EMPLOYED = {"initial": 0.3, "continuous": 0.9, "dual": 0.12, "certification": 0.7}
# How much more likely than average someone in this modality is a returning
# trainee (workers come back for continuous courses and certification).
RETURNING = {"initial": 0.7, "continuous": 1.4, "dual": 0.25, "certification": 1.6}
# Who takes a second course in the same year, relative to the average: short
# continuous courses and certifications; never a dual career (full time).
SAME_YEAR = {"initial": 0.5, "continuous": 1.6, "dual": 0.0, "certification": 1.4}

# Where vulnerable people live: share of rural residents, share of returned
# migrants and a department effect (log-odds) on low income and disability.
# Morazán, La Unión, Cabañas, Chalatenango and Ahuachapán are the poorest and most
# rural; the capital's metropolitan area the least.
RURAL = {
    "SV-AH": 0.55, "SV-CA": 0.62, "SV-CH": 0.62, "SV-CU": 0.40, "SV-LI": 0.22,
    "SV-PA": 0.45, "SV-SS": 0.07, "SV-SA": 0.33, "SV-SO": 0.35, "SV-SM": 0.38,
    "SV-US": 0.45, "SV-UN": 0.60, "SV-MO": 0.66, "SV-SV": 0.48,
}  # fmt: skip
RETURNED_MIGRANT = {
    "SV-AH": 0.03, "SV-CA": 0.035, "SV-CH": 0.035, "SV-CU": 0.02, "SV-LI": 0.012,
    "SV-PA": 0.02, "SV-SS": 0.01, "SV-SA": 0.02, "SV-SO": 0.015, "SV-SM": 0.035,
    "SV-US": 0.035, "SV-UN": 0.045, "SV-MO": 0.045, "SV-SV": 0.025,
}  # fmt: skip
POOREST = ("SV-MO", "SV-UN", "SV-CA", "SV-CH", "SV-AH")
DEPARTMENT_EFFECT = {code: 0.8 for code in POOREST} | {
    "SV-SS": -0.6, "SV-LI": -0.3, "SV-SA": 0.0, "SV-SO": 0.2, "SV-CU": 0.2,
    "SV-PA": 0.3, "SV-SV": 0.4, "SV-US": 0.4, "SV-SM": 0.3,
}  # fmt: skip

# Education at entry, least to most (labels as a centre would record them).
EDUCATION = [
    "Primaria",
    "Educación básica",
    "Bachillerato",
    "Técnico",
    "Universitaria",
]
EDUCATION_WEIGHTS = {
    "initial": [0.12, 0.33, 0.45, 0.07, 0.03],
    "continuous": [0.04, 0.16, 0.45, 0.18, 0.17],
    "dual": [0.0, 0.15, 0.75, 0.08, 0.02],
    "certification": [0.10, 0.30, 0.40, 0.12, 0.08],
}

# Monthly wage (USD) by ISIC section, for the payroll the levy is 1% of.
WAGE = {
    "A": 380, "B": 480, "C": 520, "D": 950, "E": 500, "F": 480, "G": 500, "H": 560,
    "I": 420, "J": 1000, "K": 1100, "L": 700, "M": 900, "N": 430, "P": 650,
    "Q": 750, "R": 500, "S": 420,
}  # fmt: skip
LEVY_RATE = 0.01
