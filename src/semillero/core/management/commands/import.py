"""`semillero import KIND FILE [--all-or-nothing] [--errors OUT.csv] [--user USERNAME]`

Exit status: 0 every row stored; 3 the file was processed but some rows were
rejected (listed on stderr, and in --errors); 2 the file could not be used
(unreadable, a required column missing, wrong type or size), nothing written;
1 anything else (unknown user, not allowed, unexpected error; nothing written).
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from semillero.core.importing import ImportFileError, RowError, importer_classes
from semillero.core.importing.services import import_file

EXIT_REJECTED_ROWS = 3
EXIT_UNUSABLE_FILE = 2


class Command(BaseCommand):
    help = (
        "Import a CSV or XLSX file (see data-formats.md). Exit status 0: every "
        "row stored; 3: some rows rejected; 2: the file could not be used."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(importer_classes()))
        parser.add_argument("file")
        parser.add_argument(
            "--all-or-nothing",
            action="store_true",
            help="Store nothing when any row is rejected.",
        )
        parser.add_argument(
            "--errors",
            metavar="OUT.csv",
            help="Write the rejected rows, with an `errors` column, to this file "
            "(only when rows are rejected).",
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="Import as this user, with its permissions (default: the system).",
        )

    def handle(self, *args, kind, file, all_or_nothing, errors, user, **options):
        actor = None
        if user:
            try:
                actor = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist:
                raise CommandError(
                    _("There is no user %(username)s.") % {"username": user}
                ) from None
        try:
            report = import_file(
                kind=kind, path=file, user=actor, all_or_nothing=all_or_nothing
            )
        except ImportFileError as exc:
            raise CommandError(exc.message, returncode=EXIT_UNUSABLE_FILE) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None

        batch = report.batch
        for warning in batch.warnings:
            self.stderr.write(_("warning: %(warning)s") % {"warning": warning})
        for warning in batch.row_warnings:
            self.stderr.write(
                _("warning: %(warning)s") % {"warning": RowError(**warning)}
            )
        if report.crashed:
            raise CommandError(batch.file_error)
        if batch.file_error:
            raise CommandError(batch.file_error, returncode=EXIT_UNUSABLE_FILE)
        for error in report.errors:
            self.stderr.write(str(error))
        if errors and batch.bad_rows_file:
            with batch.bad_rows_file.open("rb") as source:
                Path(errors).write_bytes(source.read())
        self.stdout.write(
            ngettext(
                "%(kind)s: %(rows)d row, %(created)d created, %(updated)d updated, "
                "%(unchanged)d unchanged, %(rejected)d rejected (import %(id)d).",
                "%(kind)s: %(rows)d rows, %(created)d created, %(updated)d updated, "
                "%(unchanged)d unchanged, %(rejected)d rejected (import %(id)d).",
                batch.rows_total,
            )
            % {
                "kind": kind,
                "rows": batch.rows_total,
                "created": batch.rows_created,
                "updated": batch.rows_updated,
                "unchanged": batch.rows_unchanged,
                "rejected": batch.rows_rejected,
                "id": batch.pk,
            }
        )
        if batch.rows_rejected:
            count = batch.rows_rejected
            if all_or_nothing:
                message = ngettext(
                    "%(count)d row rejected; all or nothing was asked, so nothing "
                    "was stored.",
                    "%(count)d rows rejected; all or nothing was asked, so nothing "
                    "was stored.",
                    count,
                ) % {"count": count}
            else:
                message = ngettext(
                    "%(count)d row rejected.", "%(count)d rows rejected.", count
                ) % {"count": count}
            raise CommandError(message, returncode=EXIT_REJECTED_ROWS)
