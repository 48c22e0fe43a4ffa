"""What can go wrong in an import: the whole file, or one value of one row."""

from dataclasses import dataclass

from django.utils.translation import gettext as _


class ImportFileError(Exception):
    """The file cannot be used at all (unreadable, a required column missing,
    too large, not CSV/XLSX). Nothing is written."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InvalidValue(ValueError):
    """Raised by a value parser; `message` completes the sentence
    `row N: column "value" …` (e.g. "is not a valid date")."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RowError:
    """One rejected value. `row` is the spreadsheet line (the header is line 1)."""

    row: int
    column: str
    value: str
    message: str

    def describe(self) -> str:
        """The error without its row number, as the `errors` column shows it."""
        if self.value:
            return _('%(column)s "%(value)s" %(message)s') % {
                "column": self.column,
                "value": self.value,
                "message": self.message,
            }
        return _("%(column)s %(message)s") % {
            "column": self.column,
            "message": self.message,
        }

    def __str__(self) -> str:
        return _("row %(row)d: %(error)s") % {"row": self.row, "error": self.describe()}

    def as_dict(self) -> dict:
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }
