from django import forms
from django.core.cache import cache
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

    def __init__(self, data, *, years, build=None, with_provider=True):
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
            self.fields["provider"].choices = any_ + _providers(build)
        else:
            del self.fields["provider"]

    def filters(self) -> dict[str, str]:
        """The chosen filters (only those set), after `is_valid()`."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name != "year" and value
        }


def _providers(build) -> list[tuple[str, str]]:
    """The organizations that gave course runs (not every company), cached per
    cube build: finding them reads every course run."""

    def read() -> list[tuple[str, str]]:
        providers = CourseRun.objects.values("provider_id")
        return list(
            Organization.objects.filter(pk__in=providers)
            .order_by("name")
            .values_list("code", "name")
        )

    key = f"indicators:providers:{build.pk if build else 0}"
    return cache.get_or_set(key, read, 24 * 3600)
