from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    """Quality of the offer (accreditation, audits, provider scorecard) and the
    installed capacity the organizations of the system can share."""

    name = "semillero.quality"
    label = "quality"
    verbose_name = _("Quality and capacity")
