"""Tracer-study responses and social-security records (data-formats.md:
`tracer_responses`, `social_security`).

A response belongs to a trainee and one of the trainee's course runs, for one
follow-up wave (months after completion). Social-security records are kept by
`person_key` only (the keyed hash of the national ID): many of the people in
them never trained with us, and the national ID is never stored in clear.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from semillero.training.models import CourseRun, Trainee


class EmploymentStatus(models.TextChoices):
    EMPLOYED = "employed", _("Employed")
    SELF_EMPLOYED = "self_employed", _("Self-employed")
    UNEMPLOYED = "unemployed", _("Unemployed")
    INACTIVE = "inactive", _("Inactive")
    STUDYING = "studying", _("Studying")


WORKING = (EmploymentStatus.EMPLOYED, EmploymentStatus.SELF_EMPLOYED)


class IncomeBand(models.TextChoices):
    """Monthly income in bands around El Salvador's minimum wage (USD 365)."""

    UNDER_200 = "under_200", _("Less than USD 200")
    FROM_200 = "200_364", _("USD 200 to 364")
    FROM_365 = "365_599", _("USD 365 to 599")
    FROM_600 = "600_999", _("USD 600 to 999")
    FROM_1000 = "1000_plus", _("USD 1,000 or more")
    UNSAID = "unsaid", _("Prefer not to say")


class TracerResponse(models.Model):
    """One sampled graduate in one follow-up wave; `responded = False` is a
    sampled graduate who did not answer (in the response rate's denominator)."""

    trainee = models.ForeignKey(
        Trainee,
        on_delete=models.PROTECT,
        related_name="tracer_responses",
        verbose_name=_("trainee"),
    )
    course_run = models.ForeignKey(
        CourseRun,
        on_delete=models.PROTECT,
        related_name="tracer_responses",
        verbose_name=_("course run"),
    )
    followup_months = models.PositiveSmallIntegerField(
        _("follow-up (months)"), validators=[MinValueValidator(1)]
    )
    survey_date = models.DateField(_("survey date"), null=True, blank=True)
    responded = models.BooleanField(_("responded"))
    employment_status = models.CharField(
        _("employment status"),
        max_length=20,
        choices=EmploymentStatus.choices,
        blank=True,
    )
    formal = models.BooleanField(_("formal job"), null=True, blank=True)
    isco_code = models.CharField(_("ISCO-08 occupation"), max_length=4, blank=True)
    monthly_income_usd = models.DecimalField(
        _("monthly income (USD)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
    )
    job_related = models.PositiveSmallIntegerField(
        _("job related to the training (1–5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    months_to_first_job = models.PositiveSmallIntegerField(
        _("months to first job"), null=True, blank=True
    )
    # Asked by the study questionnaire; not in the import format.
    income_band = models.CharField(
        _("income band"), max_length=20, choices=IncomeBand.choices, blank=True
    )
    competencies_used = models.PositiveSmallIntegerField(
        _("use of the competencies learned (1–5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction with the training (1–5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["course_run", "trainee", "followup_months"]
        verbose_name = _("tracer response")
        verbose_name_plural = _("tracer responses")
        constraints = [
            models.UniqueConstraint(
                fields=["trainee", "course_run", "followup_months"],
                name="tracer_response_once_per_wave",
            )
        ]

    def __str__(self):
        return f"{self.course_run_id}/{self.trainee_id} +{self.followup_months}m"


class SocialSecurityRecord(models.Model):
    """A person had a contributory job in a month (e.g. ISSS payroll)."""

    person_key = models.CharField(max_length=64)
    period = models.DateField(_("period"))  # the first day of the month
    employer_tax_id = models.CharField(_("employer tax ID"), max_length=40, blank=True)
    isic_section = models.CharField(_("ISIC section"), max_length=1, blank=True)
    wage_usd = models.DecimalField(
        _("wage (USD)"), max_digits=12, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["person_key", "period"]
        verbose_name = _("social-security record")
        verbose_name_plural = _("social-security records")
        constraints = [
            models.UniqueConstraint(
                fields=["person_key", "period", "employer_tax_id"],
                name="social_security_once_per_employer_month",
            )
        ]
        indexes = [models.Index(fields=["person_key", "period"], name="ss_person")]

    def __str__(self):
        return f"{self.person_key[:8]}… {self.period:%Y-%m}"


# -- tracer studies ----------------------------------------------------------------


class StudyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft (no sample yet)")
    FIELDWORK = "fieldwork", _("Fieldwork")
    CLOSED = "closed", _("Closed")


class QuestionnaireVersion(models.TextChoices):
    V2026 = "2026-1", _("2026, version 1")


class TracerStudy(models.Model):
    """A follow-up of the graduates of the course runs ending in `cohort_year`,
    `followup_months` after they completed.

    Drawing the sample creates one `TracerResponse` per sampled graduate
    (`responded = False` until they answer), so the response rate and every
    insertion indicator of the cohort (year, follow-up) read the study's rows
    while fieldwork goes on. One study per cohort and wave.
    """

    name = models.CharField(_("name"), max_length=200)
    cohort_year = models.PositiveSmallIntegerField(
        _("cohort (year the courses ended)"),
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
    )
    followup_months = models.PositiveSmallIntegerField(
        _("follow-up (months)"), choices=[(6, "6"), (12, "12")]
    )
    questionnaire_version = models.CharField(
        _("questionnaire version"),
        max_length=20,
        choices=QuestionnaireVersion.choices,
        default=QuestionnaireVersion.V2026,
    )
    margin_of_error = models.DecimalField(
        _("margin of error per stratum"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.100"),
        validators=[
            MinValueValidator(Decimal("0.01")),
            MaxValueValidator(Decimal("0.5")),
        ],
        help_text=_("At 95 per cent confidence, e.g. 0.10 = ±10 percentage points."),
    )
    seed = models.PositiveIntegerField(
        _("random seed"), help_text=_("The same seed draws the same sample.")
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=StudyStatus.choices,
        default=StudyStatus.DRAFT,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sampled_at = models.DateTimeField(_("sample drawn"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["-cohort_year", "followup_months"]
        verbose_name = _("tracer study")
        verbose_name_plural = _("tracer studies")
        constraints = [
            models.UniqueConstraint(
                fields=["cohort_year", "followup_months"], name="one_study_per_wave"
            )
        ]

    def __str__(self):
        return self.name

    @property
    def is_open(self) -> bool:
        return self.status == StudyStatus.FIELDWORK


class SurveyInvitation(models.Model):
    """A sampled graduate's personal link to the questionnaire.

    The token is the only key to the questionnaire (no login): 32 random bytes,
    so it cannot be guessed; one link answers one response, once.
    """

    study = models.ForeignKey(
        TracerStudy, on_delete=models.CASCADE, related_name="invitations"
    )
    response = models.OneToOneField(
        TracerResponse, on_delete=models.CASCADE, related_name="invitation"
    )
    token = models.CharField(max_length=64, unique=True)
    stratum = models.CharField(_("stratum"), max_length=80)
    sent_at = models.DateTimeField(_("link sent"), null=True, blank=True)
    reminders = models.PositiveSmallIntegerField(_("reminders"), default=0)
    last_reminder_at = models.DateTimeField(_("last reminder"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    class Meta:
        ordering = ["study", "stratum", "pk"]
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        indexes = [
            models.Index(fields=["study", "submitted_at"], name="invitation_done")
        ]

    def __str__(self):
        return f"{self.study_id}/{self.pk}"

    @property
    def state(self) -> str:
        """Where the graduate is in the fieldwork, in words."""
        if self.submitted_at:
            return _("Answered")
        if self.opened_at:
            return _("Opened, not sent")
        if self.sent_at:
            return _("Sent")
        return _("Not sent")
