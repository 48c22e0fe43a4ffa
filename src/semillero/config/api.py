"""The HTTP API (django-ninja): OpenAPI at /api/docs. Each app adds its router."""

from ninja import NinjaAPI

api = NinjaAPI(title="Semillero API", version="1", urls_namespace="api")
