"""The last step of the demo: build the indicator cube from the demo's data, as
an import would refresh it, so the dashboards open with numbers."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from semillero.indicators import cube, dashboard

from .context import DemoContext

NAME = "indicators"
TITLE = gettext_lazy("Indicator cube")


def check() -> None:
    """Always possible: the cube is rebuilt from whatever the database holds."""


def generate(ctx: DemoContext) -> dict[str, int]:
    build = cube.rebuild(triggered_by="demo")
    dashboard.warm(build)
    return {"cells": build.cells}


def describe(counts: dict[str, int]) -> str:
    return _("%(cells)s pre-computed cells for the dashboards and open data") % {
        "cells": counts.get("cells", 0)
    }
