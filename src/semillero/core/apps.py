from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "semillero.core"
    label = "core"
