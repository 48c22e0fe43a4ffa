"""The demo's tracer studies and social-security records (small scale): who is
followed, what they answer, and the differences the insertion figures should
find."""

import re
from datetime import date

import pytest

from semillero.demo import tracer
from semillero.demo.generate import build_demo
from semillero.indicators.compute import compute
from semillero.tracer.models import (
    SocialSecurityRecord,
    SurveyInvitation,
    TracerResponse,
    TracerStudy,
)
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
    rows = TracerResponse.objects.filter(invitation__isnull=True)  # the imported ones
    assert counts["tracer_responses"] == rows.count() > 0
    assert counts["social_security"] == SocialSecurityRecord.objects.count() > 0
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


def test_a_study_of_the_2025_cohort_in_fieldwork(demo):
    """Drawn by the planner's code, some weeks of fieldwork: sent, opened, answered."""
    counts = demo["tracer"].counts
    study = TracerStudy.objects.get()
    assert (study.cohort_year, study.followup_months, study.status) == (
        2025,
        6,
        "fieldwork",
    )
    invitations = SurveyInvitation.objects.filter(study=study)
    assert counts["study_sampled"] == invitations.count() > 0
    answered = invitations.filter(submitted_at__isnull=False)
    assert counts["study_answered"] == answered.count()
    assert 0.25 < answered.count() / invitations.count() < 0.55
    # Everyone who answered had the link sent and opened it first.
    assert not answered.filter(opened_at__isnull=True).exists()
    assert not invitations.filter(
        opened_at__isnull=False, sent_at__isnull=True
    ).exists()
    # Their rows are the 2025 cohort's responses at 6 months, answered when submitted.
    rows = TracerResponse.objects.filter(invitation__study=study)
    assert set(rows.values_list("course_run__end_date__year", flat=True)) == {2025}
    assert rows.filter(responded=True).count() == answered.count()
    assert not rows.filter(responded=True, employment_status="").exists()
    (rate,) = compute("tracer_response_rate", 2025, followup=6)
    assert rate["numerator"] == answered.count()
    assert rate["denominator"] == invitations.count()
