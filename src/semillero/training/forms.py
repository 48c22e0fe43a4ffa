"""Forms of the training pages. They parse and clean what a person typed; the
services validate and write (one set of rules, see registry.forms)."""

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from semillero.accounts.permissions import is_admin
from semillero.registry.forms import DateInput, ServiceFormMixin
from semillero.registry.models import (
    Department,
    Municipality,
    Organization,
    OrganizationType,
    TrainingArea,
)

from .models import (
    CompanyServiceRequest,
    CourseRun,
    EnrolmentStatus,
    LevyContribution,
    Programme,
)


class OrganizationCodeField(forms.CharField):
    """An organization of one type, typed by its code: there are thousands of
    companies, too many for a select."""

    def __init__(self, *, type: str, **kwargs):
        self.type = type
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, int):
            return (
                Organization.objects.filter(pk=value)
                .values_list("code", flat=True)
                .first()
            )
        return getattr(value, "code", value)

    def clean(self, value):
        code = super().clean(value)
        if not code:
            return None
        try:
            return Organization.objects.get(code=code, type=self.type)
        except Organization.DoesNotExist:
            raise forms.ValidationError(
                _("No organization of this type has the code %(code)s."),
                params={"code": code},
            ) from None


class CourseRunCodesField(forms.CharField):
    """Course runs by their codes, separated by commas or spaces."""

    def prepare_value(self, value):
        if isinstance(value, list | tuple) or hasattr(value, "all"):
            runs = value.all() if hasattr(value, "all") else value
            return ", ".join(
                getattr(run, "code", None)
                or CourseRun.objects.filter(pk=run)
                .values_list("code", flat=True)
                .first()
                for run in runs
            )
        return value

    def clean(self, value):
        text = super().clean(value) or ""
        codes = list(dict.fromkeys(text.replace(",", " ").split()))
        found = {run.code: run for run in CourseRun.objects.filter(code__in=codes)}
        unknown = [code for code in codes if code not in found]
        if unknown:
            raise forms.ValidationError(
                _("Unknown course run codes: %(codes)s."),
                params={"codes": ", ".join(unknown)},
            )
        return [found[code] for code in codes]


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m")


class ProgrammeForm(ServiceFormMixin, forms.ModelForm):
    class Meta:
        model = Programme
        fields = [
            "code",
            "name",
            "modality",
            "training_area",
            "isco_code",
            "hours",
            "delivery",
            "description",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "isco_code": _("ISCO-08 code of the target occupation, 1 to 4 digits."),
            "description": _("Shown in the public catalogue."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["training_area"].queryset = TrainingArea.objects.order_by("name")
        self.fields["hours"].widget.attrs["min"] = 1
        self.fields["isco_code"].widget.attrs.update(
            {"maxlength": 4, "pattern": "[0-9]{1,4}", "class": "short"}
        )


class CourseRunForm(ServiceFormMixin, forms.ModelForm):
    company = OrganizationCodeField(
        type=OrganizationType.COMPANY,
        label=_("Company (code)"),
        required=False,
        help_text=_("The code of the company whose workers this run trains, if any."),
    )

    class Meta:
        model = CourseRun
        fields = [
            "code",
            "programme",
            "provider",
            "company",
            "start_date",
            "end_date",
            "department",
            "municipality",
            "capacity",
            "cost_usd",
            "funding",
        ]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        updating = self.instance.pk is not None
        self.fields["programme"].queryset = Programme.objects.order_by("name")
        self.fields["provider"].queryset = Organization.objects.filter(
            type=OrganizationType.TRAINING_CENTRE
        ).order_by("name")
        self.fields["department"].queryset = Department.objects.order_by("name")
        self.fields["capacity"].widget.attrs["min"] = 1
        self.fields["cost_usd"].widget.attrs["min"] = 0
        if not is_admin(user):
            # A data officer registers its own organization's runs; only the
            # administrator changes codes (the key of every re-import).
            del self.fields["provider"]
            if updating:
                del self.fields["code"]
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
        municipalities = Municipality.objects.none()
        if department_id and str(department_id).isdigit():
            municipalities = Municipality.objects.filter(department_id=department_id)
        self.fields["municipality"].queryset = municipalities.order_by("name")


class EnrolmentStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"))
    completion_date = forms.DateField(
        label=_("Completion date"),
        required=False,
        widget=DateInput(),
        help_text=_("Required for completed and certified enrolments."),
    )

    def __init__(self, *args, allowed: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (value, label)
            for value, label in EnrolmentStatus.choices
            if value in allowed
        ]

    add_service_errors = ServiceFormMixin.add_service_errors


class ServiceRequestForm(ServiceFormMixin, forms.ModelForm):
    """A company's request: the administrator chooses the company, a company
    officer asks for its own."""

    company = OrganizationCodeField(
        type=OrganizationType.COMPANY, label=_("Company (code)")
    )

    class Meta:
        model = CompanyServiceRequest
        fields = ["company", "topic", "workers", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "topic": _("What your workers need to learn, e.g. industrial sewing."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workers"].widget.attrs["min"] = 1
        if not is_admin(user) or self.instance.pk is not None:
            del self.fields["company"]


class ServiceRequestAnswerForm(ServiceFormMixin, forms.ModelForm):
    """The institute's answer: the status and the course runs that serve it."""

    course_runs = CourseRunCodesField(
        label=_("Course runs"),
        required=False,
        help_text=_(
            "Codes of the course runs that serve this request, separated by commas."
        ),
    )

    class Meta:
        model = CompanyServiceRequest
        fields = ["status", "course_runs", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and not self.is_bound:
            self.initial["course_runs"] = list(self.instance.course_runs.all())


class LevyContributionForm(ServiceFormMixin, forms.ModelForm):
    period = forms.DateField(
        label=_("Month"),
        input_formats=["%Y-%m"],
        widget=MonthInput(),
        help_text=_("The month the contribution is for (YYYY-MM)."),
    )

    class Meta:
        model = LevyContribution
        fields = ["period", "amount_usd"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount_usd"].widget.attrs["min"] = 0
