"""The registry of the national training system: territory, classifications,
organizations, their agreements and their instructors."""

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Department(models.Model):
    """First-level subdivision of the country (ISO 3166-2, from pycountry)."""

    code = models.CharField(_("code"), max_length=10, unique=True)  # e.g. SV-SS
    name = models.CharField(_("name"), max_length=120)
    country = models.CharField(_("country"), max_length=2)

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self):
        return self.name


class Municipality(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=120)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="municipalities"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self):
        return self.name


class District(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=120)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="districts"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self):
        return self.name


# Years a population figure may be for (census projections reach 2100).
POPULATION_FIRST_YEAR, POPULATION_LAST_YEAR = 1950, 2100
# An age group: "15-29" (both ages included) or "65+" (that age and over).
AGE_GROUP_PATTERN = r"[0-9]{1,3}-[0-9]{1,3}|[0-9]{1,3}\+"


class Population(models.Model):
    """Reference population of a department in a year, by sex: the denominator of
    coverage and representation indicators. Loaded by the `population` import.

    `age_group` empty means all ages; otherwise the figure is for that age group
    only, and a department's age groups are summed when it has no all-ages figure
    (see `selectors.population_for`).
    """

    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="population",
        verbose_name=_("department"),
    )
    year = models.PositiveSmallIntegerField(
        _("year"),
        validators=[
            MinValueValidator(POPULATION_FIRST_YEAR),
            MaxValueValidator(POPULATION_LAST_YEAR),
        ],
    )
    sex = models.CharField(
        _("sex"), max_length=1, choices=[("F", _("Female")), ("M", _("Male"))]
    )
    age_group = models.CharField(
        _("age group"),
        max_length=7,
        blank=True,
        validators=[
            RegexValidator(
                f"^(?:{AGE_GROUP_PATTERN})$",
                _("Enter an age group such as 15-29 or 65+."),
            )
        ],
        help_text=_("e.g. 15-29 or 65+; empty: all ages"),
    )
    population = models.PositiveIntegerField(_("population"))

    class Meta:
        ordering = ["year", "department", "sex", "age_group"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "year", "sex", "age_group"],
                name="unique_population_cell",
            ),
            models.CheckConstraint(
                condition=Q(sex__in=["F", "M"]), name="population_sex_f_or_m"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=POPULATION_FIRST_YEAR)
                & Q(year__lte=POPULATION_LAST_YEAR),
                name="population_year_in_range",
            ),
        ]
        verbose_name = _("population figure")
        verbose_name_plural = _("population figures")

    def __str__(self):
        ages = f" {self.age_group}" if self.age_group else ""
        return f"{self.department} {self.year} {self.sex}{ages}: {self.population}"


class Classification(models.TextChoices):
    ISIC4 = "isic4", _("ISIC Rev.4")
    ISCO08 = "isco08", _("ISCO-08")


class ClassificationItem(models.Model):
    """One code of a hierarchical classification (ISIC section/division, ISCO group).

    `level` counts from 1 at the top (ISIC section, ISCO major group).
    """

    classification = models.CharField(
        _("classification"), max_length=10, choices=Classification.choices
    )
    code = models.CharField(_("code"), max_length=10)
    level = models.PositiveSmallIntegerField(_("level"))
    name_es = models.CharField(_("name (Spanish)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["classification", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["classification", "code"], name="unique_classification_code"
            )
        ]
        verbose_name = _("classification item")
        verbose_name_plural = _("classification items")

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def name(self):
        from django.utils.translation import get_language

        return (
            self.name_en if (get_language() or "es").startswith("en") else self.name_es
        )


class TrainingArea(models.Model):
    """Institute-defined training area (e.g. electricity, garment-making)."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["name"]
        verbose_name = _("training area")
        verbose_name_plural = _("training areas")

    def __str__(self):
        return self.name


class OrganizationType(models.TextChoices):
    TRAINING_CENTRE = "training_centre", _("Training centre")
    COMPANY = "company", _("Company")
    GOVERNMENT = "government", _("Government body")
    BUSINESS_ASSOCIATION = "business_association", _("Business association")
    WORKERS_ORGANIZATION = "workers_organization", _("Workers' organization")
    STRATEGIC_PARTNER = "strategic_partner", _("Strategic partner")
    INTERNATIONAL = "international", _("International body")


class Organization(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=255)
    type = models.CharField(_("type"), max_length=30, choices=OrganizationType.choices)
    tax_id = models.CharField(_("tax ID"), max_length=40, blank=True)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="organizations",
        verbose_name=_("department"),
    )
    municipality = models.ForeignKey(
        Municipality,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organizations",
        verbose_name=_("municipality"),
    )
    isic_section = models.CharField(_("ISIC section"), max_length=1, blank=True)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    levy_contributor = models.BooleanField(_("levy contributor"), null=True, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    # The leading institute of the system (INSAFORP, then INCAF): exactly one.
    is_lead_institute = models.BooleanField(_("lead institute"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["type", "department"])]
        constraints = [
            models.UniqueConstraint(
                fields=["is_lead_institute"],
                condition=Q(is_lead_institute=True),
                name="single_lead_institute",
            )
        ]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self):
        return self.name


class OrganizationName(models.Model):
    """A name an organization carried over a period: old periods keep old names
    (INSAFORP until 8 Dec 2023, INCAF from 9 Dec 2023)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="names"
    )
    name = models.CharField(_("name"), max_length=255)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        ordering = ["organization", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "valid_from"], name="unique_name_start"
            )
        ]
        verbose_name = _("organization name")
        verbose_name_plural = _("organization names")

    def __str__(self):
        return self.name


class AgreementType(models.TextChoices):
    TRAINING_DELIVERY = "training_delivery", _("Training delivery")
    DUAL_TRAINING = "dual_training", _("Dual training")
    CERTIFICATION = "certification", _("Certification")
    COOPERATION = "cooperation", _("Cooperation")
    FUNDING = "funding", _("Funding")


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    TERMINATED = "terminated", _("Terminated")


class Agreement(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=255)
    type = models.CharField(_("type"), max_length=30, choices=AgreementType.choices)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=AgreementStatus.choices,
        default=AgreementStatus.ACTIVE,
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    parties = models.ManyToManyField(
        Organization, related_name="agreements", verbose_name=_("parties")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_date", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="agreement_end_after_start",
            )
        ]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")

    def __str__(self):
        return self.title


class Instructor(models.Model):
    """An instructor or facilitator. Names and contact are personal data: only
    the national administrator and the data officers of the organization see them."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="instructors",
        verbose_name=_("organization"),
    )
    code = models.CharField(_("code"), max_length=40, unique=True)
    first_name = models.CharField(_("first name"), max_length=120)
    last_name = models.CharField(_("last name"), max_length=120)
    sex = models.CharField(
        _("sex"),
        max_length=1,
        blank=True,
        choices=[("F", _("Female")), ("M", _("Male"))],
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    training_areas = models.ManyToManyField(
        TrainingArea,
        blank=True,
        related_name="instructors",
        verbose_name=_("training areas"),
    )
    certifications = models.TextField(_("certifications"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("instructor")
        verbose_name_plural = _("instructors")

    def __str__(self):
        return self.code
