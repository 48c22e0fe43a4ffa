"""/api/indicators gives the command line's rows, with filters, provenance and the
organization scope of data officers."""

import pytest

from semillero.accounts.services import api_token_create

pytestmark = pytest.mark.django_db

URL = "/api/indicators"


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def get(client, user=None, **params):
    headers = {}
    if user is not None:
        headers["Authorization"] = f"Bearer {api_token_create(actor=user, name='t')[1]}"
    return client.get(URL, params, headers=headers)


def test_same_rows_as_the_command_line(client, world, analyst_user):
    response = get(client, analyst_user, year=2024, indicator="completion_rate")
    assert response.status_code == 200
    body = response.json()
    assert body["rows"] == [
        {
            "indicator": "completion_rate",
            "year": 2024,
            "value": 8 / 11,
            "numerator": 8,
            "denominator": 11,
            "ci_low": None,
            "ci_high": None,
        }
    ]
    assert body["left_out"] == []
    assert body["build"]["snapshot"]["enrolments"] == 14


def test_by_dimensions_and_left_out(client, world, analyst_user):
    body = get(
        client,
        analyst_user,
        year=2024,
        by=["training_area", "sex"],
        indicator=["enrolments", "women_share"],
    ).json()
    assert [(r["training_area"], r["sex"], r["value"]) for r in body["rows"]] == [
        ("CONF", "F", 6),
        ("ELEC", "F", 1),
        ("ELEC", "M", 3),
        ("ELEC", None, 1),
    ]
    assert body["left_out"] == [
        {"indicator": "women_share", "cannot_be_cut_by": ["sex"]}
    ]


def test_filters(client, world, admin_user):
    body = get(
        client, admin_user, year=2024, indicator="trainees", programme="P-CONF"
    ).json()
    assert body["rows"][0]["value"] == 5


def test_data_officer_sees_only_its_organization(client, world, officer_user):
    """officer_user belongs to CFP-001, the provider of R1 only (5 enrolments)."""
    body = get(client, officer_user, year=2024, indicator="enrolments").json()
    assert body["rows"][0]["value"] == 5
    response = get(client, officer_user, year=2024, provider="CFP-002")
    assert response.status_code == 403


def test_company_officer_and_anonymous_are_refused(client, world, company_user):
    assert get(client, company_user, year=2024).status_code == 403
    assert get(client, year=2024).status_code == 401


def test_invalid_parameters(client, world, analyst_user):
    assert get(client, analyst_user).status_code == 422  # no year
    assert get(client, analyst_user, year=2024, by="colour").status_code == 422
    assert get(client, analyst_user, year=2024, indicator="nope").status_code == 422
