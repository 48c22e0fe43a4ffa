"""Training pages: who may open what (every page × every role), the public
catalogue, personal data per role, lists (filters, exports), forms and query
counts."""

import csv
import datetime
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from semillero.accounts.models import AuditEvent
from semillero.training.models import (
    CompanyServiceRequest,
    CourseRun,
    Enrolment,
    LevyContribution,
    Programme,
)

from ..factories import TrainingAreaFactory, department
from .factories import CourseRunFactory, EnrolmentFactory, TraineeFactory
from .world import CENTRE_PEOPLE, NAMES, OTHER_ONLY, PEOPLE, build_world

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture(autouse=True)
def english(settings):
    """Texts are asserted in English, the msgids; Spanish is the default language."""
    settings.LANGUAGE_CODE = "en"


ROLES = ["admin", "analyst", "officer", "company", "viewer", "anonymous"]
ALL = dict.fromkeys(ROLES[:-1], 200)


def only(*allowed, denied=403, **special):
    """Expected statuses: 200 for the allowed roles, `denied` for the others."""
    expected = {role: (200 if role in allowed else denied) for role in ROLES[:-1]}
    expected.update(special)
    return expected


@pytest.fixture
def world(centre, other_centre, company):
    world = build_world(centre=centre, other_centre=other_centre, company=company)
    # A request of EMP-001 still waiting: its company may still edit it.
    world.requests["waiting"] = CompanyServiceRequest.objects.create(
        company=company, topic="Excel avanzado", workers=4, requested_on=D(2025, 1, 1)
    )
    return world


@pytest.fixture
def users(admin_user, analyst_user, officer_user, company_user, viewer_user):
    return {
        "admin": admin_user,
        "analyst": analyst_user,
        "officer": officer_user,
        "company": company_user,
        "viewer": viewer_user,
        "anonymous": None,
    }


def _target(world, name):
    """The primary key of a page's object, named in the table below."""
    objects = {
        "elec": world.programmes["elec"],
        "mine_run": world.runs["r2023"],
        "their_run": world.runs["r2024b"],
        "mine_enrolment": world.enrolments[("r2024a", "julia")],
        "their_enrolment": world.enrolments[("r2024b", "carlos")],
        "ana": world.trainees["ana"],
        "sofia": world.trainees["sofia"],
        "company": world.company,
        "other_company": world.other_company,
        "centre": world.centre,
        "sr1": world.requests["sr1"],
        "sr2": world.requests["sr2"],
        "waiting": world.requests["waiting"],
    }
    return objects[name].pk


PUBLIC = {**ALL, "anonymous": 200}

# name of the URL, its object (see _target) or None, expected status per role
PAGES = [
    ("training:catalogue", None, PUBLIC),
    ("training:catalogue_programme", "elec", PUBLIC),
    ("training:programme_list", None, ALL),
    ("training:programme_detail", "elec", ALL),
    ("training:programme_create", None, only("admin")),
    ("training:programme_update", "elec", only("admin")),
    ("training:course_run_list", None, ALL),
    ("training:course_run_detail", "mine_run", ALL),
    ("training:course_run_detail", "their_run", ALL),
    ("training:course_run_create", None, only("admin", "officer")),
    ("training:course_run_update", "mine_run", only("admin", "officer")),
    ("training:course_run_update", "their_run", only("admin")),
    ("training:enrolment_status", "mine_enrolment", only("admin", "officer")),
    ("training:enrolment_status", "their_enrolment", only("admin", officer=404)),
    ("training:trainee_list", None, only("admin", "analyst", "officer")),
    ("training:trainee_detail", "ana", only("admin", "analyst", "officer")),
    ("training:trainee_detail", "sofia", only("admin", "analyst", officer=404)),
    ("training:company_list", None, only("admin", "analyst")),
    ("training:company_detail", "company", only("admin", "analyst", "company")),
    ("training:company_detail", "other_company", only("admin", "analyst")),
    ("training:company_detail", "centre", only(denied=404)),
    ("training:levy_create", "company", only("admin")),
    ("training:centre_detail", "centre", ALL),
    ("training:centre_detail", "company", only(denied=404)),
    ("training:service_request_list", None, only("admin", "analyst", "company")),
    ("training:service_request_create", None, only("admin", "company")),
    (
        "training:service_request_detail",
        "sr1",
        only("admin", "analyst", "company"),
    ),
    ("training:service_request_detail", "sr2", only("admin", "analyst", company=404)),
    ("training:service_request_update", "sr1", only("admin")),
    ("training:service_request_update", "waiting", only("admin", "company")),
    ("training:service_request_update", "sr2", only("admin", company=404)),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "url_name, target, expected",
    PAGES,
    ids=[f"{name}[{target or '-'}]" for name, target, _ in PAGES],
)
def test_permission_matrix_of_the_pages(
    client, world, users, role, url_name, target, expected
):
    """Each role gets exactly the pages it may use; the anonymous go to log in,
    except for the public catalogue."""
    args = [_target(world, target)] if target else []
    if users[role] is not None:
        client.force_login(users[role])
    response = client.get(reverse(url_name, args=args))
    if role == "anonymous" and expected.get("anonymous") is None:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    else:
        assert response.status_code == expected[role]


WRITES = [
    ("training:programme_create", None, only("admin")),
    ("training:programme_update", "elec", only("admin")),
    ("training:course_run_create", None, only("admin", "officer")),
    ("training:course_run_update", "their_run", only("admin")),
    ("training:enrolment_status", "mine_enrolment", only("admin", "officer")),
    ("training:levy_create", "company", only("admin")),
    ("training:service_request_create", None, only("admin", "company")),
    ("training:service_request_update", "sr1", only("admin")),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "url_name, target, expected",
    WRITES,
    ids=[f"{name}[{target or '-'}]" for name, target, _ in WRITES],
)
def test_forbidden_roles_cannot_post_forms_either(
    client, world, users, role, url_name, target, expected
):
    args = [_target(world, target)] if target else []
    if users[role] is not None:
        client.force_login(users[role])
    response = client.post(reverse(url_name, args=args), {})
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    elif expected[role] == 403:
        assert response.status_code == 403
    else:
        assert response.status_code == 200  # the form again, with its errors


# The public catalogue ---------------------------------------------------------------


def test_the_catalogue_is_public_and_searchable(client, world):
    url = reverse("training:catalogue")
    body = client.get(url).content.decode()
    assert "Electricidad residencial" in body and "Soldadura submarina" in body
    assert 'href="/accounts/login/' not in body or "Course catalogue" in body
    body = client.get(url, {"q": "confeccion"}).content.decode()
    assert "Confección industrial" in body and "Electricidad residencial" not in body
    body = client.get(url, {"department": "SV-SS"}).content.decode()
    assert "Electricidad residencial" in body and "Confección industrial" not in body
    body = client.get(url, {"offered": "yes", "modality": "initial"}).content.decode()
    assert "Electricidad residencial" in body and "Soldadura submarina" not in body
    assert "style=" not in body and "<script>" not in body  # the CSP


def test_the_catalogue_shows_where_and_when_but_no_people(client, world):
    run = world.runs["next"]
    body = client.get(
        reverse("training:catalogue_programme", args=[world.programmes["elec"].pk])
    ).content.decode()
    assert run.start_date.isoformat() in body
    assert world.centre.name in body and "San Salvador" in body
    assert "120 hours" in body
    # Past runs, enrolments and any count of people stay out.
    assert "R-2023" not in body and "Enrolments" not in body
    for name in NAMES:
        assert name not in body
    empty = client.get(
        reverse("training:catalogue_programme", args=[world.programmes["none"].pk])
    ).content.decode()
    assert "No course run of this programme is scheduled at the moment" in empty


def test_logged_out_visitors_find_the_catalogue_in_the_header(client, users, world):
    body = client.get(reverse("accounts:login")).content.decode()
    assert reverse("training:catalogue") in body
    client.force_login(users["viewer"])
    body = client.get(reverse("home")).content.decode()
    assert reverse("training:catalogue") in body  # in the Training menu


def test_the_catalogue_page_numbers_keep_the_filters(client, world):
    area = TrainingAreaFactory(code="X")
    for i in range(60):
        Programme.objects.create(
            code=f"X{i:02d}",
            name=f"Curso {i:02d}",
            modality="initial",
            training_area=area,
            hours=10,
            delivery="virtual",
        )
    response = client.get(
        reverse("training:catalogue"), {"delivery": "virtual", "page": 2}
    )
    listing = response.context["listing"]
    assert len(listing.page.object_list) == 10
    assert "delivery=virtual" in listing.pages["first"]


# Menus and buttons ------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, shown, hidden",
    [
        ("admin", ["trainee_list", "company_list", "service_request_list"], []),
        ("analyst", ["trainee_list", "company_list", "service_request_list"], []),
        (
            "officer",
            ["trainee_list", "centre_detail"],
            ["company_list", "service_request_list"],
        ),
        (
            "company",
            ["company_detail", "service_request_list"],
            ["trainee_list", "company_list"],
        ),
        ("viewer", [], ["trainee_list", "company_list", "service_request_list"]),
    ],
)
def test_the_training_menu_shows_what_the_role_may_open(
    client, users, world, role, shown, hidden
):
    client.force_login(users[role])
    body = client.get(reverse("home")).content.decode()

    def link(name, *args):
        return f'href="{reverse(f"training:{name}", args=args)}"'

    for name in ["catalogue", "programme_list", "course_run_list"]:
        assert link(name) in body
    pks = {"centre_detail": world.centre.pk, "company_detail": world.company.pk}
    for name in shown:
        assert link(name, *([pks[name]] if name in pks else [])) in body, name
    for name in hidden:
        assert link(name) not in body, name


def test_the_upload_link_is_shown_to_who_may_import_enrolments(client, users, world):
    upload = reverse("imports:upload")
    url = reverse("training:course_run_list")
    client.force_login(users["officer"])
    assert upload in client.get(url).content.decode()
    client.force_login(users["analyst"])
    assert upload not in client.get(url).content.decode()


# Course runs ------------------------------------------------------------------------


def _codes_on(response):
    return sorted(run.code for run in response.context["listing"].page.object_list)


def test_a_data_officers_course_runs_start_with_its_own(client, users, world):
    client.force_login(users["officer"])
    url = reverse("training:course_run_list")
    response = client.get(url)
    assert _codes_on(response) == ["R-2023", "R-2024A", "R-NEXT"]
    assert "Your organization's course runs." in response.content.decode()
    assert _codes_on(client.get(url, {"scope": "all"})) == [
        "R-2023", "R-2024A", "R-2024B", "R-NEXT", "R-OTHER",
    ]  # fmt: skip
    assert _codes_on(client.get(url, {"provider": "CFP-002"})) == [
        "R-2024B",
        "R-OTHER",
    ]
    client.force_login(users["analyst"])
    assert len(_codes_on(client.get(url))) == 5


def test_the_course_run_list_filters_and_shows_outcomes(client, users, world):
    client.force_login(users["viewer"])
    url = reverse("training:course_run_list")
    response = client.get(url, {"year": "2024", "modality": "continuous"})
    assert _codes_on(response) == ["R-2024A", "R-OTHER"]
    body = response.content.decode()
    assert "66.7\xa0%" in body and "100.0\xa0%" in body
    body = client.get(url, {"sort": "-completion_rate"}).content.decode()
    assert 'aria-sort="descending"' in body


def _csv(response):
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_course_runs_download_as_csv_and_xlsx(client, users, world):
    client.force_login(users["viewer"])
    url = reverse("training:course_run_list")
    header, *rows = _csv(client.get(url, {"year": "2024", "export": "csv"}))
    assert header[:3] == ["Code", "Programme", "Programme code"]
    row = {r[0]: dict(zip(header, r, strict=True)) for r in rows}["R-2024A"]
    assert row["Enrolments"] == "4" and row["In progress"] == "1"
    assert (row["Completed"], row["Certified"], row["Dropped out"]) == ("1", "1", "1")
    assert row["Completion rate"] == "0.6667"
    assert row["Company code"] == "EMP-001" and row["Cost (USD)"] == "2500.50"
    event = AuditEvent.objects.get(action="export")
    assert event.details["rows"] == 3 and event.details["filters"]["year"] == "2024"

    response = client.get(url, {"export": "xlsx", "programme": "P-CONF"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Code" and sorted(r[0] for r in rows[1:]) == [
        "R-2024A",
        "R-OTHER",
    ]


def test_a_course_run_page_shows_its_outcomes_by_sex(client, users, world):
    client.force_login(users["viewer"])
    body = client.get(
        reverse("training:course_run_detail", args=[world.runs["r2024a"].pk])
    ).content.decode()
    outcomes = body[body.index("outcomes-heading") : body.index("</table>")]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", outcomes, re.S)
    cells = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S) for r in rows[1:]]
    assert cells == [
        ["Female", "3", "1", "1", "1", "0", "100.0\xa0%", "50.0\xa0%"],
        ["Male", "1", "0", "0", "0", "1", "0.0\xa0%", "—"],
        ["Total", "4", "1", "1", "1", "1", "66.7\xa0%", "50.0\xa0%"],
    ]
    # A viewer sees no trainee at all.
    for name in NAMES:
        assert name not in body
    assert "enrolments-heading" not in body


# Personal data ----------------------------------------------------------------------


def test_analysts_never_see_a_trainees_personal_data(client, users, world):
    client.force_login(users["analyst"])
    ana = world.trainees["ana"]
    pages = [
        reverse("training:trainee_list"),
        reverse("training:trainee_list") + "?q=lopez",
        reverse("training:trainee_list") + "?sort=-enrolments",
        reverse("training:trainee_detail", args=[ana.pk]),
        reverse("training:course_run_detail", args=[world.runs["r2024a"].pk]),
        reverse("training:course_run_detail", args=[world.runs["r2023"].pk]),
        reverse("training:trainee_list") + "?export=csv",
        reverse("training:trainee_list") + "?export=xlsx",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode("utf-8", errors="replace")
        if url.endswith("xlsx"):
            sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
            body = repr(list(sheet.iter_rows(values_only=True)))
        for secret in (*NAMES, "Ana ", "2000-05-17", ana.person_key):
            assert secret not in body, (url, secret)
    body = client.get(reverse("training:trainee_detail", args=[ana.pk])).content
    assert ana.person_key[:12].encode() in body and b"25-29" in body


def test_analysts_cannot_sort_trainees_by_name(client, users, world):
    client.force_login(users["analyst"])
    response = client.get(reverse("training:trainee_list"), {"sort": "last_name"})
    # Not a column of the pseudonymous list: ignored, the default sort applies.
    assert response.status_code == 200
    assert response.context["listing"].sort == "key"


def test_a_data_officer_sees_its_trainees_with_names_and_no_others(
    client, users, world
):
    client.force_login(users["officer"])
    body = client.get(reverse("training:trainee_list")).content.decode()
    for name in CENTRE_PEOPLE:
        assert PEOPLE[name][1] in body
    for name in OTHER_ONLY:
        assert PEOPLE[name][1] not in body
    header, *rows = _csv(
        client.get(reverse("training:trainee_list"), {"export": "csv"})
    )
    assert "E-mail" in header and "Person key" not in header
    assert len(rows) == len(CENTRE_PEOPLE)
    assert world.trainees["ana"].person_key not in "".join(map(str, rows))
    # Another centre's course run: outcomes yes, people no.
    body = client.get(
        reverse("training:course_run_detail", args=[world.runs["r2024b"].pk])
    ).content.decode()
    assert "Mejía" not in body and "Gómez" not in body
    assert "enrolments-heading" not in body
    # Luis also trained there: his record shows only this centre's enrolment.
    luis = client.get(
        reverse("training:trainee_detail", args=[world.trainees["luis"].pk])
    ).content.decode()
    assert "R-2023" in luis and "R-2024B" not in luis
    assert world.trainees["luis"].person_key not in luis


def test_only_the_administrator_sees_the_full_person_key(client, users, world):
    ana = world.trainees["ana"]
    url = reverse("training:trainee_detail", args=[ana.pk])
    client.force_login(users["admin"])
    assert ana.person_key in client.get(url).content.decode()
    header, *_rows = _csv(
        client.get(reverse("training:trainee_list"), {"export": "csv"})
    )
    assert header[0] == "Person key"
    client.force_login(users["officer"])
    assert ana.person_key not in client.get(url).content.decode()


# Companies and centres --------------------------------------------------------------


def test_the_company_page_against_hand_computed_numbers(client, users, world):
    client.force_login(users["company"])
    body = client.get(
        reverse("training:company_detail", args=[world.company.pk])
    ).content.decode()
    table = body[body.index("company-years") : body.index("</table>")]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)
    cells = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S) for r in rows[1:]]
    assert cells == [
        ["2024", "$\xa0500.25", "2", "6", "3", "280", "$\xa02,500.50"],
        ["2023", "$\xa0250.50", "1", "3", "2", "240", "$\xa01,000.00"],
        ["Total", "$\xa0750.75", "3", "9", "5", "520", "$\xa03,500.50"],
    ]
    assert "Electricidad para mantenimiento" in body  # its request
    assert "Costura de calzado" not in body  # another company's
    for name in NAMES:
        assert name not in body


def test_the_company_list_for_analysts(client, users, world):
    client.force_login(users["analyst"])
    response = client.get(reverse("training:company_list"))
    companies = [c.code for c in response.context["listing"].page.object_list]
    assert companies == ["EMP-002", "EMP-001"]  # by levy paid, highest first
    assert "$\xa0750.75" in response.content.decode()


def test_the_centre_page_by_year_and_programme(client, users, world):
    client.force_login(users["company"])
    body = client.get(
        reverse("training:centre_detail", args=[world.centre.pk])
    ).content.decode()
    assert "year-2023" in body and "year-2024" in body
    assert "Electricidad residencial" in body and "66.7\xa0%" in body
    for name in NAMES:
        assert name not in body


# Forms --------------------------------------------------------------------------------


def test_the_administrator_adds_a_programme(client, users, world):
    client.force_login(users["admin"])
    area = world.programmes["elec"].training_area
    response = client.post(
        reverse("training:programme_create"),
        {
            "code": "P-NEW",
            "name": "Refrigeración",
            "modality": "initial",
            "training_area": area.pk,
            "hours": 200,
            "delivery": "in_person",
            "isco_code": "7127",
        },
    )
    programme = Programme.objects.get(code="P-NEW")
    assert response["Location"] == reverse(
        "training:programme_detail", args=[programme.pk]
    )


def test_a_data_officer_registers_a_run_of_its_own_centre(client, users, world):
    client.force_login(users["officer"])
    form = client.get(reverse("training:course_run_create")).content.decode()
    assert 'name="provider"' not in form
    response = client.post(
        reverse("training:course_run_create"),
        {
            "code": "R-NEW",
            "programme": world.programmes["conf"].pk,
            "company": "EMP-001",
            "start_date": "2025-03-01",
            "end_date": "2025-02-01",
            "department": department("SV-SS").pk,
        },
    )
    assert response.status_code == 200
    assert "end_date" in response.context["form"].errors
    response = client.post(
        reverse("training:course_run_create"),
        {
            "code": "R-NEW",
            "programme": world.programmes["conf"].pk,
            "company": "EMP-001",
            "start_date": "2025-03-01",
            "end_date": "2025-06-01",
            "department": department("SV-SS").pk,
            "cost_usd": "1500.00",
        },
    )
    run = CourseRun.objects.get(code="R-NEW")
    assert response["Location"] == reverse("training:course_run_detail", args=[run.pk])
    assert run.provider == world.centre and run.company == world.company


def test_an_unknown_company_code_is_reported_on_the_field(client, users, world):
    client.force_login(users["admin"])
    response = client.post(
        reverse("training:course_run_create"),
        {
            "code": "R-NEW",
            "programme": world.programmes["conf"].pk,
            "provider": world.centre.pk,
            "company": "CFP-002",  # a training centre, not a company
            "start_date": "2025-03-01",
            "end_date": "2025-06-01",
            "department": department("SV-SS").pk,
        },
    )
    assert response.status_code == 200
    assert "company" in response.context["form"].errors


def test_an_enrolment_is_completed_from_the_course_run_page(client, users, world):
    client.force_login(users["officer"])
    julia = world.enrolments[("r2024a", "julia")]
    run_page = client.get(
        reverse("training:course_run_detail", args=[julia.course_run_id])
    ).content.decode()
    status_url = reverse("training:enrolment_status", args=[julia.pk])
    assert status_url in run_page
    # Final statuses offer no change.
    certified = world.enrolments[("r2024a", "ana")]
    assert reverse("training:enrolment_status", args=[certified.pk]) not in run_page
    response = client.post(status_url, {"status": "completed"})
    assert response.status_code == 200
    assert "completion_date" in response.context["form"].errors
    response = client.post(
        status_url, {"status": "completed", "completion_date": "2024-05-31"}
    )
    assert response.status_code == 302
    julia.refresh_from_db()
    assert (julia.status, julia.completion_date) == ("completed", D(2024, 5, 31))
    form = client.get(status_url).content.decode()
    assert 'value="certified"' in form and 'value="dropped"' not in form


def test_a_company_officer_requests_training_and_the_institute_answers(
    client, users, world
):
    client.force_login(users["company"])
    form = client.get(reverse("training:service_request_create")).content.decode()
    assert 'name="company"' not in form
    response = client.post(
        reverse("training:service_request_create"),
        {"topic": "Soldadura MIG", "workers": 8},
    )
    request = CompanyServiceRequest.objects.get(topic="Soldadura MIG")
    assert request.company == world.company and request.status == "requested"
    assert response["Location"] == reverse(
        "training:service_request_detail", args=[request.pk]
    )

    client.force_login(users["admin"])
    url = reverse("training:service_request_update", args=[request.pk])
    response = client.post(
        url, {"status": "in_progress", "course_runs": "R-NOPE, R-2023"}
    )
    assert response.status_code == 200
    assert "R-NOPE" in str(response.context["form"].errors["course_runs"])
    response = client.post(
        url, {"status": "in_progress", "course_runs": "R-2023, R-NEXT"}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert sorted(r.code for r in request.course_runs.all()) == ["R-2023", "R-NEXT"]
    edit = client.get(url).content.decode()
    assert "R-2023, R-NEXT" in edit or "R-NEXT, R-2023" in edit

    client.force_login(users["company"])
    assert client.get(url).status_code == 403  # the institute is answering it
    detail = client.get(
        reverse("training:service_request_detail", args=[request.pk])
    ).content.decode()
    assert "R-NEXT" in detail and "In progress" in detail


def test_the_administrator_records_a_levy_contribution(client, users, world):
    client.force_login(users["admin"])
    url = reverse("training:levy_create", args=[world.company.pk])
    response = client.post(url, {"period": "2024-01", "amount_usd": "5"})
    assert response.status_code == 200  # 2024-01 is already recorded
    assert "period" in response.context["form"].errors
    response = client.post(url, {"period": "2025-02", "amount_usd": "321.09"})
    assert response.status_code == 302
    assert LevyContribution.objects.get(
        company=world.company, period=D(2025, 2, 1)
    ).amount_usd == Decimal("321.09")


# Query counts ---------------------------------------------------------------------


def _queries(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _grow(world, n):
    """n more runs of each centre with enrolments, trainees, requests and levy."""
    start = LevyContribution.objects.count()
    for i in range(start, start + n):
        for provider in (world.centre, world.other_centre):
            run = CourseRunFactory(
                programme=world.programmes["conf"],
                provider=provider,
                company=world.company,
                start_date=D(2022, 1 + i % 12, 1),
                end_date=D(2022, 12, 31),
            )
            for status in ("completed", "dropped", "enrolled"):
                EnrolmentFactory(
                    course_run=run,
                    trainee=TraineeFactory(department=department("SV-SS")),
                    status=status,
                    completion_date=D(2022, 12, 31) if status == "completed" else None,
                )
            request = CompanyServiceRequest.objects.create(
                company=world.company,
                topic=f"T{i}",
                workers=3,
                requested_on=D(2022, 1, 1),
            )
            request.course_runs.set([run])
        LevyContribution.objects.create(
            company=world.company, period=D(2010 + i // 12, 1 + i % 12, 1), amount_usd=1
        )


LIST_PAGES = [
    ("training:catalogue", None, "anonymous"),
    ("training:programme_list", None, "viewer"),
    ("training:programme_detail", "elec", "viewer"),
    ("training:course_run_list", None, "viewer"),
    ("training:course_run_list", None, "officer"),
    ("training:course_run_detail", "mine_run", "officer"),
    ("training:course_run_detail", "mine_run", "analyst"),
    ("training:trainee_list", None, "admin"),
    ("training:trainee_list", None, "officer"),
    ("training:trainee_list", None, "analyst"),
    ("training:trainee_detail", "ana", "analyst"),
    ("training:company_list", None, "analyst"),
    ("training:company_detail", "company", "company"),
    ("training:centre_detail", "centre", "viewer"),
    ("training:service_request_list", None, "company"),
    ("training:service_request_detail", "sr1", "admin"),
]


@pytest.mark.parametrize(
    "url_name, target, role",
    LIST_PAGES,
    ids=[f"{n}[{t or '-'}]-{r}" for n, t, r in LIST_PAGES],
)
def test_pages_make_a_constant_number_of_queries(
    client, world, users, url_name, target, role, django_assert_max_num_queries
):
    """The queries of a page do not grow with its rows (no N+1), and stay few."""
    if users[role] is not None:
        client.force_login(users[role])
    url = reverse(url_name, args=[_target(world, target)] if target else [])
    _grow(world, 2)
    few = _queries(client, url)
    _grow(world, 30)
    # The course run of the detail page gets more enrolments too.
    for _ in range(30):
        EnrolmentFactory(course_run=world.runs["r2023"])
    with django_assert_max_num_queries(few):
        client.get(url)
    assert few <= 12, few
    if "detail" not in url_name and "catalogue_programme" not in url_name:
        assert _queries(client, url, {"export": "csv"}) <= few + 2


def test_list_pages_answer_htmx_with_the_results_only(client, users, world):
    client.force_login(users["viewer"])
    response = client.get(
        reverse("training:course_run_list"),
        {"q": "R-2023"},
        headers={"HX-Request": "true", "HX-Target": "results"},
    )
    body = response.content.decode()
    assert "<html" not in body and "R-2023" in body
    assert "HX-Request" in response["Vary"]


def test_no_page_has_inline_styles_or_scripts(client, users, world):
    """The CSP forbids them: they would silently not work."""
    client.force_login(users["admin"])
    for url_name, target, _expected in PAGES:
        args = [_target(world, target)] if target else []
        response = client.get(reverse(url_name, args=args))
        if response.status_code != 200:
            continue
        body = response.content.decode()
        assert "style=" not in body, url_name
        assert not re.search(r"<script(?![^>]*\bsrc=)", body), url_name
        assert " on" + "click=" not in body, url_name


def test_an_empty_system_says_so(client, users):
    client.force_login(users["admin"])
    assert (
        "No course runs are registered yet."
        in client.get(reverse("training:course_run_list")).content.decode()
    )
    assert (
        "No trainees yet"
        in client.get(reverse("training:trainee_list")).content.decode()
    )
    assert Enrolment.objects.count() == 0


@pytest.mark.parametrize(
    "model",
    [
        "programme",
        "courserun",
        "trainee",
        "enrolment",
        "companyservicerequest",
        "levycontribution",
    ],
)
def test_the_django_admin_lists_training_records_read_only(
    client, institute, world, model
):
    from ..factories import UserFactory

    root = UserFactory(
        username="root",
        role="national_admin",
        organization=institute,
        is_staff=True,
        is_superuser=True,
    )
    client.force_login(root)
    url = reverse(f"admin:training_{model}_changelist")
    assert client.get(url, {"q": "a"}).status_code == 200
    assert client.get(reverse(f"admin:training_{model}_add")).status_code == 403
