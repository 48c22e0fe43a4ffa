"""Answers collected elsewhere (KoboToolbox, LimeSurvey) come in with the
platform's validation and error report."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from semillero.consultations import analysis
from semillero.consultations.importers import responses_import
from semillero.consultations.models import Response
from semillero.core.models import ImportStatus

from ..tracer.support import csv_file, xlsx_file
from .support import consultation_with_questions, question

pytestmark = pytest.mark.django_db

HEADER = [
    "_uuid",
    "_submission_time",
    "grupo",
    "coord",
    "channel",
    "staff",
    "prior",
    "otra",
]


def upload(data, name="kobo.csv"):
    return SimpleUploadedFile(name, data)


def test_a_kobo_export_is_imported_and_bad_rows_are_reported(analyst_user):
    c = consultation_with_questions(analyst_user)
    data = csv_file(
        HEADER,
        {
            "_uuid": "a1",
            "_submission_time": "2023-01-15T10:22:03",
            "grupo": "workers",
            "coord": "4",
            "channel": "Teléfono",
            "staff": "12",
            "prior": "Más datos",
        },
        {
            "_uuid": "a2",
            "grupo": "Business associations",
            "coord": "5",
            "channel": "mail",
        },
        {"_uuid": "a3", "grupo": "pescadores", "coord": "7", "channel": "fax"},
        {"_uuid": "a4", "grupo": "workers", "channel": "mail"},
        {"_uuid": "a1", "grupo": "workers", "coord": "3"},
    )
    batch = responses_import(
        consultation=c, user=analyst_user, file=upload(data), file_name="kobo.csv"
    )
    assert batch.status == ImportStatus.PARTIAL
    assert (batch.rows_total, batch.rows_created, batch.rows_rejected) == (5, 2, 3)
    errors = {(e["row"], e["column"]) for e in batch.errors}
    assert {
        (4, "grupo"),
        (4, "coord"),
        (4, "channel"),
        (5, "coord"),
        (6, "_uuid"),
    } <= errors
    assert batch.bad_rows_file
    assert "otra" in " ".join(batch.warnings)
    first = Response.objects.get(external_id="a1")
    assert first.source == "import" and first.group.code == "workers"
    assert str(first.submitted_at.date()) == "2023-01-15"
    assert first.answers.get(question__code="channel").text == "phone"
    rates = analysis.ResponseRates(c).calculate()
    assert {r.code: r.imported for r in rates["groups"]}["workers"] == 1
    (coord,) = analysis.ClosedResults(c, [question(c, "coord")]).calculate()
    assert coord.total.n == 2 and coord.total.agree == 2
    # The same file again: every row was already imported.
    again = responses_import(
        consultation=c, user=analyst_user, file=upload(data), file_name="kobo.csv"
    )
    assert again.rows_created == 0 and again.status == ImportStatus.FAILED


def test_an_xlsx_export_with_numbers_as_cells(analyst_user):
    c = consultation_with_questions(analyst_user)
    data = xlsx_file(
        ["id", "stakeholder_group", "coord", "staff"], ["7", "government", 4, 15.5]
    )
    batch = responses_import(
        consultation=c,
        user=analyst_user,
        file=upload(data, "lime.xlsx"),
        file_name="lime.xlsx",
    )
    assert batch.status == ImportStatus.SUCCEEDED, batch.errors
    assert Response.objects.get().answers.get(question__code="staff").number == 15.5


def test_a_file_without_the_group_column_is_refused(analyst_user):
    c = consultation_with_questions(analyst_user)
    data = csv_file(["coord"], {"coord": "4"})
    batch = responses_import(
        consultation=c, user=analyst_user, file=upload(data), file_name="x.csv"
    )
    assert (
        batch.status == ImportStatus.FAILED and "stakeholder_group" in batch.file_error
    )
    assert not Response.objects.exists()


def test_the_import_page_leads_to_the_error_report(client, analyst_user):
    c = consultation_with_questions(analyst_user)
    client.force_login(analyst_user)
    data = csv_file(
        ["grupo", "coord"],
        {"grupo": "workers", "coord": "9"},
        {"grupo": "workers", "coord": "2"},
    )
    response = client.post(
        reverse("consultations:import", args=[c.pk]), {"file": upload(data)}
    )
    assert response.status_code == 302
    report = client.get(response.url)
    assert report.status_code == 200
    assert b"coord" in report.content
