"""Settings shared by every environment.

12-factor: everything that differs between machines comes from the environment
(or a `.env` file beside the working directory); see `.env.example`.
"""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parents[2]  # src/semillero
env = environ.Env()
environ.Env.read_env(Path.cwd() / ".env", overwrite=False)

# Runtime files (the embedded database, uploads, caches) live under ./var by default.
VAR_DIR = Path(env.str("SEMILLERO_VAR_DIR", default=str(Path.cwd() / "var")))

SECRET_KEY = env.str(
    "SEMILLERO_SECRET_KEY", default="insecure-development-key-change-me"
)
# The key behind every person_key (HMAC of the national ID). Losing it breaks the
# linkage of new records to old ones: keep it with the backups, never in the repo.
PERSON_KEY_SECRET = env.str(
    "SEMILLERO_PERSON_KEY_SECRET", default="insecure-development-person-key"
)
COUNTRY = env.str("SEMILLERO_COUNTRY", default="SV")
DEBUG = env.bool("SEMILLERO_DEBUG", default=False)
ALLOWED_HOSTS = env.list(
    "SEMILLERO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"]
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",  # its bundled Swagger UI: /api/docs loads nothing from other hosts
    "axes",
    "django_tasks",
    "django_tasks_db",
    "semillero.core",
    "semillero.accounts",
    "semillero.registry",
    "semillero.training",
    "semillero.quality",
    "semillero.tracer",
    "semillero.indicators",
    "semillero.plans",
    "semillero.consultations",
    "semillero.policies",
    "semillero.labour",
    "semillero.demo",
]

MIDDLEWARE = [
    # First: its time covers everything below it.
    "semillero.core.middleware.ServerTimingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns lockouts into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "semillero.config.urls"
WSGI_APPLICATION = "semillero.config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "semillero.core.context_processors.site",
            ],
        },
    },
]


def _database_from_env() -> dict:
    default_sqlite = f"sqlite:///{VAR_DIR / 'semillero.sqlite3'}"
    db = env.db_url("DATABASE_URL", default=default_sqlite)
    if db["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets the web server read while the import worker writes; IMMEDIATE
        # transactions take the write lock up front instead of failing mid-way.
        db.setdefault("OPTIONS", {}).update(
            {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
            }
        )
    else:
        db.setdefault("CONN_MAX_AGE", 60)
    return db


DATABASES = {"default": _database_from_env()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout after repeated failed logins (django-axes).
AXES_FAILURE_LIMIT = env.int("SEMILLERO_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"

LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Spanish")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env.str("SEMILLERO_TIME_ZONE", default="America/El_Salvador")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploads: spreadsheets of a few hundred thousand rows are normal here.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
IMPORT_MAX_FILE_BYTES = env.int(
    "SEMILLERO_IMPORT_MAX_FILE_BYTES", default=200 * 1024 * 1024
)
# Files above this size go to the background worker with a progress bar.
IMPORT_BACKGROUND_BYTES = env.int(
    "SEMILLERO_IMPORT_BACKGROUND_BYTES", default=512 * 1024
)

# The progress of background work is kept in a cache that every process shares and
# that is not inside the import's own transaction.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache"),
    }
}

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# E-mail (tracer-study links and reminders): printed on the console unless
# SEMILLERO_EMAIL_BACKEND names a real one (then EMAIL_HOST etc. as Django's).
EMAIL_BACKEND = env.str(
    "SEMILLERO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env.str("SEMILLERO_FROM_EMAIL", default="semillero@localhost")
EMAIL_HOST = env.str("SEMILLERO_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("SEMILLERO_EMAIL_PORT", default=25)

# Small-cell suppression threshold for every public output.
SUPPRESSION_K = env.int("SEMILLERO_SUPPRESSION_K", default=5)
# High-insertion programmes (spec, "Access to the programmes that work"): at least
# this many respondents in the tracer cohort.
INSERTION_MIN_RESPONDENTS = env.int("SEMILLERO_INSERTION_MIN_RESPONDENTS", default=30)

# Plan scorecard (spec): progress at or above ON_TRACK is on track, at or above
# AT_RISK at risk, below off track.
PLAN_ON_TRACK = env.float("SEMILLERO_PLAN_ON_TRACK", default=0.95)
PLAN_AT_RISK = env.float("SEMILLERO_PLAN_AT_RISK", default=0.75)

# Content security policy: nothing from other hosts, no inline scripts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": env.str("SEMILLERO_LOG_LEVEL", default="WARNING"),
    },
}
WHITENOISE_USE_FINDERS = True  # serve vendored files without collectstatic in the demo

# Dates and numbers follow the language: es → Central American conventions.
# (No global thousand separator: years and IDs would print as 2,024; pages use
# the localize/intcomma filters where a figure needs grouping.)
FORMAT_MODULE_PATH = ["semillero.config.formats"]
