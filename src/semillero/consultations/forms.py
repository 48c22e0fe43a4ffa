"""Forms of consultations: the consultation and its groups, the builder,
invitations, the import, and the answering page's sections (built from the
questionnaire)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from semillero.registry.forms import ServiceFormMixin
from semillero.registry.models import OrganizationType

from .models import Consultation, Question, QuestionType
from .services import options_text, parse_options

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ConsultationForm(ServiceFormMixin, forms.ModelForm):
    class Meta:
        model = Consultation
        fields = ["title", "purpose", "opens_on", "closes_on"]
        widgets = {
            "opens_on": DATE,
            "closes_on": DATE,
            "purpose": forms.Textarea(attrs={"rows": 3}),
        }


class GroupForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40)
    name_es = forms.CharField(label=_("Name (Spanish)"), max_length=120)
    name_en = forms.CharField(label=_("Name (English)"), max_length=120, required=False)
    target = forms.IntegerField(label=_("Target number of answers"), min_value=0)


class SectionForm(forms.Form):
    title_es = forms.CharField(label=_("Section title (Spanish)"), max_length=200)
    title_en = forms.CharField(
        label=_("Section title (English)"), max_length=200, required=False
    )


class QuestionForm(ServiceFormMixin, forms.Form):
    section = forms.TypedChoiceField(label=_("Section"), coerce=int)
    code = forms.SlugField(
        label=_("Code"),
        max_length=40,
        help_text=_("The column of imported and exported files, e.g. coord_1."),
    )
    type = forms.ChoiceField(label=_("Type"), choices=QuestionType.choices)
    required = forms.BooleanField(label=_("Required"), required=False)
    text_es = forms.CharField(label=_("Question (Spanish)"), max_length=500)
    text_en = forms.CharField(
        label=_("Question (English)"), max_length=500, required=False
    )
    help_es = forms.CharField(label=_("Help (Spanish)"), max_length=300, required=False)
    help_en = forms.CharField(label=_("Help (English)"), max_length=300, required=False)
    options = forms.CharField(
        label=_("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            'One per line: "code | Spanish text | English text". For an agreement '
            "scale, leave empty for the usual labels, or write five lines coded 1 to 5."
        ),
    )

    def __init__(self, *args, sections, question: Question | None = None, **kwargs):
        if question is not None:
            kwargs.setdefault(
                "initial",
                {
                    "section": question.section_id,
                    "code": question.code,
                    "type": question.type,
                    "required": question.required,
                    "text_es": question.text_es,
                    "text_en": question.text_en,
                    "help_es": question.help_es,
                    "help_en": question.help_en,
                    "options": options_text(question.options),
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [(s.pk, s.title) for s in sections]

    def clean_options(self):
        from django.core.exceptions import ValidationError

        try:
            return parse_options(self.cleaned_data["options"])
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["options"]) from None


class InviteOrganizationsForm(forms.Form):
    group = forms.TypedChoiceField(label=_("Stakeholder group"), coerce=int)
    type = forms.ChoiceField(
        label=_("Organizations of the type"),
        choices=[("", "—"), *OrganizationType.choices],
        required=False,
    )
    codes = forms.CharField(
        label=_("Or these organization codes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One or more codes of the registry, separated by spaces or lines."),
    )

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [(g.pk, g.name) for g in groups]

    def clean(self):
        data = super().clean()
        if not data.get("type") and not data.get("codes", "").strip():
            raise forms.ValidationError(
                _("Choose a type of organization or write codes.")
            )
        return data


class InvitePeopleForm(forms.Form):
    """People to invite personally: typed or pasted, from a file of the same
    lines, or the instructors of organizations of the registry; at least one."""

    MAX_FILE_BYTES = 2 * 1024 * 1024

    group = forms.TypedChoiceField(label=_("Stakeholder group"), coerce=int)
    people = forms.CharField(
        label=_("People"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "One person a line: name and e-mail address, typed or pasted from a "
            "spreadsheet."
        ),
    )
    people_file = forms.FileField(
        label=_("Or a list of people (CSV or text file)"),
        required=False,
        help_text=_("The same lines: a name and an e-mail address on each."),
    )
    instructors_of = forms.CharField(
        label=_("Or the instructors of these organizations"),
        required=False,
        help_text=_(
            "Codes of the registry, separated by spaces: their instructors with an "
            "e-mail address are invited."
        ),
    )

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [(g.pk, g.name) for g in groups]

    def clean_people_file(self):
        upload = self.cleaned_data.get("people_file")
        if not upload:
            return ""
        if upload.size > self.MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is too large."))
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(_("The file is not UTF-8 text.")) from exc
        lines = text.splitlines()
        if lines and "@" not in lines[0]:
            lines = lines[1:]  # a header row (e.g. "nombre,correo")
        return "\n".join(lines)

    def clean(self):
        data = super().clean()
        if not any(
            (data.get(name) or "").strip()
            for name in ("people", "people_file", "instructors_of")
        ):
            raise forms.ValidationError(
                _("Write people, attach a list, or name organizations.")
            )
        return data


class AnswerImportForm(forms.Form):
    file = forms.FileField(
        label=_("File of answers (CSV or XLSX)"),
        help_text=_(
            "One row per response, a stakeholder_group column (the group's code or "
            "name) and one column per question code, as KoboToolbox or LimeSurvey "
            "export them."
        ),
    )


class ThemeForm(forms.Form):
    name = forms.CharField(label=_("New theme"), max_length=80)


# -- the answering page ------------------------------------------------------------------


def section_form(questions, *, data=None, initial=None) -> forms.Form:
    """A form with one field per question of a section, named by its code.
    Required questions are checked at sending, not at each step, so a person
    may go back and forth; the fields say which are required."""
    fields = {}
    for q in questions:
        label = q.text + (" *" if q.required else "")
        common = {"label": label, "required": False, "help_text": q.help}
        if q.type == QuestionType.LIKERT:
            labels = q.option_labels()
            field = forms.ChoiceField(
                choices=[(c, f"{c} · {text}") for c, text in labels.items()],
                widget=forms.RadioSelect,
                **common,
            )
        elif q.type == QuestionType.SINGLE:
            field = forms.ChoiceField(
                choices=list(q.option_labels().items()),
                widget=forms.RadioSelect,
                **common,
            )
        elif q.type == QuestionType.MULTIPLE:
            field = forms.MultipleChoiceField(
                choices=list(q.option_labels().items()),
                widget=forms.CheckboxSelectMultiple,
                **common,
            )
        elif q.type == QuestionType.NUMBER:
            field = forms.DecimalField(max_digits=14, decimal_places=4, **common)
            field.widget.attrs["inputmode"] = "decimal"
        elif q.type == QuestionType.SHORT_TEXT:
            field = forms.CharField(max_length=300, **common)
        else:
            field = forms.CharField(
                max_length=5000, widget=forms.Textarea(attrs={"rows": 4}), **common
            )
        field.question = q
        fields[q.code] = field
    form_class = type("SectionForm", (forms.Form,), fields)
    return form_class(data=data, initial=initial or {})


def initial_from(answers) -> dict:
    out = {}
    for a in answers:
        q = a.question
        if q.type == QuestionType.LIKERT and a.number is not None:
            out[q.code] = str(int(a.number))
        elif q.type == QuestionType.NUMBER:
            out[q.code] = None if a.number is None else a.number.normalize()
        elif q.type == QuestionType.MULTIPLE:
            out[q.code] = a.choices
        else:
            out[q.code] = a.text
    return out
