"""Reads of import batches, with the visibility rule in one place: everyone
sees their own imports; national administrators see all of them."""

from django.db.models import QuerySet
from django.http import Http404

from semillero.accounts.permissions import is_admin
from semillero.core.models import ImportBatch

from .base import importer_classes


def import_batch_list(*, user) -> QuerySet[ImportBatch]:
    batches = ImportBatch.objects.select_related("user").defer("errors", "warnings")
    return batches if is_admin(user) else batches.filter(user=user)


def import_batch_get(*, user, pk: int) -> ImportBatch:
    batches = ImportBatch.objects.select_related("user")
    if not is_admin(user):
        batches = batches.filter(user=user)
    try:
        return batches.get(pk=pk)
    except ImportBatch.DoesNotExist:
        raise Http404 from None


def kind_label(kind: str) -> str:
    importer = importer_classes().get(kind)
    return str(importer.label) if importer else kind
