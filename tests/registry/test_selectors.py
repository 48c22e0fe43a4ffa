"""Registry selectors: search and filters, and who sees which instructors."""

import dataclasses

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from semillero.registry import selectors
from semillero.registry.models import AgreementStatus, AgreementType, OrganizationType
from semillero.registry.selectors import (
    InstructorAccess,
    PseudonymousInstructor,
    PseudonymousInstructors,
)

from ..factories import (
    AgreementFactory,
    InstructorFactory,
    OrganizationFactory,
    TrainingAreaFactory,
    department,
)

pytestmark = pytest.mark.django_db


def codes(rows):
    return sorted(row.code for row in rows)


# Organizations ------------------------------------------------------------------


def test_organizations_are_searched_in_name_code_and_tax_id(viewer_user, centre):
    OrganizationFactory(code="ACME", name="Acme", tax_id="0614-010101-101-1")
    OrganizationFactory(code="OTRA", name="Otra Cosa")
    search = selectors.organization_list
    assert codes(search(user=viewer_user, q="acme")) == ["ACME"]
    assert codes(search(user=viewer_user, q="0614-0101")) == ["ACME"]
    assert codes(search(user=viewer_user, q="cfp-001")) == ["CFP-001"]


def test_organizations_are_filtered_by_type_department_and_levy(viewer_user):
    OrganizationFactory(code="E1", type=OrganizationType.COMPANY, levy_contributor=True)
    OrganizationFactory(
        code="E2",
        type=OrganizationType.COMPANY,
        levy_contributor=False,
        department=department("SV-LI"),
    )
    OrganizationFactory(code="E3", type=OrganizationType.COMPANY)
    search = selectors.organization_list
    companies = search(user=viewer_user, type=OrganizationType.COMPANY)
    assert codes(companies) == ["E1", "E2", "E3"]
    assert codes(search(user=viewer_user, department="SV-LI")) == ["E2"]
    assert codes(search(user=viewer_user, levy_contributor="yes")) == ["E1"]
    assert codes(search(user=viewer_user, levy_contributor="no")) == ["E2"]
    unknown = search(user=viewer_user, levy_contributor="unknown", type="company")
    assert codes(unknown) == ["E3"]


def test_everyone_logged_in_sees_the_registry_and_the_anonymous_nobody(
    company_user, centre
):
    assert codes(selectors.organization_list(user=company_user)) == [
        "CFP-001",
        "EMP-001",
    ]
    with pytest.raises(PermissionDenied):
        selectors.organization_list(user=AnonymousUser())


def test_organizations_count_their_agreements(viewer_user, centre, company):
    AgreementFactory(parties=[centre, company])
    AgreementFactory(parties=[centre, company])
    org = selectors.organization_list(user=viewer_user, q="CFP-001").get()
    assert org.agreement_count == 2


# Agreements ---------------------------------------------------------------------


def test_agreements_are_filtered_by_type_status_department_and_party(
    viewer_user, centre, company, other_centre
):
    far = OrganizationFactory(code="FAR", department=department("SV-MO"))
    AgreementFactory(
        code="A1", type=AgreementType.DUAL_TRAINING, parties=[centre, company]
    )
    AgreementFactory(
        code="A2", status=AgreementStatus.EXPIRED, parties=[other_centre, far]
    )
    AgreementFactory(code="A3", parties=[company, far])
    search = selectors.agreement_list
    assert codes(search(user=viewer_user, type="dual_training")) == ["A1"]
    assert codes(search(user=viewer_user, status="expired")) == ["A2"]
    assert codes(search(user=viewer_user, department="SV-MO")) == ["A2", "A3"]
    assert codes(search(user=viewer_user, organization="EMP-001")) == ["A1", "A3"]
    assert codes(search(user=viewer_user, organization=far.pk)) == ["A2", "A3"]
    assert codes(search(user=viewer_user, q="a2")) == ["A2"]


def test_an_agreement_with_two_parties_in_the_department_is_listed_once(
    viewer_user, centre, other_centre
):
    AgreementFactory(code="A1", parties=[centre, other_centre])
    assert codes(selectors.agreement_list(user=viewer_user, department="SV-SS")) == [
        "A1"
    ]


# The cooperation network ----------------------------------------------------------


def test_network_edges_count_shared_agreements(viewer_user):
    """Three agreements: A-B-C, A-B, C-D. Edges: A-B 2, A-C 1, B-C 1, C-D 1."""
    a = OrganizationFactory(code="A", name="A", type=OrganizationType.GOVERNMENT)
    b = OrganizationFactory(code="B", name="B", type=OrganizationType.COMPANY)
    c = OrganizationFactory(code="C", name="C")
    d = OrganizationFactory(code="D", name="D", department=department("SV-LI"))
    OrganizationFactory(code="LONELY")
    AgreementFactory(parties=[a, b, c], type=AgreementType.COOPERATION)
    AgreementFactory(parties=[a, b], type=AgreementType.FUNDING)
    AgreementFactory(parties=[c, d], type=AgreementType.COOPERATION)

    network = selectors.cooperation_network(user=viewer_user)
    edges = {(e.source.code, e.target.code): e.weight for e in network.edges}
    assert edges == {("A", "B"): 2, ("A", "C"): 1, ("B", "C"): 1, ("C", "D"): 1}
    assert network.edges[0].weight == 2  # heaviest first
    nodes = {n.organization.code: n.agreements for n in network.nodes}
    assert nodes == {"A": 2, "B": 2, "C": 2, "D": 1}
    assert network.agreements == 3
    # Grouped by type in the order of OrganizationType: training centres first.
    assert [n.organization.code for n in network.nodes] == ["C", "D", "B", "A"]
    c_node = next(n for n in network.nodes if n.organization.code == "C")
    assert [(p.code, w) for p, w in c_node.partners] == [("A", 1), ("B", 1), ("D", 1)]

    funding = selectors.cooperation_network(user=viewer_user, type="funding")
    assert {(e.source.code, e.target.code): e.weight for e in funding.edges} == {
        ("A", "B"): 1
    }
    la_libertad = selectors.cooperation_network(user=viewer_user, department="SV-LI")
    assert {(e.source.code, e.target.code) for e in la_libertad.edges} == {("C", "D")}


def test_an_empty_network(viewer_user):
    network = selectors.cooperation_network(user=viewer_user)
    assert network.nodes == [] and network.edges == []


# Instructors --------------------------------------------------------------------


@pytest.fixture
def instructors(centre, other_centre):
    area = TrainingAreaFactory(code="ELEC", name="Electricidad")
    mine = InstructorFactory(
        code="I-MINE",
        organization=centre,
        first_name="Rosa",
        last_name="Pérez",
        sex="F",
        certifications="Electricista certificada",
    )
    mine.training_areas.set([area])
    theirs = InstructorFactory(
        code="I-THEIRS", organization=other_centre, first_name="Juan", last_name="Díaz"
    )
    return mine, theirs


@pytest.mark.parametrize(
    "role_fixture, access",
    [
        ("admin_user", InstructorAccess.ALL),
        ("officer_user", InstructorAccess.OWN),
        ("analyst_user", InstructorAccess.PSEUDONYMOUS),
        ("viewer_user", InstructorAccess.PSEUDONYMOUS),
        ("company_user", InstructorAccess.NONE),
    ],
)
def test_instructor_access_by_role(request, role_fixture, access):
    assert selectors.instructor_access(request.getfixturevalue(role_fixture)) == access
    assert selectors.instructor_access(AnonymousUser()) == InstructorAccess.NONE


def test_the_admin_sees_every_instructor_with_personal_data(admin_user, instructors):
    rows = list(selectors.instructor_list(user=admin_user))
    assert codes(rows) == ["I-MINE", "I-THEIRS"]
    assert {r.last_name for r in rows} == {"Pérez", "Díaz"}


def test_a_data_officer_sees_only_its_organizations_instructors(
    officer_user, instructors
):
    rows = list(selectors.instructor_list(user=officer_user))
    assert codes(rows) == ["I-MINE"]
    assert rows[0].first_name == "Rosa"
    assert not selectors.instructor_list(user=officer_user, organization="CFP-002")
    with pytest.raises(selectors.Instructor.DoesNotExist):
        selectors.instructor_get(user=officer_user, code="I-THEIRS")


@pytest.mark.parametrize("role_fixture", ["analyst_user", "viewer_user"])
def test_analysts_and_viewers_get_instructors_without_personal_data(
    request, role_fixture, instructors
):
    user = request.getfixturevalue(role_fixture)
    rows = selectors.instructor_list(user=user)
    assert isinstance(rows, PseudonymousInstructors)
    items = list(rows)
    assert codes(items) == ["I-MINE", "I-THEIRS"]
    fields = {f.name for f in dataclasses.fields(PseudonymousInstructor)}
    assert not fields & {"first_name", "last_name", "email", "phone"}
    mine = items[0]
    assert (mine.sex, mine.certifications) == ("F", "Electricista certificada")
    assert [a.code for a in mine.training_areas] == ["ELEC"]
    assert not hasattr(mine, "last_name")
    detail = selectors.instructor_get(user=user, code="I-MINE")
    assert isinstance(detail, PseudonymousInstructor)


def test_a_pseudonymised_list_cannot_be_searched_or_sorted_by_name(
    analyst_user, instructors
):
    """Otherwise an analyst could find out names one search at a time."""
    assert list(selectors.instructor_list(user=analyst_user, q="Pérez")) == []
    assert codes(selectors.instructor_list(user=analyst_user, q="certificada")) == [
        "I-MINE"
    ]
    rows = selectors.instructor_list(user=analyst_user)
    with pytest.raises(PermissionDenied):
        rows.order_by("last_name")


def test_company_officers_see_no_instructors(company_user, instructors):
    with pytest.raises(PermissionDenied):
        selectors.instructor_list(user=company_user)


def test_instructor_filters(admin_user, instructors):
    search = selectors.instructor_list
    assert codes(search(user=admin_user, training_area="ELEC")) == ["I-MINE"]
    assert codes(search(user=admin_user, sex="F")) == ["I-MINE"]
    assert codes(search(user=admin_user, organization="CFP-002")) == ["I-THEIRS"]
    assert codes(search(user=admin_user, q="díaz")) == ["I-THEIRS"]
    assert codes(search(user=admin_user, active="no")) == []


def test_the_start_page_summary_respects_the_instructor_rules(
    officer_user, company_user, analyst_user, instructors
):
    assert selectors.registry_summary(user=officer_user)["instructors"] == 1
    assert selectors.registry_summary(user=analyst_user)["instructors"] == 2
    assert selectors.registry_summary(user=company_user)["instructors"] is None
