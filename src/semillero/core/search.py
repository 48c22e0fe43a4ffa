"""Accent- and case-insensitive search, the same on SQLite and PostgreSQL.

People type "formacion" for "Formación" and "CAÑAS" for "Cañas". The `plain`
transform lowers and strips accents in the database (PostgreSQL's `unaccent`
extension; on SQLite a Python function registered on every connection), and
`plain()` does the same to what the user typed:

    Organization.objects.filter(name__plain__contains=plain(q))
"""

import unicodedata

from django.db.models import CharField, EmailField, TextField, Transform

SQLITE_FUNCTION = "semillero_plain"


def plain(text: str | None) -> str | None:
    """Lower-case and without diacritics (ñ becomes n, as unaccent does)."""
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


@CharField.register_lookup
@TextField.register_lookup
@EmailField.register_lookup
class Plain(Transform):
    lookup_name = "plain"
    function = SQLITE_FUNCTION

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.lhs)
        return f"lower(unaccent({sql}))", params


def register_sqlite_function(sender, connection, **kwargs):
    """connection_created handler: give SQLite the `plain` function."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            SQLITE_FUNCTION, 1, plain, deterministic=True
        )


def matches(q: str, *fields: str):
    """A Q object: any of `fields` contains `q`, ignoring case and accents."""
    from django.db.models import Q

    needle = plain(q)
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__plain__contains": needle})
    return condition
