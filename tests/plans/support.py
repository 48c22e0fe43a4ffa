"""A small plan for the tests, over the indicators' hand-made world (2024)."""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from semillero.plans import services
from semillero.plans.models import PlanIndicator
from semillero.registry.models import Organization


def evidence(name="acta.pdf"):
    return SimpleUploadedFile(
        name, b"%PDF-1.4 evidence", content_type="application/pdf"
    )


def make_plan(user, *, start=2023, end=2027):
    institute = Organization.objects.get(is_lead_institute=True)
    plan = services.create_plan(
        user=user,
        name="Plan Estratégico",
        start_year=start,
        end_year=end,
        institute=institute,
    )
    axis = services.add_axis(
        plan, user=user, code="3", name="Acceso de mujeres y vulnerables"
    )
    objective = services.add_objective(
        axis, user=user, code="3.1", name="Más personas terminan su formación"
    )
    return plan, objective


def add_indicator(user, objective, code, *, targets, **fields):
    defaults = {
        "name": f"Indicador {code}",
        "definition": "Definición",
        "unit": "ratio",
        "direction": "increase",
        "accumulation": "stock",
        "responsible_unit": "Planificación",
        "source": "computed",
        "baseline_year": 2023,
        "baseline_value": Decimal("0"),
    }
    defaults.update(fields)
    indicator = PlanIndicator(objective=objective, code=code, **defaults)
    return services.save_indicator(
        indicator,
        user=user,
        targets={year: Decimal(str(v)) for year, v in targets.items()},
    )
