from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "semillero.registry"
    label = "registry"
    verbose_name = _("Registry")

    def ready(self):
        from .signals import load_reference_data_after_migrate

        post_migrate.connect(load_reference_data_after_migrate, sender=self)
