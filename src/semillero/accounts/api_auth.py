"""How API clients authenticate: a personal token, or the browser's session.

Token first: a script sending `Authorization: Bearer <token>` has no CSRF token and
must not be stopped by the session's CSRF check.
"""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from .services import api_token_authenticate


class TokenAuth(HttpBearer):
    """`Authorization: Bearer sem_…`: looked up by hash; revoked tokens fail."""

    def authenticate(self, request: HttpRequest, token: str):
        user = api_token_authenticate(key=token.strip())
        if user is None:
            # A wrong token is an error of its own, not a reason to try the session.
            raise HttpError(401, _("Invalid or revoked API token."))
        request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The logged-in browser session, with Django's CSRF check on unsafe methods.

    Unlike ninja's `django_auth`, an anonymous request gets 401 (log in), not a
    CSRF 403: the check only matters once there is a session to protect.
    """

    param_name = "sessionid"

    def __init__(self):
        from django.conf import settings

        self.param_name = settings.SESSION_COOKIE_NAME
        super().__init__(csrf=False)
        # Advertised to the docs page so Swagger sends the CSRF token.
        self.csrf = True

    def _get_key(self, request: HttpRequest):
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(403, _("CSRF check failed: send the X-CSRFToken header."))
        return user


token_auth = TokenAuth()
session_auth = SessionAuth()
API_AUTH = [token_auth, session_auth]
