"""Forms of the registry pages. They parse and clean what a person typed; the
services validate and write. Model validation is left to the services, so a form
never half-applies itself to an instance and there is one set of rules."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from semillero.accounts.permissions import is_admin

from .models import Agreement, Instructor, Municipality, Organization, TrainingArea


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class ServiceFormMixin:
    """A ModelForm whose model checks happen in the service it feeds."""

    def _post_clean(self):
        # No construct_instance and no full_clean: the service does both.
        pass

    def add_service_errors(self, exc: ValidationError) -> None:
        """Show a service's ValidationError next to the fields; errors about fields
        the form does not show go on top of the form."""
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc)
            return
        for field, errors in exc.error_dict.items():
            target = field if field in self.fields else None
            if field == NON_FIELD_ERRORS:
                target = None
            self.add_error(target, errors)

    def service_data(self) -> dict:
        """The cleaned value of every field the form shows, for the service."""
        return {name: self.cleaned_data[name] for name in self.fields}


class OrganizationForm(ServiceFormMixin, forms.ModelForm):
    class Meta:
        model = Organization
        fields = [
            "code",
            "name",
            "type",
            "tax_id",
            "department",
            "municipality",
            "isic_section",
            "employees",
            "levy_contributor",
            "email",
            "phone",
            "is_lead_institute",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        updating = self.instance.pk is not None
        if not is_admin(user):
            # Mirrors the service: only the administrator changes codes and the
            # lead institute.
            del self.fields["is_lead_institute"]
            if updating:
                del self.fields["code"]
        self.fields["isic_section"].widget.attrs.update(
            {"maxlength": 1, "pattern": "[A-Ua-u]", "class": "short"}
        )
        self.fields["employees"].widget.attrs["min"] = 0
        department = self.fields["department"]
        department.widget.attrs.update(
            {
                # Choosing a department reloads the municipalities it has.
                "hx-get": reverse_lazy("registry:municipality_options"),
                "hx-target": "#id_municipality",
                "hx-trigger": "change",
            }
        )
        department_id = self.data.get("department") or self.initial.get("department")
        if not department_id and updating:
            department_id = self.instance.department_id
        if department_id and str(department_id).isdigit():
            self.fields["municipality"].queryset = Municipality.objects.filter(
                department_id=department_id
            )


class OrganizationRenameForm(forms.Form):
    name = forms.CharField(label=_("New name"), max_length=255)
    acronym = forms.CharField(label=_("Acronym"), max_length=30, required=False)
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput())
    note = forms.CharField(
        label=_("Note"),
        max_length=255,
        required=False,
        help_text=_("For example, the law or decree behind the change."),
    )
    previous_name_valid_from = forms.DateField(
        label=_("The current name is valid since"),
        widget=DateInput(),
        required=False,
        help_text=_("The organization has no name history yet: this records it."),
    )

    def __init__(self, *args, has_history: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if has_history:
            del self.fields["previous_name_valid_from"]

    add_service_errors = ServiceFormMixin.add_service_errors


class AgreementForm(ServiceFormMixin, forms.ModelForm):
    parties = forms.ModelMultipleChoiceField(
        label=_("Parties"),
        queryset=Organization.objects.order_by("name"),
        help_text=_("At least two. Hold Ctrl (or ⌘) to choose several."),
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )

    class Meta:
        model = Agreement
        fields = [
            "code",
            "title",
            "type",
            "status",
            "start_date",
            "end_date",
            "parties",
        ]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None and not self.is_bound and user.organization_id:
            self.initial.setdefault("parties", [user.organization_id])
        if self.instance.pk is not None and not is_admin(user):
            del self.fields["code"]


class InstructorForm(ServiceFormMixin, forms.ModelForm):
    training_areas = forms.ModelMultipleChoiceField(
        label=_("Training areas"),
        queryset=TrainingArea.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Instructor
        fields = [
            "organization",
            "code",
            "first_name",
            "last_name",
            "sex",
            "email",
            "phone",
            "training_areas",
            "certifications",
            "active",
        ]
        widgets = {"certifications": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.order_by("name")
        if not is_admin(user):
            # A data officer keeps instructors in its own organization.
            del self.fields["organization"]
