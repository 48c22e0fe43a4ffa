"""The demo's tracer studies and social-security records (small scale): who is
followed, what they answer, and the differences the insertion figures should
find."""

import re
from datetime import date

import pytest

from semillero.demo import tracer
from semillero.demo.generate import build_demo
from semillero.indicators.compute import compute
from semillero.tracer.models import SocialSecurityRecord, TracerResponse
from semillero.training.models import Enrolment

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 11, 25)


@pytest.fixture
def demo():
    results = build_demo(
        seed=1993, scale="small", password="semillero-demo", as_of=AS_OF
    )
    return {r.name: r for r in results}


def test_cohorts_waves_and_sample(demo):
    counts = demo["tracer"].counts
    assert counts["tracer_responses"] == TracerResponse.objects.count() > 0
    assert counts["social_security"] == SocialSecurityRecord.objects.count() > 0
    rows = TracerResponse.objects.all()
    assert set(rows.values_list("course_run__end_date__year", flat=True)) == {
        2023,
        2024,
    }
    assert set(rows.values_list("followup_months", flat=True)) == {6, 12}
    # only graduates are followed: each row is a completed enrolment
    completed = set(
        Enrolment.objects.filter(status__in=("completed", "certified")).values_list(
            "trainee_id", "course_run_id"
        )
    )
    followed = set(rows.values_list("trainee_id", "course_run_id"))
    assert followed <= completed
    response_rate = rows.filter(responded=True).count() / rows.count()
    assert 0.5 < response_rate < 0.75
    assert not rows.filter(responded=False).exclude(employment_status="").exists()


def test_differences_the_figures_should_find(demo):
    by_modality = {
        r["modality"]: r["value"]
        for r in compute("employment_rate", 2024, ["modality"])
    }
    assert by_modality["dual"] > by_modality["initial"]
    (gap,) = compute("vulnerable_share_high_insertion", 2024)
    assert gap["followup_months"] == 6


def test_social_security_keeps_only_keyed_hashes(demo):
    keys = SocialSecurityRecord.objects.values_list("person_key", flat=True)
    assert all(re.fullmatch(r"[0-9a-f]{64}", k) for k in keys[:500])
    assert set(SocialSecurityRecord.objects.values_list("period__day", flat=True)) == {
        1
    }
    (row,) = compute("formal_employment_admin", 2024)
    assert 0.1 < row["value"] < 0.9


def test_it_is_not_mixed_with_real_tracer_data(demo):
    with pytest.raises(tracer.ExistingTracerData):
        tracer.check()
