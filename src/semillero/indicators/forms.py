from django import forms
from django.utils.translation import gettext_lazy as _

from semillero.registry.models import Department, Organization, TrainingArea
from semillero.training.models import CourseRun, Modality


class DashboardFilterForm(forms.Form):
    """The dashboard's filters. Choices are codes, as the indicators use them;
    an unknown value is an error, shown next to its field."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    department = forms.ChoiceField(label=_("Department"), required=False)
    modality = forms.ChoiceField(label=_("Modality"), required=False)
    training_area = forms.ChoiceField(label=_("Training area"), required=False)
    provider = forms.ChoiceField(label=_("Training centre"), required=False)

    def __init__(self, data, *, years, with_provider=True):
        super().__init__(data)
        any_ = [("", _("All"))]
        self.fields["year"].choices = [(y, str(y)) for y in years]
        self.fields["department"].choices = any_ + list(
            Department.objects.order_by("name").values_list("code", "name")
        )
        self.fields["modality"].choices = any_ + list(Modality.choices)
        self.fields["training_area"].choices = any_ + list(
            TrainingArea.objects.order_by("name").values_list("code", "name")
        )
        if with_provider:
            # The organizations that have trained someone, not every company.
            providers = CourseRun.objects.values("provider_id")
            self.fields["provider"].choices = any_ + list(
                Organization.objects.filter(pk__in=providers)
                .order_by("name")
                .values_list("code", "name")
            )
        else:
            del self.fields["provider"]

    def filters(self) -> dict[str, str]:
        """The chosen filters (only those set), after `is_valid()`."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name != "year" and value
        }
