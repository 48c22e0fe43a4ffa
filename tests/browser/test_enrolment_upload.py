"""A training centre's data officer uploads an Excel file of enrolments in the
background, watches the progress bar, fixes the two rejected rows from the
downloaded bad-rows file, uploads them again and finds the five enrolments on
the course run page."""

import csv
import datetime
import io
import re

import openpyxl
import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from semillero.core.models import ImportBatch, ImportStatus
from semillero.training.models import Enrolment
from tests.training.factories import CourseRunFactory, dui

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = [
    "course_run_code", "person_id", "sex", "birth_date", "department", "status",
    "completion_date", "first_name", "last_name", "email",
]  # fmt: skip
D = datetime.date
GOOD_ID = dui(10_000_004)
# The same number with a wrong check digit (the last one).
BAD_ID = GOOD_ID[:-1] + str((int(GOOD_ID[-1]) + 1) % 10)


@pytest.fixture
def database_tasks(settings):
    """Background imports go to the database queue, as in production, so the
    page shows the progress bar until the worker (run by the test) takes them."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": ["default"],
        }
    }


@pytest.fixture
def run(centre):
    return CourseRunFactory(
        code="CR-WEB",
        provider=centre,
        start_date=D(2024, 2, 1),
        end_date=D(2024, 6, 30),
    )


def enrolments_xlsx() -> bytes:
    """Three good rows, a DUI with a wrong check digit and a completion
    without its date; dates as Excel date cells."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Inscripciones"
    sheet.append(HEADER)
    rows = [
        [dui(10_000_001), "F", D(2000, 1, 15), "SV-SS", "enrolled", None,
         "Ana", "Torres", "ana.torres@example.org"],
        [dui(10_000_002), "M", D(1995, 6, 1), "San Salvador", "completed",
         D(2024, 6, 30), "Bruno", "Alvarado", ""],
        [dui(10_000_003), "mujer", D(1990, 3, 3), "SV-LI", "certified",
         D(2024, 6, 30), "Carla", "Bonilla", ""],
        [BAD_ID, "F", D(1988, 8, 8), "SV-SS", "enrolled", None,
         "Diana", "Escobar", ""],
        [dui(10_000_005), "M", D(2001, 12, 1), "SV-SS", "completed", None,
         "Ernesto", "Funes", ""],
    ]  # fmt: skip
    for row in rows:
        sheet.append(["CR-WEB", *row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(page, name, content: bytes, mime: str, *, background: bool):
    page.goto("/imports/")
    page.select_option("select[name=kind]", "enrolments")
    page.set_input_files(
        "input[type=file]", files=[{"name": name, "mimeType": mime, "buffer": content}]
    )
    switch = page.locator("input[name=background]")
    switch.check() if background else switch.uncheck()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/imports/\d+/$"))


def test_upload_enrolments_fix_the_rejected_rows_and_find_them(
    page, officer_user, run, database_tasks
):
    login(page, "centre")
    page.wait_for_url("**/")

    # The course run list links the upload page, with enrolments chosen, for
    # who may import them.
    page.goto("/training/course-runs/")
    page.locator(".page-head a[href='/imports/?kind=enrolments']").click()
    page.wait_for_url("**/imports/?kind=enrolments")
    expect(page.locator("select[name=kind]")).to_have_value("enrolments")

    upload(page, "inscripciones.xlsx", enrolments_xlsx(), XLSX, background=True)
    detail_url = page.url
    # Queued for the worker: the page shows the progress bar and polls.
    expect(page.locator("#import-progress progress")).to_be_visible()
    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.QUEUED
    assert not Enrolment.objects.exists()

    # Park the page elsewhere while the worker runs (SQLite's in-memory test
    # database is one connection shared with the live server).
    page.goto(f"/training/course-runs/{run.pk}/")
    expect(page.locator(".outcomes tr.total td").first).to_have_text("0")
    call_command("db_worker", "--batch", "--interval", "0", verbosity=0)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PARTIAL

    page.goto(detail_url)
    assert page.locator("#import-progress").count() == 0
    assert page.locator('[data-count="total"]').inner_text() == "5"
    assert page.locator('[data-count="created"]').inner_text() == "3"
    assert page.locator('[data-count="rejected"]').inner_text() == "2"
    errors = page.locator("table.import-errors tbody tr")
    assert errors.count() == 2
    assert [errors.nth(i).locator("td").first.inner_text() for i in range(2)] == [
        "5",
        "6",
    ]
    assert errors.nth(0).locator(".error-column").inner_text() == "person_id"
    # The national ID is never echoed back on the page.
    assert BAD_ID not in page.content()
    assert errors.nth(1).locator(".error-column").inner_text() == "completion_date"

    with page.expect_download() as download_info:
        page.locator("a[href$='/bad-rows.csv']").click()
    download = download_info.value
    assert download.suggested_filename == "inscripciones-errors.csv"
    with open(download.path(), encoding="utf-8-sig") as fh:
        header, *bad = list(csv.reader(fh))
    assert header == [*HEADER, "errors"]
    assert [row[8] for row in bad] == ["Escobar", "Funes"]

    # Fix them as one would in Excel: the right DUI, the missing date.
    fixed = io.StringIO()
    writer = csv.writer(fixed, lineterminator="\r\n")
    writer.writerow(header)
    for row in bad:
        row = dict(zip(header, row, strict=True))
        if row["person_id"] == BAD_ID:
            row["person_id"] = GOOD_ID
        if not row["completion_date"]:
            row["completion_date"] = "30/06/2024"
        writer.writerow(row.values())
    upload(
        page,
        "inscripciones-errors.csv",
        fixed.getvalue().encode("utf-8-sig"),
        "text/csv",
        background=False,
    )
    assert page.locator("table.import-errors").count() == 0
    assert page.locator('[data-count="created"]').inner_text() == "2"
    assert page.locator('[data-count="rejected"]').inner_text() == "0"

    # The five enrolments are on the course run page, with their outcomes.
    page.goto("/training/course-runs/")
    page.locator("#results").get_by_role("link", name="CR-WEB").click()
    page.wait_for_url(f"**/training/course-runs/{run.pk}/")
    rows = page.locator("table.enrolments tbody tr")
    expect(rows).to_have_count(5)
    names = page.locator("table.enrolments").inner_text()
    for last_name in ("Torres", "Alvarado", "Bonilla", "Escobar", "Funes"):
        assert last_name in names
    total = page.locator(".outcomes tr.total td")
    # Enrolments, in progress, completed, certified, dropped out.
    assert [total.nth(i).inner_text() for i in range(5)] == ["5", "2", "2", "1", "0"]
    assert Enrolment.objects.filter(course_run=run).count() == 5
