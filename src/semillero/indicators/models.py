"""The indicator cube: aggregates pre-computed inside the database.

Every indicator is computed from these two tables, never from the operational
ones, so the command line, the API, the dashboards and open data read the same
numbers (ARCHITECTURE.md, convention 4; DHIS2's analytics tables).

- `EnrolmentCell` groups enrolments by trainee and by every dimension of the spec,
  with the two reference years (start and end of the course run) and the status.
  Keeping the trainee in the grain makes distinct-people counts exact for any cut,
  and lets a refresh replace exactly the cells of the trainees an import touched.
- `RunCell` groups costed course runs by their end year and their offer
  dimensions, with the completers of those runs (for `cost_per_completer`).
- `CubeBuild` records each build: when, what it covered and the data snapshot it
  saw, so every figure can say where it came from.

Dimension values are stored as the codes the outputs show (`SV-SS`, programme
code…), so reading the cube needs no join.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EnrolmentCell(models.Model):
    trainee_id = models.BigIntegerField()
    start_year = models.PositiveSmallIntegerField()
    end_year = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=12)
    sex = models.CharField(max_length=1, null=True)
    age_group = models.CharField(max_length=8, null=True)
    residence = models.CharField(max_length=10, null=True)  # trainee's department
    run_department = models.CharField(max_length=10, null=True)
    programme = models.CharField(max_length=40)
    training_area = models.CharField(max_length=40)
    modality = models.CharField(max_length=20)
    provider = models.CharField(max_length=40)
    vulnerable = models.BooleanField()
    enrolments = models.PositiveIntegerField()

    class Meta:
        # The years every query restricts; the trainee a refresh replaces; and the
        # dashboards' selective filters (a centre, a department, an area), which
        # otherwise read every cell of the years asked.
        indexes = [
            models.Index(fields=["start_year"], name="ind_cell_start_year"),
            models.Index(fields=["end_year"], name="ind_cell_end_year"),
            models.Index(fields=["trainee_id"], name="ind_cell_trainee"),
            models.Index(fields=["provider", "start_year"], name="ind_cell_provider"),
            models.Index(fields=["residence", "start_year"], name="ind_cell_residence"),
            models.Index(fields=["training_area", "start_year"], name="ind_cell_area"),
        ]

    def __str__(self):
        return f"{self.start_year} {self.programme} trainee {self.trainee_id}"


class RunCell(models.Model):
    end_year = models.PositiveSmallIntegerField(db_index=True)
    run_department = models.CharField(max_length=10, null=True)
    programme = models.CharField(max_length=40)
    training_area = models.CharField(max_length=40)
    modality = models.CharField(max_length=20)
    provider = models.CharField(max_length=40)
    runs = models.PositiveIntegerField()
    cost_usd = models.DecimalField(max_digits=16, decimal_places=2)
    completers = models.PositiveIntegerField()

    def __str__(self):
        return f"{self.end_year} {self.programme} {self.provider}"


class CubeBuild(models.Model):
    class Kind(models.TextChoices):
        FULL = "full", _("Full rebuild")
        REFRESH = "refresh", _("Refresh after an import")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"))
    # What a refresh covered: the trainees whose cells were replaced.
    trainees_refreshed = models.PositiveIntegerField(null=True)
    cells = models.PositiveIntegerField(_("cells"))
    # Counts and latest change of the source tables at build time.
    snapshot = models.JSONField(_("data snapshot"))
    triggered_by = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["-finished_at", "-id"]
        get_latest_by = "finished_at"
        verbose_name = _("indicator build")
        verbose_name_plural = _("indicator builds")

    def __str__(self):
        return f"{self.get_kind_display()} {self.finished_at:%Y-%m-%d %H:%M}"
