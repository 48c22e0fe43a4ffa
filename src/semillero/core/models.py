"""Shared models: the record of every bulk import."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _


def import_upload_path(batch, file_name: str) -> str:
    # A random prefix: two uploads of "centros.xlsx" the same day must not collide.
    name = get_valid_filename(PurePath(file_name).name) or "upload"
    return f"imports/{timezone.now():%Y/%m}/{uuid.uuid4().hex[:12]}-{name}"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    PARTIAL = "partial", _("Partly imported")
    FAILED = "failed", _("Failed")


class ImportMode(models.TextChoices):
    VALID_ROWS = "valid_rows", _("Store every valid row")
    ALL_OR_NOTHING = "all_or_nothing", _("All or nothing")


class ImportBatch(models.Model):
    """One uploaded file and what became of it.

    `errors` holds {row, column, value, message} dicts (messages already in the
    language of the person who imported); at most MAX_ERRORS_KEPT of them,
    `error_count` says how many there were. The bad-rows file has all of them.
    """

    MAX_ERRORS_KEPT = 10_000

    kind = models.CharField(_("kind"), max_length=40, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_batches",
        verbose_name=_("user"),
    )
    file = models.FileField(_("file"), upload_to=import_upload_path, max_length=255)
    file_name = models.CharField(_("file name"), max_length=255)
    file_size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ImportStatus.choices,
        default=ImportStatus.QUEUED,
    )
    mode = models.CharField(
        _("mode"),
        max_length=20,
        choices=ImportMode.choices,
        default=ImportMode.VALID_ROWS,
    )
    language = models.CharField(_("language"), max_length=10, blank=True)
    # The one-time token of the upload form: a second submit of the same form
    # finds this batch instead of creating another.
    form_token = models.CharField(max_length=64, blank=True)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_created = models.PositiveIntegerField(_("created"), default=0)
    rows_updated = models.PositiveIntegerField(_("updated"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rows_rejected = models.PositiveIntegerField(_("rejected"), default=0)
    file_error = models.TextField(_("file error"), blank=True)
    errors = models.JSONField(_("row errors"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("number of errors"), default=0)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    # Warnings about single rows that were stored all the same (e.g. an unusual
    # age): {row, column, value, message} dicts, the first
    # engine.MAX_ROW_WARNINGS_KEPT of them; `rows_warned` counts every row.
    row_warnings = models.JSONField(_("row warnings"), default=list, blank=True)
    rows_warned = models.PositiveIntegerField(_("rows with warnings"), default=0)
    bad_rows_file = models.FileField(
        _("bad rows"), upload_to=import_upload_path, max_length=255, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "form_token"],
                condition=~Q(form_token=""),
                name="one_import_per_form_token",
            )
        ]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self):
        return f"{self.kind} {self.file_name} ({self.get_status_display()})"

    @property
    def all_or_nothing(self) -> bool:
        return self.mode == ImportMode.ALL_OR_NOTHING

    @property
    def is_finished(self) -> bool:
        return self.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING)

    @property
    def rows_accepted(self) -> int:
        return self.rows_created + self.rows_updated + self.rows_unchanged
