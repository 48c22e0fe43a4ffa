"""The upload form of the import page."""

import uuid

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from .errors import ImportFileError
from .services import check_upload


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What does the file contain?"))
    file = forms.FileField(
        label=_("File (CSV or Excel .xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
    )
    all_or_nothing = forms.BooleanField(
        required=False,
        label=_("All or nothing: store nothing if any row has an error"),
    )
    background = forms.BooleanField(
        required=False,
        label=_("Process in the background (you may leave the page)"),
    )
    # A new value each time the page is shown: a second submit of the same
    # page finds the import the first one created.
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, kinds: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (kind, importer.label) for kind, importer in kinds.items()
        ]
        if not self.is_bound:
            self.initial["token"] = uuid.uuid4().hex
        self.fields["file"].help_text = _(
            "At most %(max)s. Files above %(background)s are processed in the background."
        ) % {
            "max": filesizeformat(settings.IMPORT_MAX_FILE_BYTES),
            "background": filesizeformat(settings.IMPORT_BACKGROUND_BYTES),
        }

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            check_upload(file_name=upload.name, size=upload.size)
        except ImportFileError as exc:
            raise forms.ValidationError(exc.message) from None
        return upload
