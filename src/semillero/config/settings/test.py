"""Settings for the test suite: same code paths, faster hashing, tasks run inline."""

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
PERSON_KEY_SECRET = "test-person-key-secret"
SECRET_KEY = "test-secret-key"  # noqa: S105
