"""Full-text search of the catalogue in Spanish, the same on SQLite and PostgreSQL.

Each entry keeps a *search document*: its words lower-cased, without accents and
reduced to their stem by the Spanish Snowball stemmer (`snowballstemmer`), so
"Formación", "formacion" and "formaciones" are one word, and so are
"aprendizaje" and "aprendizajes". A query is reduced the same way; every word of
it must match the start of a word of the document (so "forma" finds
"formación" while the user is still typing).

The documents are searched by the database's full-text engine:
- SQLite: an FTS5 table over `policies_entry.search_document` (external
  content), kept in step by triggers created in the migration, so every write
  (the services, the admin, a test's flush) updates it. A later migration that
  remakes the table on SQLite drops its triggers and must run `create_index`
  again (tests/policies/test_search.py checks that they exist);
- PostgreSQL: `to_tsvector('simple', search_document)` with a GIN index. The
  'simple' configuration only splits words: stemming and accents were handled
  here, identically for both databases.
"""

# The SQL here is built only from the fixed table name; every value travels as a
# parameter.
# ruff: noqa: S608, S611

import re
import threading

import snowballstemmer
from django.db import connection
from django.db.models import BooleanField, Func, QuerySet
from django.db.models.expressions import RawSQL

from semillero.core.search import plain

FTS_TABLE = "policies_entry_fts"
MAX_TERMS = 12
_WORD = re.compile(r"[a-z0-9]+")
# Words too common to search for; dropped from documents and queries alike.
STOPWORDS = frozenset(
    "a al con de del el en la las lo los o para por que se su sus un una y e u".split()
)
_local = threading.local()


def _stemmer():
    # Snowball stemmers keep state while they work: one per thread.
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = snowballstemmer.stemmer("spanish")
    return stemmer


def words(text: str | None) -> list[str]:
    """The stems of the words of `text`, in order (repeats kept)."""
    if not text:
        return []
    tokens = [t for t in _WORD.findall(plain(text)) if t not in STOPWORDS]
    return _stemmer().stemWords(tokens)


def document(*texts: str | None) -> str:
    """The search document of some texts: their stems, separated by spaces."""
    return " ".join(stem for text in texts for stem in words(text))


def query_terms(q: str | None) -> list[str]:
    """The distinct stems of a query, at most MAX_TERMS of them."""
    terms: list[str] = []
    for stem in words(q):
        if stem not in terms:
            terms.append(stem)
    return terms[:MAX_TERMS]


class _TsMatch(Func):
    """`to_tsvector('simple', document) @@ to_tsquery('simple', query)`, the
    expression of the GIN index of the migration."""

    output_field = BooleanField()
    template = (
        "to_tsvector('simple'::regconfig, %(expressions)s) "
        "@@ to_tsquery('simple'::regconfig, %%s)"
    )

    def __init__(self, column, query: str):
        super().__init__(column)
        self.query = query

    def as_sql(self, compiler, connection, **extra):
        sql, params = super().as_sql(compiler, connection, **extra)
        return sql, (*params, self.query)


def search(queryset: QuerySet, q: str | None) -> QuerySet:
    """The entries of `queryset` that match every word of `q` (all when `q` has
    no word to search for)."""
    terms = query_terms(q)
    if not terms:
        return queryset
    if connection.vendor == "sqlite":
        match = " AND ".join(f'"{term}"*' for term in terms)
        return queryset.filter(
            pk__in=RawSQL(
                f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",
                (match,),
            )
        )
    if connection.vendor == "postgresql":
        tsquery = " & ".join(f"{term}:*" for term in terms)
        return queryset.filter(_TsMatch("search_document", tsquery))
    # Any other database: the same semantics, without an index.
    for term in terms:
        queryset = queryset.filter(search_document__regex=rf"(^| ){term}")
    return queryset


# SQL of the migration ------------------------------------------------------------

SQLITE_CREATE = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(
        search_document, content='policies_entry', content_rowid='id',
        tokenize='unicode61'
    )""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ai AFTER INSERT ON policies_entry BEGIN
        INSERT INTO {FTS_TABLE}(rowid, search_document)
        VALUES (new.id, new.search_document);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ad AFTER DELETE ON policies_entry BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_document)
        VALUES ('delete', old.id, old.search_document);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_au AFTER UPDATE ON policies_entry BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_document)
        VALUES ('delete', old.id, old.search_document);
        INSERT INTO {FTS_TABLE}(rowid, search_document)
        VALUES (new.id, new.search_document);
    END""",
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_au",
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_ad",
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_ai",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]
POSTGRESQL_CREATE = [
    "CREATE INDEX IF NOT EXISTS policies_entry_search_gin ON policies_entry "
    "USING gin (to_tsvector('simple'::regconfig, search_document))"
]
POSTGRESQL_DROP = ["DROP INDEX IF EXISTS policies_entry_search_gin"]


def create_index(apps, schema_editor):
    statements = {"sqlite": SQLITE_CREATE, "postgresql": POSTGRESQL_CREATE}
    for sql in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def drop_index(apps, schema_editor):
    statements = {"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}
    for sql in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def rebuild_sqlite_index() -> None:
    """Rebuild the FTS5 index from the documents (a repair; triggers keep it)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
