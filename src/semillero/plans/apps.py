from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    """Strategic plans and policies: their structure, targets, actuals, scorecard."""

    name = "semillero.plans"
    label = "plans"
    verbose_name = _("Strategic plans")
