"""The form editors fill in for an entry. It parses what a person typed (one
parameter per line as `name: value`, one source per line as `address title`);
the services validate and write."""

import re

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from semillero.plans.models import Objective

from .models import Entry, EntryKind, InstrumentType, Trend
from .services import snapshot


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class EntryForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=EntryKind.choices)
    name = forms.CharField(label=_("Name"), max_length=300)
    slug = forms.SlugField(
        label=_("Identifier"),
        max_length=100,
        required=False,
        help_text=_("Used in addresses and files; empty: made from the name."),
    )
    country = forms.CharField(
        label=_("Country"),
        max_length=3,
        help_text=_("ISO 3166-1 code (e.g. SV, CO) or INT for international bodies"),
    )
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2100)
    amendment_years = forms.CharField(
        label=_("Amendments"),
        required=False,
        help_text=_("Years of later amendments, separated by commas."),
    )
    instrument_type = forms.ChoiceField(
        label=_("Type"),
        choices=[("", "—"), *InstrumentType.choices],
        required=False,
    )
    trends = forms.MultipleChoiceField(
        label=_("Trends it addresses"),
        choices=Trend.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    parameters = forms.CharField(
        label=_("Key parameters"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One per line as name: value, e.g. rate: 1 % de la planilla. Names "
            "compared across entries: rate, base, firm_size_threshold, "
            "collected_by, administered_by, allocation, amount, eligibility."
        ),
    )
    summary = forms.CharField(
        label=_("Summary"), widget=forms.Textarea(attrs={"rows": 5})
    )
    sources = forms.CharField(
        label=_("Sources"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: the address, then a title if you like."),
    )
    last_checked = forms.DateField(
        label=_("Last checked"), required=False, widget=DateInput()
    )
    links = forms.MultipleChoiceField(
        label=_("Related entries"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    objectives = forms.ModelMultipleChoiceField(
        label=_("Plan objectives it serves"),
        queryset=Objective.objects.select_related("axis__plan").order_by(
            "axis__plan__start_year", "axis__code", "code"
        ),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    note = forms.CharField(
        label=_("What changed and why"),
        max_length=300,
        required=False,
        help_text=_("Kept with the revision."),
    )

    def __init__(self, *args, entry: Entry | None = None, **kwargs):
        if entry is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(entry)
        super().__init__(*args, **kwargs)
        others = Entry.objects.order_by("name")
        if entry is not None:
            others = others.exclude(pk=entry.pk)
        self.fields["links"].choices = [
            (e.slug, f"{e.name} ({e.country}, {e.year})") for e in others
        ]

    @staticmethod
    def initial_from(entry: Entry) -> dict:
        data = snapshot(entry)
        data["amendment_years"] = ", ".join(str(y) for y in entry.amendment_years)
        data["parameters"] = "\n".join(f"{k}: {v}" for k, v in entry.parameters.items())
        data["sources"] = "\n".join(
            f"{s['url']} {s.get('title', '')}".strip() for s in entry.sources
        )
        data["last_checked"] = entry.last_checked
        data["objectives"] = data["objectives"]
        return data

    def clean_amendment_years(self):
        text = self.cleaned_data["amendment_years"]
        years = [p.strip() for p in re.split(r"[,;\s]+", text) if p.strip()]
        if any(not y.isdigit() for y in years):
            raise ValidationError(
                _("Write years separated by commas, e.g. 2005, 2020.")
            )
        return [int(y) for y in years]

    def clean_parameters(self):
        parameters = {}
        for line in self.cleaned_data["parameters"].splitlines():
            if not line.strip():
                continue
            name, sep, value = line.partition(":")
            if not sep:
                raise ValidationError(
                    _("Write each parameter as name: value (line “%(line)s”).")
                    % {"line": line.strip()}
                )
            parameters[name.strip().lower().replace(" ", "_")] = value.strip()
        return parameters

    def clean_sources(self):
        sources = []
        for line in self.cleaned_data["sources"].splitlines():
            if line.strip():
                url, _sep, title = line.strip().partition(" ")
                sources.append({"url": url, "title": title.strip()})
        return sources

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "note"}
        data["country"] = data["country"].upper()
        data["objectives"] = [o.pk for o in data["objectives"]]
        return data

    def add_service_errors(self, exc: ValidationError) -> None:
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc)
            return
        for name, errors in exc.error_dict.items():
            target = name if name in self.fields and name != NON_FIELD_ERRORS else None
            self.add_error(target, errors)


class CatalogueImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("The catalogue as exported: JSON, or CSV with the same columns."),
    )
    note = forms.CharField(
        label=_("What changed and why"),
        max_length=300,
        required=False,
        help_text=_("Kept with the revision of each entry the file changes."),
    )
