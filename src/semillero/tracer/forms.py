"""Forms of tracer studies: defining a study, and the questionnaire's steps."""

from django import forms
from django.utils.translation import gettext_lazy as _

from semillero.registry.forms import ServiceFormMixin
from semillero.registry.models import Classification, ClassificationItem

from .models import WORKING, EmploymentStatus, IncomeBand, TracerStudy

SCALE = [(str(i), str(i)) for i in range(1, 6)]


class StudyForm(ServiceFormMixin, forms.ModelForm):
    seed = forms.IntegerField(
        label=_("Random seed"),
        required=False,
        min_value=1,
        help_text=_(
            "Leave empty for a new random one; the same seed draws the same sample."
        ),
    )

    class Meta:
        model = TracerStudy
        fields = [
            "name",
            "cohort_year",
            "followup_months",
            "margin_of_error",
            "questionnaire_version",
            "seed",
        ]


# -- the questionnaire -----------------------------------------------------------------
# Each step is a small form saved when the person moves on; the person may leave and
# come back through the same link. Optional answers may stay empty ("prefer not to
# say"); only the work question is needed to send.


class StatusStep(forms.Form):
    employment_status = forms.ChoiceField(
        label=_("Last week, what was your main situation?"),
        choices=[
            (EmploymentStatus.EMPLOYED, _("I worked for an employer (employee)")),
            (
                EmploymentStatus.SELF_EMPLOYED,
                _("I worked on my own or had my business"),
            ),
            (EmploymentStatus.UNEMPLOYED, _("I had no work and was looking for work")),
            (EmploymentStatus.STUDYING, _("I was studying")),
            (EmploymentStatus.INACTIVE, _("I was not working nor looking for work")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose one option.")},
    )


def _isco_items():
    return ClassificationItem.objects.filter(
        classification=Classification.ISCO08
    ).order_by("code")


def occupation_label(item) -> str:
    return f"{item.code} — {item.name}"


class JobStep(forms.Form):
    formal = forms.ChoiceField(
        label=_("Does your employer pay your social security (ISSS)?"),
        choices=[("yes", _("Yes")), ("no", _("No")), ("", _("I don't know"))],
        widget=forms.RadioSelect,
        required=False,
    )
    occupation = forms.CharField(
        label=_("What is your occupation?"),
        help_text=_(
            "Type a word (for example «electricista», «ventas») and choose from the list."
        ),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"list": "occupations", "autocomplete": "off"}),
    )
    income_band = forms.ChoiceField(
        label=_("How much do you earn in a month?"),
        choices=IncomeBand.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    job_related = forms.ChoiceField(
        label=_("How related is your work to the course? (1 = nothing, 5 = fully)"),
        choices=SCALE,
        widget=forms.RadioSelect,
        required=False,
    )
    competencies_used = forms.ChoiceField(
        label=_(
            "How much do you use in your work what you learned? (1 = nothing, 5 = a lot)"
        ),
        choices=SCALE,
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(self, *args, self_employed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if self_employed:
            self.fields["formal"].label = _(
                "Is your business registered (e.g. with the Ministry of Finance or the municipality)?"
            )
        self.occupations = list(_isco_items())

    def clean_occupation(self):
        text = self.cleaned_data["occupation"].strip()
        if not text:
            return ""
        code = text.split("—")[0].strip()
        for item in self.occupations:
            if (
                item.code == code
                or occupation_label(item).casefold() == text.casefold()
            ):
                return item.code
        raise forms.ValidationError(
            _("Choose an occupation from the list, or leave it empty.")
        )

    def answers(self) -> dict:
        data = self.cleaned_data
        return {
            "formal": {"yes": True, "no": False}.get(data["formal"]),
            "isco_code": data["occupation"],
            "income_band": data["income_band"],
            "job_related": int(data["job_related"]) if data["job_related"] else None,
            "competencies_used": (
                int(data["competencies_used"]) if data["competencies_used"] else None
            ),
        }

    @staticmethod
    def initial_from(response) -> dict:
        occupation = ""
        if response.isco_code:
            item = _isco_items().filter(code=response.isco_code).first()
            occupation = occupation_label(item) if item else response.isco_code
        return {
            "formal": {True: "yes", False: "no"}.get(response.formal, ""),
            "occupation": occupation,
            "income_band": response.income_band,
            "job_related": str(response.job_related or ""),
            "competencies_used": str(response.competencies_used or ""),
        }


class PathStep(forms.Form):
    months_to_first_job = forms.IntegerField(
        label=_(
            "After the course, how many months did it take you to get your first job?"
        ),
        help_text=_(
            "0 if you already had it or found it within the month. Leave empty if you have not worked since."
        ),
        required=False,
        min_value=0,
        max_value=120,
    )
    satisfaction = forms.ChoiceField(
        label=_("How satisfied are you with the course? (1 = not at all, 5 = very)"),
        choices=SCALE,
        widget=forms.RadioSelect,
        required=False,
    )

    def answers(self) -> dict:
        data = self.cleaned_data
        return {
            "months_to_first_job": data["months_to_first_job"],
            "satisfaction": int(data["satisfaction"]) if data["satisfaction"] else None,
        }


def is_working(response) -> bool:
    return response.employment_status in WORKING
