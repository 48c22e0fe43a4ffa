"""The training offer and participation: programmes, course runs (cohorts),
trainees, enrolments, company service requests and the levy."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Modality(models.TextChoices):
    INITIAL = "initial", _("Initial training")
    CONTINUOUS = "continuous", _("Continuous training")
    DUAL = "dual", _("Dual training")
    CERTIFICATION = "certification", _("Competency certification")


class Delivery(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIRTUAL = "virtual", _("Virtual")
    BLENDED = "blended", _("Blended")


class Funding(models.TextChoices):
    LEVY = "levy", _("Levy")
    PUBLIC = "public", _("Public budget")
    DONOR = "donor", _("Donor")
    COMPANY = "company", _("Company")
    OTHER = "other", _("Other")


class Programme(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=255)
    modality = models.CharField(_("modality"), max_length=20, choices=Modality.choices)
    training_area = models.ForeignKey(
        "registry.TrainingArea",
        on_delete=models.PROTECT,
        related_name="programmes",
        verbose_name=_("training area"),
    )
    # ISCO-08 code of the target occupation, 1–4 digits (full table is importable,
    # so this is the code rather than a foreign key to the shipped top levels).
    isco_code = models.CharField(_("ISCO-08 occupation"), max_length=4, blank=True)
    hours = models.PositiveIntegerField(_("hours"))
    delivery = models.CharField(_("delivery"), max_length=20, choices=Delivery.choices)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self):
        return self.name


class CourseRun(models.Model):
    """A cohort of a programme, delivered by a provider in a place and period."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        related_name="course_runs",
        verbose_name=_("programme"),
    )
    provider = models.ForeignKey(
        "registry.Organization",
        on_delete=models.PROTECT,
        related_name="course_runs_provided",
        verbose_name=_("provider"),
    )
    company = models.ForeignKey(
        "registry.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="course_runs_for_company",
        verbose_name=_("company"),
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    department = models.ForeignKey(
        "registry.Department",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("department"),
    )
    municipality = models.ForeignKey(
        "registry.Municipality",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("municipality"),
    )
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    cost_usd = models.DecimalField(
        _("cost (USD)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    funding = models.CharField(
        _("funding"), max_length=20, choices=Funding.choices, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_date", "code"]
        indexes = [
            models.Index(fields=["provider", "start_date"]),
            models.Index(fields=["start_date"]),
            models.Index(fields=["end_date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="course_run_end_after_start",
            )
        ]
        verbose_name = _("course run")
        verbose_name_plural = _("course runs")

    def __str__(self):
        return self.code


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")


class Trainee(models.Model):
    """A person trained by the system, known only by the keyed hash of the
    national ID. Name and contact are personal data (see accounts.permissions)."""

    person_key = models.CharField(max_length=64, unique=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    department = models.ForeignKey(
        "registry.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("department of residence"),
    )
    # Unknown (None) counts as false in the indicators.
    disability = models.BooleanField(_("disability"), null=True, blank=True)
    returned_migrant = models.BooleanField(_("returned migrant"), null=True, blank=True)
    rural = models.BooleanField(_("rural"), null=True, blank=True)
    low_income = models.BooleanField(_("low income"), null=True, blank=True)
    education_level = models.CharField(_("education level"), max_length=40, blank=True)
    employed_at_entry = models.BooleanField(
        _("employed at entry"), null=True, blank=True
    )
    first_name = models.CharField(_("first name"), max_length=120, blank=True)
    last_name = models.CharField(_("last name"), max_length=120, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("trainee")
        verbose_name_plural = _("trainees")

    def __str__(self):
        return self.person_key[:12]

    @property
    def is_vulnerable(self) -> bool:
        return any(
            (self.disability, self.returned_migrant, self.rural, self.low_income)
        )


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    COMPLETED = "completed", _("Completed")
    CERTIFIED = "certified", _("Certified")
    DROPPED = "dropped", _("Dropped out")


class Enrolment(models.Model):
    course_run = models.ForeignKey(
        CourseRun,
        on_delete=models.CASCADE,
        related_name="enrolments",
        verbose_name=_("course run"),
    )
    trainee = models.ForeignKey(
        Trainee,
        on_delete=models.PROTECT,
        related_name="enrolments",
        verbose_name=_("trainee"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=EnrolmentStatus.choices
    )
    completion_date = models.DateField(_("completion date"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["course_run", "trainee"], name="one_enrolment_per_run"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["completed", "certified"])
                | Q(completion_date__isnull=False),
                name="completion_date_when_completed",
            ),
        ]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")

    def __str__(self):
        return f"{self.course_run_id}/{self.trainee_id}"


class ServiceRequestStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    IN_PROGRESS = "in_progress", _("In progress")
    SERVED = "served", _("Served")
    DECLINED = "declined", _("Declined")


class CompanyServiceRequest(models.Model):
    """Training a company asks the institute for; served by course runs."""

    company = models.ForeignKey(
        "registry.Organization",
        on_delete=models.PROTECT,
        related_name="service_requests",
        verbose_name=_("company"),
    )
    topic = models.CharField(_("topic"), max_length=255)
    workers = models.PositiveIntegerField(_("workers to train"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ServiceRequestStatus.choices,
        default=ServiceRequestStatus.REQUESTED,
    )
    requested_on = models.DateField(_("requested on"))
    course_runs = models.ManyToManyField(
        CourseRun,
        blank=True,
        related_name="service_requests",
        verbose_name=_("course runs"),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-requested_on"]
        verbose_name = _("company service request")
        verbose_name_plural = _("company service requests")

    def __str__(self):
        return self.topic


class LevyContribution(models.Model):
    """The payroll levy a company paid for one month (`period` is the month's first day)."""

    company = models.ForeignKey(
        "registry.Organization",
        on_delete=models.PROTECT,
        related_name="levy_contributions",
        verbose_name=_("company"),
    )
    period = models.DateField(_("period"))
    amount_usd = models.DecimalField(_("amount (USD)"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["company", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "period"], name="one_levy_per_company_month"
            )
        ]
        verbose_name = _("levy contribution")
        verbose_name_plural = _("levy contributions")

    def __str__(self):
        return f"{self.company_id} {self.period:%Y-%m}"
