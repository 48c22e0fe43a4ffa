"""The demo's policy catalogue: the starting data shipped with Semillero (the
instruments of the domain brief), plus two success stories and the country's
plan as a development strategy, linked to instruments and to the demo plan's
objectives."""

import json

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from semillero.plans.models import Objective
from semillero.policies import services
from semillero.policies.management.commands.policy_catalogue import (
    STARTING_DATA,
    load_starting_data,
)

from .context import DemoContext

NAME = "policies"
TITLE = gettext_lazy("Policy catalogue")

EXTRAS = [
    {
        "slug": "sv-empresa-centro-1996",
        "kind": "success_story",
        "country": "SV",
        "name": "Empresa Centro: formación dual en la empresa y el centro de formación",
        "year": 1996,
        "instrument_type": "",
        "trends": ["work_based", "governance"],
        "parameters": {
            "duration": "de 6 meses a 2 años",
            "governance": "29 carreras, cada una con su comité sectorial de empresas",
        },
        "summary": "Programa de formación dual de INSAFORP adaptado del sistema "
        "alemán y puesto a prueba en 1996: la persona aprende en la empresa y en el "
        "centro de formación a la vez. Abarca administración, informática, comercio, "
        "confección industrial, electricidad, hotelería y restaurantes, y mecánica "
        "automotriz e industrial; el instituto le atribuye una empleabilidad muy alta.",
        "sources": [
            {
                "url": "http://insaforp.org.sv/index.php/formacion-dual/197-formacion-dual",
                "title": "INSAFORP: formación dual",
            },
            {
                "url": "https://diario.elmundo.sv/economia/insaforp-ha-invertido-mas-de-510-millones-en-la-formacion-profesional-en-30-anos",
                "title": "Diario El Mundo: 30 años de formación profesional",
            },
        ],
        "links": ["de-berufsbildungsgesetz-1969", "oit-recomendacion-208-2023"],
        "objective_codes": ["2.1"],
    },
    {
        "slug": "br-senai-industria-1942",
        "kind": "success_story",
        "country": "BR",
        "name": "SENAI: la industria dirige su propia formación",
        "year": 1942,
        "instrument_type": "",
        "trends": ["governance", "digital"],
        "parameters": {"governance": "dirigido por la industria"},
        "summary": "Desde 1942 la industria brasileña dirige y financia su servicio "
        "nacional de aprendizaje: las empresas deciden qué se enseña y lo pagan con "
        "su contribución. Es la referencia regional de formación cercana a la demanda "
        "de las empresas.",
        "sources": [
            {
                "url": "http://planalto.gov.br/CCiVil_03/Decreto-Lei/1937-1946/Del4048.htm",
                "title": "Planalto: Decreto-Lei 4.048",
            }
        ],
        "links": ["br-senai-decreto-lei-4048-1942"],
        "objective_codes": ["1.1"],
    },
    {
        "slug": "sv-plan-estrategico-2023-2027",
        "kind": "strategy",
        "country": "SV",
        "name": "Plan Estratégico del sistema nacional de formación profesional 2023–2027",
        "year": 2023,
        "instrument_type": "",
        "trends": ["digital", "green", "gender", "inclusion", "governance"],
        "parameters": {"duration": "2023–2027"},
        "summary": "Plan elaborado con la asistencia técnica de OIT/Cinterfor tras "
        "revisar la política nacional de formación profesional. Pide coordinar a las "
        "organizaciones del sistema, actualizar los servicios a empresas y personas, "
        "llevar a las mujeres y a las personas vulnerables a los programas que dan "
        "empleo, innovar con normas internacionales y decidir con datos.",
        "sources": [
            {
                "url": "https://test.elsalvador.com/noticias/negocios/insaforp-invertira-40-millones-programas-formacion-profesional/1048607/2023",
                "title": "El Diario de Hoy: el plan y la inversión en formación",
            }
        ],
        "links": [
            "sv-ley-incaf-2023",
            "oit-recomendacion-208-2023",
            "sv-empresa-centro-1996",
        ],
        "objective_codes": ["2.1", "3.1", "3.2", "4.1"],
    },
]


def check() -> None:
    """Always possible: loading is by identifier and changes nothing it finds equal."""


def generate(ctx: DemoContext) -> dict[str, int]:
    load_starting_data()
    objectives = {}
    for objective in Objective.objects.select_related("axis__plan").order_by(
        "axis__plan__start_year"
    ):
        objectives[objective.code] = objective.pk  # the latest plan's wins
    extras = []
    for extra in EXTRAS:
        data = {k: v for k, v in extra.items() if k != "objective_codes"}
        data["objectives"] = [
            objectives[c] for c in extra["objective_codes"] if c in objectives
        ]
        extras.append(data)
    services.catalogue_load(actor=None, entries=extras, note="Demo", file_name="demo")
    # What the demo holds, the same on a fresh database and on a rebuilt one.
    instruments = len(json.loads(STARTING_DATA.read_text(encoding="utf-8")))
    return {"entries": instruments + len(EXTRAS), "instruments": instruments}


def describe(counts: dict[str, int]) -> str:
    return _(
        "%(entries)s catalogue entries: %(instruments)s policy instruments of El "
        "Salvador, the region and the world, success stories and the plan as a "
        "development strategy"
    ) % {
        "entries": counts.get("entries", 0),
        "instruments": counts.get("instruments", 0),
    }
