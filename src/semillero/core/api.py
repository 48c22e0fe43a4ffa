"""Pieces every app's API router shares: the error schema, pagination, and the
look-up of the codes a client sends (an unknown code is a 422 on its field)."""

from typing import Any

from django.core.exceptions import ValidationError
from ninja import Field, Schema

MAX_LIMIT = 500


class ErrorOut(Schema):
    """`detail` is a message, or for 422 a list of {loc, msg, type} per field."""

    detail: str | list[dict[str, Any]]


ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class PageParams(Schema):
    limit: int = Field(50, ge=1, le=MAX_LIMIT, description="Rows per page.")
    offset: int = Field(0, ge=0, description="Rows to skip.")


def page(rows, params: PageParams) -> tuple[int, list]:
    """The total count and the rows of the requested page."""
    count = rows.count()
    return count, list(rows[params.offset : params.offset + params.limit])


def by_code(model, code: str | None, field: str, message: str, *, optional=True):
    """The `model` row with `code`; None for an empty optional code. `message`
    has a %(code)s placeholder and becomes the error of `field`."""
    if not code and optional:
        return None
    try:
        return model.objects.get(code=code)
    except model.DoesNotExist:
        raise ValidationError({field: message % {"code": code}}) from None


def all_by_code(model, codes: list[str], field: str, message: str) -> list:
    """The rows with `codes`, in the order given; `message` has %(codes)s and
    lists every unknown code at once."""
    found = {row.code: row for row in model.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise ValidationError({field: message % {"codes": ", ".join(unknown)}})
    return [found[c] for c in codes]
