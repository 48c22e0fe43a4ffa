"""Helpers shared by the import tests: build files, run an import as a service."""

import codecs

from django.core.files.base import ContentFile

from semillero.core.importing.services import (
    ImportReport,
    import_batch_create,
    import_batch_process,
)

ORG_HEADER = (
    "code,name,type,tax_id,department,municipality,isic_section,employees,"
    "levy_contributor,email,phone"
)


def csv_bytes(*lines: str, sep: str = ",", encoding="utf-8", bom=False) -> bytes:
    """A CSV file from lines written with commas; `sep` swaps the separator."""
    text = "".join(line.replace(",", sep) + "\r\n" for line in lines)
    data = text.encode(encoding)
    return codecs.BOM_UTF8 + data if bom else data


def run_import(
    kind: str,
    data: bytes,
    *,
    name: str = "data.csv",
    user=None,
    all_or_nothing: bool = False,
    language: str = "en",
) -> ImportReport:
    """Create and process an import the way the pages and the CLI do."""
    batch, _created = import_batch_create(
        kind=kind,
        user=user,
        file=ContentFile(data, name=name),
        file_name=name,
        all_or_nothing=all_or_nothing,
        language=language,
    )
    return import_batch_process(batch=batch)


def messages(report: ImportReport) -> list[str]:
    from django.utils import translation

    with translation.override("en"):
        return [str(error) for error in report.errors]
