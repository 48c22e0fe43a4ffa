"""Quality and capacity API (django-ninja router, mounted at /api/quality/)."""

from ninja import Router

router = Router(tags=["quality"])
