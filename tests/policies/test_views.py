"""The catalogue's pages: public reading, the matrix and the comparison, editing
by editors only, with the history on the entry's page."""

import csv
import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from semillero.policies.management.commands.policy_catalogue import (
    load_starting_data,
)
from semillero.policies.models import Entry
from semillero.policies.selectors import comparison_matrix

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(db):
    load_starting_data()


def cells(html: str) -> dict[tuple[str, str], int]:
    """(country, type) → count of the matrix page, from its data attributes."""
    found = {}
    for row in re.finditer(r'<tr data-country="(\w+)">(.*?)</tr>', html, re.S):
        for cell in re.finditer(r'data-type="(\w+)" data-count="(\d+)"', row[2]):
            found[(row[1], cell[1])] = int(cell[2])
    return found


@pytest.mark.parametrize(
    "name",
    ["policies:catalogue", "policies:matrix", "policies:compare", "policies:timeline"],
)
def test_the_pages_are_public(client, catalogue, name):
    assert client.get(reverse(name)).status_code == 200


def test_the_list_searches_and_filters(client, catalogue):
    response = client.get(reverse("policies:catalogue"), {"q": "formacion dual"})
    found = re.findall(r'<tr data-entry="([\w-]+)"', response.content.decode())
    assert sorted(found) == ["de-berufsbildungsgesetz-1969", "es-ley-organica-3-2022"]
    response = client.get(
        reverse("policies:catalogue"), {"instrument_type": "levy", "country": "CO"}
    )
    found = re.findall(r'<tr data-entry="([\w-]+)"', response.content.decode())
    assert found == ["co-aporte-sena-ley-119-1994"]
    response = client.get(reverse("policies:catalogue"), {"trend": "prior_learning"})
    assert response.context["listing"].page.paginator.count == 5


def test_the_list_downloads(client, catalogue):
    response = client.get(
        reverse("policies:catalogue"), {"q": "aprendizaje", "export": "csv"}
    )
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    # The download holds the entries the page finds (the search also reads the
    # trends' labels, e.g. "Aprendizaje en el trabajo"), under one header row.
    page = client.get(reverse("policies:catalogue"), {"q": "aprendizaje"})
    found = page.content.decode().count("data-entry=")
    assert found >= 10
    assert len(rows) == 1 + found


def test_the_matrix_counts_instruments_by_country_and_type(client, catalogue):
    """Hand-counted from the brief's table: Colombia has one levy, one
    apprenticeship quota and one qualifications framework; El Salvador two levies
    (INSAFORP, INCAF); the ILO three international standards; 21 in all."""
    html = client.get(reverse("policies:matrix")).content.decode()
    counts = cells(html)
    assert counts[("CO", "levy")] == 1
    assert counts[("CO", "apprenticeship")] == 1
    assert counts[("CO", "qualifications_framework")] == 1
    assert counts[("SV", "levy")] == 2
    assert counts[("INT", "international_standard")] == 3
    assert counts[("CL", "tax_incentive")] == 1
    assert counts[("CL", "competency_certification")] == 1
    assert counts[("DE", "levy")] == 0
    assert sum(counts.values()) == 21
    levies = sum(n for (_c, t), n in counts.items() if t == "levy")
    assert levies == 8  # SV×2, CO, BR, CR, DO, HN, GB
    matrix = comparison_matrix()
    assert matrix.total == 21
    assert matrix.column_totals["levy"] == 8
    assert matrix.row_totals["SV"] == 2


def test_the_matrix_by_trend(catalogue):
    """Work-based learning: CO and CR apprenticeships, DE and ES dual-training
    laws, the UK levy, ILO R117 and R208."""
    matrix = comparison_matrix(trend="work_based")
    assert matrix.total == 7
    assert matrix.counts[("DE", "dual_training_law")] == 1


def test_success_stories_and_strategies_are_not_counted_in_the_matrix(add):
    add(slug="a")
    add(slug="b", kind="success_story", instrument_type="")
    assert comparison_matrix().total == 1


def test_comparison_of_all_levies_side_by_side(client, catalogue):
    """Every payroll levy with its rate, threshold and who collects it."""
    response = client.get(reverse("policies:compare"), {"type": "levy"})
    comparison = response.context["comparison"]
    assert len(comparison.entries) == 8
    assert response.context["too_many"] is False
    labels = [str(label) for label, _values in comparison.rows]
    assert labels[:3] == ["Tasa", "Base", "Umbral por tamaño de empresa"] or labels[
        :3
    ] == ["Rate", "Base", "Firm-size threshold"]


def test_comparison_of_chosen_entries(client, catalogue):
    response = client.get(
        reverse("policies:compare"),
        {"e": ["cr-ina-ley-6868-1983", "gb-apprenticeship-levy-2017", "nope"]},
    )
    comparison = response.context["comparison"]
    assert [e.slug for e in comparison.entries] == [
        "cr-ina-ley-6868-1983",
        "gb-apprenticeship-levy-2017",
    ]
    rows = {k: v for k, v in ((str(k), v) for k, v in comparison.rows)}
    rate = [v for k, v in rows.items() if k in ("Rate", "Tasa")][0]
    assert rate == ["1,5 % de la planilla", "0,5 % de la masa salarial"]
    threshold = [
        v for k, v in rows.items() if k in ("Firm-size threshold",) or "mbral" in k
    ][0]
    assert threshold == ["5 o más trabajadores", None]


def test_the_timeline_lists_adoptions_and_amendments(client, catalogue):
    response = client.get(reverse("policies:timeline"), {"country": "DE"})
    decades = response.context["decades"]
    years = [(e["year"], e["amendment"]) for d in decades for e in d["events"]]
    assert years == [(1969, False), (2005, True), (2020, True)]


def test_the_entry_page_shows_facts_sources_and_history(client, catalogue, admin_user):
    client.force_login(admin_user)
    url = reverse("policies:entry_update", args=["hn-infop-1972"])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        {
            "parameters": "rate: 1 % de la planilla\ncollected_by: INFOP",
            "trends": ["governance"],
            "note": "Quién recauda",
            "objectives": [],
            "links": [],
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    page = client.get(reverse("policies:entry_detail", args=["hn-infop-1972"]))
    html = page.content.decode()
    assert 'data-revision="2"' in html and 'data-revision="1"' in html
    assert "Quién recauda" in html
    assert "https://dinero.hn/?p=2954" in html
    assert Entry.objects.get(slug="hn-infop-1972").parameters["collected_by"] == "INFOP"


def test_only_editors_reach_the_forms(client, catalogue, viewer_user, editor_user):
    urls = [
        reverse("policies:entry_create"),
        reverse("policies:entry_update", args=["hn-infop-1972"]),
        reverse("policies:import"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url
    client.force_login(viewer_user)
    for url in urls:
        assert client.get(url).status_code == 403
    assert client.post(urls[0], {"name": "x"}).status_code == 403
    client.force_login(editor_user)
    for url in urls:
        assert client.get(url).status_code == 200


def test_the_edit_buttons_show_to_editors_only(
    client, catalogue, viewer_user, editor_user
):
    edit = reverse("policies:entry_update", args=["hn-infop-1972"])
    page = reverse("policies:entry_detail", args=["hn-infop-1972"])
    assert edit not in client.get(page).content.decode()
    client.force_login(viewer_user)
    assert edit not in client.get(page).content.decode()
    client.force_login(editor_user)
    assert edit in client.get(page).content.decode()


def test_an_editor_creates_an_entry(client, editor_user):
    client.force_login(editor_user)
    response = client.post(
        reverse("policies:entry_create"),
        {
            "kind": "instrument",
            "name": "Fondo de prueba",
            "country": "uy",
            "year": "2010",
            "amendment_years": "2015, 2018",
            "instrument_type": "training_fund",
            "trends": ["inclusion"],
            "parameters": "amount: 10 millones",
            "summary": "Un fondo.",
            "sources": "https://example.org/fondo Ley del fondo",
            "note": "Alta",
        },
    )
    assert response.status_code == 302
    entry = Entry.objects.get(slug="fondo-de-prueba")
    assert entry.country == "UY"
    assert entry.amendment_years == [2015, 2018]
    assert entry.sources == [
        {"url": "https://example.org/fondo", "title": "Ley del fondo"}
    ]
    assert entry.revisions.get().author_username == "editor"


def test_export_and_import_pages(client, catalogue, editor_user):
    data = json.loads(client.get(reverse("policies:export_json")).content)
    assert len(data) == 21
    csv_text = client.get(reverse("policies:export_csv")).content.decode("utf-8-sig")
    assert csv_text.startswith("slug,kind,country,name,year")
    data[0]["summary"] = "Resumen revisado."
    client.force_login(editor_user)
    upload = SimpleUploadedFile(
        "catalogo.json", json.dumps(data).encode(), content_type="application/json"
    )
    response = client.post(
        reverse("policies:import"), {"file": upload, "note": "Revisión"}
    )
    assert response.status_code == 302
    entry = Entry.objects.get(slug=data[0]["slug"])
    assert entry.summary == "Resumen revisado."
    assert entry.revisions.first().note == "Revisión"
    bad = SimpleUploadedFile("c.json", b'[{"name": ""}]')
    response = client.post(reverse("policies:import"), {"file": bad})
    assert response.status_code == 200
    assert response.context["problems"]


def test_the_anonymous_navigation_links_the_catalogue(client):
    html = client.get(reverse("training:catalogue")).content.decode()
    assert f'href="{reverse("policies:catalogue")}"' in html
