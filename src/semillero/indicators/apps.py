from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    """The indicator registry, its cube and its computation (one definition per code)."""

    name = "semillero.indicators"
    label = "indicators"
    verbose_name = _("Indicators")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from semillero.core.signals import import_stored

        from .cube import SOURCE_MODELS
        from .signals import mark_cube_stale, refresh_cube_after_import

        import_stored.connect(refresh_cube_after_import, dispatch_uid="indicators-cube")
        for model in SOURCE_MODELS:
            post_save.connect(mark_cube_stale, sender=model)
            post_delete.connect(mark_cube_stale, sender=model)
