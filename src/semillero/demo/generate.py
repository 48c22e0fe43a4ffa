"""Build the demo dataset module by module, each once per database."""

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import (
    accounts,
    consultations,
    indicators,
    labour,
    plans,
    policies,
    population,
    quality,
    registry,
    tracer,
    training,
)
from .context import SCALES, DemoContext
from .events import demo_data_generated_event, demo_generated

# In dependency order. A module has NAME, TITLE, check() (raises when the database
# holds data the demo must not mix with), generate(ctx) -> counts and
# describe(counts) -> a sentence for the person running the demo. Later parts of the
# dataset (tracer studies…) are appended here.
MODULES = [registry, population, accounts, training, quality, tracer, indicators, plans]
# The policy catalogue and labour demand (after plans: the catalogue links to the
# plan's objectives).
MODULES += [policies, labour]
# Stakeholder consultations (the 2022–2023 policy consultation).
MODULES += [consultations]


class DemoError(Exception):
    """The demo cannot be built on this database; the message says why."""


@dataclass
class ModuleResult:
    name: str
    title: str
    description: str
    generated: bool
    counts: dict[str, int] = field(default_factory=dict)
    seed: int | None = None
    scale: str | None = None


def build_demo(
    *, seed: int, scale: str, password: str, as_of: date | None = None
) -> list[ModuleResult]:
    """Generate every module the database does not hold yet; skip the others.

    Each module is written in one transaction together with the audit event that
    marks it done, so an interrupted run leaves no half-built module behind and a
    re-run neither duplicates nor misses anything.
    """
    if scale not in SCALES:
        raise DemoError(_("Unknown scale %(scale)s.") % {"scale": scale})
    ctx = DemoContext(
        seed=seed,
        scale=scale,
        as_of=as_of or timezone.localdate(),
        password=password,
    )
    results = []
    for module in MODULES:
        earlier = demo_generated(module.NAME)
        if earlier is not None:
            details = earlier.details
            results.append(
                ModuleResult(
                    name=module.NAME,
                    title=str(module.TITLE),
                    description=module.describe(details.get("counts", {})),
                    generated=False,
                    counts=details.get("counts", {}),
                    seed=details.get("seed"),
                    scale=details.get("scale"),
                )
            )
            continue
        _check(module)
        with transaction.atomic():
            counts = module.generate(ctx)
            demo_data_generated_event(
                module=module.NAME, seed=seed, scale=scale, counts=counts
            )
        results.append(
            ModuleResult(
                name=module.NAME,
                title=str(module.TITLE),
                description=module.describe(counts),
                generated=True,
                counts=counts,
                seed=seed,
                scale=scale,
            )
        )
    return results


def _check(module) -> None:
    try:
        module.check()
    except registry.OtherCountry as exc:
        raise DemoError(
            _(
                "The demo dataset is El Salvador's: it needs the territory of "
                "SEMILLERO_COUNTRY=SV."
            )
        ) from exc
    except registry.ExistingOrganizations as exc:
        raise DemoError(
            _(
                "The database already holds organizations that the demo did not "
                "create. The demo only fills an empty database: use --reset with "
                "the embedded SQLite database, or point DATABASE_URL to an empty one."
            )
        ) from exc
    except accounts.ExistingAccounts as exc:
        raise DemoError(
            _(
                "These accounts exist and were not created by the demo: %(names)s. "
                "Remove them or start from an empty database."
            )
            % {"names": str(exc)}
        ) from exc
    except training.MissingRegistry as exc:
        raise DemoError(
            _(
                "The training part of the demo needs the demo registry (its "
                "training centres and training areas). Start from an empty database."
            )
        ) from exc
    except (quality.MissingTraining, tracer.MissingTraining) as exc:
        raise DemoError(
            _(
                "The quality part of the demo needs the demo's training data (its "
                "training centres, programmes and course runs). Start from an empty "
                "database."
            )
        ) from exc
    except (
        population.ExistingPopulation,
        training.ExistingTrainingData,
        quality.ExistingQualityData,
        tracer.ExistingTracerData,
        plans.ExistingPlans,
    ) as exc:
        raise DemoError(
            _(
                "The database already holds %(what)s that the demo did not create. "
                "The demo only fills an empty database: use --reset with the "
                "embedded SQLite database, or point DATABASE_URL to an empty one."
            )
            % {"what": str(exc)}
        ) from exc
