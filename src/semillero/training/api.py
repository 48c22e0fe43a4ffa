"""Training API (django-ninja router, mounted at /api/training/)."""

from ninja import Router

router = Router(tags=["training"])
