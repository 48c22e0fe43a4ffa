"""Forms of the quality pages. They parse what a person typed; the services validate
and write (the registry's `ServiceFormMixin`: one set of rules, in the services).

Audits are entered with their findings, and facilities with their equipment, as
inline formsets; a service error about the n-th finding or item ("findings-2-due_date")
is shown next to that row's field (`add_service_errors`).
"""

import re

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from semillero.accounts.models import User
from semillero.accounts.permissions import is_admin
from semillero.registry.forms import DateInput, ServiceFormMixin
from semillero.registry.models import (
    Instructor,
    Municipality,
    Organization,
    OrganizationType,
    TrainingArea,
)
from semillero.training.models import Programme

from .models import (
    Accreditation,
    EquipmentCondition,
    Facility,
    Finding,
    FindingSeverity,
    FindingStatus,
    ProgrammeAccreditation,
    QualityAudit,
)
from .services import AUDITOR_ROLES

ROW_ERROR = re.compile(r"^(?P<prefix>findings|equipment)-(?P<n>\d+)-(?P<field>\w+)$")


def _centres():
    return Organization.objects.filter(type=OrganizationType.TRAINING_CENTRE).order_by(
        "name"
    )


class AccreditationForm(ServiceFormMixin, forms.ModelForm):
    class Meta:
        model = Accreditation
        fields = [
            "organization",
            "status",
            "scope",
            "valid_from",
            "valid_until",
            "decision_reference",
        ]
        widgets = {
            "valid_from": DateInput(),
            "valid_until": DateInput(),
            "scope": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            # A record belongs to its centre: another centre's is a new record.
            del self.fields["organization"]
        else:
            self.fields["organization"].queryset = _centres()


class ProgrammeAccreditationForm(ServiceFormMixin, forms.ModelForm):
    class Meta:
        model = ProgrammeAccreditation
        fields = [
            "organization",
            "programme",
            "status",
            "valid_from",
            "valid_until",
            "decision_reference",
        ]
        widgets = {"valid_from": DateInput(), "valid_until": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            del self.fields["organization"]
            del self.fields["programme"]
        else:
            self.fields["organization"].queryset = _centres()
            self.fields["programme"].queryset = Programme.objects.order_by("name")


class AuditorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        name = obj.get_full_name()
        return f"{obj.username} ({name})" if name else obj.username


class AuditForm(ServiceFormMixin, forms.ModelForm):
    auditor = AuditorChoiceField(
        label=_("Auditor"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("A member of the institute's staff."),
    )

    class Meta:
        model = QualityAudit
        fields = ["organization", "audit_date", "type", "auditor", "result", "summary"]
        widgets = {
            "audit_date": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["auditor"].queryset = User.objects.filter(
            is_active=True, role__in=AUDITOR_ROLES
        ).order_by("username")
        if self.instance.pk is not None:
            del self.fields["organization"]
        else:
            self.fields["organization"].queryset = Organization.objects.order_by("name")
        self.fields["result"].help_text = _("Leave empty while the report is pending.")


class FindingForm(forms.ModelForm):
    """A finding of a new audit (one row of the inline formset)."""

    class Meta:
        model = Finding
        fields = ["severity", "description", "required_action", "due_date"]
        widgets = {
            "due_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 2}),
            "required_action": forms.Textarea(attrs={"rows": 2}),
        }

    def _post_clean(self):
        pass  # validated by the service

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["severity"].choices = [("", "---------"), *FindingSeverity.choices]


class BaseFindingFormSet(forms.BaseFormSet):
    def rows(self) -> list[tuple[forms.Form, dict]]:
        """The rows a person filled in (empty extra rows are left out)."""
        return [
            (form, form.cleaned_data)
            for form in self.forms
            if form.has_changed() and form.cleaned_data
        ]


FindingFormSet = forms.formset_factory(
    FindingForm, formset=BaseFindingFormSet, extra=3, max_num=50, validate_max=True
)


class FindingEditForm(ServiceFormMixin, forms.ModelForm):
    """Every field of a finding: for the institute."""

    class Meta:
        model = Finding
        fields = [
            "severity",
            "description",
            "required_action",
            "due_date",
            "status",
            "closing_note",
            "closed_on",
        ]
        widgets = {
            "due_date": DateInput(),
            "closed_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "required_action": forms.Textarea(attrs={"rows": 3}),
            "closing_note": forms.Textarea(attrs={"rows": 3}),
        }


class FindingFollowUpForm(ServiceFormMixin, forms.ModelForm):
    """The follow-up the audited organization records: the institute closes."""

    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (FindingStatus.OPEN, FindingStatus.OPEN.label),
            (FindingStatus.IN_PROGRESS, FindingStatus.IN_PROGRESS.label),
        ],
    )

    class Meta:
        model = Finding
        fields = ["status", "closing_note"]
        widgets = {"closing_note": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["closing_note"].help_text = _(
            "What your organization did about it. The institute reads it and "
            "closes the finding."
        )


class InstructorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} · {obj.last_name}, {obj.first_name}"


class FacilityForm(ServiceFormMixin, forms.ModelForm):
    training_areas = forms.ModelMultipleChoiceField(
        label=_("Training areas served"),
        queryset=TrainingArea.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    instructors = InstructorChoiceField(
        label=_("Specialised instructors"),
        queryset=Instructor.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Instructors of the organization who work in this facility."),
    )

    class Meta:
        model = Facility
        fields = [
            "organization",
            "name",
            "kind",
            "training_areas",
            "department",
            "municipality",
            "capacity",
            "available_to_share",
            "contact_note",
            "instructors",
        ]
        widgets = {"contact_note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, organization=None, show_instructors=True, **kwargs):
        super().__init__(*args, **kwargs)
        updating = self.instance.pk is not None
        if updating or not is_admin(user):
            # Facilities stay with their organization; officers register their own.
            del self.fields["organization"]
        else:
            self.fields["organization"].queryset = Organization.objects.order_by("name")
        owner = self.instance.organization_id if updating else organization
        owner = getattr(owner, "pk", owner)
        if show_instructors and owner:
            self.fields["instructors"].queryset = Instructor.objects.filter(
                organization_id=owner
            ).order_by("last_name", "first_name")
        if not (show_instructors and owner):
            del self.fields["instructors"]
        self.fields["capacity"].widget.attrs["min"] = 1
        self.fields["department"].widget.attrs.update(
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


class EquipmentForm(forms.Form):
    item = forms.CharField(label=_("Item"), max_length=200)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, initial=1)
    condition = forms.ChoiceField(
        label=_("Condition"),
        choices=EquipmentCondition.choices,
        initial=EquipmentCondition.GOOD,
    )

    def has_changed(self) -> bool:
        if self.initial:  # an item already listed
            return super().has_changed()
        # A new row without an item is an empty row, whatever its quantity says:
        # the extra rows arrive with their initial quantity and condition.
        return bool((self["item"].value() or "").strip())


class BaseEquipmentFormSet(forms.BaseFormSet):
    def rows(self) -> list[tuple[forms.Form, dict]]:
        """The items kept: filled in and not marked for removal."""
        return [
            (form, form.cleaned_data)
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


EquipmentFormSet = forms.formset_factory(
    EquipmentForm,
    formset=BaseEquipmentFormSet,
    extra=3,
    can_delete=True,
    max_num=200,
    validate_max=True,
)


def add_service_errors(form, rows_by_prefix: dict, exc: ValidationError) -> None:
    """Show a service's errors: on the main form, or on the n-th submitted row of
    a formset ("findings-0-due_date" → first finding row's due date)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for key, errors in exc.error_dict.items():
        match = ROW_ERROR.match(key)
        if match:
            rows = rows_by_prefix.get(match["prefix"], [])
            n = int(match["n"])
            if n < len(rows):
                row = rows[n]
                field = match["field"] if match["field"] in row.fields else None
                row.add_error(field, errors)
                continue
            form.add_error(None, errors)
            continue
        target = key if key in form.fields and key != NON_FIELD_ERRORS else None
        form.add_error(target, errors)
