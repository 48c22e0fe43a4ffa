"""The catalogue of policy instruments and trends: instruments of El Salvador and
of other countries, success stories of other institutes and the country's
development strategies, each with its facts, our own summary, its sources and
the date it was last checked. Every save keeps a revision (the whole entry as
JSON), so the catalogue's history survives its editors.

The catalogue's content (names, summaries, parameter values) is data, written in
Spanish; only the code lists below are interface strings.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EntryKind(models.TextChoices):
    INSTRUMENT = "instrument", _("Policy instrument")
    SUCCESS_STORY = "success_story", _("Success story")
    STRATEGY = "strategy", _("Development strategy")


class InstrumentType(models.TextChoices):
    LEVY = "levy", _("Training levy")
    TRAINING_FUND = "training_fund", _("Training fund")
    TAX_INCENTIVE = "tax_incentive", _("Tax incentive")
    APPRENTICESHIP = "apprenticeship", _("Apprenticeship regulation or quota")
    DUAL_TRAINING_LAW = "dual_training_law", _("Dual-training law")
    QUALIFICATIONS_FRAMEWORK = (
        "qualifications_framework",
        _("Qualifications framework"),
    )
    COMPETENCY_CERTIFICATION = (
        "competency_certification",
        _("Competency certification"),
    )
    LEARNING_ACCOUNT = "learning_account", _("Individual learning account or voucher")
    INTERNATIONAL_STANDARD = "international_standard", _("International standard")


class Trend(models.TextChoices):
    DIGITAL = "digital", _("Industry 4.0 and digital")
    GREEN = "green", _("Green transition")
    DEMOGRAPHIC = "demographic", _("Demographic change")
    GENDER = "gender", _("Gender equality")
    INCLUSION = "inclusion", _("Inclusion of vulnerable groups")
    WORK_BASED = "work_based", _("Work-based learning")
    MICRO_CREDENTIALS = "micro_credentials", _("Micro-credentials")
    PRIOR_LEARNING = "prior_learning", _("Recognition of prior learning")
    GOVERNANCE = "governance", _("Public–private governance")


# Parameters with a known meaning, in the order the comparison shows them. An
# entry may carry others (their key is shown as written).
PARAMETERS = {
    "rate": _("Rate"),
    "base": _("Base"),
    "firm_size_threshold": _("Firm-size threshold"),
    "collected_by": _("Collected by"),
    "administered_by": _("Administered by"),
    "allocation": _("Allocation of the proceeds"),
    "amount": _("Amount"),
    "eligibility": _("Who is eligible"),
    "governance": _("Governance"),
    "duration": _("Duration"),
}

# Besides the ISO 3166-1 alpha-2 codes: entries of international bodies (ILO…).
INTERNATIONAL = "INT"


class Entry(models.Model):
    """One entry of the catalogue: an instrument, a success story or a strategy."""

    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=EntryKind.choices,
        default=EntryKind.INSTRUMENT,
    )
    # The stable identifier of imports, exports and URLs.
    slug = models.SlugField(_("identifier"), max_length=100, unique=True)
    country = models.CharField(
        _("country"),
        max_length=3,
        help_text=_("ISO 3166-1 code (e.g. SV, CO) or INT for international bodies"),
    )
    name = models.CharField(_("name"), max_length=300)
    year = models.PositiveSmallIntegerField(_("year"))
    # Years of later amendments, ascending: [2005, 2020].
    amendment_years = models.JSONField(_("amendments"), default=list, blank=True)
    instrument_type = models.CharField(
        _("type"), max_length=30, choices=InstrumentType.choices, blank=True
    )
    # {"rate": "1 % de la planilla", "firm_size_threshold": "10 o más"}.
    parameters = models.JSONField(_("key parameters"), default=dict, blank=True)
    summary = models.TextField(_("summary"))
    # [{"url": "https://…", "title": "…"}].
    sources = models.JSONField(_("sources"), default=list, blank=True)
    last_checked = models.DateField(_("last checked"), null=True, blank=True)
    links = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="linked_from",
        verbose_name=_("related entries"),
    )
    objectives = models.ManyToManyField(
        "plans.Objective",
        blank=True,
        related_name="policy_entries",
        verbose_name=_("plan objectives"),
    )
    # Lower-case, accent-free, Snowball-stemmed words of the entry (search.py);
    # indexed by SQLite FTS5 or PostgreSQL full-text search (see the migration).
    search_document = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["country", "year", "name"]
        indexes = [
            models.Index(fields=["country", "instrument_type"]),
            models.Index(fields=["year"]),
        ]
        verbose_name = _("catalogue entry")
        verbose_name_plural = _("catalogue entries")

    def __str__(self):
        return f"{self.name} ({self.year})"

    @property
    def trend_codes(self) -> list[str]:
        return sorted(t.trend for t in self.trends.all())

    @property
    def years(self) -> list[int]:
        return [self.year, *self.amendment_years]


class EntryTrend(models.Model):
    """A trend an entry addresses (a row per trend, to filter on both databases)."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="trends")
    trend = models.CharField(_("trend"), max_length=30, choices=Trend.choices)

    class Meta:
        ordering = ["trend"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "trend"], name="unique_entry_trend"
            )
        ]
        verbose_name = _("trend of an entry")
        verbose_name_plural = _("trends of entries")

    def __str__(self):
        return f"{self.entry_id}:{self.trend}"


class EntryRevision(models.Model):
    """The whole entry as it was saved, by whom, when and why; never changed."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("revision"))
    data = models.JSONField(_("content"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept if the user is removed.
    author_username = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["entry", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "number"], name="unique_entry_revision"
            )
        ]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")

    def __str__(self):
        return f"{self.entry_id} r{self.number}"
