"""The catalogue as CSV and JSON: export, import by identifier, the starting data."""

import json

import pytest
from django.core.exceptions import ValidationError

from semillero.policies import exchange, services
from semillero.policies.management.commands.policy_catalogue import (
    STARTING_DATA,
    load_starting_data,
)
from semillero.policies.models import Entry, EntryRevision

from .conftest import instrument

pytestmark = pytest.mark.django_db


def test_the_starting_data_holds_the_instruments_of_the_brief():
    """The 21 instruments of the brief's §6 table, each with a summary, a type
    and at least one source; loading twice changes nothing."""
    assert load_starting_data() == {"created": 21, "updated": 0, "unchanged": 0}
    assert load_starting_data() == {"created": 0, "updated": 0, "unchanged": 21}
    entries = Entry.objects.all()
    assert entries.count() == 21
    assert all(e.summary and e.instrument_type and e.sources for e in entries)
    bbig = Entry.objects.get(slug="de-berufsbildungsgesetz-1969")
    assert bbig.amendment_years == [2005, 2020]
    uk = Entry.objects.get(slug="gb-apprenticeship-levy-2017")
    assert uk.parameters["rate"] == "0,5 % de la masa salarial"
    incaf = Entry.objects.get(slug="sv-ley-incaf-2023")
    assert [e.slug for e in incaf.links.all()] == ["sv-ley-formacion-profesional-1993"]
    assert EntryRevision.objects.count() == 21


@pytest.mark.parametrize("file_format", ["json", "csv"])
def test_an_export_imports_back_unchanged(file_format, admin_user):
    load_starting_data()
    entries = exchange.export_entries()
    text = (
        exchange.to_json(entries) if file_format == "json" else exchange.to_csv(entries)
    )
    read = exchange.read_file(f"catalogo.{file_format}", text.encode())
    counts = services.catalogue_load(actor=admin_user, entries=read, note="Reimport")
    assert counts == {"created": 0, "updated": 0, "unchanged": 21}


def test_a_csv_in_a_fresh_database_recreates_the_catalogue_and_its_links(admin_user):
    load_starting_data()
    text = exchange.to_csv(exchange.export_entries())
    before = exchange.export_entries()
    Entry.objects.all().delete()
    read = exchange.read_file("catalogo.csv", ("\ufeff" + text).encode())
    assert (
        services.catalogue_load(actor=admin_user, entries=read, note="x")["created"]
        == 21
    )
    assert exchange.export_entries() == before


def test_a_file_with_a_bad_entry_imports_nothing(admin_user):
    rows = [instrument(slug="bueno"), instrument(slug="malo", country="ZZZ")]
    with pytest.raises(ValidationError) as info:
        services.catalogue_load(actor=admin_user, entries=rows, note="x")
    assert any(m.startswith("malo: country") for m in info.value.messages)
    assert not Entry.objects.exists()


def test_a_csv_with_semicolons_and_list_cells(admin_user):
    text = (
        "slug;kind;country;name;year;amendment_years;instrument_type;trends;"
        "parameters;summary;sources\n"
        "x;instrument;DE;Ley;1969;2005 | 2020;dual_training_law;work_based | "
        "governance;rate: 1 % | firm_size_threshold: 10;Resumen;"
        "https://a.example/x Título | https://b.example\n"
    )
    [row] = exchange.read_file("c.csv", text.encode())
    services.catalogue_load(actor=admin_user, entries=[row], note="x")
    entry = Entry.objects.get(slug="x")
    assert entry.amendment_years == [2005, 2020]
    assert entry.trend_codes == ["governance", "work_based"]
    assert entry.parameters == {"rate": "1 %", "firm_size_threshold": "10"}
    assert entry.sources == [
        {"url": "https://a.example/x", "title": "Título"},
        {"url": "https://b.example", "title": ""},
    ]


def test_the_shipped_file_is_valid_json_with_unique_slugs():
    data = json.loads(STARTING_DATA.read_text(encoding="utf-8"))
    slugs = [e["slug"] for e in data]
    assert len(slugs) == len(set(slugs)) == 21
