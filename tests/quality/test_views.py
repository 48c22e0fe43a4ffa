"""Quality and capacity pages: who may open what (role by role), lists, forms,
what each role sees, and query counts."""

import csv
import io

import pytest
from django.urls import reverse

from semillero.accounts.models import AuditEvent
from semillero.quality.models import Accreditation, Facility, QualityAudit

from ..factories import OrganizationFactory, TrainingAreaFactory, department
from .factories import (
    AccreditationFactory,
    EquipmentFactory,
    FacilityFactory,
    FindingFactory,
    QualityAuditFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ["admin", "analyst", "officer", "company", "viewer", "anonymous"]
ALL = dict.fromkeys(ROLES[:-1], 200)


def only(*allowed, denied=403, **special):
    """Expected statuses: 200 for the allowed roles, `denied` for the others."""
    expected = {role: (200 if role in allowed else denied) for role in ROLES[:-1]}
    expected.update(special)
    return expected


READERS = only("admin", "analyst", "officer", "viewer")
OWN_OR_NOT_FOUND = only("admin", "analyst", "viewer", officer=404)

# name of the URL, the argument from the world (or None), expected status per role
PAGES = [
    ("quality:dashboard", None, READERS),
    ("quality:accreditation_list", None, READERS),
    ("quality:accreditation_alerts", None, READERS),
    ("quality:accreditation_detail", "mine", READERS),
    ("quality:accreditation_detail", "theirs", OWN_OR_NOT_FOUND),
    ("quality:accreditation_create", None, only("admin")),
    ("quality:accreditation_update", "mine", only("admin")),
    ("quality:accreditation_update", "theirs", only("admin", officer=404)),
    ("quality:programme_accreditation_list", None, READERS),
    ("quality:programme_accreditation_create", None, only("admin")),
    ("quality:programme_accreditation_update", "programme_mine", only("admin")),
    (
        "quality:programme_accreditation_update",
        "programme_theirs",
        only("admin", officer=404),
    ),
    ("quality:audit_list", None, READERS),
    ("quality:audit_detail", "audit_mine", READERS),
    ("quality:audit_detail", "audit_theirs", OWN_OR_NOT_FOUND),
    ("quality:audit_create", None, only("admin")),
    ("quality:audit_update", "audit_mine", only("admin")),
    ("quality:audit_update", "audit_theirs", only("admin", officer=404)),
    ("quality:finding_create", "audit_mine", only("admin")),
    ("quality:finding_list", None, READERS),
    ("quality:finding_update", "finding_mine", only("admin", "officer")),
    ("quality:finding_update", "finding_theirs", only("admin", officer=404)),
    ("quality:scorecard", None, READERS),
    ("quality:organization", "centre", ALL),
    ("quality:organization", "other_centre", ALL),
    ("quality:organization", "company", ALL),
    ("quality:capacity", None, ALL),
    ("quality:facility_detail", "facility_mine", ALL),
    ("quality:facility_create", None, only("admin", "officer", "company")),
    ("quality:facility_update", "facility_mine", only("admin", "officer")),
    ("quality:facility_update", "facility_company", only("admin", "company")),
    ("quality:facility_update", "facility_theirs", only("admin")),
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
    ("quality:accreditation_create", None, only("admin")),
    ("quality:accreditation_update", "mine", only("admin")),
    ("quality:programme_accreditation_create", None, only("admin")),
    ("quality:audit_create", None, only("admin")),
    ("quality:audit_update", "audit_mine", only("admin")),
    ("quality:finding_create", "audit_mine", only("admin")),
    ("quality:finding_update", "finding_mine", only("admin", "officer")),
    ("quality:facility_create", None, only("admin", "officer", "company")),
    ("quality:facility_update", "facility_mine", only("admin", "officer")),
]


@pytest.mark.parametrize("role", ROLES[:-1])
@pytest.mark.parametrize(
    "url_name, target, expected",
    WRITES,
    ids=[f"{name}[{target or '-'}]" for name, target, _ in WRITES],
)
def test_forbidden_roles_cannot_post_forms_either(
    client, world, users, role, url_name, target, expected
):
    client.force_login(users[role])
    args = [world[target].pk] if target else []
    before = AuditEvent.objects.count()
    response = client.post(reverse(url_name, args=args), {})
    if expected[role] == 403:
        assert response.status_code == 403
        assert AuditEvent.objects.count() == before
    else:
        assert response.status_code == 200  # the form again, with its errors


# What each role sees ------------------------------------------------------------------


def test_the_nav_offers_each_role_the_quality_pages_it_may_use(client, users, world):
    def nav(role):
        client.force_login(users[role])
        return client.get(reverse("home")).content.decode()

    dashboard = f'href="{reverse("quality:dashboard")}"'
    capacity = f'href="{reverse("quality:capacity")}"'
    for role in ("admin", "analyst", "officer", "viewer"):
        page = nav(role)
        assert dashboard in page and capacity in page
    page = nav("company")
    assert dashboard not in page and capacity in page
    assert reverse("quality:organization", args=[world["company"].pk]) in page


@pytest.mark.parametrize("role", ["analyst", "officer", "viewer"])
def test_only_admins_see_the_auditor(client, users, world, role):
    client.force_login(users["admin"])
    url = reverse("quality:audit_detail", args=[world["audit_mine"].pk])
    assert "Auditor</" in client.get(url).content.decode()
    assert "admin" in client.get(reverse("quality:audit_list")).content.decode()
    client.force_login(users[role])
    for page in (
        client.get(url),
        client.get(reverse("quality:audit_list")),
        client.get(reverse("quality:audit_list"), {"export": "csv"}),
        client.get(reverse("quality:organization", args=[world["centre"].pk])),
    ):
        text = page.content.decode("utf-8-sig")
        assert "Auditor</" not in text and "Auditor," not in text
        assert ">admin<" not in text and ",admin" not in text


def test_a_data_officer_sees_only_its_own_quality(client, users, world):
    client.force_login(users["officer"])
    findings = client.get(reverse("quality:finding_list")).content.decode()
    assert "Extintores vencidos" in findings
    assert "Falta señalización" not in findings
    accreditations = client.get(reverse("quality:accreditation_list")).content.decode()
    assert world["centre"].name in accreditations
    assert world["other_centre"].name not in accreditations
    # Another centre's quality page shows its facilities, not its quality.
    other = client.get(
        reverse("quality:organization", args=[world["other_centre"].pk])
    ).content.decode()
    assert "Aula 1" in other
    assert "Falta señalización" not in other
    assert "Scorecard by year" not in other


def test_company_officers_see_capacity_but_no_quality(client, users, world):
    client.force_login(users["company"])
    page = client.get(
        reverse("quality:organization", args=[world["centre"].pk])
    ).content.decode()
    assert "Laboratorio de electricidad" in page
    assert "Extintores vencidos" not in page
    assert "Accreditation" not in page


def test_buttons_show_only_what_the_user_may_do(client, users, world):
    audit_url = reverse("quality:audit_detail", args=[world["audit_mine"].pk])
    edit_finding = reverse("quality:finding_update", args=[world["finding_mine"].pk])
    client.force_login(users["admin"])
    page = client.get(audit_url).content.decode()
    assert reverse("quality:audit_update", args=[world["audit_mine"].pk]) in page
    assert edit_finding in page
    client.force_login(users["officer"])
    page = client.get(audit_url).content.decode()
    assert reverse("quality:audit_update", args=[world["audit_mine"].pk]) not in page
    assert edit_finding in page  # to follow it up
    client.force_login(users["analyst"])
    page = client.get(audit_url).content.decode()
    assert edit_finding not in page


def test_instructor_names_on_a_facility_only_for_who_may_see_them(client, users, world):
    url = reverse("quality:facility_detail", args=[world["facility_mine"].pk])
    for role in ("admin", "officer"):
        client.force_login(users[role])
        assert "Pérez" in client.get(url).content.decode()
    for role in ("analyst", "viewer", "company"):
        client.force_login(users[role])
        page = client.get(url).content.decode()
        assert "Pérez" not in page and "Rosa" not in page
        assert "1 instructor works in this facility." in page


# Lists, filters and downloads --------------------------------------------------------------


def test_the_findings_list_filters_overdue_and_pending(client, users, world):
    client.force_login(users["analyst"])
    url = reverse("quality:finding_list")
    page = client.get(url, {"status": "overdue"}).content.decode()
    assert "Extintores vencidos" in page and "Falta señalización" not in page
    page = client.get(url, {"status": "open"}).content.decode()
    assert "Falta señalización" in page and "Extintores vencidos" not in page
    page = client.get(url, {"status": "pending"}).content.decode()
    assert "Falta señalización" in page and "Extintores vencidos" in page
    page = client.get(url, {"organization": "CFP-002"}).content.decode()
    assert "Falta señalización" in page and "Extintores vencidos" not in page


def test_the_scorecard_downloads_as_csv_with_empty_rates_and_is_audited(
    client, users, world
):
    client.force_login(users["analyst"])
    response = client.get(reverse("quality:scorecard"), {"export": "csv"})
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    by_code = {r["Code"]: r for r in rows}
    assert set(by_code) == {"CFP-001", "CFP-002"}
    # CFP-001's only run has no finished enrolment: no rate, not 0.
    assert by_code["CFP-001"]["Completion rate (%)"] == ""
    assert by_code["CFP-002"]["Accreditation"] == "Expired"
    assert AuditEvent.objects.filter(action="export").exists()


def test_the_scorecard_page_shows_a_dash_and_the_insertion_note(client, users, world):
    client.force_login(users["viewer"])
    page = client.get(reverse("quality:scorecard")).content.decode()
    assert "—" in page
    assert (
        "Labour-market insertion will be added once there are tracer studies." in page
    )


def test_the_scorecard_xlsx_download(client, users, world):
    import openpyxl

    client.force_login(users["admin"])
    response = client.get(reverse("quality:scorecard"), {"export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    assert "Completion rate (%)" in header and "Overdue findings" in header


def test_the_alerts_page_lists_expiring_and_lapsed(client, users, world):
    client.force_login(users["viewer"])
    page = client.get(reverse("quality:accreditation_alerts")).content.decode()
    assert world["centre"].name in page  # lapses in 30 days
    assert world["other_centre"].name in page  # lapsed 10 days ago
    assert "lapsed 10 days ago" in page
    page = client.get(reverse("quality:accreditation_alerts"), {"days": "30"})
    assert world["centre"].name in page.content.decode()


def test_the_dashboard_counts(client, users, world):
    client.force_login(users["analyst"])
    page = client.get(reverse("quality:dashboard")).content.decode()
    assert "has lapsed and is still marked accredited" in page
    assert f"{reverse('quality:scorecard')}?accreditation=expired" in page


def test_the_capacity_search_answers_who_trains_electricians_in_san_miguel(
    client, users, world
):
    client.force_login(users["company"])
    page = client.get(
        reverse("quality:capacity"),
        {"training_area": "ELEC", "department": "SV-SM", "kind": "laboratory"},
    ).content.decode()
    assert "Laboratorio de electricidad" in page
    assert "Aula 1" not in page and "Taller de costura" not in page
    assert "Osciloscopio digital" in page
    # Accent-insensitive search in equipment.
    page = client.get(reverse("quality:capacity"), {"q": "OSCILOSCÓPIO"})
    assert "Laboratorio de electricidad" in page.content.decode()


# Forms ---------------------------------------------------------------------------------------


def test_an_admin_records_an_audit_with_its_findings(client, users, world):
    client.force_login(users["admin"])
    data = {
        "organization": world["centre"].pk,
        "audit_date": "2024-05-02",
        "type": "follow_up",
        "auditor": users["admin"].pk,
        "result": "non_compliant",
        "summary": "Seguimiento",
        "findings-TOTAL_FORMS": "3",
        "findings-INITIAL_FORMS": "0",
        "findings-0-severity": "major",
        "findings-0-description": "Tableros sin protección",
        "findings-0-required_action": "Instalar",
        "findings-0-due_date": "2024-08-01",
        "findings-1-severity": "minor",
        "findings-1-description": "Bitácora incompleta",
        "findings-1-due_date": "2024-06-01",
    }
    response = client.post(reverse("quality:audit_create"), data)
    audit = QualityAudit.objects.get(summary="Seguimiento")
    assert response.status_code == 302
    assert response["Location"] == reverse("quality:audit_detail", args=[audit.pk])
    assert sorted(audit.findings.values_list("severity", flat=True)) == [
        "major",
        "minor",
    ]
    assert AuditEvent.objects.filter(action="quality_audit_created").count() == 1
    assert AuditEvent.objects.filter(action="finding_created").count() == 2


def test_a_finding_due_before_its_audit_shows_the_error_on_its_row(
    client, users, world
):
    client.force_login(users["admin"])
    data = {
        "organization": world["centre"].pk,
        "audit_date": "2024-05-02",
        "type": "periodic",
        "findings-TOTAL_FORMS": "2",
        "findings-INITIAL_FORMS": "0",
        "findings-1-severity": "minor",
        "findings-1-description": "Fecha equivocada",
        "findings-1-due_date": "2024-01-01",
    }
    response = client.post(reverse("quality:audit_create"), data)
    assert response.status_code == 200
    formset = response.context["formset"]
    assert "due_date" in formset.forms[1].errors
    assert not QualityAudit.objects.filter(audit_date="2024-05-02").exists()


def test_a_data_officer_follows_up_its_finding_but_cannot_close_it(
    client, users, world
):
    finding = world["finding_mine"]
    url = reverse("quality:finding_update", args=[finding.pk])
    client.force_login(users["officer"])
    response = client.post(
        url, {"status": "in_progress", "closing_note": "Extintores comprados"}
    )
    assert response.status_code == 302
    finding.refresh_from_db()
    assert (finding.status, finding.closing_note) == (
        "in_progress",
        "Extintores comprados",
    )
    response = client.post(url, {"status": "closed", "closing_note": "Listo"})
    assert response.status_code == 200  # "closed" is not one of its choices
    finding.refresh_from_db()
    assert finding.status == "in_progress"


def test_an_admin_closes_a_finding(client, users, world):
    finding = world["finding_mine"]
    client.force_login(users["admin"])
    response = client.post(
        reverse("quality:finding_update", args=[finding.pk]),
        {
            "severity": finding.severity,
            "description": finding.description,
            "required_action": finding.required_action,
            "due_date": finding.due_date.isoformat(),
            "status": "closed",
            "closing_note": "Verificado en visita",
            "closed_on": finding.audit.audit_date.isoformat(),
        },
    )
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.status == "closed"
    assert AuditEvent.objects.filter(action="finding_closed").count() == 1


def test_an_admin_records_an_accreditation_and_a_renewal_must_not_overlap(
    client, users, world
):
    client.force_login(users["admin"])
    url = reverse("quality:accreditation_create")
    mine = world["mine"]
    response = client.post(
        url,
        {
            "organization": world["centre"].pk,
            "status": "accredited",
            "valid_from": mine.valid_until.isoformat(),
            "valid_until": "2099-12-31",
        },
    )
    assert response.status_code == 200
    assert "Another accreditation is in force" in response.content.decode()
    response = client.post(
        url,
        {
            "organization": world["centre"].pk,
            "status": "in_process",
            "scope": "Renovación",
        },
    )
    assert response.status_code == 302
    assert Accreditation.objects.filter(scope="Renovación").exists()


def test_a_company_officer_registers_a_facility_with_equipment(client, users, world):
    client.force_login(users["company"])
    data = {
        "name": "Taller de corte",
        "kind": "workshop",
        "training_areas": [world["area"].pk],
        "department": department("SV-LI").pk,
        "capacity": "15",
        "available_to_share": "on",
        "contact_note": "Llamar a RR. HH.",
        "equipment-TOTAL_FORMS": "3",
        "equipment-INITIAL_FORMS": "0",
        "equipment-0-item": "Máquina de coser industrial",
        "equipment-0-quantity": "10",
        "equipment-0-condition": "good",
    }
    response = client.post(reverse("quality:facility_create"), data)
    assert response.status_code == 302, response.context["form"].errors
    facility = Facility.objects.get(name="Taller de corte")
    assert response.status_code == 302
    assert facility.organization == world["company"]
    assert [(e.item, e.quantity) for e in facility.equipment.all()] == [
        ("Máquina de coser industrial", 10)
    ]
    assert AuditEvent.objects.filter(action="facility_created").exists()


def test_editing_a_facility_replaces_and_removes_equipment(client, users, world):
    facility = world["facility_mine"]
    client.force_login(users["officer"])
    url = reverse("quality:facility_update", args=[facility.pk])
    form = client.get(url).context["form"]
    assert list(form.fields["instructors"].queryset) == [world["instructor"]]
    data = {
        "name": facility.name,
        "kind": facility.kind,
        "training_areas": [world["area"].pk],
        "department": facility.department_id,
        "capacity": "25",
        "instructors": [world["instructor"].pk],
        "equipment-TOTAL_FORMS": "2",
        "equipment-INITIAL_FORMS": "1",
        "equipment-0-item": "Osciloscopio digital",
        "equipment-0-quantity": "4",
        "equipment-0-condition": "good",
        "equipment-0-DELETE": "on",
        "equipment-1-item": "Multímetro",
        "equipment-1-quantity": "12",
        "equipment-1-condition": "fair",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    facility.refresh_from_db()
    assert facility.capacity == 25
    assert [e.item for e in facility.equipment.all()] == ["Multímetro"]
    assert facility.available_to_share is False


# Query-count guards --------------------------------------------------------------------------


def _queries(client, url, params=None):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.fixture
def many(world):
    """60 more centres, each accredited, audited with findings, with a facility
    with equipment, so that an N+1 shows up as tens of queries."""
    area = world["area"]
    for i in range(60):
        centre = OrganizationFactory(code=f"Q{i:03d}", name=f"Centro {i:03d}")
        AccreditationFactory(organization=centre)
        audit = QualityAuditFactory(organization=centre)
        FindingFactory(audit=audit)
        FindingFactory(audit=audit, status="in_progress")
        facility = FacilityFactory(
            organization=centre, training_areas=[area], department=department("SV-SM")
        )
        EquipmentFactory(facility=facility)
        EquipmentFactory(facility=facility)
    TrainingAreaFactory()
    return world


@pytest.mark.parametrize(
    "url_name, params, limit",
    [
        ("quality:accreditation_list", {}, 10),
        ("quality:programme_accreditation_list", {}, 10),
        ("quality:audit_list", {"sort": "-overdue"}, 10),
        ("quality:finding_list", {"status": "pending"}, 10),
        ("quality:scorecard", {"sort": "-completion_rate"}, 12),
        ("quality:capacity", {"training_area": "ELEC"}, 12),
        ("quality:dashboard", {}, 12),
        ("quality:accreditation_alerts", {"days": "365"}, 8),
    ],
)
def test_list_pages_query_guard(client, users, many, url_name, params, limit):
    """The number of queries does not grow with the rows."""
    client.force_login(users["admin"])
    assert _queries(client, reverse(url_name), params) <= limit


def test_organization_page_query_guard(client, users, many):
    client.force_login(users["admin"])
    url = reverse("quality:organization", args=[many["centre"].pk])
    assert _queries(client, url) <= 25


@pytest.mark.parametrize(
    "url_name",
    [
        "quality:accreditation_list",
        "quality:programme_accreditation_list",
        "quality:audit_list",
        "quality:finding_list",
        "quality:scorecard",
        "quality:capacity",
    ],
)
def test_every_column_sorts_both_ways(client, users, world, url_name):
    """Each sortable column orders the rows on both databases (annotations and
    subqueries included)."""
    client.force_login(users["admin"])
    response = client.get(reverse(url_name))
    sorts = [h.url for h in response.context["listing"].headers if h.url]
    assert sorts
    for url in sorts:
        for sort in (url, url.replace("sort=", "sort=-")):
            assert client.get(sort).status_code == 200, sort
