"""The dashboards and open data pages on the hand-made world (conftest.py):
who sees what, the numbers shown, filters, downloads, suppression, metadata."""

import csv
import io
import json

import pytest
from django.urls import reverse

from semillero.accounts.models import AuditEvent

pytestmark = pytest.mark.django_db

DASHBOARD = "/indicators/"


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def headline(response) -> dict:
    return {item["code"]: item for item in response.context["data"]["headline"]}


def test_national_dashboard_shows_the_registry_numbers(client, world, analyst_user):
    client.force_login(analyst_user)
    response = client.get(DASHBOARD, {"year": 2024})
    assert response.status_code == 200
    figures = headline(response)
    assert figures["enrolments"]["value"] == 11
    assert figures["enrolments"]["previous"] == 3  # R0 started in 2023
    assert figures["enrolments"]["change"] == pytest.approx((11 - 3) / 3)
    assert figures["completion_rate"]["value"] == 8 / 11
    assert figures["women_share"]["change"] == pytest.approx(7 / 10 - 1 / 3)
    assert figures["cost_per_completer"]["value"] == 380.0
    html = response.content.decode()
    assert "72.7" in html  # completion rate 8/11 as a percentage
    assert 'data-vega-spec="trend-participation"' in html
    by_sex = next(c for c in response.context["data"]["cuts"] if c["id"] == "by-sex")
    assert [(r["category"], r["enrolments"]) for r in by_sex["rows"]] == [
        ("F", 7),
        ("M", 3),
        (None, 1),
    ]


def test_year_defaults_to_the_latest_with_enrolments(client, world, analyst_user):
    client.force_login(analyst_user)
    response = client.get(DASHBOARD)
    assert response.context["year"] == 2024


def test_filters_update_the_body_in_place(client, world, analyst_user):
    client.force_login(analyst_user)
    response = client.get(
        DASHBOARD,
        {"year": 2024, "training_area": "CONF"},
        headers={"HX-Request": "true", "HX-Target": "dashboard-body"},
    )
    assert response.status_code == 200
    assert "<form" not in response.content.decode()  # only the body
    figures = headline(response)
    assert figures["enrolments"]["value"] == 6
    # Duncan's index over training areas cannot be restricted to one area
    assert figures["segregation_index"]["applies"] is False
    assert "by-training_area" not in [c["id"] for c in response.context["data"]["cuts"]]


def test_invalid_filter_is_shown_not_computed(client, world, analyst_user):
    client.force_login(analyst_user)
    response = client.get(DASHBOARD, {"year": 1800, "modality": "nope"})
    assert response.status_code == 200
    assert "data" not in response.context
    assert response.context["form"].errors.keys() == {"year", "modality"}


def test_a_view_is_cached_per_build(
    client,
    world,
    analyst_user,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
):
    client.force_login(analyst_user)
    first = client.get(DASHBOARD, {"year": 2024}).content.decode()
    # Cached: only the session, the user, its organization (for the menu) and
    # the latest build are read.
    with django_assert_max_num_queries(4):
        again = client.get(DASHBOARD, {"year": 2024}).content.decode()
    main = again.split("<main", 1)[1]
    assert main.split("</main>")[0] in first
    assert 'data-indicator="enrolments"' in main
    # A new build (a refresh after a change) retires the cached view.
    from semillero.training.models import Trainee

    trainee = Trainee.objects.filter(sex="M").first()
    trainee.sex = "F"
    with django_capture_on_commit_callbacks(execute=True):
        trainee.save()
    response = client.get(DASHBOARD, {"year": 2024})
    assert headline(response)["women_share"]["value"] == 8 / 10


def test_query_count_guard_uncached(
    client, world, analyst_user, django_assert_max_num_queries
):
    """One query per indicator and cut, not per cell or per row."""
    client.force_login(analyst_user)
    with django_assert_max_num_queries(60):
        client.get(DASHBOARD, {"year": 2024})


def test_data_officer_goes_to_its_centre(client, world, officer_user):
    client.force_login(officer_user)
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "indicators:centre_dashboard", kwargs={"code": "CFP-001"}
    )
    response = client.get(response["Location"], {"year": 2024})
    assert response.status_code == 200
    assert headline(response)["enrolments"]["value"] == 5  # R1 only
    assert "provider" not in response.context["form"].fields
    other = reverse("indicators:centre_dashboard", kwargs={"code": "CFP-002"})
    assert client.get(other).status_code == 403


def test_national_readers_open_any_centre(client, world, admin_user):
    client.force_login(admin_user)
    url = reverse("indicators:centre_dashboard", kwargs={"code": "CFP-002"})
    response = client.get(url, {"year": 2024})
    assert headline(response)["enrolments"]["value"] == 6  # R2 and R3
    assert [c["dimension"] for c in response.context["data"]["cuts"]][-1] == "programme"


def test_others_are_refused(client, world, company_user):
    assert client.get(DASHBOARD)["Location"].startswith("/accounts/login/")
    client.force_login(company_user)
    assert client.get(DASHBOARD).status_code == 403


def test_download_a_table_as_csv_is_audited(client, world, analyst_user):
    client.force_login(analyst_user)
    response = client.get(
        DASHBOARD, {"year": 2024, "table": "by-sex", "download": "csv"}
    )
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Code", "Sex", "Enrolments", "Completion rate"]
    assert rows[1][:3] == ["F", "Women", "7"]
    event = AuditEvent.objects.get(action="export")
    assert event.details["list"] == "indicators:by-sex"
    xlsx = client.get(
        DASHBOARD, {"year": 2024, "table": "headline", "download": "xlsx"}
    )
    assert xlsx.content[:2] == b"PK"
    missing = client.get(DASHBOARD, {"year": 2024, "table": "nope", "download": "csv"})
    assert missing.status_code == 404


# -- open data ------------------------------------------------------------------------


def open_csv(client, table, year=2024):
    response = client.get(f"/open-data/{table}/{year}.csv")
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_open_data_needs_no_login_and_suppresses_small_cells(client, world):
    rows = open_csv(client, "department")
    enrolments = {r["department"]: r for r in rows if r["indicator"] == "enrolments"}
    # 2024 enrolments by residence: SV-SS 7, SV-LI 3, unknown 1 — k = 5
    assert enrolments["SV-SS"]["value"] == "7"
    assert enrolments["SV-SS"]["suppressed"] == "false"
    assert enrolments["SV-LI"]["value"] == ""
    assert enrolments["SV-LI"]["suppressed"] == "true"
    completion = {
        r["department"]: r for r in rows if r["indicator"] == "completion_rate"
    }
    # SV-SS finished in runs ending 2024: T2 ×2, T4 ×2, T5, T1 ×2, T8, T9 = 9,
    # of whom completers 7 (not T4): both counts ≥ 5, shown
    assert completion["SV-SS"]["numerator"] == "7"
    assert completion["SV-SS"]["denominator"] == "9"
    assert completion["SV-SS"]["suppressed"] == "false"
    assert AuditEvent.objects.filter(action="export", actor=None).count() == 1


def test_open_data_threshold_is_a_setting(client, world, settings):
    settings.SUPPRESSION_K = 1
    rows = open_csv(client, "department-sex-area")
    assert not any(r["suppressed"] == "true" for r in rows if r["value"] != "")
    cell = next(
        r
        for r in rows
        if r["indicator"] == "enrolments"
        and (r["department"], r["sex"], r["training_area"]) == ("SV-LI", "F", "CONF")
    )
    # T3 (R2) and T7 (R2, R3)
    assert cell["value"] == "3"
    assert cell["training_area_name"] == "Confección"


def test_open_data_page_and_metadata(client, world):
    page = client.get("/open-data/", {"year": 2024})
    assert page.status_code == 200
    assert "/open-data/department/2024.csv" in page.content.decode()
    meta = client.get("/open-data/department-sex-area/2024/metadata.json").json()
    assert meta["@type"] == "dcat:Dataset"
    assert meta["dct:temporal"] == {
        "dcat:startDate": "2024-01-01",
        "dcat:endDate": "2024-12-31",
    }
    assert meta["suppression"]["k"] == 5
    assert meta["dct:license"].startswith("https://creativecommons.org/")
    assert meta["prov:wasGeneratedBy"]["snapshot"]["enrolments"] == 14
    assert {d["dcat:mediaType"] for d in meta["dcat:distribution"]} == {
        "text/csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    assert meta["dimensions"] == ["department", "sex", "training_area"]
    assert "women_share" not in [i["code"] for i in meta["indicators"]]


def test_open_data_unknown_table_year_or_format(client, world):
    assert client.get("/open-data/nope/2024.csv").status_code == 404
    assert client.get("/open-data/department/1990.csv").status_code == 404
    assert client.get("/open-data/department/2024.pdf").status_code == 404


def test_indicator_guide_explains_every_indicator(client, db):
    from semillero.indicators import definitions as d

    html = client.get("/open-data/indicators/").content.decode()
    for ind in d.INDICATORS:
        assert f'id="{ind.code}"' in html
        assert ind.description_en.split(".")[0] in html.replace("&#x27;", "'")


def test_dashboard_json_script_has_valid_specs(client, world, analyst_user):
    client.force_login(analyst_user)
    response = client.get(DASHBOARD, {"year": 2024})
    data = response.context["data"]
    for block in [*data["trends"], data["map"], *data["cuts"]]:
        json.dumps(block["spec"])  # serialisable as the page needs it
        assert block["spec"]["$schema"].startswith("https://vega.github.io/schema/")
