"""Labour demand: vacancies that employers posted or declared (job boards, public
employment service, surveys), by occupation, department and date. Loaded with
the `demand` import kind (data-formats.md) and set against the completers of the
programmes aimed at each occupation (selectors.supply_demand)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DemandSignal(models.Model):
    """Vacancies of one source, date, occupation and department.

    `isco_code` is the code as the source gave it (a unit group such as 7411,
    or a sub-major group such as 74); `occupation` is its ISCO-08 sub-major group
    (the first two digits), the level at which demand meets supply."""

    source = models.CharField(_("source"), max_length=120)
    date = models.DateField(_("date"))
    isco_code = models.CharField(_("ISCO-08 code"), max_length=4)
    occupation = models.ForeignKey(
        "registry.ClassificationItem",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("occupation (ISCO-08 sub-major group)"),
    )
    department = models.ForeignKey(
        "registry.Department",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("department"),
    )
    vacancies = models.PositiveIntegerField(_("vacancies"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "source", "isco_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "date", "isco_code", "department"],
                name="unique_demand_signal",
            )
        ]
        indexes = [models.Index(fields=["occupation", "department", "date"])]
        verbose_name = _("demand signal")
        verbose_name_plural = _("demand signals")

    def __str__(self):
        return f"{self.source} {self.date} {self.isco_code}: {self.vacancies}"
