from django.apps import AppConfig
from django.db.backends.signals import connection_created


class CoreConfig(AppConfig):
    name = "semillero.core"
    label = "core"

    def ready(self):
        from .search import register_sqlite_function

        connection_created.connect(register_sqlite_function)
