"""Quality of the offer and installed capacity.

- Accreditation of training centres, and of the programmes each may deliver, by the
  institute. A record keeps the status the institute decided; that an accredited
  record is past its `valid_until` is not stored a second time, it is computed
  (`status_on(day)`, `effective_status(today)` for queries).
- Quality audits of an organization and their findings, followed up until closed;
  an open finding past its due date is overdue (computed too).
- Installed capacity: each organization's facilities (workshops, laboratories,
  classrooms, mobile units), their equipment and the instructors who work in them,
  so that the members of the system can share what they already have.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Case, CharField, F, Q, Value, When
from django.utils.translation import gettext_lazy as _

# Accreditation ----------------------------------------------------------------------


class AccreditationStatus(models.TextChoices):
    IN_PROCESS = "in_process", _("In process")
    ACCREDITED = "accredited", _("Accredited")
    CONDITIONAL = "conditional", _("Conditionally accredited")
    SUSPENDED = "suspended", _("Suspended")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Statuses under which a centre may deliver: they lapse on their own at valid_until,
# and need both dates.
IN_FORCE_STATUSES = (AccreditationStatus.ACCREDITED, AccreditationStatus.CONDITIONAL)


def effective_status(today: date, prefix: str = ""):
    """The status as of `today`, as a query expression: an accredited or conditional
    record past its valid_until counts as expired."""
    return Case(
        When(
            Q(**{f"{prefix}status__in": IN_FORCE_STATUSES})
            & Q(**{f"{prefix}valid_until__lt": today}),
            then=Value(AccreditationStatus.EXPIRED.value),
        ),
        default=F(f"{prefix}status"),
        output_field=CharField(),
    )


class AccreditationBase(models.Model):
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=AccreditationStatus.choices,
        default=AccreditationStatus.IN_PROCESS,
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    decision_reference = models.CharField(
        _("decision reference"),
        max_length=120,
        blank=True,
        help_text=_("Number or reference of the institute's decision."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def status_on(self, day: date) -> str:
        """The status on `day` (see `effective_status`)."""
        if (
            self.status in IN_FORCE_STATUSES
            and self.valid_until is not None
            and self.valid_until < day
        ):
            return AccreditationStatus.EXPIRED.value
        return self.status

    def status_label_on(self, day: date) -> str:
        return AccreditationStatus(self.status_on(day)).label

    def is_in_force_on(self, day: date) -> bool:
        return (
            self.status in IN_FORCE_STATUSES
            and self.valid_from is not None
            and self.valid_from <= day
            and (self.valid_until is None or day <= self.valid_until)
        )


class Accreditation(AccreditationBase):
    """The institute's accreditation of a training centre. A centre keeps every
    record (renewals are new records): the history is part of its quality."""

    organization = models.ForeignKey(
        "registry.Organization",
        on_delete=models.PROTECT,
        related_name="accreditations",
        verbose_name=_("organization"),
    )
    scope = models.TextField(
        _("scope"),
        blank=True,
        help_text=_("What the centre is accredited for: areas, levels, sites."),
    )

    class Meta:
        ordering = ["organization", "-valid_from", "-pk"]
        indexes = [models.Index(fields=["valid_until"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gte=F("valid_from")),
                name="accreditation_until_after_from",
            )
        ]
        verbose_name = _("accreditation")
        verbose_name_plural = _("accreditations")

    def __str__(self):
        return f"{self.organization} ({self.get_status_display()})"


class ProgrammeAccreditation(AccreditationBase):
    """The institute's authorization for a training centre to deliver a programme."""

    organization = models.ForeignKey(
        "registry.Organization",
        on_delete=models.PROTECT,
        related_name="programme_accreditations",
        verbose_name=_("organization"),
    )
    programme = models.ForeignKey(
        "training.Programme",
        on_delete=models.PROTECT,
        related_name="accreditations",
        verbose_name=_("programme"),
    )

    class Meta:
        ordering = ["organization", "programme", "-valid_from", "-pk"]
        indexes = [models.Index(fields=["valid_until"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gte=F("valid_from")),
                name="programme_accreditation_until_after_from",
            )
        ]
        verbose_name = _("programme accreditation")
        verbose_name_plural = _("programme accreditations")

    def __str__(self):
        return f"{self.organization} · {self.programme}"


# Audits and findings ------------------------------------------------------------------


class AuditType(models.TextChoices):
    INITIAL = "initial", _("Initial")
    PERIODIC = "periodic", _("Periodic")
    FOLLOW_UP = "follow_up", _("Follow-up")
    EXTRAORDINARY = "extraordinary", _("Extraordinary")


class AuditResult(models.TextChoices):
    COMPLIANT = "compliant", _("Compliant")
    COMPLIANT_WITH_OBSERVATIONS = (
        "compliant_with_observations",
        _("Compliant with observations"),
    )
    NON_COMPLIANT = "non_compliant", _("Non-compliant")


class QualityAudit(models.Model):
    organization = models.ForeignKey(
        "registry.Organization",
        on_delete=models.PROTECT,
        related_name="quality_audits",
        verbose_name=_("organization"),
    )
    audit_date = models.DateField(_("audit date"))
    type = models.CharField(_("type"), max_length=20, choices=AuditType.choices)
    auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("auditor"),
    )
    # Blank while the report is pending (and always for an audit still to come).
    result = models.CharField(
        _("result"), max_length=30, choices=AuditResult.choices, blank=True
    )
    summary = models.TextField(_("summary"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-audit_date", "-pk"]
        indexes = [models.Index(fields=["organization", "audit_date"])]
        verbose_name = _("quality audit")
        verbose_name_plural = _("quality audits")

    def __str__(self):
        return f"{self.organization} {self.audit_date:%Y-%m-%d}"


class FindingSeverity(models.TextChoices):
    MINOR = "minor", _("Minor")
    MAJOR = "major", _("Major")
    CRITICAL = "critical", _("Critical")


class FindingStatus(models.TextChoices):
    """Stored statuses. "Overdue" is computed: open or in progress past the due date."""

    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    CLOSED = "closed", _("Closed")


OVERDUE = "overdue"
OVERDUE_LABEL = _("Overdue")
PENDING_STATUSES = (FindingStatus.OPEN, FindingStatus.IN_PROGRESS)


def finding_effective_status(today: date, prefix: str = ""):
    """The follow-up status as of `today`: "overdue" for a finding still open or in
    progress after its due date."""
    return Case(
        When(
            Q(**{f"{prefix}status__in": PENDING_STATUSES})
            & Q(**{f"{prefix}due_date__lt": today}),
            then=Value(OVERDUE),
        ),
        default=F(f"{prefix}status"),
        output_field=CharField(),
    )


class Finding(models.Model):
    audit = models.ForeignKey(
        QualityAudit,
        on_delete=models.CASCADE,
        related_name="findings",
        verbose_name=_("audit"),
    )
    severity = models.CharField(
        _("severity"), max_length=10, choices=FindingSeverity.choices
    )
    description = models.TextField(_("description"))
    required_action = models.TextField(_("required action"), blank=True)
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=FindingStatus.choices,
        default=FindingStatus.OPEN,
    )
    closing_note = models.TextField(_("closing note"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["status", "due_date"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_on__isnull=False),
                name="finding_closed_on_when_closed",
            )
        ]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")

    def __str__(self):
        return f"{self.get_severity_display()}: {self.description[:60]}"

    def is_overdue_on(self, day: date) -> bool:
        return self.status in PENDING_STATUSES and self.due_date < day

    def status_on(self, day: date) -> str:
        return OVERDUE if self.is_overdue_on(day) else self.status

    def status_label_on(self, day: date) -> str:
        if self.is_overdue_on(day):
            return str(OVERDUE_LABEL)
        return self.get_status_display()


# Installed capacity -----------------------------------------------------------------


class FacilityKind(models.TextChoices):
    WORKSHOP = "workshop", _("Workshop")
    LABORATORY = "laboratory", _("Laboratory")
    CLASSROOM = "classroom", _("Classroom")
    MOBILE_UNIT = "mobile_unit", _("Mobile unit")


class Facility(models.Model):
    """A workshop, laboratory, classroom or mobile unit of an organization."""

    organization = models.ForeignKey(
        "registry.Organization",
        on_delete=models.PROTECT,
        related_name="facilities",
        verbose_name=_("organization"),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind of facility"), max_length=20, choices=FacilityKind.choices
    )
    training_areas = models.ManyToManyField(
        "registry.TrainingArea",
        blank=True,
        related_name="facilities",
        verbose_name=_("training areas served"),
    )
    # Where it is (a mobile unit: where it is based).
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
    capacity = models.PositiveIntegerField(
        _("capacity (people)"), null=True, blank=True
    )
    available_to_share = models.BooleanField(_("available to share"), default=False)
    contact_note = models.TextField(
        _("contact note"),
        blank=True,
        help_text=_("Whom to ask and how, to use or share it."),
    )
    instructors = models.ManyToManyField(
        "registry.Instructor",
        blank=True,
        related_name="facilities",
        verbose_name=_("specialised instructors"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organization", "name"]
        indexes = [models.Index(fields=["department", "kind"])]
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")

    def __str__(self):
        return self.name


class EquipmentCondition(models.TextChoices):
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")
    POOR = "poor", _("Poor")
    OUT_OF_SERVICE = "out_of_service", _("Out of service")


class Equipment(models.Model):
    facility = models.ForeignKey(
        Facility,
        on_delete=models.CASCADE,
        related_name="equipment",
        verbose_name=_("facility"),
    )
    item = models.CharField(_("item"), max_length=200)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    condition = models.CharField(
        _("condition"),
        max_length=20,
        choices=EquipmentCondition.choices,
        default=EquipmentCondition.GOOD,
    )

    class Meta:
        ordering = ["facility", "item", "pk"]
        verbose_name = _("equipment item")
        verbose_name_plural = _("equipment")

    def __str__(self):
        return f"{self.item} ×{self.quantity}"
