"""The public catalogue's employment figure six months after the course: shown
with its interval and respondents only for programmes with enough respondents
(SEMILLERO_INSERTION_MIN_RESPONDENTS) whose counts pass small-cell suppression;
"Not enough data" (Spanish: "Sin datos suficientes") otherwise.

Runs ending 2024-06-30, tracer wave of 6 months:
- P-OK: 30 respondents, 20 working → 66.7 %, Wilson (20, 30)
- P-FEW: 29 respondents (one short of the default 30), all working
- P-NONE: no tracer rows
"""

import csv
import datetime
import io
import math

import pytest
from django.urls import reverse

from semillero.tracer.models import TracerResponse

from .factories import CourseRunFactory, ProgrammeFactory, TraineeFactory

pytestmark = pytest.mark.django_db

Z = 1.959964


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def wilson(k: int, n: int) -> tuple[float, float]:
    """The spec's formula."""
    p = k / n
    centre = (p + Z**2 / (2 * n)) / (1 + Z**2 / n)
    half = Z * math.sqrt(p * (1 - p) / n + Z**2 / (4 * n**2)) / (1 + Z**2 / n)
    return centre - half, centre + half


def answers(programme, respondents: int, working: int, followup: int = 6):
    run = CourseRunFactory(programme=programme, end_date=datetime.date(2024, 6, 30))
    for i in range(respondents):
        TracerResponse.objects.create(
            trainee=TraineeFactory(),
            course_run=run,
            followup_months=followup,
            responded=True,
            employment_status="employed" if i < working else "unemployed",
        )


@pytest.fixture
def programmes(db):
    found = {
        "ok": ProgrammeFactory(code="P-OK", name="Soldadura"),
        "few": ProgrammeFactory(code="P-FEW", name="Panadería"),
        "none": ProgrammeFactory(code="P-NONE", name="Cosmetología"),
    }
    answers(found["ok"], 30, 20)
    answers(found["few"], 29, 29)
    return found


def cell(html: str, name: str) -> str:
    """The catalogue row of a programme."""
    row = html.split(f">{name}</a>", 1)[1].split("</tr>", 1)[0]
    return row.split('class="num catalogue-employment">', 1)[1].split("</td>", 1)[0]


def test_the_catalogue_shows_the_rate_with_enough_respondents(client, programmes):
    html = client.get(reverse("training:catalogue")).content.decode()
    low, high = wilson(20, 30)
    ok = cell(html, "Soldadura")
    assert "66.7" in ok
    assert f"{low * 100:.1f}" in ok and f"{high * 100:.1f}" in ok
    assert "n = 30" in ok
    assert "Not enough data" in cell(html, "Panadería")  # 29: one short
    assert "Not enough data" in cell(html, "Cosmetología")
    assert "Working 6 months after the course" in html
    assert "at least 30 graduates of the programme answered" in html
    assert reverse("indicators:insertion_methods") in html


def test_the_minimum_is_the_setting(client, programmes, settings):
    settings.INSERTION_MIN_RESPONDENTS = 29
    html = client.get(reverse("training:catalogue")).content.decode()
    assert "100.0" in cell(html, "Panadería")


def test_small_counts_are_suppressed(client, programmes, settings):
    """With the minimum at 1, a programme of 6 respondents of whom 4 work still
    shows nothing: 4 is below k = 5."""
    settings.INSERTION_MIN_RESPONDENTS = 1
    small = ProgrammeFactory(code="P-SMALL", name="Barbería")
    answers(small, 6, 4)
    html = client.get(reverse("training:catalogue")).content.decode()
    assert "Not enough data" in cell(html, "Barbería")
    settings.SUPPRESSION_K = 4
    html = client.get(reverse("training:catalogue")).content.decode()
    assert "66.7" in cell(html, "Barbería")


def test_the_programme_page_and_the_download(client, programmes):
    url = reverse("training:catalogue_programme", args=[programmes["ok"].pk])
    html = client.get(url).content.decode()
    assert "66.7" in html and "30 answered" in html
    url = reverse("training:catalogue_programme", args=[programmes["few"].pk])
    assert "Not enough data" in client.get(url).content.decode()
    response = client.get(reverse("training:catalogue"), {"export": "csv"})
    rows = {
        r["Programme"]: r
        for r in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
    }
    assert float(rows["Soldadura"]["Working 6 months after the course"]) == (
        pytest.approx(20 / 30)
    )
    assert rows["Soldadura"]["Respondents"] == "30"
    assert rows["Panadería"]["Working 6 months after the course"] == ""


def test_without_a_six_month_cohort_there_is_no_figure(client, db):
    answers(ProgrammeFactory(code="P-12", name="Electricidad"), 40, 30, followup=12)
    html = client.get(reverse("training:catalogue")).content.decode()
    assert "Electricidad" in html
    assert "Working 6 months after the course" not in html
    assert "catalogue-employment" not in html


def test_all_programmes_from_one_read(
    client, programmes, django_assert_max_num_queries
):
    """The figures of every programme cost the same few queries, once per build;
    cached, nothing more than the catalogue's own and the latest build."""
    client.get(reverse("training:catalogue"))
    for i in range(10):
        answers(ProgrammeFactory(code=f"P-{i}"), 30, 15)
    from django.core.cache import cache

    cache.clear()
    with django_assert_max_num_queries(12):
        client.get(reverse("training:catalogue"))


def test_a_cohort_in_fieldwork_is_not_shown(client, programmes):
    """A 2025 study still in fieldwork: the catalogue keeps the 2024 figures."""
    from semillero.tracer.models import StudyStatus, TracerStudy

    study = TracerStudy.objects.create(
        name="Egresados 2025",
        cohort_year=2025,
        followup_months=6,
        seed=1,
        status=StudyStatus.FIELDWORK,
    )
    run = CourseRunFactory(
        programme=programmes["ok"],
        start_date=datetime.date(2025, 1, 1),
        end_date=datetime.date(2025, 6, 30),
    )
    for i in range(40):
        TracerResponse.objects.create(
            trainee=TraineeFactory(),
            course_run=run,
            followup_months=6,
            responded=True,
            employment_status="employed" if i < 10 else "unemployed",
        )
    html = client.get(reverse("training:catalogue")).content.decode()
    assert "66.7" in cell(html, "Soldadura")
    assert "graduates of 2024" in html
    study.status = StudyStatus.CLOSED
    study.save()
    from semillero.indicators import cube

    cube.mark_stale()  # what closing a study through its service does
    html = client.get(reverse("training:catalogue")).content.decode()
    assert "25.0" in cell(html, "Soldadura")  # 10 of 40
    assert "graduates of 2025" in html
