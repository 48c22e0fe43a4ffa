"""The import pages: upload, result, progress, history, downloads."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from semillero.core.importing.progress import progress_set
from semillero.core.models import ImportBatch, ImportStatus
from semillero.registry.models import Organization

from .import_support import ORG_HEADER, csv_bytes, run_import

pytestmark = pytest.mark.django_db

GOOD = "W-1,Centro Web,training_centre,,SV-SS,,,,,,"
BAD = "W-2,Empresa Web,ngo,,SV-SS,,,,,,"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def officer(client, officer_user):
    client.force_login(officer_user)
    return client


def upload(client, data, name="orgs.csv", token="tok-1", **extra):
    fields = {
        "kind": "organizations",
        "file": SimpleUploadedFile(name, data, content_type="text/csv"),
        "token": token,
        **extra,
    }
    return client.post(reverse("imports:upload"), fields, HTTP_ACCEPT_LANGUAGE="en")


def test_the_upload_page_offers_the_kinds_the_user_may_import(officer):
    """Only importable kinds are offered, with templates and a one-time token."""
    response = officer.get(reverse("imports:upload"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="organizations"' in page
    assert 'value="municipalities"' not in page
    assert reverse("imports:template", args=["organizations", "xlsx"]) in page
    assert 'name="token"' in page
    assert 'enctype="multipart/form-data"' in page


def test_a_link_can_preselect_the_kind_of_file(officer):
    """?kind=enrolments selects that kind; a kind the user may not import is ignored."""
    page = officer.get(reverse("imports:upload") + "?kind=enrolments").content.decode()
    assert '<option value="enrolments" selected>' in page
    page = officer.get(
        reverse("imports:upload") + "?kind=municipalities"
    ).content.decode()
    assert "selected>" not in page.split('name="kind"')[1].split("</select>")[0]


def test_the_upload_page_is_in_spanish_by_default(officer):
    """Without a language choice the page is served in Spanish."""
    response = officer.get(reverse("imports:upload"))
    assert response.wsgi_request.LANGUAGE_CODE == "es"


def test_a_viewer_may_not_open_the_upload_page_or_post_a_file(client, viewer_user):
    """A viewer gets 403 on the page and on a post, and no import is created."""
    client.force_login(viewer_user)
    assert client.get(reverse("imports:upload")).status_code == 403
    assert upload(client, csv_bytes(ORG_HEADER, GOOD)).status_code == 403
    assert not ImportBatch.objects.exists()


def test_anonymous_users_are_sent_to_log_in(client):
    """The import pages need a login."""
    response = client.get(reverse("imports:upload"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_a_small_file_is_processed_in_the_request_and_the_result_shown(officer):
    """A small file is imported in the request; the result page shows counts and errors."""
    response = upload(officer, csv_bytes(ORG_HEADER, GOOD, BAD))
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:detail", args=[batch.pk])
    assert batch.status == ImportStatus.PARTIAL
    page = officer.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-count="created">1<' in page
    assert 'data-count="rejected">1<' in page
    assert "is not one of: training_centre" in page
    assert reverse("imports:bad_rows", args=[batch.pk]) in page


def test_submitting_the_same_form_twice_creates_one_import(officer):
    """The form's one-time token makes a double submit land on the first import."""
    first = upload(officer, csv_bytes(ORG_HEADER, GOOD))
    second = upload(officer, csv_bytes(ORG_HEADER, GOOD))
    assert ImportBatch.objects.count() == 1
    assert first["Location"] == second["Location"]


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("orgs.xls", b"code", "Only CSV and XLSX files can be imported."),
        ("orgs.csv", b"", "The submitted file is empty."),
    ],
)
def test_files_that_are_not_csv_or_xlsx_are_refused_with_a_message(
    officer, name, data, message
):
    """Wrong file types and empty files are refused on the form, nothing created."""
    response = upload(officer, data, name=name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_files_above_the_maximum_size_are_refused(officer, settings):
    """Files above IMPORT_MAX_FILE_BYTES are refused with the limit in the message."""
    settings.IMPORT_MAX_FILE_BYTES = 20
    response = upload(officer, csv_bytes(ORG_HEADER, GOOD))
    assert "The file is larger than the maximum of 20" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_large_files_go_to_the_background_task(
    officer, settings, django_capture_on_commit_callbacks
):
    """Above IMPORT_BACKGROUND_BYTES the request only queues the import; the
    task (run inline by the test backend) processes it."""
    settings.IMPORT_BACKGROUND_BYTES = 10
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        upload(officer, csv_bytes(ORG_HEADER, GOOD))
    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.QUEUED
    page = officer.get(reverse("imports:detail", args=[batch.pk])).content.decode()
    assert "<progress" in page
    assert 'hx-trigger="every 1s"' in page
    assert len(callbacks) == 1
    callbacks[0]()  # what the commit would do: enqueue, run by ImmediateBackend
    batch.refresh_from_db()
    assert batch.status == ImportStatus.SUCCEEDED
    assert Organization.objects.filter(code="W-1").exists()


def test_asking_for_the_background_queues_even_a_small_file(
    officer, django_capture_on_commit_callbacks
):
    """The background switch sends a small file to the task too."""
    with django_capture_on_commit_callbacks(execute=True):
        upload(officer, csv_bytes(ORG_HEADER, GOOD), background="on")
    assert ImportBatch.objects.get().status == ImportStatus.SUCCEEDED


def test_the_progress_bar_shows_the_phase_and_rows_done(officer, officer_user):
    """The polled fragment shows the phase and a <progress> of rows done."""
    batch = ImportBatch.objects.create(
        kind="organizations", user=officer_user, status=ImportStatus.RUNNING
    )
    progress_set(batch.pk, "storing", 500, 2000)
    url = reverse("imports:progress", args=[batch.pk])
    response = officer.get(url, HTTP_ACCEPT_LANGUAGE="en", HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert '<progress value="500" max="2000">' in page
    assert "Saving" in page
    assert f'hx-get="{url}"' in page


def test_the_progress_poll_reloads_the_page_once_the_import_is_done(
    officer, officer_user
):
    """When the import is over the poll asks htmx to reload the page."""
    batch = ImportBatch.objects.create(
        kind="organizations", user=officer_user, status=ImportStatus.SUCCEEDED
    )
    url = reverse("imports:progress", args=[batch.pk])
    assert officer.get(url, HTTP_HX_REQUEST="true")["HX-Refresh"] == "true"
    assert officer.get(url)["Location"] == reverse("imports:detail", args=[batch.pk])


def test_people_see_their_own_imports_and_administrators_see_all(
    client, officer_user, admin_user, other_centre
):
    """Imports are private to their author; national administrators see all."""
    from tests.factories import UserFactory

    mine = run_import("organizations", csv_bytes(ORG_HEADER, GOOD), user=officer_user)
    stranger = UserFactory(
        username="other", role="data_officer", organization=other_centre
    )
    theirs = run_import("organizations", csv_bytes(ORG_HEADER, GOOD), user=stranger)
    client.force_login(officer_user)
    assert (
        client.get(reverse("imports:detail", args=[theirs.batch.pk])).status_code == 404
    )
    listing = client.get(reverse("imports:list")).content.decode()
    assert reverse("imports:detail", args=[mine.batch.pk]) in listing
    assert reverse("imports:detail", args=[theirs.batch.pk]) not in listing
    client.force_login(admin_user)
    assert (
        client.get(reverse("imports:detail", args=[theirs.batch.pk])).status_code == 200
    )
    listing = client.get(reverse("imports:list")).content.decode()
    assert reverse("imports:detail", args=[theirs.batch.pk]) in listing


def test_row_errors_are_paginated(officer):
    """Row errors are shown 50 per page."""
    rows = [f"P-{i},Empresa {i},ngo,,SV-SS,,,,,," for i in range(60)]
    response = upload(officer, csv_bytes(ORG_HEADER, *rows))
    first = officer.get(
        response["Location"], HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    second = officer.get(
        response["Location"] + "?page=2", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert first.count('<td class="num">') == 50
    assert second.count('<td class="num">') == 10
    assert "Page 2 of 2" in second


def test_the_bad_rows_round_trip_through_the_pages(officer):
    """Download the rejected rows, fix them, upload that file: it is accepted."""
    response = upload(officer, csv_bytes(ORG_HEADER, GOOD, BAD))
    batch = ImportBatch.objects.get()
    download = officer.get(reverse("imports:bad_rows", args=[batch.pk]))
    assert download["Content-Disposition"] == 'attachment; filename="orgs-errors.csv"'
    content = b"".join(download.streaming_content)
    fixed = content.replace(b",ngo,", b",company,")
    response = upload(officer, fixed, name="orgs-errors.csv", token="tok-2")
    again = ImportBatch.objects.get(
        pk=int(response["Location"].rstrip("/").split("/")[-1])
    )
    assert again.status == ImportStatus.SUCCEEDED
    assert again.warnings == []
    assert Organization.objects.get(code="W-2").type == "company"


def test_templates_carry_the_canonical_header_and_instructions(officer):
    """Templates have the canonical header; the XLSX adds an instructions sheet."""
    csv_response = officer.get(
        reverse("imports:template", args=["organizations", "csv"])
    )
    assert csv_response.content.decode("utf-8-sig").strip() == ORG_HEADER
    xlsx_response = officer.get(
        reverse("imports:template", args=["organizations", "xlsx"]),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx_response.content))
    data, instructions = workbook.worksheets
    assert [c.value for c in data[1]] == ORG_HEADER.split(",")
    assert instructions.title == "Instructions"
    cells = [c.value for row in instructions.iter_rows() for c in row if c.value]
    assert "codigo" in cells and "department code (SV-SS) or name" not in cells
    assert any("ISO code (e.g. SV-SS)" in str(c) for c in cells)
    assert (
        officer.get(reverse("imports:template", args=["nothing", "csv"])).status_code
        == 404
    )
