"""Keyed hashes of national IDs: the only form in which an ID is ever stored.

person_key = HMAC-SHA256(PERSON_KEY_SECRET, normalised ID). The same key links
enrolments, tracer responses and social-security records without the ID itself.
"""

import hashlib
import hmac

from django.conf import settings


def normalise_national_id(raw: str) -> str:
    """Strip spaces and dashes and upper-case, as data-formats.md prescribes."""
    return "".join(str(raw).split()).replace("-", "").upper()


def person_key(raw_national_id: str) -> str:
    normalised = normalise_national_id(raw_national_id)
    secret = settings.PERSON_KEY_SECRET.encode()
    return hmac.new(secret, normalised.encode(), hashlib.sha256).hexdigest()
