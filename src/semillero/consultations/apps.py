from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    """Stakeholder consultations: questionnaires, invitations, answers, analysis."""

    name = "semillero.consultations"
    label = "consultations"
    verbose_name = _("Consultations")
