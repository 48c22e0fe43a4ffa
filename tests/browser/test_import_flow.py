"""A data officer imports organizations from a spreadsheet, fixes the rejected
row from the downloaded bad-rows file, uploads it again and finds the record."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = "codigo;nombre;tipo;departamento;municipio;contribuyente"
GOOD = "BR-1;Centro Navegador;training_centre;San Salvador;San Salvador Centro;sí"
BAD = "BR-2;Empresa Navegadora;ong;La Libertad;;no"


def upload(page, name, content: bytes):
    page.goto("/imports/")
    page.select_option("select[name=kind]", "organizations")
    page.set_input_files(
        "input[type=file]",
        files=[{"name": name, "mimeType": "text/csv", "buffer": content}],
    )
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/imports/\d+/$"))


def test_import_fix_the_bad_row_and_find_the_organization(page, officer_user):
    """Upload, read the error, download and fix the bad row, upload it, find the record."""
    login(page, "centre")
    page.wait_for_url("**/")

    # Semicolons and Windows-1252, as Excel in Spanish saves a CSV.
    upload(page, "centros.csv", f"{HEADER}\r\n{GOOD}\r\n{BAD}\r\n".encode("cp1252"))
    errors = page.locator("table.import-errors tbody tr")
    assert errors.count() == 1
    error = errors.first
    assert error.locator("td").first.inner_text() == "3"
    assert error.locator(".error-column").inner_text() == "tipo"
    assert error.locator(".error-value").inner_text() == "ong"
    # The message lists the valid types, in whatever language is active.
    assert "training_centre, company" in error.locator(".error-message").inner_text()
    assert page.locator('[data-count="created"]').inner_text() == "1"

    with page.expect_download() as download_info:
        page.locator("a[href$='/bad-rows.csv']").click()
    download = download_info.value
    assert download.suggested_filename == "centros-errors.csv"
    with open(download.path(), encoding="utf-8-sig") as fh:
        bad_rows = fh.read()
    assert "errors" in bad_rows.splitlines()[0]
    assert "BR-2" in bad_rows

    upload(page, "centros-errors.csv", bad_rows.replace(",ong,", ",company,").encode())
    assert page.locator("table.import-errors").count() == 0
    assert page.locator('[data-count="created"]').inner_text() == "1"
    assert page.locator(".import-warnings").count() == 0

    page.goto("/registry/organizations/?q=BR-2")
    assert page.locator("#results").get_by_text("Empresa Navegadora").is_visible()


def test_the_progress_bar_follows_a_background_import_until_it_ends(page, officer_user):
    """htmx polls every second (under the CSP) and reloads the page at the end."""
    from semillero.core.importing.progress import progress_set
    from semillero.core.models import ImportBatch, ImportStatus

    batch = ImportBatch.objects.create(
        kind="organizations",
        user=officer_user,
        file_name="grande.csv",
        status=ImportStatus.RUNNING,
    )
    progress_set(batch.pk, "validating", 10, 100)
    login(page, "centre")
    page.wait_for_url("**/")
    page.goto(f"/imports/{batch.pk}/")
    bar = page.locator("#import-progress progress")
    assert bar.get_attribute("value") == "10"

    progress_set(batch.pk, "storing", 60, 100)
    expect(bar).to_have_attribute("value", "60")

    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportStatus.SUCCEEDED, rows_total=100, rows_created=100
    )
    page.locator('[data-count="created"]').wait_for()
    assert page.locator("#import-progress").count() == 0
    assert page.locator('[data-count="created"]').inner_text() == "100"
