"""Production settings: secrets must come from the environment."""

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = env.str("SEMILLERO_SECRET_KEY")
PERSON_KEY_SECRET = env.str("SEMILLERO_PERSON_KEY_SECRET")
DEBUG = False
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = env.bool("SEMILLERO_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SEMILLERO_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SEMILLERO_HSTS_PRELOAD", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
