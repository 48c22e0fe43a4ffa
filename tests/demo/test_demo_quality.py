"""The quality part of the demo (accreditation, audits and findings, installed
capacity), on the small scale: its size, its reproducibility, that every quality
page has something to show (alerts, overdue findings, the San Miguel laboratory,
the demo centre's own records) and that its records are consistent."""

from datetime import date, timedelta

import pytest
from django.db.models import Count, Exists, F, Min, OuterRef, Q
from django.utils import translation

from semillero.accounts.models import User
from semillero.demo import quality, registry
from semillero.demo.context import DemoContext
from semillero.demo.generate import DemoError, build_demo
from semillero.quality import selectors
from semillero.quality.models import (
    Accreditation,
    AccreditationStatus,
    AuditResult,
    AuditType,
    Equipment,
    Facility,
    FacilityKind,
    Finding,
    FindingStatus,
    ProgrammeAccreditation,
    QualityAudit,
)
from semillero.registry.models import Instructor, Organization, OrganizationType
from semillero.training.models import CourseRun, Enrolment
from tests.demo.test_demo import wipe

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 11, 25)
SEED = 1993
WINDOW = selectors.DEFAULT_ALERT_DAYS


def build(seed=SEED, as_of=AS_OF, modules=None):
    from semillero.demo import generate

    saved = generate.MODULES
    if modules is not None:
        generate.MODULES = modules
    try:
        return {
            r.name: r
            for r in build_demo(
                seed=seed, scale="small", password="semillero-demo", as_of=as_of
            )
        }
    finally:
        generate.MODULES = saved


def build_before_quality():
    from semillero.demo import generate

    return build(modules=generate.MODULES[: generate.MODULES.index(quality)])


@pytest.fixture
def demo():
    return build()


@pytest.fixture
def admin():
    return User.objects.get(username="admin")


def test_counts_are_the_databases(demo):
    """The module reports what it wrote, and every kind of record is there."""
    counts = demo["quality"].counts
    assert demo["quality"].generated
    assert counts["accreditations"] == Accreditation.objects.count() > 15
    assert (
        counts["programme_accreditations"]
        == ProgrammeAccreditation.objects.count()
        > 100
    )
    assert counts["audits"] == QualityAudit.objects.count() > 30
    assert counts["findings"] == Finding.objects.count() > 30
    assert counts["facilities"] == Facility.objects.count() > 10
    assert counts["equipment"] == Equipment.objects.count() > counts["facilities"]
    assert counts["facility_instructors"] == (
        Facility.instructors.through.objects.count()
    )
    with translation.override("en"):
        assert "accreditations" in quality.describe(counts)


def test_every_centre_is_accredited_and_its_programmes_too(demo):
    """Every training centre has an accreditation history, mostly accredited, with
    some conditional, suspended and in-process ones; its records in force never
    overlap. Each centre is authorised for exactly the programmes it gave courses
    of, from before the first of them."""
    centres = Organization.objects.filter(type=OrganizationType.TRAINING_CENTRE)
    assert set(Accreditation.objects.values_list("organization", flat=True)) == set(
        centres.values_list("pk", flat=True)
    )
    statuses = {
        row["status"]: row["count"]
        for row in selectors.centre_status_counts(
            user=User.objects.get(username="admin"), today=AS_OF
        )
    }
    assert statuses[AccreditationStatus.ACCREDITED] > centres.count() / 2
    for status in ("conditional", "suspended", "in_process"):
        assert statuses[status] >= 1, status
    in_force = Q(status__in=["accredited", "conditional"])
    for model, same in (
        (Accreditation, ["organization"]),
        (ProgrammeAccreditation, ["organization", "programme"]),
    ):
        records = model.objects.filter(in_force)
        overlapping = records.filter(
            Exists(
                records.filter(**{f: OuterRef(f) for f in same})
                .exclude(pk=OuterRef("pk"))
                .filter(
                    valid_from__lte=OuterRef("valid_until"),
                    valid_until__gte=OuterRef("valid_from"),
                )
            )
        )
        assert not overlapping.exists(), model
        # Terms of two or three years.
        for start, end in records.values_list("valid_from", "valid_until"):
            assert 700 <= (end - start).days <= 1100
    delivered = {
        (provider, programme): first
        for provider, programme, first in CourseRun.objects.values(
            "provider_id", "programme_id"
        )
        .annotate(first=Min("start_date"))
        .values_list("provider_id", "programme_id", "first")
    }
    authorised = {
        (organization, programme): first
        for organization, programme, first in ProgrammeAccreditation.objects.values(
            "organization_id", "programme_id"
        )
        .annotate(first=Min("valid_from"))
        .values_list("organization_id", "programme_id", "first")
    }
    assert set(authorised) == set(delivered)
    assert all(authorised[pair] < first for pair, first in delivered.items())


def test_accreditation_alerts_light_up(demo, admin):
    """Within 90 days of the reference day some centre and programme
    accreditations lapse, some lapsed while still marked accredited, one with its
    renewal in process."""
    alerts = selectors.accreditation_alerts(user=admin, today=AS_OF)
    centre = [a for a in alerts if a.kind == "centre"]
    programme = [a for a in alerts if a.kind == "programme"]
    assert any(0 <= a.days_left <= WINDOW for a in centre)
    assert any(a.lapsed for a in centre)
    assert any(a.lapsed and a.renewal_in_process for a in centre)
    assert any(a.lapsed and not a.renewal_in_process for a in centre)
    assert any(0 <= a.days_left <= WINDOW for a in programme)
    assert any(a.lapsed for a in programme)
    counts = demo["quality"].counts
    assert counts["accreditations_lapsing"] == sum(not a.lapsed for a in centre)
    assert counts["accreditations_lapsed"] == sum(a.lapsed for a in centre)
    # A few, not half the country: the alerts are worth reading.
    assert len(alerts) <= 15


def test_audits_and_findings_follow_up(demo, admin):
    """About one audit per centre every two years from 2019; results mostly
    compliant with observations; findings of every severity, most closed, some
    open and some overdue; dates consistent with what the services accept."""
    audits = QualityAudit.objects.all()
    centres = Organization.objects.filter(type=OrganizationType.TRAINING_CENTRE)
    per_centre = audits.values("organization").annotate(n=Count("id"))
    assert {row["organization"] for row in per_centre} == set(
        centres.values_list("pk", flat=True)
    )
    assert 2 <= audits.count() / centres.count() <= 7
    assert audits.earliest("audit_date").audit_date >= date(2019, 1, 1)
    assert audits.latest("audit_date").audit_date <= AS_OF + timedelta(days=60)
    assert not audits.exclude(organization__type=OrganizationType.TRAINING_CENTRE)
    results = dict(
        audits.values_list("result").annotate(n=Count("id")).values_list("result", "n")
    )
    assert results[AuditResult.COMPLIANT_WITH_OBSERVATIONS] == max(results.values())
    assert results[AuditResult.NON_COMPLIANT] >= 1
    assert {AuditType.PERIODIC, AuditType.FOLLOW_UP} <= set(
        audits.values_list("type", flat=True)
    )
    # The institute's staff audit.
    assert set(audits.values_list("auditor__username", flat=True)) <= {
        "admin",
        "analyst",
    }
    # Audits still to come have no result and no findings; reported audits do.
    assert not audits.filter(audit_date__gt=AS_OF).exclude(result="").exists()
    assert not Finding.objects.filter(audit__result="").exists()
    assert not Finding.objects.filter(audit__result=AuditResult.COMPLIANT).exists()

    findings = Finding.objects.all()
    assert set(findings.values_list("severity", flat=True)) == {
        "minor",
        "major",
        "critical",
    }
    assert not findings.filter(due_date__lt=F("audit__audit_date")).exists()
    closed = findings.filter(status=FindingStatus.CLOSED)
    assert closed.count() / findings.count() > 0.75
    assert not closed.filter(
        Q(closed_on__lt=F("audit__audit_date"))
        | Q(closed_on__gt=AS_OF)
        | Q(closing_note="")
    ).exists()
    assert (
        not findings.exclude(status=FindingStatus.CLOSED)
        .exclude(closed_on=None)
        .exists()
    )
    counts = selectors.finding_counts(user=admin, today=AS_OF)
    assert counts["overdue"] >= 1
    assert counts["pending"] > counts["overdue"]  # some open, not yet due
    assert counts["overdue"] == demo["quality"].counts["findings_overdue"]


def test_centres_with_worse_results_fare_worse_in_audits(demo):
    """The half of the centres that complete fewer of their trainees has more
    non-compliant audits and more findings per audit than the better half."""
    done = Q(status__in=["completed", "certified"])
    rows = (
        Enrolment.objects.filter(status__in=["completed", "certified", "dropped"])
        .values("course_run__provider")
        .annotate(finished=Count("id"), done=Count("id", filter=done))
        .filter(finished__gte=30)
    )
    rate = {r["course_run__provider"]: r["done"] / r["finished"] for r in rows}
    ranked = sorted(rate, key=rate.get)
    half = len(ranked) // 2
    assert half >= 4

    def figures(centres):
        reported = QualityAudit.objects.filter(organization__in=centres).exclude(
            result=""
        )
        n = reported.count()
        failed = reported.filter(result=AuditResult.NON_COMPLIANT).count()
        found = Finding.objects.filter(audit__in=reported).count()
        return failed / n, found / n

    worse, better = figures(ranked[:half]), figures(ranked[-half:])
    assert worse[0] > better[0]
    assert worse[1] > better[1]


def test_installed_capacity(demo):
    """Most centres and some large companies record their facilities, in their
    own department, serving what they teach, with equipment in Spanish and some
    of their instructors; about 60% are available to share."""
    facilities = Facility.objects.select_related("organization")
    centres = Organization.objects.filter(type=OrganizationType.TRAINING_CENTRE)
    with_facilities = centres.filter(facilities__isnull=False).distinct().count()
    assert with_facilities / centres.count() >= 0.6
    companies = facilities.filter(organization__type=OrganizationType.COMPANY)
    assert companies.exists()
    assert not companies.filter(organization__employees__lt=200).exists()
    assert not facilities.exclude(department=F("organization__department")).exists()
    assert set(facilities.values_list("kind", flat=True)) >= {
        FacilityKind.WORKSHOP,
        FacilityKind.LABORATORY,
        FacilityKind.CLASSROOM,
    }
    shared = facilities.filter(available_to_share=True).count() / facilities.count()
    assert 0.35 <= shared <= 0.85
    assert not facilities.filter(training_areas__isnull=True).exists()
    assert not facilities.filter(equipment__isnull=True).exists()
    items = set(Equipment.objects.values_list("item", flat=True))
    assert {"Computadoras", "Banco de pruebas eléctricas"} <= items
    # Instructors work in their own organization's facilities, in their areas.
    links = Facility.instructors.through.objects.select_related(
        "facility", "instructor"
    )
    assert links.exists()
    for link in links:
        assert link.instructor.organization_id == link.facility.organization_id
        assert link.instructor.active
        assert set(link.instructor.training_areas.values_list("pk", flat=True)) & set(
            link.facility.training_areas.values_list("pk", flat=True)
        )
    # A centre's facilities serve what it teaches (its courses or instructors);
    # the one exception may be the San Miguel laboratory made sure of below.
    for facility in facilities.filter(
        organization__type=OrganizationType.TRAINING_CENTRE
    ).exclude(organization__department__code="SV-SM"):
        taught = set(
            CourseRun.objects.filter(provider=facility.organization_id).values_list(
                "programme__training_area", flat=True
            )
        ) | set(
            Instructor.training_areas.through.objects.filter(
                instructor__organization=facility.organization_id
            ).values_list("trainingarea", flat=True)
        )
        assert set(facility.training_areas.values_list("pk", flat=True)) <= taught


def test_who_can_train_electricians_with_a_laboratory_in_san_miguel(demo):
    """The question the capacity search is for has an answer in the demo, for a
    company officer too: a training centre of San Miguel with an electricity
    laboratory it shares."""
    company = User.objects.get(username="company")
    answer = list(
        selectors.capacity_search(
            user=company,
            training_area="ELE",
            department="SV-SM",
            kind="laboratory",
            available="yes",
        )
    )
    assert answer
    assert all(org.department.code == "SV-SM" for org in answer)
    assert any(org.type == OrganizationType.TRAINING_CENTRE for org in answer)
    assert all(org.places for org in answer)


def test_the_centre_account_has_quality_records(demo):
    """CFP-0001, the data officer's centre: accredited on the reference day, a
    recent audit with an open finding not yet due, facilities, and one of its
    programmes in its alerts."""
    user = User.objects.get(username="centre")
    assert user.organization.code == registry.CENTRE_CODE
    own = Accreditation.objects.filter(organization=user.organization)
    assert any(record.is_in_force_on(AS_OF) for record in own)
    statuses = selectors.centre_status_counts(user=user, today=AS_OF)
    assert [s["status"] for s in statuses if s["count"]] == ["accredited"]
    audits = selectors.audit_list(user=user, today=AS_OF)
    assert audits.exists()
    assert audits.filter(pending_count__gt=0).exists()
    open_findings = selectors.finding_list(user=user, status="open", today=AS_OF)
    assert open_findings.exists()
    assert Facility.objects.filter(organization=user.organization).exists()
    alerts = selectors.accreditation_alerts(user=user, today=AS_OF)
    assert [a.kind for a in alerts] == ["programme"]
    assert not alerts[0].lapsed


def test_reproducible_with_the_same_seed():
    """The same seed gives the same quality records; another seed other ones."""

    def snapshot():
        return (
            list(
                Accreditation.objects.order_by(
                    "organization__code", "valid_from", "status"
                ).values_list(
                    "organization__code",
                    "status",
                    "valid_from",
                    "valid_until",
                    "decision_reference",
                    "scope",
                )
            ),
            list(
                ProgrammeAccreditation.objects.order_by(
                    "organization__code", "programme__code", "valid_from"
                ).values_list(
                    "organization__code",
                    "programme__code",
                    "status",
                    "valid_from",
                    "valid_until",
                    "decision_reference",
                )
            ),
            list(
                Finding.objects.order_by(
                    "audit__organization__code", "audit__audit_date", "due_date", "pk"
                ).values_list(
                    "audit__organization__code",
                    "audit__audit_date",
                    "audit__type",
                    "audit__result",
                    "audit__auditor__username",
                    "severity",
                    "description",
                    "due_date",
                    "status",
                    "closed_on",
                )
            ),
            list(
                Equipment.objects.order_by(
                    "facility__organization__code", "facility__name", "item"
                ).values_list(
                    "facility__organization__code",
                    "facility__name",
                    "facility__kind",
                    "facility__capacity",
                    "facility__available_to_share",
                    "item",
                    "quantity",
                    "condition",
                )
            ),
            sorted(
                Facility.instructors.through.objects.values_list(
                    "facility__name", "instructor__code"
                )
            ),
        )

    build(seed=7)
    first = snapshot()
    wipe()
    build(seed=7)
    assert snapshot() == first
    wipe()
    build(seed=8)
    assert snapshot() != first


def test_running_again_skips_the_quality_part(demo):
    """The module is recorded as generated: a second run writes nothing."""
    before = (Accreditation.objects.count(), Finding.objects.count())
    again = build()
    assert not again["quality"].generated
    assert again["quality"].counts == demo["quality"].counts
    assert (Accreditation.objects.count(), Finding.objects.count()) == before


def test_refuses_a_database_with_other_quality_data():
    """Quality records the demo did not make are never mixed with invented ones."""
    build_before_quality()
    centre = Organization.objects.get(code=registry.CENTRE_CODE)
    Facility.objects.create(
        organization=centre,
        name="Taller real",
        kind=FacilityKind.WORKSHOP,
        department=centre.department,
    )
    with pytest.raises(DemoError, match="instalaciones|facilities"):
        build()
    assert not Accreditation.objects.exists()


def test_needs_the_training_part():
    """Without course runs there is nothing to accredit or audit."""
    from semillero.demo import accounts

    build(modules=[registry, accounts])
    with pytest.raises(quality.MissingTraining):
        quality.check()


def test_the_quality_part_is_written_in_bulk(django_assert_max_num_queries):
    """A few statements for thousands of rows, not one per row."""
    build_before_quality()
    with django_assert_max_num_queries(40):
        counts = quality.generate(DemoContext(seed=1, scale="small", as_of=AS_OF))
    assert counts["programme_accreditations"] == ProgrammeAccreditation.objects.count()
