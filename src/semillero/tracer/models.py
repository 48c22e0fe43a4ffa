"""Tracer-study responses and social-security records (data-formats.md:
`tracer_responses`, `social_security`).

A response belongs to a trainee and one of the trainee's course runs, for one
follow-up wave (months after completion). Social-security records are kept by
`person_key` only (the keyed hash of the national ID): many of the people in
them never trained with us, and the national ID is never stored in clear.
"""

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
