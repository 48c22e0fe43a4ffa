from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    """The indicator registry and its computation (one definition per code)."""

    name = "semillero.indicators"
    label = "indicators"
    # Not marked for translation yet: the message catalogue is edited elsewhere.
    verbose_name = "Indicators"
