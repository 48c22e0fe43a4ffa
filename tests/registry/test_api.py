"""The registry API: the same scoping and personal-data rules as the pages, token and
session authentication, and clear errors."""

import json

import pytest
from django.urls import reverse

from semillero.accounts.models import AuditEvent
from semillero.accounts.services import api_token_create
from semillero.registry.models import Agreement, Instructor, Organization

from ..factories import (
    AgreementFactory,
    InstructorFactory,
    OrganizationFactory,
    TrainingAreaFactory,
    department,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    """Texts are asserted in English, the msgids; Spanish is the default language."""
    settings.LANGUAGE_CODE = "en"


BASE = "/api/registry"
ROLES = ["admin", "analyst", "officer", "company", "viewer", "anonymous"]


@pytest.fixture
def world(centre, other_centre, company, institute):
    area = TrainingAreaFactory(code="ELEC", name="Electricidad")
    mine = InstructorFactory(
        code="I-MINE",
        organization=centre,
        first_name="Rosa",
        last_name="Pérez",
        email="rosa.perez@example.org",
        phone="7000-1111",
        sex="F",
    )
    mine.training_areas.set([area])
    InstructorFactory(
        code="I-THEIRS", organization=other_centre, first_name="Juan", last_name="Díaz"
    )
    AgreementFactory(code="CONV-1", parties=[centre, company])
    AgreementFactory(code="CONV-2", parties=[other_centre, company])
    return {"area": area}


@pytest.fixture
def tokens(admin_user, analyst_user, officer_user, company_user, viewer_user):
    """A clear API token per role (None: anonymous)."""
    users = {
        "admin": admin_user,
        "analyst": analyst_user,
        "officer": officer_user,
        "company": company_user,
        "viewer": viewer_user,
    }
    result = {
        role: api_token_create(actor=u, name="tests")[1] for role, u in users.items()
    }
    result["anonymous"] = None
    return result


def call(client, method, path, token=None, body=None, **params):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    kwargs = {"headers": headers}
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/json")
        return getattr(client, method)(BASE + path, **kwargs)
    return getattr(client, method)(BASE + path, params, **kwargs)


def new_organization(code="API-1"):
    return {
        "code": code,
        "name": "Organización por API",
        "type": "training_centre",
        "department": "SV-SS",
    }


def new_agreement(code="CONV-API"):
    return {
        "code": code,
        "title": "Convenio por API",
        "type": "cooperation",
        "start_date": "2024-02-01",
        "parties": ["CFP-001", "EMP-001"],
    }


def new_instructor(code="I-API"):
    return {
        "code": code,
        "organization": "CFP-001",
        "first_name": "Marta",
        "last_name": "López",
        "training_areas": ["ELEC"],
    }


def ok(status):
    return dict.fromkeys(["admin", "analyst", "officer", "company", "viewer"], status)


def only(status, *allowed, **special):
    expected = {r: (status if r in allowed else 403) for r in ROLES[:-1]}
    expected.update(special)
    return expected


# method, path, body, expected status per role (anonymous: always 401)
OPERATIONS = [
    ("get", "/organizations", None, ok(200)),
    ("get", "/organizations/CFP-001", None, ok(200)),
    ("post", "/organizations", new_organization(), only(201, "admin", "officer")),
    (
        "patch",
        "/organizations/CFP-001",
        {"phone": "2200-0000"},
        only(200, "admin", "officer"),
    ),
    (
        "patch",
        "/organizations/EMP-001",
        {"phone": "2200-0000"},
        only(200, "admin", "company"),
    ),
    ("get", "/agreements", None, ok(200)),
    ("get", "/agreements/CONV-1", None, ok(200)),
    ("post", "/agreements", new_agreement(), only(201, "admin", "officer")),
    (
        "patch",
        "/agreements/CONV-1",
        {"title": "Nuevo título"},
        only(200, "admin", "officer"),
    ),
    ("patch", "/agreements/CONV-2", {"title": "Ajeno"}, only(200, "admin")),
    ("get", "/instructors", None, only(200, "admin", "analyst", "officer", "viewer")),
    (
        "get",
        "/instructors/I-MINE",
        None,
        only(200, "admin", "analyst", "officer", "viewer"),
    ),
    (
        "get",
        "/instructors/I-THEIRS",
        None,
        only(200, "admin", "analyst", "viewer", officer=404),
    ),
    ("post", "/instructors", new_instructor(), only(201, "admin", "officer")),
    (
        "patch",
        "/instructors/I-MINE",
        {"phone": "7000-2222"},
        only(200, "admin", "officer"),
    ),
    ("patch", "/instructors/I-THEIRS", {"phone": "1"}, only(200, "admin", officer=404)),
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
    """Each role may call exactly the operations its role allows."""
    response = call(client, method, path, tokens[role], body)
    status = 401 if role == "anonymous" else expected[role]
    assert response.status_code == status, response.content
    assert "detail" in response.json() or status < 400


def test_lists_paginate_with_a_count(client, world, tokens):
    for i in range(7):
        OrganizationFactory(code=f"P{i}", name=f"Paginada {i}")
    data = call(
        client,
        "get",
        "/organizations",
        tokens["viewer"],
        q="Paginada",
        limit=3,
        offset=3,
    ).json()
    assert data["count"] == 7
    assert [o["code"] for o in data["items"]] == ["P3", "P4", "P5"]


def test_organization_filters(client, world, tokens):
    OrganizationFactory(
        code="LI-1", department=department("SV-LI"), levy_contributor=True
    )
    data = call(
        client, "get", "/organizations", tokens["viewer"], department="SV-LI"
    ).json()
    assert [o["code"] for o in data["items"]] == ["LI-1"]
    assert data["items"][0]["department"] == "SV-LI"
    data = call(
        client, "get", "/organizations", tokens["viewer"], levy_contributor="yes"
    ).json()
    assert [o["code"] for o in data["items"]] == ["LI-1"]
    bad = call(client, "get", "/organizations", tokens["viewer"], type="school")
    assert bad.status_code == 422


def test_the_organization_detail_has_its_name_history(
    client, world, tokens, admin_user, institute
):
    from datetime import date

    from semillero.registry.services import organization_rename

    organization_rename(
        actor=admin_user,
        organization=institute,
        name="INCAF",
        valid_from=date(2023, 12, 9),
        previous_name_valid_from=date(1993, 6, 2),
    )
    data = call(
        client, "get", f"/organizations/{institute.code}", tokens["analyst"]
    ).json()
    assert [(n["valid_from"], n["valid_to"]) for n in data["names"]] == [
        ("1993-06-02", "2023-12-08"),
        ("2023-12-09", None),
    ]


@pytest.mark.parametrize("role", ["analyst", "viewer"])
def test_analysts_never_receive_personal_data(client, world, tokens, role):
    listing = call(client, "get", "/instructors", tokens[role])
    detail = call(client, "get", "/instructors/I-MINE", tokens[role])
    searched = call(client, "get", "/instructors", tokens[role], q="Pérez")
    for response in (listing, detail, searched):
        text = response.content.decode()
        for secret in (
            "first_name",
            "last_name",
            "email",
            "phone",
            "Rosa",
            "Pérez",
            "Juan",
            "Díaz",
        ):
            assert secret not in text, (secret, text)
    items = listing.json()["items"]
    assert {i["view"] for i in items} == {"pseudonymous"}
    mine = next(i for i in items if i["code"] == "I-MINE")
    assert mine == {
        "view": "pseudonymous",
        "code": "I-MINE",
        "organization": "CFP-001",
        "sex": "F",
        "training_areas": ["ELEC"],
        "certifications": "",
        "active": True,
    }
    assert searched.json()["count"] == 0


def test_a_data_officer_receives_its_own_instructors_with_personal_data(
    client, world, tokens
):
    data = call(client, "get", "/instructors", tokens["officer"]).json()
    assert data["count"] == 1
    [item] = data["items"]
    assert item["view"] == "personal"
    assert (item["first_name"], item["email"]) == ("Rosa", "rosa.perez@example.org")
    other = call(
        client, "get", "/instructors", tokens["officer"], organization="CFP-002"
    ).json()
    assert other == {"count": 0, "items": []}


def test_creating_through_the_api_goes_through_the_services(client, world, tokens):
    response = call(client, "post", "/agreements", tokens["officer"], new_agreement())
    assert response.status_code == 201
    assert sorted(p["code"] for p in response.json()["parties"]) == [
        "CFP-001",
        "EMP-001",
    ]
    agreement = Agreement.objects.get(code="CONV-API")
    assert AuditEvent.objects.filter(
        action="agreement_created", object_id=str(agreement.pk)
    ).exists()
    response = call(client, "post", "/instructors", tokens["officer"], new_instructor())
    assert response.status_code == 201
    assert response.json()["view"] == "personal"
    assert Instructor.objects.get(code="I-API").organization.code == "CFP-001"


def test_validation_errors_are_422_per_field(client, world, tokens):
    body = {**new_agreement(), "end_date": "2024-01-01", "parties": ["CFP-001"]}
    response = call(client, "post", "/agreements", tokens["admin"], body)
    assert response.status_code == 422
    fields = {e["loc"][-1] for e in response.json()["detail"]}
    assert fields == {"parties", "end_date"}
    unknown = call(
        client,
        "post",
        "/organizations",
        tokens["admin"],
        {**new_organization(), "department": "SV-XX"},
    )
    assert unknown.status_code == 422
    assert "SV-XX" in unknown.json()["detail"][0]["msg"]
    duplicate = call(
        client, "post", "/organizations", tokens["admin"], new_organization("CFP-001")
    )
    assert duplicate.status_code == 422
    missing = call(client, "post", "/organizations", tokens["admin"], {"code": "X"})
    assert missing.status_code == 422


def test_patch_changes_only_the_fields_sent(client, world, tokens, centre):
    centre.phone = "2200-1111"
    centre.save()
    response = call(
        client, "patch", "/organizations/CFP-001", tokens["officer"], {"employees": 12}
    )
    assert response.status_code == 200
    centre.refresh_from_db()
    assert (centre.employees, centre.phone) == (12, "2200-1111")
    cleared = call(
        client,
        "patch",
        "/organizations/CFP-001",
        tokens["officer"],
        {"employees": None},
    )
    assert cleared.json()["employees"] is None


def test_unknown_objects_are_404(client, world, tokens):
    for path in ("/organizations/NOPE", "/agreements/NOPE", "/instructors/NOPE"):
        response = call(client, "get", path, tokens["admin"])
        assert response.status_code == 404
        assert response.json()["detail"]


def test_403_says_why(client, world, tokens):
    response = call(
        client, "post", "/organizations", tokens["analyst"], new_organization()
    )
    assert response.status_code == 403
    assert "organizations" in response.json()["detail"]
    assert not Organization.objects.filter(code="API-1").exists()


def test_api_list_query_counts_are_constant(
    client, world, tokens, centre, company, django_assert_max_num_queries
):
    for i in range(40):
        org = OrganizationFactory(code=f"Q{i}")
        AgreementFactory(parties=[centre, org, company])
        InstructorFactory(organization=centre).training_areas.set([world["area"]])
    for path, role in (
        ("/organizations", "viewer"),
        ("/agreements", "viewer"),
        ("/instructors", "analyst"),
        ("/instructors", "admin"),
    ):
        with django_assert_max_num_queries(6):
            response = call(client, "get", path, tokens[role], limit=100)
        assert response.status_code == 200


def test_openapi_schema_documents_both_instructor_shapes(client):
    schema = client.get(reverse("api:openapi-json")).json()
    assert "/api/registry/organizations" in schema["paths"]
    names = set(schema["components"]["schemas"])
    assert {"InstructorPersonalOut", "InstructorPseudonymousOut"} <= names


def test_the_api_docs_load_nothing_from_other_hosts(client, viewer_user):
    """Swagger UI comes from ninja's bundled files (ninja is an installed app), so
    the CSP's 'self' allows it."""
    client.force_login(viewer_user)
    body = client.get(reverse("api:openapi-view")).content.decode()
    assert "swagger-ui-bundle.js" in body
    assert "https://" not in body
