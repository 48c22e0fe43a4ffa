"""Strategic plans and policies wired to the data (spec: "Plan scorecard").

A plan (or the national policy: same structure) has axes → objectives → results,
and indicators under an objective (optionally a result). An indicator is
**computed** (a registry indicator code with fixed filters: its actual for a year
comes from the cube) or **reported** (a responsible user enters the actual with
evidence and a second user approves it). Targets change only through a numbered
revision with a reason; old revisions stay.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from semillero.registry.models import Organization


class PlanKind(models.TextChoices):
    PLAN = "plan", _("Strategic plan")
    POLICY = "policy", _("National policy")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


YEAR = [MinValueValidator(2000), MaxValueValidator(2100)]


class Plan(models.Model):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=10, choices=PlanKind.choices, default=PlanKind.PLAN
    )
    start_year = models.PositiveSmallIntegerField(_("first year"), validators=YEAR)
    end_year = models.PositiveSmallIntegerField(_("last year"), validators=YEAR)
    institute = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="plans",
        verbose_name=_("institute"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_year", "name"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")),
                name="plan_years_in_order",
            )
        ]

    def __str__(self):
        return f"{self.name} {self.start_year}–{self.end_year}"

    @property
    def years(self) -> range:
        return range(self.start_year, self.end_year + 1)


class Axis(models.Model):
    """A strategic axis (aim) of a plan, or an axis of the policy."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="axes")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=300)

    class Meta:
        ordering = ["plan", "code"]
        verbose_name = _("strategic axis")
        verbose_name_plural = _("strategic axes")
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="axis_code_in_plan")
        ]

    def __str__(self):
        return f"{self.code}. {self.name}"


class Objective(models.Model):
    axis = models.ForeignKey(Axis, on_delete=models.CASCADE, related_name="objectives")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=300)
    # The policy axes (or lines of action) this objective serves.
    policy_axes = models.ManyToManyField(
        Axis,
        blank=True,
        related_name="served_by",
        verbose_name=_("policy axes served"),
        limit_choices_to={"plan__kind": PlanKind.POLICY},
    )

    class Meta:
        ordering = ["axis", "code"]
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        constraints = [
            models.UniqueConstraint(
                fields=["axis", "code"], name="objective_code_in_axis"
            )
        ]

    def __str__(self):
        return f"{self.code}. {self.name}"


class Result(models.Model):
    objective = models.ForeignKey(
        Objective, on_delete=models.CASCADE, related_name="results"
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=300)

    class Meta:
        ordering = ["objective", "code"]
        verbose_name = _("result")
        verbose_name_plural = _("results")

    def __str__(self):
        return f"{self.code}. {self.name}"


class Direction(models.TextChoices):
    INCREASE = "increase", _("Increase")
    DECREASE = "decrease", _("Decrease")


class Accumulation(models.TextChoices):
    STOCK = "stock", _("Stock (the value at the end of each year)")
    FLOW = "flow", _("Flow (what happened during each year)")
    CUMULATIVE = "cumulative", _("Cumulative (added up since the first year)")
    MILESTONE = "milestone", _("Milestone (reached or not)")


class Source(models.TextChoices):
    COMPUTED = "computed", _("Computed from the system's data")
    REPORTED = "reported", _("Reported by the responsible unit")


class Unit(models.TextChoices):
    COUNT = "count", _("Number")
    RATIO = "ratio", _("Percentage")
    INDEX = "index", _("Index")
    USD = "usd", _("US dollars")
    MONTHS = "months", _("Months")
    PER_1000 = "per_1000", _("Per 1,000 inhabitants")
    MILESTONE = "milestone", _("Reached (1) or not (0)")


class PlanIndicator(models.Model):
    objective = models.ForeignKey(
        Objective, on_delete=models.CASCADE, related_name="indicators"
    )
    result = models.ForeignKey(
        Result,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="indicators",
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=300)
    # The technical sheet.
    definition = models.TextField(_("definition"))
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices
    )
    accumulation = models.CharField(
        _("accumulation"), max_length=12, choices=Accumulation.choices
    )
    means_of_verification = models.TextField(_("means of verification"), blank=True)
    responsible_unit = models.CharField(_("responsible unit"), max_length=200)
    assumptions = models.TextField(_("assumptions"), blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    # Computed indicators: the registry code and its fixed filters.
    registry_code = models.CharField(_("registry indicator"), max_length=60, blank=True)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    followup_months = models.PositiveSmallIntegerField(
        _("follow-up (months)"), null=True, blank=True
    )
    baseline_year = models.PositiveSmallIntegerField(
        _("baseline year"), validators=YEAR
    )
    baseline_value = models.DecimalField(
        _("baseline value"), max_digits=16, decimal_places=6
    )

    class Meta:
        ordering = ["objective", "code"]
        verbose_name = _("plan indicator")
        verbose_name_plural = _("plan indicators")
        constraints = [
            models.UniqueConstraint(
                fields=["objective", "code"], name="indicator_code_in_objective"
            )
        ]

    def __str__(self):
        return f"{self.code}. {self.name}"

    @property
    def plan(self) -> Plan:
        return self.objective.axis.plan


class TargetRevision(models.Model):
    """One version of an indicator's yearly targets; the highest number is in
    force. The first is the plan's own; later ones carry the reason."""

    indicator = models.ForeignKey(
        PlanIndicator, on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveSmallIntegerField(_("revision"))
    reason = models.TextField(_("reason"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["indicator", "-number"]
        verbose_name = _("target revision")
        verbose_name_plural = _("target revisions")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "number"], name="revision_number_once"
            )
        ]

    def __str__(self):
        return f"{self.indicator.code} r{self.number}"


class Target(models.Model):
    revision = models.ForeignKey(
        TargetRevision, on_delete=models.CASCADE, related_name="targets"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR)
    value = models.DecimalField(_("target"), max_digits=16, decimal_places=6)

    class Meta:
        ordering = ["revision", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "year"], name="target_once_per_year"
            )
        ]

    def __str__(self):
        return f"{self.year}: {self.value}"


class ActualStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ReportedActual(models.Model):
    """The actual of a reported indicator for a year, with its evidence; counts
    once approved by a second user."""

    indicator = models.ForeignKey(
        PlanIndicator, on_delete=models.CASCADE, related_name="reported_actuals"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=6)
    evidence = models.FileField(_("evidence"), upload_to="plans/evidence/%Y/")
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ActualStatus.choices,
        default=ActualStatus.SUBMITTED,
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)

    class Meta:
        ordering = ["indicator", "year", "-entered_at"]
        verbose_name = _("reported actual")
        verbose_name_plural = _("reported actuals")

    def __str__(self):
        return f"{self.indicator.code} {self.year}: {self.value}"


class Narrative(models.Model):
    """What happened in a year and what will be done; each save is a new entry,
    so the history stays."""

    indicator = models.ForeignKey(
        PlanIndicator, on_delete=models.CASCADE, related_name="narratives"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR)
    what_happened = models.TextField(_("what happened"))
    next_steps = models.TextField(_("what will be done"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["indicator", "-year", "-created_at"]
        verbose_name = _("narrative")
        verbose_name_plural = _("narratives")

    def __str__(self):
        return f"{self.indicator.code} {self.year}"


class BoardReport(models.Model):
    """A board report (PDF and XLSX of a plan's scorecard for a year), made in
    the background."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being made")
        READY = "ready", _("Ready")
        FAILED = "failed", pgettext_lazy("board report", "Failed")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reports")
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    pdf = models.FileField(upload_to="plans/reports/", blank=True)
    xlsx = models.FileField(upload_to="plans/reports/", blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("board report")
        verbose_name_plural = _("board reports")

    def __str__(self):
        return f"{self.plan} {self.year}"
