"""The training API: every operation × every role, the same scoping and
personal-data rules as the pages, hand-computed numbers, query counts."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from semillero.accounts.models import AuditEvent
from semillero.accounts.services import api_token_create
from semillero.training.models import (
    CompanyServiceRequest,
    CourseRun,
    LevyContribution,
    Programme,
)

from .factories import CourseRunFactory, EnrolmentFactory
from .world import CENTRE_PEOPLE, NAMES, OTHER_ONLY, PEOPLE, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


BASE = "/api/training"
ROLES = ["admin", "analyst", "officer", "company", "viewer", "anonymous"]


@pytest.fixture
def world(centre, other_centre, company):
    world = build_world(centre=centre, other_centre=other_centre, company=company)
    world.requests["waiting"] = CompanyServiceRequest.objects.create(
        company=company, topic="Excel avanzado", workers=4, requested_on="2025-01-01"
    )
    return world


@pytest.fixture
def tokens(admin_user, analyst_user, officer_user, company_user, viewer_user):
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
    if body is not None:
        return getattr(client, method)(
            BASE + path,
            data=json.dumps(body),
            content_type="application/json",
            headers=headers,
        )
    return getattr(client, method)(BASE + path, params, headers=headers)


def ok(status=200):
    return dict.fromkeys(ROLES[:-1], status)


def only(status, *allowed, **special):
    expected = {r: (status if r in allowed else 403) for r in ROLES[:-1]}
    expected.update(special)
    return expected


NEW_PROGRAMME = {
    "code": "P-API",
    "name": "Programa por API",
    "modality": "dual",
    "training_area": "ELEC",
    "hours": 300,
    "delivery": "in_person",
}
NEW_RUN = {
    "code": "R-API",
    "programme": "P-CONF",
    "provider": "CFP-001",
    "start_date": "2025-02-01",
    "end_date": "2025-05-01",
    "department": "SV-SS",
}


def _enrolment_id(world, run, name):
    return world.enrolments[(run, name)].pk


# method, path (a function of the world), body, expected status per role
OPERATIONS = [
    ("get", lambda w: "/programmes", None, ok()),
    ("get", lambda w: "/programmes/P-ELEC", None, ok()),
    ("post", lambda w: "/programmes", NEW_PROGRAMME, only(201, "admin")),
    ("patch", lambda w: "/programmes/P-ELEC", {"hours": 130}, only(200, "admin")),
    ("get", lambda w: "/course-runs", None, ok()),
    ("get", lambda w: "/course-runs/R-2024B", None, ok()),
    ("post", lambda w: "/course-runs", NEW_RUN, only(201, "admin", "officer")),
    (
        "patch",
        lambda w: "/course-runs/R-2023",
        {"capacity": 30},
        only(200, "admin", "officer"),
    ),
    ("patch", lambda w: "/course-runs/R-2024B", {"capacity": 30}, only(200, "admin")),
    (
        "get",
        lambda w: "/course-runs/R-2023/enrolments",
        None,
        only(200, "admin", "analyst", "officer"),
    ),
    (
        "get",
        lambda w: "/course-runs/R-2024B/enrolments",
        None,
        only(200, "admin", "analyst"),
    ),
    (
        "patch",
        lambda w: f"/enrolments/{_enrolment_id(w, 'r2024a', 'julia')}",
        {"status": "dropped"},
        only(200, "admin", "officer"),
    ),
    (
        "patch",
        lambda w: f"/enrolments/{_enrolment_id(w, 'r2024b', 'carlos')}",
        {"status": "dropped"},
        only(200, "admin", officer=404),
    ),
    ("get", lambda w: "/trainees", None, only(200, "admin", "analyst", "officer")),
    (
        "get",
        lambda w: f"/trainees/{w.trainees['ana'].pk}",
        None,
        only(200, "admin", "analyst", "officer"),
    ),
    (
        "get",
        lambda w: f"/trainees/{w.trainees['sofia'].pk}",
        None,
        only(200, "admin", "analyst", officer=404),
    ),
    (
        "get",
        lambda w: "/levy-contributions",
        None,
        only(200, "admin", "analyst", "company"),
    ),
    (
        "post",
        lambda w: "/levy-contributions",
        {"company": "EMP-001", "period": "2025-03", "amount_usd": "10.50"},
        only(201, "admin"),
    ),
    (
        "get",
        lambda w: "/companies/EMP-001/summary",
        None,
        only(200, "admin", "analyst", "company"),
    ),
    (
        "get",
        lambda w: "/companies/EMP-002/summary",
        None,
        only(200, "admin", "analyst"),
    ),
    ("get", lambda w: "/centres/CFP-001/summary", None, ok()),
    (
        "get",
        lambda w: "/service-requests",
        None,
        only(200, "admin", "analyst", "company"),
    ),
    (
        "get",
        lambda w: f"/service-requests/{w.requests['sr2'].pk}",
        None,
        only(200, "admin", "analyst", company=404),
    ),
    (
        "post",
        lambda w: "/service-requests",
        {"company": "EMP-001", "topic": "Soldadura", "workers": 6},
        only(201, "admin", "company"),
    ),
    (
        "patch",
        lambda w: f"/service-requests/{w.requests['waiting'].pk}",
        {"workers": 7},
        only(200, "admin", "company"),
    ),
    (
        "patch",
        lambda w: f"/service-requests/{w.requests['sr1'].pk}",
        {"status": "served"},
        only(200, "admin"),
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "method, path, body, expected",
    OPERATIONS,
    ids=[f"{m} {i}" for i, (m, *_rest) in enumerate(OPERATIONS)],
)
def test_permission_matrix_of_the_api(
    client, world, tokens, role, method, path, body, expected
):
    """Each role may call exactly what it may do; anonymous calls get 401."""
    response = call(client, method, path(world), tokens[role], body)
    expected_status = 401 if role == "anonymous" else expected[role]
    assert response.status_code == expected_status, response.content
    assert "detail" in response.json() or expected_status < 400


def test_programmes_list_and_detail(client, world, tokens):
    data = call(client, "get", "/programmes", tokens["viewer"], offered="yes").json()
    assert data["count"] == 1
    [elec] = data["items"]
    assert (elec["code"], elec["training_area"], elec["current_runs"]) == (
        "P-ELEC",
        "ELEC",
        1,
    )
    detail = call(client, "get", "/programmes/P-ELEC", tokens["viewer"]).json()
    assert [r["code"] for r in detail["upcoming_runs"]] == ["R-NEXT"]
    assert detail["upcoming_runs"][0]["provider"] == "CFP-001"
    assert call(client, "get", "/programmes/NOPE", tokens["viewer"]).status_code == 404


def test_course_runs_carry_hand_computed_outcomes(client, world, tokens):
    data = call(
        client, "get", "/course-runs", tokens["viewer"], year=2024, limit=2
    ).json()
    assert data["count"] == 3 and len(data["items"]) == 2
    run = call(client, "get", "/course-runs/R-2024A", tokens["viewer"]).json()
    assert {
        k: run[k]
        for k in ("enrolments", "in_progress", "completed", "certified", "dropped")
    } == {
        "enrolments": 4,
        "in_progress": 1,
        "completed": 1,
        "certified": 1,
        "dropped": 1,
    }
    assert run["completion_rate"] == pytest.approx(2 / 3)
    assert (run["company"], run["cost_usd"], run["modality"]) == (
        "EMP-001",
        2500.5,
        "continuous",
    )
    company_runs = call(
        client, "get", "/course-runs", tokens["viewer"], company="EMP-001"
    ).json()
    assert sorted(r["code"] for r in company_runs["items"]) == [
        "R-2023",
        "R-2024A",
        "R-2024B",
    ]


def test_a_data_officer_creates_its_own_run_without_naming_the_provider(
    client, world, tokens
):
    body = {k: v for k, v in NEW_RUN.items() if k != "provider"}
    response = call(client, "post", "/course-runs", tokens["officer"], body)
    assert response.status_code == 201
    assert response.json()["provider"] == "CFP-001"
    body = {**NEW_RUN, "code": "R-API2", "provider": "CFP-002"}
    assert (
        call(client, "post", "/course-runs", tokens["officer"], body).status_code == 403
    )
    bad = {**NEW_RUN, "code": "R-API3", "end_date": "2025-01-01"}
    response = call(client, "post", "/course-runs", tokens["admin"], bad)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "end_date"]
    assert not CourseRun.objects.filter(code="R-API3").exists()


def test_enrolments_personal_or_pseudonymous(client, world, tokens):
    personal = call(
        client, "get", "/course-runs/R-2024A/enrolments", tokens["officer"]
    ).json()
    assert personal["count"] == 4
    assert {e["view"] for e in personal["items"]} == {"personal"}
    assert {e["last_name"] for e in personal["items"]} == {
        "López",
        "Pérez",
        "Díaz",
        "Castro",
    }
    raw = call(
        client, "get", "/course-runs/R-2024A/enrolments", tokens["analyst"]
    ).content.decode("unicode_escape")
    data = json.loads(
        call(
            client, "get", "/course-runs/R-2024A/enrolments", tokens["analyst"]
        ).content
    )
    assert {e["view"] for e in data["items"]} == {"pseudonymous"}
    assert "first_name" not in data["items"][0] and "email" not in data["items"][0]
    for secret in NAMES:
        assert secret not in raw
    assert world.trainees["ana"].person_key not in raw
    dropped = call(
        client,
        "get",
        "/course-runs/R-2024A/enrolments",
        tokens["analyst"],
        status="dropped",
    ).json()
    assert [e["sex"] for e in dropped["items"]] == ["M"]


def test_analysts_never_receive_a_trainees_personal_data(client, world, tokens):
    for path in (
        "/trainees",
        "/trainees?q=lopez",
        f"/trainees/{world.trainees['ana'].pk}",
        "/course-runs/R-2023/enrolments",
    ):
        response = call(client, "get", path, tokens["analyst"])
        assert response.status_code == 200
        text = response.content.decode("unicode_escape")
        for secret in (*NAMES, "2000-05-17"):
            assert secret not in text, (path, secret)
        for key in ("first_name", "last_name", "email", "phone", "birth_date"):
            assert f'"{key}"' not in text, (path, key)
        assert world.trainees["ana"].person_key not in text
    ana = call(
        client, "get", f"/trainees/{world.trainees['ana'].pk}", tokens["analyst"]
    ).json()
    assert ana["view"] == "pseudonymous"
    assert ana["key_prefix"] == world.trainees["ana"].person_key[:12]
    assert (ana["sex"], ana["department"], ana["age_group"]) == ("F", "SV-SS", "25-29")


def test_a_data_officer_receives_only_its_trainees(client, world, tokens):
    data = call(client, "get", "/trainees", tokens["officer"], limit=100).json()
    assert data["count"] == len(CENTRE_PEOPLE)
    last_names = {t["last_name"] for t in data["items"]}
    assert last_names == {PEOPLE[n][1] for n in CENTRE_PEOPLE}
    assert not last_names & {PEOPLE[n][1] for n in OTHER_ONLY}
    assert all(t["person_key"] is None for t in data["items"])
    luis = next(t for t in data["items"] if t["last_name"] == "Gómez")
    assert luis["enrolments"] == 1  # the other centre's enrolment is not counted
    admin = call(client, "get", "/trainees", tokens["admin"], q="lopez").json()
    assert admin["items"][0]["person_key"] == world.trainees["ana"].person_key


def test_an_enrolment_is_completed_through_the_api(client, world, tokens):
    julia = world.enrolments[("r2024a", "julia")]
    path = f"/enrolments/{julia.pk}"
    response = call(client, "patch", path, tokens["officer"], {"status": "completed"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "completion_date"]
    response = call(
        client,
        "patch",
        path,
        tokens["officer"],
        {"status": "completed", "completion_date": "2024-05-31"},
    )
    assert response.status_code == 200
    assert response.json()["status"] == "completed"
    assert response.json()["last_name"] == "Castro"
    assert AuditEvent.objects.filter(action="enrolment_status_changed").count() == 1


def test_the_company_summary_against_hand_computed_numbers(client, world, tokens):
    data = call(client, "get", "/companies/EMP-001/summary", tokens["company"]).json()
    assert data["years"] == [
        {
            "year": 2024,
            "levy_usd": 500.25,
            "runs": 2,
            "enrolments": 6,
            "workers_trained": 3,
            "hours": 280,
            "cost_usd": 2500.5,
        },
        {
            "year": 2023,
            "levy_usd": 250.5,
            "runs": 1,
            "enrolments": 3,
            "workers_trained": 2,
            "hours": 240,
            "cost_usd": 1000.0,
        },
    ]
    assert data["total"] == {
        "year": None,
        "levy_usd": 750.75,
        "runs": 3,
        "enrolments": 9,
        "workers_trained": 5,
        "hours": 520,
        "cost_usd": 3500.5,
    }


def test_levy_contributions_are_scoped_and_recorded(client, world, tokens):
    own = call(client, "get", "/levy-contributions", tokens["company"]).json()
    assert own["count"] == 4 and {c["company"] for c in own["items"]} == {"EMP-001"}
    assert own["items"][0] == {
        "company": "EMP-001",
        "period": "2023-01",
        "amount_usd": 100.0,
    }
    everything = call(client, "get", "/levy-contributions", tokens["analyst"]).json()
    assert everything["count"] == 5
    response = call(
        client,
        "post",
        "/levy-contributions",
        tokens["admin"],
        {"company": "EMP-001", "period": "2024-01", "amount_usd": "1"},
    )
    assert response.status_code == 422  # already recorded
    response = call(
        client,
        "post",
        "/levy-contributions",
        tokens["admin"],
        {"company": "EMP-001", "period": "2024-13", "amount_usd": "1"},
    )
    assert response.status_code == 422
    assert LevyContribution.objects.count() == 5


def test_service_requests_through_the_api(client, world, tokens):
    mine = call(client, "get", "/service-requests", tokens["company"]).json()
    assert {r["topic"] for r in mine["items"]} == {
        "Electricidad para mantenimiento",
        "Excel avanzado",
    }
    created = call(
        client,
        "post",
        "/service-requests",
        tokens["company"],
        {"topic": "Soldadura", "workers": 6},
    ).json()
    assert (created["company"], created["status"]) == ("EMP-001", "requested")
    other = call(
        client,
        "post",
        "/service-requests",
        tokens["company"],
        {"company": "EMP-002", "topic": "x", "workers": 1},
    )
    assert other.status_code == 403
    answered = call(
        client,
        "patch",
        f"/service-requests/{created['id']}",
        tokens["admin"],
        {"status": "in_progress", "course_runs": ["R-NEXT"]},
    ).json()
    assert answered["course_runs"] == ["R-NEXT"]
    response = call(
        client,
        "patch",
        f"/service-requests/{created['id']}",
        tokens["admin"],
        {"course_runs": ["R-NOPE"]},
    )
    assert response.status_code == 422
    response = call(
        client,
        "patch",
        f"/service-requests/{created['id']}",
        tokens["company"],
        {"course_runs": ["R-2023"]},
    )
    assert response.status_code == 403


def test_programmes_are_written_by_the_administrator(client, world, tokens):
    response = call(client, "post", "/programmes", tokens["admin"], NEW_PROGRAMME)
    assert response.status_code == 201
    assert Programme.objects.get(code="P-API").hours == 300
    response = call(
        client,
        "post",
        "/programmes",
        tokens["admin"],
        {**NEW_PROGRAMME, "code": "X", "training_area": "NOPE"},
    )
    assert response.status_code == 422
    response = call(
        client,
        "patch",
        "/programmes/P-API",
        tokens["admin"],
        {"name": None, "hours": 10},
    )
    assert response.json()["name"] == "Programa por API"
    assert response.json()["hours"] == 10


def test_the_centre_summary(client, world, tokens):
    data = call(client, "get", "/centres/CFP-001/summary", tokens["viewer"]).json()
    y2023 = next(y for y in data["years"] if y["year"] == 2023)
    assert y2023["total"]["completion_rate"] == pytest.approx(2 / 3)
    assert y2023["programmes"][0]["programme"] == "P-ELEC"
    assert (
        call(client, "get", "/centres/EMP-001/summary", tokens["viewer"]).status_code
        == 404
    )


@pytest.mark.parametrize(
    "path, role",
    [
        ("/programmes", "viewer"),
        ("/course-runs", "viewer"),
        ("/course-runs/R-2023/enrolments", "analyst"),
        ("/trainees", "officer"),
        ("/trainees", "analyst"),
        ("/levy-contributions", "analyst"),
        ("/service-requests", "admin"),
    ],
)
def test_api_lists_make_a_constant_number_of_queries(
    client, world, tokens, path, role, django_assert_max_num_queries
):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            response = call(client, "get", path, tokens[role], limit=200)
        assert response.status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    for i in range(30):
        run = CourseRunFactory(
            provider=world.centre, programme=world.programmes["conf"]
        )
        EnrolmentFactory(course_run=run)
        EnrolmentFactory(course_run=world.runs["r2023"])
        request = CompanyServiceRequest.objects.create(
            company=world.company, topic=f"T{i}", workers=1, requested_on="2024-01-01"
        )
        request.course_runs.set([run])
        LevyContribution.objects.create(
            company=world.company, period=f"20{i:02d}-03-01", amount_usd=1
        )
    with django_assert_max_num_queries(few):
        call(client, "get", path, tokens[role], limit=200)
    assert few <= 8


def test_openapi_documents_the_training_api_and_both_shapes(client):
    schema = client.get("/api/openapi.json").json()
    assert {
        "/api/training/programmes",
        "/api/training/course-runs/{code}/enrolments",
        "/api/training/trainees/{trainee_id}",
        "/api/training/companies/{code}/summary",
        "/api/training/service-requests",
    } <= set(schema["paths"])
    names = set(schema["components"]["schemas"])
    assert {
        "TraineePersonalOut",
        "TraineePseudonymousOut",
        "EnrolmentPersonalOut",
        "EnrolmentPseudonymousOut",
    } <= names
