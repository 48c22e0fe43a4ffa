from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TracerConfig(AppConfig):
    """Labour-market insertion: tracer-study responses and social-security records."""

    name = "semillero.tracer"
    label = "tracer"
    verbose_name = _("Labour-market insertion")
