"""Stakeholder consultations (PRODUCT.md: "consultations").

A consultation asks the key groups of the national system (strategic partners,
training centres, instructors, government bodies, business associations,
workers, the institute's staff) the same questionnaire. The questionnaire is
versioned: once answers arrive it is frozen, and a change makes a new version;
answers point at the question of the version they answered, and the analysis
joins versions by the question's `code`.

Answers come through personal invitations (an unguessable single-use link tied
to a group, for an organization of the registry or a typed person), through an
open link per group (anonymous: nothing about the person is stored), or from a
file collected elsewhere (KoboToolbox, LimeSurvey).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

TOKEN_LENGTH = 64


def in_language(es: str, en: str) -> str:
    """The text in the page's language: English when asked for and written,
    else Spanish (the default language, always written)."""
    if (get_language() or "es").startswith("en") and en:
        return en
    return es or en


class ConsultationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Consultation(models.Model):
    title = models.CharField(_("title"), max_length=200)
    purpose = models.TextField(_("purpose"), blank=True)
    opens_on = models.DateField(_("opening date"))
    closes_on = models.DateField(_("closing date"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ConsultationStatus.choices,
        default=ConsultationStatus.DRAFT,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["-opens_on", "-pk"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")),
                name="consultation_closes_after_opening",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def takes_answers(self) -> bool:
        """Open, and today within the opening and closing dates."""
        today = timezone.localdate()
        return (
            self.status == ConsultationStatus.OPEN
            and self.opens_on <= today <= self.closes_on
        )

    @property
    def questionnaire(self) -> "Questionnaire | None":
        """The current (latest) version."""
        return self.questionnaires.order_by("-version").first()


class StakeholderGroup(models.Model):
    """A group taking part in one consultation, with its target of answers.

    Within a consultation every link cascades (deleting the consultation
    deletes all of it); the services refuse to remove a group with invitations
    or answers, or a question of a version that has answers."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="groups"
    )
    code = models.SlugField(_("code"), max_length=40)
    name_es = models.CharField(_("name (Spanish)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    target = models.PositiveIntegerField(_("target number of answers"), default=0)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("stakeholder group")
        verbose_name_plural = _("stakeholder groups")
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "code"], name="group_code_once"
            )
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return in_language(self.name_es, self.name_en)


class Questionnaire(models.Model):
    """One version of a consultation's questionnaire; frozen once answered."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="questionnaires"
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    frozen_at = models.DateTimeField(_("frozen"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["version"]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "version"], name="questionnaire_version_once"
            )
        ]

    def __str__(self):
        return f"{self.consultation} v{self.version}"

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None


class Section(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="sections"
    )
    order = models.PositiveSmallIntegerField(default=0)
    title_es = models.CharField(_("title (Spanish)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self):
        return self.title

    @property
    def title(self) -> str:
        return in_language(self.title_es, self.title_en)


class QuestionType(models.TextChoices):
    LIKERT = "likert", _("Agreement scale 1–5")
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    NUMBER = "number", _("Number")
    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")


TEXT_TYPES = (QuestionType.SHORT_TEXT, QuestionType.LONG_TEXT)
CHOICE_TYPES = (QuestionType.SINGLE, QuestionType.MULTIPLE)


class Question(models.Model):
    """`options`: for choices, [{"code", "es", "en"}, …]; for the Likert scale
    the labels of 1 to 5 in the same form (codes "1" … "5")."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="questions"
    )
    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, related_name="questions"
    )
    order = models.PositiveSmallIntegerField(default=0)
    code = models.SlugField(
        _("code"),
        max_length=40,
        help_text=_(
            "Short name of the question, the column of imported and exported files "
            "(e.g. coord_1)."
        ),
    )
    type = models.CharField(_("type"), max_length=12, choices=QuestionType.choices)
    required = models.BooleanField(_("required"), default=False)
    text_es = models.CharField(_("question (Spanish)"), max_length=500)
    text_en = models.CharField(_("question (English)"), max_length=500, blank=True)
    help_es = models.CharField(_("help (Spanish)"), max_length=300, blank=True)
    help_en = models.CharField(_("help (English)"), max_length=300, blank=True)
    options = models.JSONField(_("options"), default=list, blank=True)

    class Meta:
        ordering = ["section__order", "section_id", "order", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "code"], name="question_code_once"
            )
        ]

    def __str__(self):
        return self.code

    @property
    def text(self) -> str:
        return in_language(self.text_es, self.text_en)

    @property
    def help(self) -> str:
        return in_language(self.help_es, self.help_en)

    @property
    def is_text(self) -> bool:
        return self.type in TEXT_TYPES

    def option_labels(self) -> dict[str, str]:
        return {
            o["code"]: in_language(o.get("es", ""), o.get("en", ""))
            for o in self.options
        }


class Invitation(models.Model):
    """A personal, single-use link, tied to a group: for an organization of the
    registry, or for a person typed or pasted by an administrator."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="invitations"
    )
    group = models.ForeignKey(
        StakeholderGroup, on_delete=models.CASCADE, related_name="invitations"
    )
    organization = models.ForeignKey(
        "registry.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consultation_invitations",
    )
    # A typed person (personal data: administrators only) or the organization's
    # contact address.
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    token = models.CharField(max_length=TOKEN_LENGTH, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    reminders = models.PositiveSmallIntegerField(_("reminders"), default=0)
    last_reminder_at = models.DateTimeField(_("last reminder"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        ordering = ["group__order", "pk"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "organization"],
                condition=Q(organization__isnull=False),
                name="one_invitation_per_organization",
            )
        ]

    def __str__(self):
        return f"{self.consultation_id}/{self.pk}"

    @property
    def is_person(self) -> bool:
        return self.organization_id is None

    @property
    def state(self) -> str:
        if self.submitted_at:
            return "answered"
        if self.opened_at:
            return "opened"
        if self.sent_at:
            return "sent"
        return "not_sent"


class OpenLink(models.Model):
    """The anonymous link of a group: anyone with it answers, as many times as
    people use it; nothing about who answers is stored."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="open_links"
    )
    group = models.OneToOneField(
        StakeholderGroup, on_delete=models.CASCADE, related_name="open_link"
    )
    token = models.CharField(max_length=TOKEN_LENGTH, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("open link")
        verbose_name_plural = _("open links")

    def __str__(self):
        return f"{self.consultation_id}/{self.group_id}"


class ResponseSource(models.TextChoices):
    INVITATION = "invitation", _("Personal invitation")
    OPEN_LINK = "open_link", _("Open link")
    IMPORT = "import", _("Imported file")


class Response(models.Model):
    """One person's (or organization's) questionnaire. `token` is the key of an
    anonymous answer in progress (the open link's visitor keeps it in the URL);
    for an invitation the invitation's token is the key. Counts only once
    `submitted_at` is set."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="responses"
    )
    group = models.ForeignKey(
        StakeholderGroup, on_delete=models.CASCADE, related_name="responses"
    )
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="responses"
    )
    source = models.CharField(
        _("source"), max_length=12, choices=ResponseSource.choices
    )
    invitation = models.OneToOneField(
        Invitation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="response",
    )
    token = models.CharField(
        max_length=TOKEN_LENGTH, unique=True, null=True, blank=True
    )
    # The identifier of an imported response in its source file (Kobo `_uuid`).
    external_id = models.CharField(
        _("identifier in the file"), max_length=100, blank=True
    )
    import_batch = models.ForeignKey(
        "core.ImportBatch", null=True, blank=True, on_delete=models.SET_NULL
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "external_id"],
                condition=~Q(external_id=""),
                name="imported_response_once",
            )
        ]
        indexes = [
            models.Index(fields=["consultation", "submitted_at"], name="response_done")
        ]

    def __str__(self):
        return f"{self.consultation_id}/{self.pk}"


class Theme(models.Model):
    """A theme analysts tag open answers with."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="themes"
    )
    name = models.CharField(_("theme"), max_length=80)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "name"], name="theme_name_once"
            )
        ]

    def __str__(self):
        return self.name


class Answer(models.Model):
    """One question's answer: Likert and number in `number`, single choice and
    text in `text`, multiple choice in `choices`."""

    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="answers"
    )
    number = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    text = models.TextField(blank=True)
    choices = models.JSONField(default=list, blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="answers")

    class Meta:
        ordering = ["response_id", "question_id"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="answer_once_per_question"
            )
        ]

    def __str__(self):
        return f"{self.response_id}/{self.question_id}"

    @property
    def is_empty(self) -> bool:
        return self.number is None and not self.text and not self.choices


LIKERT_MIN, LIKERT_MAX = 1, 5
LIKERT_VALIDATORS = [MinValueValidator(LIKERT_MIN), MaxValueValidator(LIKERT_MAX)]
