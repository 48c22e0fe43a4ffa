"""The demo's consultation: a few hundred answers of the seven groups (some
imported through the real import), with the differences the docs promise."""

import datetime

import pytest

from semillero.accounts.models import Role
from semillero.consultations import analysis, selectors
from semillero.consultations.models import Consultation, Response
from semillero.core.models import ImportBatch
from semillero.demo import consultations as demo
from semillero.demo.context import DemoContext
from semillero.registry.models import OrganizationType
from tests.factories import InstructorFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(institute, admin_user, analyst_user):
    for kind, n in (
        (OrganizationType.TRAINING_CENTRE, 20),
        (OrganizationType.GOVERNMENT, 6),
        (OrganizationType.BUSINESS_ASSOCIATION, 8),
        (OrganizationType.WORKERS_ORGANIZATION, 6),
        (OrganizationType.STRATEGIC_PARTNER, 6),
    ):
        for i in range(n):
            OrganizationFactory(
                code=f"{kind[:3]}-{i}", type=kind, email=f"{kind[:3]}{i}@example.org"
            )
    for _ in range(40):
        InstructorFactory()


def test_the_demo_consultation_has_the_promised_differences(registry):
    counts = demo.generate(
        DemoContext(seed=42, scale="small", as_of=datetime.date(2025, 6, 30))
    )
    c = Consultation.objects.get()
    assert c.status == "closed"
    assert counts["imported"] == 40
    assert (
        Response.objects.filter(submitted_at__isnull=False).count() == counts["answers"]
    )
    assert 200 <= counts["answers"] <= 400
    assert ImportBatch.objects.get().rows_rejected == 2
    rates = {r.code: r for r in analysis.ResponseRates(c).calculate()["groups"]}
    assert all(r.answers > 0 for r in rates.values())
    questions = selectors.current_questions(c)
    closed = {
        r.question.code: r for r in analysis.ClosedResults(c, questions).calculate()
    }
    assert (
        closed["serv_1"].differ
        and "business_associations" in closed["serv_1"].test["groups"]
    )
    assert closed["acc_1"].differ
    assert not closed["coord_1"].differ
    (open_result,) = analysis.OpenResults(c, questions).calculate()
    assert len(open_result.themes) == 5 and open_result.untagged > 0
    words = dict(open_result.words)
    assert words["coordinación"] > 10 and words["mujeres"] > 10
    # Business associations talk of companies most.
    codes = [code for code, _ in open_result.groups]
    companies = next(
        t for t in open_result.themes if t["theme"] == "Servicios a empresas"
    )
    business = codes.index("business_associations")
    assert companies["by_group"][business] == max(
        t["by_group"][business] for t in open_result.themes
    )
    assert UserFactory._meta.model.objects.filter(role=Role.ANALYST).exists()
