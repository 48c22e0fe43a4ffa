"""The quality API: the same scoping as the pages, role by role, for every
operation; pagination; errors; the auditor for administrators only."""

import json

import pytest

from semillero.accounts.models import AuditEvent
from semillero.accounts.services import api_token_create
from semillero.quality.models import Facility, Finding

pytestmark = pytest.mark.django_db

BASE = "/api/quality"
ROLES = ["admin", "analyst", "officer", "company", "viewer", "anonymous"]


@pytest.fixture
def tokens(users):
    result = {
        role: api_token_create(actor=user, name="tests")[1]
        for role, user in users.items()
        if user is not None
    }
    result["anonymous"] = None
    return result


def call(client, method, path, token=None, body=None, **params):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if body is not None:
        return getattr(client, method)(
            BASE + path,
            data=json.dumps(body),
            content_type="application/json",
            headers=headers,
        )
    return getattr(client, method)(BASE + path, params, headers=headers)


def ok(status):
    return dict.fromkeys(ROLES[:-1], status)


def only(status, *allowed, **special):
    expected = {r: (status if r in allowed else 403) for r in ROLES[:-1]}
    expected.update(special)
    return expected


READERS = only(200, "admin", "analyst", "officer", "viewer")
THEIRS = only(200, "admin", "analyst", "viewer", officer=404)


def new_accreditation():
    return {
        "organization": "CFP-002",
        "status": "in_process",
        "scope": "Renovación",
    }


def new_audit():
    return {
        "organization": "CFP-001",
        "audit_date": "2024-03-01",
        "type": "periodic",
        "auditor": "admin",
        "result": "compliant_with_observations",
        "findings": [
            {"severity": "minor", "description": "Rótulos", "due_date": "2024-05-01"}
        ],
    }


def new_facility(organization="CFP-001"):
    return {
        "organization": organization,
        "name": "Taller por API",
        "kind": "workshop",
        "department": "SV-SM",
        "training_areas": ["ELEC"],
        "equipment": [{"item": "Torno", "quantity": 2}],
    }


# method, path (with {ids} from the world), body, expected status per role
OPERATIONS = [
    ("get", "/accreditations", None, READERS),
    ("get", "/accreditations/{mine}", None, READERS),
    ("get", "/accreditations/{theirs}", None, THEIRS),
    ("post", "/accreditations", new_accreditation(), only(201, "admin")),
    ("patch", "/accreditations/{mine}", {"scope": "Nuevo"}, only(200, "admin")),
    (
        "patch",
        "/accreditations/{theirs}",
        {"scope": "X"},
        only(200, "admin", officer=404),
    ),
    ("get", "/programme-accreditations", None, READERS),
    ("get", "/programme-accreditations/{programme_mine}", None, READERS),
    ("get", "/programme-accreditations/{programme_theirs}", None, THEIRS),
    (
        "post",
        "/programme-accreditations",
        {"organization": "CFP-001", "programme": "P-ELEC"},
        only(201, "admin"),
    ),
    (
        "patch",
        "/programme-accreditations/{programme_mine}",
        {"decision_reference": "R-9"},
        only(200, "admin"),
    ),
    ("get", "/accreditation-alerts", None, READERS),
    ("get", "/audits", None, READERS),
    ("get", "/audits/{audit_mine}", None, READERS),
    ("get", "/audits/{audit_theirs}", None, THEIRS),
    ("post", "/audits", new_audit(), only(201, "admin")),
    ("patch", "/audits/{audit_mine}", {"summary": "Revisado"}, only(200, "admin")),
    (
        "post",
        "/audits/{audit_mine}/findings",
        {"severity": "major", "description": "Nuevo", "due_date": "2099-01-01"},
        only(201, "admin"),
    ),
    ("get", "/findings", None, READERS),
    ("get", "/findings/{finding_mine}", None, READERS),
    ("get", "/findings/{finding_theirs}", None, THEIRS),
    (
        "patch",
        "/findings/{finding_mine}",
        {"status": "in_progress", "closing_note": "En curso"},
        only(200, "admin", "officer"),
    ),
    (
        "patch",
        "/findings/{finding_theirs}",
        {"status": "in_progress"},
        only(200, "admin", officer=404),
    ),
    ("get", "/scorecard", None, READERS),
    ("get", "/facilities", None, ok(200)),
    ("get", "/facilities/{facility_mine}", None, ok(200)),
    ("get", "/capacity", None, ok(200)),
    ("post", "/facilities", new_facility(), only(201, "admin", "officer")),
    (
        "post",
        "/facilities",
        new_facility("EMP-001"),
        only(201, "admin", "company"),
    ),
    (
        "patch",
        "/facilities/{facility_mine}",
        {"capacity": 30},
        only(200, "admin", "officer"),
    ),
    (
        "patch",
        "/facilities/{facility_company}",
        {"available_to_share": True},
        only(200, "admin", "company"),
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "method, path, body, expected",
    OPERATIONS,
    ids=[f"{m} {p}" for m, p, _, _ in OPERATIONS],
)
def test_permission_matrix_of_the_api(
    client, world, tokens, role, method, path, body, expected
):
    """Each role may call exactly the operations its role allows; writes refused
    leave no trace."""
    path = path.format(**{k: getattr(v, "pk", v) for k, v in world.items()})
    before = AuditEvent.objects.exclude(action__startswith="api_token").count()
    response = call(client, method, path, tokens[role], body)
    status = 401 if role == "anonymous" else expected[role]
    assert response.status_code == status, response.content
    assert "detail" in response.json() or status < 400
    if status >= 400:
        assert (
            AuditEvent.objects.exclude(action__startswith="api_token").count() == before
        )


def test_lists_paginate_with_a_count(client, world, tokens):
    from .factories import FacilityFactory

    for i in range(7):
        FacilityFactory(organization=world["company"], name=f"Paginado {i}")
    data = call(
        client, "get", "/facilities", tokens["viewer"], q="paginado", limit=3, offset=3
    ).json()
    assert data["count"] == 7
    assert [f["name"] for f in data["items"]] == [
        "Paginado 3",
        "Paginado 4",
        "Paginado 5",
    ]


def test_the_auditor_is_only_for_administrators(client, world, tokens):
    pk = world["audit_mine"].pk
    assert (
        call(client, "get", f"/audits/{pk}", tokens["admin"]).json()["auditor"]
        == "admin"
    )
    for role in ("analyst", "officer", "viewer"):
        detail = call(client, "get", f"/audits/{pk}", tokens[role]).json()
        assert detail["auditor"] is None
        listed = call(client, "get", "/audits", tokens[role]).json()["items"]
        assert all(a["auditor"] is None for a in listed)


def test_current_statuses_are_computed(client, world, tokens):
    data = call(
        client, "get", "/accreditations", tokens["analyst"], status="expired"
    ).json()
    assert [a["organization"] for a in data["items"]] == ["CFP-002"]
    assert data["items"][0]["status"] == "accredited"
    data = call(client, "get", "/findings", tokens["analyst"], status="overdue").json()
    assert [f["description"] for f in data["items"]] == ["Extintores vencidos"]
    alerts = call(
        client, "get", "/accreditation-alerts", tokens["analyst"], days=60
    ).json()
    assert {(a["organization"], a["days_left"]) for a in alerts["items"]} == {
        ("CFP-001", 30),
        ("CFP-002", -10),
    }


def test_the_scorecard_rows_have_null_rates_without_denominator(client, world, tokens):
    data = call(client, "get", "/scorecard", tokens["viewer"]).json()
    rows = {r["code"]: r for r in data["items"]}
    assert rows["CFP-001"]["completion_rate"] is None
    assert rows["CFP-002"]["accreditation_status"] == "expired"
    assert (
        call(client, "get", "/scorecard", tokens["viewer"], year=1800).status_code
        == 422
    )


def test_an_audit_with_a_bad_finding_is_refused_whole(client, world, tokens):
    body = new_audit()
    body["findings"].append(
        {"severity": "major", "description": "Antes", "due_date": "2023-01-01"}
    )
    response = call(client, "post", "/audits", tokens["admin"], body)
    assert response.status_code == 422
    locs = [e["loc"] for e in response.json()["detail"]]
    assert ["body", "findings-1-due_date"] in locs
    assert not Finding.objects.filter(description="Rótulos").exists()


def test_a_data_officer_cannot_close_or_rewrite_a_finding(client, world, tokens):
    pk = world["finding_mine"].pk
    closing = {"status": "closed", "closing_note": "Listo", "closed_on": "2024-01-01"}
    assert (
        call(client, "patch", f"/findings/{pk}", tokens["officer"], closing).status_code
        == 403
    )
    rewrite = {"severity": "minor", "due_date": "2099-01-01"}
    assert (
        call(client, "patch", f"/findings/{pk}", tokens["officer"], rewrite).status_code
        == 403
    )


def test_the_capacity_search_through_the_api(client, world, tokens):
    data = call(
        client,
        "get",
        "/capacity",
        tokens["company"],
        training_area="ELEC",
        department="SV-SM",
        kind="laboratory",
    ).json()
    assert [(r["code"], r["instructor_count"]) for r in data["items"]] == [
        ("CFP-001", 1)
    ]
    assert data["items"][0]["facilities"] == [world["facility_mine"].pk]


def test_facility_writes_validate_and_replace_equipment(client, world, tokens):
    pk = world["facility_mine"].pk
    response = call(
        client,
        "patch",
        f"/facilities/{pk}",
        tokens["officer"],
        {"equipment": [{"item": "Multímetro", "quantity": 3, "condition": "fair"}]},
    )
    assert response.status_code == 200
    assert response.json()["equipment"] == [
        {"item": "Multímetro", "quantity": 3, "condition": "fair"}
    ]
    bad = call(
        client,
        "patch",
        f"/facilities/{pk}",
        tokens["officer"],
        {"municipality": "SV-SS-CE"},
    )
    assert bad.status_code == 422
    foreign = call(
        client,
        "post",
        "/facilities",
        tokens["admin"],
        {**new_facility(), "instructors": ["I-NOPE"]},
    )
    assert foreign.status_code == 422
    assert not Facility.objects.filter(name="Taller por API").exists()


@pytest.mark.parametrize(
    "path, params",
    [
        ("/accreditations", {"status": "bogus"}),
        ("/accreditation-alerts", {"days": "-1"}),
        ("/audits", {"year": "abc"}),
        ("/findings", {"status": "late"}),
        ("/scorecard", {"year": "twenty"}),
        ("/facilities", {"kind": "castle"}),
        ("/facilities", {"limit": "0"}),
        ("/capacity", {"available": "maybe"}),
    ],
)
def test_bad_parameters_are_422_with_a_detail(client, world, tokens, path, params):
    response = call(client, "get", path, tokens["admin"], **params)
    assert response.status_code == 422
    assert "detail" in response.json()


def test_unknown_codes_in_bodies_are_422(client, world, tokens):
    for path, body in [
        ("/accreditations", {"organization": "NOPE"}),
        ("/programme-accreditations", {"organization": "CFP-001", "programme": "NOPE"}),
        ("/audits", {**new_audit(), "auditor": "nobody"}),
        ("/facilities", {**new_facility(), "training_areas": ["NOPE"]}),
        ("/facilities", {**new_facility(), "department": "XX-YY"}),
    ]:
        response = call(client, "post", path, tokens["admin"], body)
        assert response.status_code == 422, (path, response.content)
        assert response.json()["detail"][0]["msg"]
