"""Registry pages: who may open what, lists (search, filters, sort, pages, exports),
forms, personal data and query counts."""

import csv
import io
from datetime import date

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from semillero.accounts.models import AuditEvent, Role
from semillero.registry.models import Agreement, Organization, OrganizationType

from ..factories import (
    AgreementFactory,
    InstructorFactory,
    OrganizationFactory,
    TrainingAreaFactory,
    UserFactory,
    department,
)

pytestmark = pytest.mark.django_db


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
def world(centre, other_centre, company, institute):
    """A small registry: the centre's agreement and instructors of two centres."""
    agreement = AgreementFactory(code="CONV-1", parties=[centre, company])
    mine = InstructorFactory(
        code="I-MINE",
        organization=centre,
        first_name="Rosa",
        last_name="Pérez",
        email="rosa.perez@example.org",
        phone="7000-1111",
    )
    theirs = InstructorFactory(
        code="I-THEIRS",
        organization=other_centre,
        first_name="Juan",
        last_name="Díaz",
        email="juan.diaz@example.org",
    )
    return {
        "centre": centre,
        "other_centre": other_centre,
        "company": company,
        "institute": institute,
        "agreement": agreement,
        "mine": mine,
        "theirs": theirs,
    }


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


# name of the URL, how to get its argument from the world (or None), expected
PAGES = [
    ("home", None, ALL),
    ("registry:organization_list", None, ALL),
    ("registry:organization_detail", "centre", ALL),
    ("registry:organization_create", None, only("admin", "officer")),
    ("registry:organization_update", "centre", only("admin", "officer")),
    ("registry:organization_update", "company", only("admin", "company")),
    ("registry:organization_rename", "centre", only("admin", "officer")),
    ("registry:organization_rename", "institute", only("admin")),
    ("registry:municipality_options", None, ALL),
    ("registry:agreement_list", None, ALL),
    ("registry:agreement_detail", "agreement", ALL),
    ("registry:agreement_create", None, only("admin", "officer")),
    ("registry:agreement_update", "agreement", only("admin", "officer")),
    ("registry:network", None, ALL),
    ("registry:instructor_list", None, only("admin", "analyst", "officer", "viewer")),
    (
        "registry:instructor_detail",
        "mine",
        only("admin", "analyst", "officer", "viewer"),
    ),
    (
        "registry:instructor_detail",
        "theirs",
        only("admin", "analyst", "viewer", officer=404),
    ),
    ("registry:instructor_create", None, only("admin", "officer")),
    ("registry:instructor_update", "mine", only("admin", "officer")),
    ("registry:instructor_update", "theirs", only("admin", officer=404)),
    ("accounts:user_list", None, only("admin")),
    ("accounts:user_create", None, only("admin")),
    ("accounts:user_role", "viewer_account", only("admin")),
    ("accounts:token_list", None, ALL),
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
    """Each role gets exactly the pages it may use; the anonymous go to log in."""
    world = {**world, "viewer_account": users["viewer"]}
    args = [world[target].pk] if target else []
    if users[role] is not None:
        client.force_login(users[role])
    response = client.get(reverse(url_name, args=args))
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    else:
        assert response.status_code == expected[role]


WRITES = [
    ("registry:organization_create", None, only("admin", "officer")),
    ("registry:agreement_create", None, only("admin", "officer")),
    ("registry:instructor_create", None, only("admin", "officer")),
    ("accounts:user_create", None, only("admin")),
]


@pytest.mark.parametrize("role", ROLES[:-1])
@pytest.mark.parametrize("url_name, target, expected", WRITES)
def test_forbidden_roles_cannot_post_forms_either(
    client, world, users, role, url_name, target, expected
):
    client.force_login(users[role])
    response = client.post(reverse(url_name), {})
    if expected[role] == 403:
        assert response.status_code == 403
    else:
        assert response.status_code == 200  # the form again, with its errors


# Lists ------------------------------------------------------------------------------


def _many_organizations(n, **kwargs):
    return [
        OrganizationFactory(code=f"M{i:03d}", name=f"Empresa {i:03d}", **kwargs)
        for i in range(n)
    ]


def test_the_organization_list_searches_filters_and_sorts(client, viewer_user):
    OrganizationFactory(code="Z1", name="Zeta Formación", type=OrganizationType.COMPANY)
    OrganizationFactory(
        code="A1",
        name="Alfa Capacitación",
        type=OrganizationType.COMPANY,
        department=department("SV-LI"),
    )
    OrganizationFactory(code="G1", name="Gobierno", type=OrganizationType.GOVERNMENT)
    client.force_login(viewer_user)
    url = reverse("registry:organization_list")

    page = client.get(url, {"type": "company", "sort": "-name"}).content.decode()
    assert page.index("Zeta Formación") < page.index("Alfa Capacitación")
    assert "Gobierno" not in page
    assert 'aria-sort="descending"' in page

    page = client.get(url, {"q": "alfa"}).content.decode()
    assert "Alfa Capacitación" in page and "Zeta" not in page

    page = client.get(url, {"department": "SV-LI"}).content.decode()
    assert "Alfa Capacitación" in page and "Zeta" not in page


def test_unknown_filter_values_and_sorts_are_ignored(client, viewer_user, centre):
    """Only whitelisted values reach the database."""
    client.force_login(viewer_user)
    response = client.get(
        reverse("registry:organization_list"),
        {"type": "'; drop table", "sort": "password", "levy_contributor": "maybe"},
    )
    assert response.status_code == 200
    assert centre.name in response.content.decode()


def test_pages_have_50_rows_and_links_keep_the_other_parameters(client, viewer_user):
    _many_organizations(120, type=OrganizationType.COMPANY)
    client.force_login(viewer_user)
    url = reverse("registry:organization_list")
    response = client.get(url, {"type": "company", "sort": "code", "page": 2})
    listing = response.context["listing"]
    assert len(listing.page.object_list) == 50
    assert listing.page.object_list[0].code == "M050"
    page = response.content.decode()
    assert "page=3" in page and "type=company" in page and "sort=code" in page
    assert listing.pages["next"] == f"{url}?type=company&sort=code&page=3"
    assert listing.pages["first"] == f"{url}?type=company&sort=code"


def test_htmx_gets_only_the_results(client, viewer_user, centre):
    client.force_login(viewer_user)
    response = client.get(
        reverse("registry:organization_list"),
        {"q": "uno"},
        headers={"HX-Request": "true", "HX-Target": "results"},
    )
    body = response.content.decode()
    assert "<html" not in body and centre.name in body
    assert 'hx-swap-oob="true"' in body
    assert "HX-Request" in response["Vary"]


def test_empty_states_say_why(client, viewer_user):
    client.force_login(viewer_user)
    url = reverse("registry:agreement_list")
    assert "No agreements are registered yet." in client.get(url).content.decode()
    filtered = client.get(url, {"q": "nothing"}).content.decode()
    assert "No agreement matches this search or these filters." in filtered


# Exports --------------------------------------------------------------------------


def _csv_rows(response):
    content = response.content
    assert content.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM for Excel"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_csv_export_has_the_whole_filtered_list_and_is_audited(client, viewer_user):
    _many_organizations(70, type=OrganizationType.COMPANY)
    OrganizationFactory(code="GOV", name="Ministerio", type=OrganizationType.GOVERNMENT)
    client.force_login(viewer_user)
    response = client.get(
        reverse("registry:organization_list"),
        {"type": "company", "export": "csv", "page": 2},
    )
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    header, *rows = _csv_rows(response)
    assert header[:3] == ["Code", "Name", "Type"]
    assert len(rows) == 70  # every page, no other type
    assert rows[0][:3] == ["M000", "Empresa 000", "Company"]
    event = AuditEvent.objects.get(action="export")
    assert event.actor == viewer_user
    assert event.details["rows"] == 70
    assert event.details["filters"]["type"] == "company"
    assert event.details["format"] == "csv"


def test_csv_export_keeps_formulas_as_text(client, viewer_user):
    OrganizationFactory(code="EVIL", name='=HYPERLINK("http://x")')
    client.force_login(viewer_user)
    response = client.get(
        reverse("registry:organization_list"), {"q": "EVIL", "export": "csv"}
    )
    _header, row = _csv_rows(response)
    assert row[1].startswith("'=")


def test_xlsx_export_reads_back(client, viewer_user, centre, company):
    AgreementFactory(
        code="CONV-9",
        title="Formación dual",
        start_date=date(2024, 3, 1),
        parties=[centre, company],
    )
    client.force_login(viewer_user)
    response = client.get(reverse("registry:agreement_list"), {"export": "xlsx"})
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Code", "Title")
    assert rows[1][0] == "CONV-9"
    assert rows[1][4].date() == date(2024, 3, 1)
    assert rows[1][7] == "CFP-001, EMP-001"
    assert AuditEvent.objects.filter(action="export").count() == 1


def test_an_analysts_instructor_export_has_no_personal_data(
    client, analyst_user, world
):
    client.force_login(analyst_user)
    response = client.get(reverse("registry:instructor_list"), {"export": "csv"})
    text = response.content.decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text)))
    assert "Last name" not in header and "E-mail" not in header
    assert sorted(r[0] for r in rows) == ["I-MINE", "I-THEIRS"]
    for secret in ("Rosa", "Pérez", "Juan", "Díaz", "example.org", "7000-1111"):
        assert secret not in text


def test_an_officers_instructor_export_has_only_its_own(client, officer_user, world):
    client.force_login(officer_user)
    response = client.get(reverse("registry:instructor_list"), {"export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["I-MINE"]
    assert "Pérez" in rows[1]


# Personal data on pages -------------------------------------------------------------


@pytest.mark.parametrize("role", ["analyst", "viewer"])
def test_analysts_and_viewers_never_see_instructor_names(client, users, world, role):
    client.force_login(users[role])
    pages = [
        reverse("registry:instructor_list"),
        reverse("registry:instructor_list") + "?sort=last_name",
        reverse("registry:instructor_detail", args=[world["mine"].pk]),
        reverse("registry:organization_detail", args=[world["centre"].pk]),
    ]
    for url in pages:
        body = client.get(url).content.decode()
        assert "I-MINE" in body
        for secret in ("Rosa", "Pérez", "rosa.perez@example.org", "7000-1111"):
            assert secret not in body, (url, secret)


def test_a_data_officer_sees_its_instructors_names_but_not_others(
    client, officer_user, world
):
    client.force_login(officer_user)
    body = client.get(reverse("registry:instructor_list")).content.decode()
    assert "Pérez" in body and "I-THEIRS" not in body and "Díaz" not in body
    other = client.get(
        reverse("registry:organization_detail", args=[world["other_centre"].pk])
    ).content.decode()
    assert "I-THEIRS" not in other and "Díaz" not in other


def test_buttons_show_only_what_the_user_may_do(client, users, world):
    url = reverse("registry:organization_detail", args=[world["centre"].pk])
    edit = reverse("registry:organization_update", args=[world["centre"].pk])
    client.force_login(users["officer"])
    assert edit in client.get(url).content.decode()
    client.force_login(users["analyst"])
    body = client.get(url).content.decode()
    assert edit not in body
    assert (
        reverse("registry:organization_create")
        not in client.get(reverse("registry:organization_list")).content.decode()
    )


def test_admins_see_the_users_of_an_organization(client, users, world):
    client.force_login(users["admin"])
    url = reverse("registry:organization_detail", args=[world["centre"].pk])
    assert "Users of this organization" in client.get(url).content.decode()
    client.force_login(users["viewer"])
    assert "Users of this organization" not in client.get(url).content.decode()


# Forms ----------------------------------------------------------------------------


def test_a_data_officer_registers_an_organization_through_the_form(
    client, officer_user
):
    client.force_login(officer_user)
    la_libertad = department("SV-LI")
    response = client.post(
        reverse("registry:organization_create"),
        {
            "code": "NUEVA",
            "name": "Academia Nueva",
            "type": "training_centre",
            "department": la_libertad.pk,
            "levy_contributor": "unknown",
        },
    )
    org = Organization.objects.get(code="NUEVA")
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "registry:organization_detail", args=[org.pk]
    )
    assert (
        "is_lead_institute"
        not in client.get(reverse("registry:organization_create")).content.decode()
    )


def test_service_errors_show_next_to_the_fields(client, admin_user, centre):
    client.force_login(admin_user)
    response = client.post(
        reverse("registry:agreement_create"),
        {
            "code": "C-1",
            "title": "Convenio",
            "type": "cooperation",
            "status": "active",
            "start_date": "2024-05-01",
            "end_date": "2024-04-01",
            "parties": [centre.pk],
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "parties" in form.errors and "end_date" in form.errors
    assert not Agreement.objects.exists()


def test_the_lead_institute_is_renamed_through_the_form(client, admin_user, institute):
    client.force_login(admin_user)
    url = reverse("registry:organization_rename", args=[institute.pk])
    response = client.post(
        url,
        {
            "name": "INCAF",
            "valid_from": "2023-12-09",
            "previous_name_valid_from": "1993-06-02",
        },
    )
    assert response.status_code == 302
    body = client.get(
        reverse("registry:organization_detail", args=[institute.pk])
    ).content.decode()
    assert "Name history" in body and "2023-12-08" in body


def test_a_data_officer_registers_an_instructor_in_its_own_centre(
    client, officer_user, centre
):
    area = TrainingAreaFactory(code="ELEC")
    client.force_login(officer_user)
    response = client.post(
        reverse("registry:instructor_create"),
        {
            "code": "I-NEW",
            "first_name": "Marta",
            "last_name": "López",
            "sex": "F",
            "training_areas": [area.pk],
            "active": "on",
        },
    )
    assert response.status_code == 302
    instructor = centre.instructors.get(code="I-NEW")
    assert list(instructor.training_areas.all()) == [area]


def test_municipality_options_follow_the_department(client, viewer_user):
    client.force_login(viewer_user)
    la_libertad = department("SV-LI")
    body = client.get(
        reverse("registry:municipality_options"), {"department": la_libertad.pk}
    ).content.decode()
    assert "La Libertad Costa" in body and "San Salvador Centro" not in body


# The network page -------------------------------------------------------------------


def test_the_network_page_draws_and_tabulates_partners(client, viewer_user, world):
    client.force_login(viewer_user)
    body = client.get(reverse("registry:network")).content.decode()
    assert "<svg" in body and "<line" in body and "<circle" in body
    assert "Pairs of partners" in body
    assert world["centre"].name in body and world["company"].name in body
    assert "style=" not in body  # the CSP forbids inline styles
    empty = client.get(reverse("registry:network"), {"type": "funding"}).content
    assert b"No agreements of this type or department" in empty


def test_svg_coordinates_use_dots_in_spanish(client, viewer_user, world):
    """Localised decimals ("12,5") would break the drawing."""
    client.force_login(viewer_user)
    body = client.get(
        reverse("registry:network"), headers={"Accept-Language": "es"}
    ).content.decode()
    svg = body[body.index("<svg") : body.index("</svg>")]
    assert 'cx="' in svg and "," not in svg.split('cx="')[1].split('"')[0]


# Query counts ---------------------------------------------------------------------


def _queries(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _grow(n, centre, company, area):
    for i in range(n):
        org = OrganizationFactory(code=f"G{i:03d}", type=OrganizationType.COMPANY)
        AgreementFactory(parties=[centre, org, company])
        instructor = InstructorFactory(organization=centre)
        instructor.training_areas.set([area])


@pytest.mark.parametrize(
    "url_name, role",
    [
        ("registry:organization_list", "viewer"),
        ("registry:agreement_list", "viewer"),
        ("registry:instructor_list", "admin"),
        ("registry:instructor_list", "analyst"),
        ("registry:network", "viewer"),
        ("accounts:user_list", "admin"),
    ],
)
def test_list_pages_make_a_constant_number_of_queries(
    client, users, centre, company, url_name, role
):
    """The queries of a page do not grow with its rows (no N+1)."""
    area = TrainingAreaFactory()
    _grow(2, centre, company, area)
    client.force_login(users[role])
    url = reverse(url_name)
    few = _queries(client, url)
    _grow(40, centre, company, area)
    UserFactory.create_batch(30, role=Role.VIEWER, organization=company)
    assert _queries(client, url) == few
    assert _queries(client, url, {"export": "csv"}) <= few + 2


def test_organization_list_query_guard(
    client, viewer_user, django_assert_max_num_queries
):
    _many_organizations(60)
    client.force_login(viewer_user)
    with django_assert_max_num_queries(10):
        client.get(reverse("registry:organization_list"), {"sort": "-agreements"})


def test_instructor_list_query_guard_for_analysts(
    client, analyst_user, centre, django_assert_max_num_queries
):
    areas = [TrainingAreaFactory() for _ in range(3)]
    for _ in range(60):
        InstructorFactory(organization=centre).training_areas.set(areas)
    client.force_login(analyst_user)
    with django_assert_max_num_queries(10):
        client.get(reverse("registry:instructor_list"))


def test_organization_detail_query_guard(
    client, admin_user, centre, company, django_assert_max_num_queries
):
    area = TrainingAreaFactory()
    _grow(30, centre, company, area)
    client.force_login(admin_user)
    with django_assert_max_num_queries(14):
        client.get(reverse("registry:organization_detail", args=[centre.pk]))
