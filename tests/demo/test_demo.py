"""`semillero demo` and its generator, on the small scale."""

import os
import re
import subprocess
import sys
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F
from django.test import override_settings
from django.utils import timezone

from semillero.accounts.models import AuditEvent, Role, User
from semillero.consultations.models import Consultation
from semillero.demo import registry
from semillero.demo.context import DEPARTMENT_POPULATION, DemoContext, allocate
from semillero.demo.generate import build_demo
from semillero.plans.models import Plan
from semillero.quality.models import (
    Accreditation,
    Facility,
    ProgrammeAccreditation,
    QualityAudit,
)
from semillero.registry.models import (
    Agreement,
    AgreementStatus,
    AgreementType,
    Instructor,
    Organization,
    OrganizationName,
    OrganizationType,
    TrainingArea,
)
from semillero.tracer.models import SocialSecurityRecord, TracerResponse, TracerStudy
from semillero.training.models import (
    CompanyServiceRequest,
    CourseRun,
    Enrolment,
    LevyContribution,
    Programme,
    Trainee,
)
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

SMALL = registry.COUNTS["small"]


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    """The demo creates the runtime directories: here, not under the repository."""
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "var" / "media"
    settings.STATIC_ROOT = tmp_path / "var" / "staticfiles"


def run_demo(*args) -> str:
    out = StringIO()
    call_command("demo", "--no-serve", "--scale", "small", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo():
    return run_demo()


def type_counts():
    rows = Organization.objects.values("type").annotate(n=Count("id"))
    return {r["type"]: r["n"] for r in rows}


def test_small_scale_counts_per_type(demo):
    """The small scale has its documented number of each kind of record."""
    T = OrganizationType
    assert type_counts() == {
        T.TRAINING_CENTRE: SMALL["training_centres"],
        T.COMPANY: SMALL["companies"],
        T.GOVERNMENT: SMALL["government"] + 1,  # and the lead institute
        T.BUSINESS_ASSOCIATION: SMALL["business_associations"],
        T.WORKERS_ORGANIZATION: SMALL["workers_organizations"],
        T.STRATEGIC_PARTNER: SMALL["strategic_partners"],
        T.INTERNATIONAL: SMALL["international"],
    }
    assert Agreement.objects.count() == SMALL["agreements"]
    assert Instructor.objects.count() == SMALL["instructors"]
    assert TrainingArea.objects.count() == len(registry.TRAINING_AREAS)
    assert set(Agreement.objects.values_list("type", flat=True)) == set(
        AgreementType.values
    )


def test_one_lead_institute_with_its_two_names(demo):
    """INSAFORP from 2 June 1993 to 8 December 2023, then INCAF: the current name."""
    lead = Organization.objects.get(is_lead_institute=True)
    assert lead.name == "Instituto Nacional de Capacitación y Formación"
    names = list(
        OrganizationName.objects.filter(organization=lead).values_list(
            "acronym", "valid_from", "valid_to"
        )
    )
    assert names == [
        ("INSAFORP", date(1993, 6, 2), date(2023, 12, 8)),
        ("INCAF", date(2023, 12, 9), None),
    ]


def test_demo_accounts_have_their_roles_and_organizations(demo):
    """One account per role, each at the organization its role needs, all with the
    default password, which the command prints."""
    users = {u.username: u for u in User.objects.select_related("organization")}
    expected = {
        "admin": (Role.NATIONAL_ADMIN, registry.LEAD_CODE),
        "analyst": (Role.ANALYST, registry.LEAD_CODE),
        "centre": (Role.DATA_OFFICER, registry.CENTRE_CODE),
        "company": (Role.COMPANY_OFFICER, registry.COMPANY_CODE),
        "viewer": (Role.VIEWER, registry.GOVERNMENT_CODE),
        "planificacion": (Role.DATA_OFFICER, registry.LEAD_CODE),
    }
    assert {n: (u.role, u.organization.code) for n, u in users.items()} == expected
    assert users["viewer"].organization.type == OrganizationType.GOVERNMENT
    assert users["centre"].organization.type == OrganizationType.TRAINING_CENTRE
    company = users["company"].organization
    assert company.type == OrganizationType.COMPANY
    assert company.department.code == "SV-SS"
    assert company.employees >= 200
    for name in expected:
        assert users[name].check_password("semillero-demo")
        assert name in demo
    assert "semillero-demo" in demo


def test_the_centre_account_has_instructors_and_agreements(demo):
    """The data officer's centre is not an empty one."""
    assert (
        Instructor.objects.filter(organization__code=registry.CENTRE_CODE).count() >= 5
    )
    centre_agreements = Agreement.objects.filter(parties__code=registry.CENTRE_CODE)
    assert centre_agreements.filter(type=AgreementType.TRAINING_DELIVERY).exists()
    assert centre_agreements.filter(type=AgreementType.DUAL_TRAINING).exists()


def test_password_option_sets_the_accounts_password():
    """--password replaces the default password of every demo account."""
    out = run_demo("--password", "otra-clave-segura")
    assert User.objects.get(username="centre").check_password("otra-clave-segura")
    assert "otra-clave-segura" in out


def test_a_weak_password_is_refused_before_anything_is_written():
    with pytest.raises(CommandError):
        run_demo("--password", "123")
    assert not Organization.objects.exists()


def test_running_again_duplicates_nothing(demo):
    """A second run finds the demo data, skips generation and says so."""
    before = (
        Organization.objects.count(),
        Agreement.objects.count(),
        Instructor.objects.count(),
        User.objects.count(),
    )
    out = run_demo()
    after = (
        Organization.objects.count(),
        Agreement.objects.count(),
        Instructor.objects.count(),
        User.objects.count(),
    )
    assert after == before
    assert out.count("--reset") >= 2  # one "skipped" line per module
    assert "semillero-demo" in out


def test_refuses_a_database_with_other_organizations():
    """The demo never mixes invented organizations with real ones."""
    OrganizationFactory(code="REAL-1")
    with pytest.raises(CommandError):
        run_demo()
    assert Organization.objects.count() == 1
    assert not User.objects.exists()


def test_reset_only_deletes_the_embedded_sqlite_database():
    """The test database is not ./var/semillero.sqlite3: --reset refuses it."""
    with pytest.raises(CommandError, match="--reset"):
        run_demo("--reset")


def test_organizations_are_spread_like_the_population(demo):
    """Training centres and companies follow the departments' population shares
    (San Salvador about a quarter, La Libertad about an eighth), every department
    has some."""
    local = Organization.objects.filter(
        type__in=[OrganizationType.TRAINING_CENTRE, OrganizationType.COMPANY]
    )
    counts = dict(
        local.values("department__code")
        .annotate(n=Count("id"))
        .values_list("department__code", "n")
    )
    total = sum(counts.values())
    population = sum(DEPARTMENT_POPULATION.values())
    assert set(counts) == set(DEPARTMENT_POPULATION)
    for code, people in DEPARTMENT_POPULATION.items():
        assert abs(counts[code] / total - people / population) < 0.02, code
    assert max(counts, key=counts.get) == "SV-SS"
    # The municipality always belongs to the organization's department.
    assert not Organization.objects.exclude(
        municipality__department=F("department")
    ).exists()


def test_companies_levy_and_tax_ids(demo):
    """Only employers of 10 or more pay the levy; tax IDs look like NITs and are
    unique; sizes are skewed (many small, few large)."""
    companies = Organization.objects.filter(type=OrganizationType.COMPANY)
    assert not companies.filter(employees__lt=10, levy_contributor=True).exists()
    assert companies.filter(employees__gte=10, levy_contributor=True).exists()
    tax_ids = list(companies.values_list("tax_id", flat=True))
    assert all(re.fullmatch(r"\d{4}-\d{6}-\d{3}-\d", t) for t in tax_ids)
    assert len(set(tax_ids)) == len(tax_ids)
    sizes = sorted(companies.values_list("employees", flat=True))
    median = sizes[len(sizes) // 2]
    assert median < 50 < max(sizes)


def test_agreement_statuses_agree_with_their_dates(demo):
    """Draft: not started; expired or terminated: ended; active: running today.
    Every agreement has at least two parties."""
    today = timezone.localdate()
    for agreement in Agreement.objects.annotate(n=Count("parties")):
        assert agreement.n >= 2, agreement.code
        start, end = agreement.start_date, agreement.end_date
        assert end is None or end >= start
        if agreement.status == AgreementStatus.DRAFT:
            assert start > today
        elif agreement.status in (AgreementStatus.EXPIRED, AgreementStatus.TERMINATED):
            assert start <= today and end is not None and end <= today
        else:
            assert start <= today and (end is None or end >= today)
    delivery = Agreement.objects.filter(type=AgreementType.TRAINING_DELIVERY)
    assert delivery.filter(parties__is_lead_institute=True).count() == delivery.count()


def test_instructors_belong_to_training_centres(demo):
    """Instructors work at training centres, teach at least one area, have a sex,
    two surnames and a unique e-mail."""
    instructors = Instructor.objects.annotate(n=Count("training_areas"))
    assert not instructors.exclude(
        organization__type=OrganizationType.TRAINING_CENTRE
    ).exists()
    assert not instructors.filter(n=0).exists()
    assert set(instructors.values_list("sex", flat=True)) == {"F", "M"}
    assert all(len(i.last_name.split()) >= 2 for i in instructors)
    emails = list(instructors.values_list("email", flat=True))
    assert len(set(emails)) == len(emails)


def snapshot():
    return (
        list(
            Organization.objects.order_by("code").values_list(
                "code", "name", "department__code", "tax_id", "employees"
            )
        ),
        list(
            Agreement.objects.order_by("code").values_list(
                "code", "title", "status", "start_date", "end_date"
            )
        ),
        list(
            Instructor.objects.order_by("code").values_list(
                "code", "first_name", "last_name", "sex", "email", "organization__code"
            )
        ),
    )


def wipe():
    # The consultation's invitations refer to organizations (PROTECT).
    Consultation.objects.all().delete()
    Plan.objects.all().delete()  # the plans refer to the lead institute (PROTECT)
    # The quality and training parts of the demo refer to the organizations and
    # programmes (PROTECT).
    QualityAudit.objects.all().delete()  # and their findings
    Facility.objects.all().delete()  # and their equipment
    ProgrammeAccreditation.objects.all().delete()
    Accreditation.objects.all().delete()
    CompanyServiceRequest.objects.all().delete()
    LevyContribution.objects.all().delete()
    TracerStudy.objects.all().delete()  # and its invitations
    TracerResponse.objects.all().delete()
    SocialSecurityRecord.objects.all().delete()
    Enrolment.objects.all().delete()
    Trainee.objects.all().delete()
    CourseRun.objects.all().delete()
    Programme.objects.all().delete()
    User.objects.all().delete()
    AuditEvent.objects.all().delete()
    Instructor.objects.all().delete()
    Agreement.objects.all().delete()
    OrganizationName.objects.all().delete()
    Organization.objects.all().delete()
    TrainingArea.objects.all().delete()


def test_same_seed_same_data_other_seed_other_data():
    """The generator is reproducible: a seed fully determines the dataset."""
    as_of = date(2026, 1, 15)
    build_demo(seed=7, scale="small", password="semillero-demo", as_of=as_of)
    first = snapshot()
    wipe()
    build_demo(seed=7, scale="small", password="semillero-demo", as_of=as_of)
    assert snapshot() == first
    wipe()
    build_demo(seed=8, scale="small", password="semillero-demo", as_of=as_of)
    assert snapshot() != first


def test_allocate_is_exact_and_proportional():
    """Largest-remainder allocation: shares add up to the total; ties go to the
    first key."""
    assert allocate(10, {"a": 1, "b": 1, "c": 2}) == {"a": 3, "b": 2, "c": 5}
    assert sum(allocate(115, DEPARTMENT_POPULATION).values()) == 115


def test_command_line_reset_and_rerun(tmp_path):
    """From the command line, on the embedded SQLite database: a first run builds
    it, a second run skips, --reset deletes the file and builds it again."""
    var = tmp_path / "var"
    # The embedded database in a directory of ours, whatever DATABASE_URL or a
    # developer's .env (read from the working directory) say.
    env = dict(os.environ, SEMILLERO_VAR_DIR=str(var))
    env["DATABASE_URL"] = f"sqlite:///{var / 'semillero.sqlite3'}"
    cli = [sys.executable, "-m", "semillero.cli", "demo", "--no-serve"]
    cli += ["--scale", "small"]

    def run(*extra):
        done = subprocess.run(  # noqa: S603
            [*cli, *extra],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    database = var / "semillero.sqlite3"
    first = run("--reset")  # nothing to delete yet: fine
    assert database.exists()
    assert "semillero-demo" in first
    second = run()
    assert second.count("--reset") >= 2  # every module skipped
    third = run("--reset")
    assert str(database) in third  # "deleted …"
    assert "--reset" not in third  # nothing skipped: built again
    assert database.exists()


def test_refuses_a_database_of_another_country():
    """The dataset is El Salvador's; configured for another country, the demo
    says so and writes nothing."""
    with (
        override_settings(COUNTRY="CR"),
        pytest.raises(CommandError, match="SEMILLERO_COUNTRY"),
    ):
        run_demo()
    assert not Organization.objects.exists()


def test_the_registry_is_written_in_bulk(django_assert_max_num_queries):
    """A handful of bulk inserts, not one query per row: the small scale (about 400
    rows) and the default (about 12,000) differ only by the batches SQLite needs."""
    with django_assert_max_num_queries(15):
        registry.generate(DemoContext(seed=1, scale="small", as_of=date(2026, 1, 15)))
    assert Instructor.objects.count() == SMALL["instructors"]
