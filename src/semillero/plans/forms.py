"""Forms of the plan pages: they parse what a person typed; services validate
and write (ServiceFormMixin: no model validation in the form)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from semillero.indicators import definitions as d
from semillero.registry.forms import ServiceFormMixin

from .models import Axis, Objective, Plan, PlanIndicator, Result


class PlanForm(ServiceFormMixin, forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["name", "kind", "start_year", "end_year"]


class CopyPlanForm(forms.Form):
    name = forms.CharField(label=_("Name of the new plan"), max_length=200)
    start_year = forms.IntegerField(
        label=_("First year"), min_value=2000, max_value=2100
    )
    end_year = forms.IntegerField(label=_("Last year"), min_value=2000, max_value=2100)

    def clean(self):
        data = super().clean()
        if data.get("start_year") and data.get("end_year"):
            if data["end_year"] < data["start_year"]:
                raise forms.ValidationError(_("The last year comes before the first."))
        return data


class AxisForm(ServiceFormMixin, forms.ModelForm):
    class Meta:
        model = Axis
        fields = ["code", "name"]


class ObjectiveForm(ServiceFormMixin, forms.ModelForm):
    class Meta:
        model = Objective
        fields = ["code", "name", "policy_axes"]
        widgets = {"policy_axes": forms.CheckboxSelectMultiple}


class ResultForm(ServiceFormMixin, forms.ModelForm):
    class Meta:
        model = Result
        fields = ["code", "name"]


def registry_choices():
    return [("", "—")] + [(i.code, f"{i.code} — {i.label_es}") for i in d.INDICATORS]


class IndicatorForm(ServiceFormMixin, forms.ModelForm):
    registry_code = forms.ChoiceField(
        label=_("Registry indicator"), choices=registry_choices, required=False
    )
    filters_text = forms.CharField(
        label=_("Fixed filters"),
        required=False,
        help_text=_(
            "One per line, dimension=code, e.g. modality=dual or department=SV-SS."
        ),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    class Meta:
        model = PlanIndicator
        fields = [
            "code",
            "name",
            "result",
            "definition",
            "unit",
            "direction",
            "accumulation",
            "source",
            "registry_code",
            "followup_months",
            "means_of_verification",
            "responsible_unit",
            "assumptions",
            "baseline_year",
            "baseline_value",
        ]

    def __init__(self, *args, objective, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result"].queryset = objective.results.all()
        self.fields["result"].required = False
        if self.instance.pk and self.instance.filters:
            self.initial["filters_text"] = "\n".join(
                f"{k}={v}" for k, v in self.instance.filters.items()
            )

    def clean_filters_text(self):
        filters = {}
        for line in self.cleaned_data["filters_text"].splitlines():
            line = line.strip()
            if not line:
                continue
            dim, sep, value = line.partition("=")
            if not sep or not dim.strip() or not value.strip():
                raise forms.ValidationError(
                    _("Write each filter as dimension=code: «%(line)s».")
                    % {"line": line}
                )
            filters[dim.strip()] = value.strip()
        return filters

    def apply(self, indicator: PlanIndicator) -> PlanIndicator:
        for name in self.Meta.fields:
            setattr(indicator, name, self.cleaned_data[name])
        indicator.registry_code = self.cleaned_data["registry_code"] or ""
        indicator.filters = self.cleaned_data["filters_text"]
        return indicator


class TargetsForm(forms.Form):
    """One target per year of the plan, and the reason of the change."""

    reason = forms.CharField(
        label=_("Why the targets change"), widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, years, current: dict, with_reason: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.years = list(years)
        for year in self.years:
            self.fields[f"y{year}"] = forms.DecimalField(
                label=str(year),
                required=False,
                max_digits=16,
                decimal_places=6,
                initial=current.get(year),
            )
        if not with_reason:
            del self.fields["reason"]

    def targets(self) -> dict:
        return {
            year: self.cleaned_data[f"y{year}"]
            for year in self.years
            if self.cleaned_data.get(f"y{year}") is not None
        }


class ActualForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    value = forms.DecimalField(label=_("Value"), max_digits=16, decimal_places=6)
    evidence = forms.FileField(
        label=_("Evidence"),
        help_text=_("The document that shows the value (minutes, report…)."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, y) for y in years]


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=_("Review note"),
        required=False,
        help_text=_("Needed to reject."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class NarrativeForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    what_happened = forms.CharField(
        label=_("What happened"), widget=forms.Textarea(attrs={"rows": 3})
    )
    next_steps = forms.CharField(
        label=_("What will be done"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, y) for y in years]
