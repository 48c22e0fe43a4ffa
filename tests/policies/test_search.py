"""Search in Spanish: accents, case and word forms do not matter, on SQLite
(FTS5) and on PostgreSQL (full-text search): the suite runs on both."""

import pytest
from django.db import connection

from semillero.policies.search import FTS_TABLE, document, query_terms
from semillero.policies.selectors import entry_list

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(add):
    add(
        slug="es-fp-dual",
        country="ES",
        name="Ley de formación dual",
        instrument_type="dual_training_law",
        summary="Toda la formación profesional es dual.",
    )
    add(
        slug="cr-aprendizajes",
        country="CR",
        name="Ley de Aprendizajes",
        instrument_type="apprenticeship",
        summary="Regula los aprendizajes en la empresa.",
    )
    add(
        slug="co-sena",
        country="CO",
        name="Aporte al SENA",
        summary="Dos por ciento de la nómina para la formación profesional.",
    )


def slugs(q, **filters):
    return sorted(entry_list(q=q, **filters).values_list("slug", flat=True))


def test_the_document_is_lower_case_without_accents_and_stemmed():
    assert document("Formación DUAL") == document("formacion dual")
    assert document("aprendizajes") == document("aprendizaje")
    assert "de" not in document("Ley de formación").split()


def test_formacion_dual_without_accent_finds_formacion_dual(entries):
    """`formacion dual` finds `formación dual`."""
    assert slugs("formacion dual") == ["es-fp-dual"]
    assert slugs("FORMACIÓN Dual") == ["es-fp-dual"]


def test_the_singular_finds_the_plural(entries):
    """`aprendizaje` finds `aprendizajes` (the Spanish stemmer)."""
    assert slugs("aprendizaje") == ["cr-aprendizajes"]
    assert slugs("aprendizajes") == ["cr-aprendizajes"]


def test_every_word_must_match_and_prefixes_count(entries):
    assert slugs("formacion") == ["co-sena", "es-fp-dual"]
    assert slugs("forma nomina") == ["co-sena"]
    assert slugs("formacion inexistente") == []


def test_labels_of_codes_are_searchable_in_both_languages(entries):
    """The country and the type are in the document, in Spanish and English."""
    assert slugs("Costa Rica") == ["cr-aprendizajes"]
    assert slugs("levy") == ["co-sena"]


def test_quotes_and_operators_in_a_query_are_plain_words(entries):
    assert slugs('"dual" * - (dual) AND') == []  # "and" is a word here
    assert slugs('"dual" * - (dual):') == ["es-fp-dual"]
    assert query_terms("de la y") == []
    assert len(slugs("de la")) == 3  # nothing to search for: every entry


def test_search_combines_with_filters(entries):
    assert slugs("ley", country="ES") == ["es-fp-dual"]


def test_a_revised_entry_is_found_by_its_new_words_only(entries, admin_user):
    from semillero.policies import services
    from semillero.policies.models import Entry

    entry = Entry.objects.get(slug="co-sena")
    services.entry_update(
        actor=admin_user, entry=entry, data={"summary": "Contribución parafiscal."}
    )
    assert slugs("parafiscales") == ["co-sena"]
    assert slugs("nomina") == []


def test_a_deleted_entry_leaves_the_index(entries):
    from semillero.policies.models import Entry

    Entry.objects.filter(slug="es-fp-dual").delete()
    assert slugs("dual") == []


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")
def test_the_sqlite_index_and_its_triggers_exist():
    """A migration that remakes policies_entry on SQLite drops its triggers:
    this fails until that migration creates them again (search.create_index)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE name LIKE %s ORDER BY name",
            [f"{FTS_TABLE}%"],
        )
        names = {row[0] for row in cursor.fetchall()}
    assert {FTS_TABLE, f"{FTS_TABLE}_ai", f"{FTS_TABLE}_ad", f"{FTS_TABLE}_au"} <= names


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_the_postgresql_search_uses_the_gin_index_expression(entries):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s",
            ["policies_entry_search_gin"],
        )
        (definition,) = cursor.fetchone()
    assert "to_tsvector('simple'::regconfig, search_document)" in definition
    sql = str(entry_list(q="dual").query)
    assert "to_tsvector('simple'::regconfig" in sql
