"""The HTTP API (django-ninja): OpenAPI at /api/docs, schema at /api/openapi.json.

Clients authenticate with a personal token (`Authorization: Bearer …`, see
accounts.api_auth) or the browser session (with CSRF). Errors always answer
`{"detail": …}`: 401 not authenticated, 403 not allowed, 404 not found (or not
visible to you), 422 invalid data with one entry per field.
"""

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from semillero.accounts.api_auth import API_AUTH
from semillero.indicators.api import router as indicators_router
from semillero.quality.api import router as quality_router
from semillero.registry.api import router as registry_router
from semillero.training.api import router as training_router

api = NinjaAPI(
    title="Semillero API",
    version="1",
    urls_namespace="api",
    auth=API_AUTH,
    description=(
        "Registry of the national vocational training system. Authenticate with a "
        "personal token (header `Authorization: Bearer <token>`; create one on the "
        "API tokens page) or a logged-in session."
    ),
)


@api.exception_handler(AuthenticationError)
def not_authenticated(request, exc):
    return api.create_response(
        request,
        {
            "detail": _(
                "Authentication required: log in, or send the header Authorization: Bearer <token>."
            )
        },
        status=401,
    )


@api.exception_handler(PermissionDenied)
def not_allowed(request, exc):
    message = str(exc) or _("You are not allowed to do this.")
    return api.create_response(request, {"detail": message}, status=403)


@api.exception_handler(ObjectDoesNotExist)
def not_found(request, exc):
    return api.create_response(
        request, {"detail": _("Not found, or not visible to you.")}, status=404
    )


@api.exception_handler(ValidationError)
def invalid(request, exc):
    if hasattr(exc, "error_dict"):
        errors = [
            {"loc": ["body", field], "msg": message, "type": "value_error"}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    else:
        errors = [
            {"loc": ["body"], "msg": m, "type": "value_error"} for m in exc.messages
        ]
    return api.create_response(request, {"detail": errors}, status=422)


api.add_router("/registry/", registry_router)
api.add_router("/training/", training_router)
api.add_router("/quality/", quality_router)
api.add_router("/indicators", indicators_router)
