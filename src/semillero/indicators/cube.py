"""Build and refresh the cube (`models.py`) with `INSERT … SELECT … GROUP BY`.

The SELECT is written with the ORM (so both databases get the same expressions,
including the age in whole years) and executed inside an INSERT: the rows never
travel through Python.

- `rebuild()` empties and refills both tables in one transaction.
- `refresh(since=…)` replaces only the cells of the trainees touched since a
  moment (an import's start): trainees whose attributes changed, trainees with an
  enrolment that changed, and trainees of course runs whose run or programme
  changed. The run table is small and is rebuilt whole. A deletion leaves no
  timestamp, so a refresh checks the cube's enrolment total against the source
  and falls back to a full rebuild when they differ.
"""

import contextlib
import datetime
import logging

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf
from django.db.models.lookups import GreaterThanOrEqual
from django.utils import timezone

from semillero.training.models import (
    CourseRun,
    Enrolment,
    EnrolmentStatus,
    Programme,
    Trainee,
)

from .models import CubeBuild, EnrolmentCell, RunCell

logger = logging.getLogger(__name__)

SOURCE_MODELS = (Trainee, Enrolment, CourseRun, Programme)

COMPLETED = (EnrolmentStatus.COMPLETED, EnrolmentStatus.CERTIFIED)

# A refresh touching more trainees than both of these is slower than a rebuild.
REFRESH_LIMIT_SHARE = 0.5
REFRESH_LIMIT_TRAINEES = 20_000
# Ids per DELETE/INSERT statement (SQLite caps the number of parameters).
CHUNK = 5000

AGE_BOUNDS = (  # (lower age, group), checked from the top
    (65, "65+"),
    (45, "45-64"),
    (30, "30-44"),
    (25, "25-29"),
    (18, "18-24"),
    (15, "15-17"),
)
VULNERABILITY_FLAGS = ("disability", "returned_migrant", "rural", "low_income")


class YearOf(Func):
    """The year of a date as an integer, with each database's own function
    (Django's ExtractYear calls a Python function per row on SQLite)."""

    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(substr(%(expressions)s, 1, 4) AS INTEGER)",
        )

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(EXTRACT(YEAR FROM %(expressions)s) AS INTEGER)",
        )


class WholeYears(Func):
    """Whole years from the second date to the first: (yyyymmdd − yyyymmdd) div
    10,000, which is the age on the first date of someone born on the second."""

    arity = 2
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        digits = "CAST(replace(%s, '-', '') AS INTEGER)"
        sql, params = compiler.compile(self.source_expressions[0])
        birth_sql, birth_params = compiler.compile(self.source_expressions[1])
        return f"(({digits % sql}) - ({digits % birth_sql})) / 10000", [
            *params,
            *birth_params,
        ]

    def as_postgresql(self, compiler, connection, **extra):
        digits = "CAST(to_char(%s, 'YYYYMMDD') AS INTEGER)"
        sql, params = compiler.compile(self.source_expressions[0])
        birth_sql, birth_params = compiler.compile(self.source_expressions[1])
        return f"(({digits % sql}) - ({digits % birth_sql})) / 10000", [
            *params,
            *birth_params,
        ]


def age_group_at_start():
    """The spec's age group in whole years at the run's start (null without a
    birth date)."""
    age = WholeYears("course_run__start_date", "trainee__birth_date")
    whens = [When(trainee__birth_date__isnull=True, then=Value(None))]
    whens += [
        When(GreaterThanOrEqual(age, low), then=Value(label))
        for low, label in AGE_BOUNDS
    ]
    return Case(*whens, default=Value("<15"))


def vulnerable_flag():
    """Any flag true; unknown counts as false (spec)."""
    any_true = Q()
    for flag in VULNERABILITY_FLAGS:
        any_true |= Q(**{f"trainee__{flag}": True})
    return Case(
        When(any_true, then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


# Cube column -> the SELECT expression's alias, in insertion order.
_ENROLMENT_COLUMNS = (
    "trainee_id",
    "start_year",
    "end_year",
    "status",
    "sex",
    "age_group",
    "residence",
    "run_department",
    "programme",
    "training_area",
    "modality",
    "provider",
    "vulnerable",
    "enrolments",
)
_RUN_COLUMNS = (
    "end_year",
    "run_department",
    "programme",
    "training_area",
    "modality",
    "provider",
    "runs",
    "cost_usd",
    "completers",
)


def _enrolment_cells_select(enrolments):
    """One cell per enrolment. (Grouping by trainee and every dimension would
    merge almost nothing: a person rarely takes the same programme twice in a
    year. Not grouping spares the database a sort of every row.)"""
    columns = {
        "_c_trainee_id": F("trainee_id"),
        "_c_start_year": YearOf("course_run__start_date"),
        "_c_end_year": YearOf("course_run__end_date"),
        "_c_status": F("status"),
        "_c_sex": NullIf("trainee__sex", Value("")),
        "_c_age_group": age_group_at_start(),
        "_c_residence": F("trainee__department__code"),
        "_c_run_department": F("course_run__department__code"),
        "_c_programme": F("course_run__programme__code"),
        "_c_training_area": F("course_run__programme__training_area__code"),
        "_c_modality": F("course_run__programme__modality"),
        "_c_provider": F("course_run__provider__code"),
        "_c_vulnerable": vulnerable_flag(),
        "_c_enrolments": Value(1),
    }
    return enrolments.order_by().annotate(**columns).values(*columns)


def _run_cells_select():
    completers = (
        Enrolment.objects.filter(course_run=OuterRef("pk"), status__in=COMPLETED)
        .order_by()
        .values("course_run")
        .annotate(c=Count("id"))
        .values("c")
    )
    dims = {
        "_c_end_year": YearOf("end_date"),
        "_c_run_department": F("department__code"),
        "_c_programme": F("programme__code"),
        "_c_training_area": F("programme__training_area__code"),
        "_c_modality": F("programme__modality"),
        "_c_provider": F("provider__code"),
    }
    return (
        CourseRun.objects.filter(cost_usd__isnull=False)
        .order_by()
        .annotate(_completers_of_run=Coalesce(Subquery(completers), 0))
        .annotate(**dims)
        .values(*dims)
        .annotate(
            _c_runs=Count("id"),
            _c_cost_usd=Sum("cost_usd"),
            _c_completers=Sum("_completers_of_run"),
        )
    )


def _insert_select(model, columns, queryset) -> int:
    """INSERT INTO model's table the rows of `queryset` (aliases `_c_<column>`).

    The SELECT is wrapped so its columns are picked by alias, whatever order
    the ORM emits them in."""
    sql, params = queryset.query.sql_with_params()
    qn = connection.ops.quote_name
    target = ", ".join(qn(c) for c in columns)
    picked = ", ".join(qn(f"_c_{c}") for c in columns)
    with connection.cursor() as cursor:
        # Table and column names come from the models, values travel as params.
        statement = (
            f"INSERT INTO {qn(model._meta.db_table)} ({target}) "  # noqa: S608
            f"SELECT {picked} FROM ({sql}) src"
        )
        cursor.execute(statement, params)
        return cursor.rowcount


def _snapshot() -> dict:
    from semillero.core.models import ImportBatch

    last = ImportBatch.objects.exclude(finished_at=None).order_by("-finished_at")
    last = last.values("id", "kind", "file_name", "finished_at").first()
    if last:
        last["finished_at"] = last["finished_at"].isoformat()
    return {
        "enrolments": Enrolment.objects.count(),
        "trainees": Trainee.objects.count(),
        "course_runs": CourseRun.objects.count(),
        "last_import": last,
    }


def _rebuild_runs() -> None:
    RunCell.objects.all().delete()
    _insert_select(RunCell, _RUN_COLUMNS, _run_cells_select())


@contextlib.contextmanager
def _indexes_dropped(model):
    """Drop the model's indexes for a bulk fill and build them again after: one
    sort per index instead of keeping every index in order row by row. (Plain
    indexes on columns: the same SQL on SQLite and PostgreSQL.)"""
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    with connection.cursor() as cursor:
        for index in model._meta.indexes:
            cursor.execute(f"DROP INDEX {qn(index.name)}")
        yield
        for index in model._meta.indexes:
            columns = ", ".join(
                qn(model._meta.get_field(name).column) for name in index.fields
            )
            cursor.execute(f"CREATE INDEX {qn(index.name)} ON {table} ({columns})")


def rebuild(*, triggered_by: str = "") -> CubeBuild:
    """Empty and refill the cube from the operational tables."""
    started = timezone.now()
    with transaction.atomic():
        EnrolmentCell.objects.all().delete()
        with _indexes_dropped(EnrolmentCell):
            _insert_select(
                EnrolmentCell,
                _ENROLMENT_COLUMNS,
                _enrolment_cells_select(Enrolment.objects),
            )
        _rebuild_runs()
        return CubeBuild.objects.create(
            kind=CubeBuild.Kind.FULL,
            started_at=started,
            finished_at=timezone.now(),
            cells=EnrolmentCell.objects.count() + RunCell.objects.count(),
            snapshot=_snapshot(),
            triggered_by=triggered_by,
        )


def touched_trainees(since: datetime.datetime) -> set[int]:
    """Ids of the trainees whose cells may have changed since `since`."""
    changed_runs = CourseRun.objects.filter(
        Q(updated_at__gte=since) | Q(programme__updated_at__gte=since)
    ).values("id")
    ids = set(
        Trainee.objects.filter(updated_at__gte=since).values_list("id", flat=True)
    )
    ids.update(
        Enrolment.objects.filter(updated_at__gte=since).values_list(
            "trainee_id", flat=True
        )
    )
    ids.update(
        Enrolment.objects.filter(course_run__in=changed_runs).values_list(
            "trainee_id", flat=True
        )
    )
    return ids


def _cube_matches_source() -> bool:
    in_cube = EnrolmentCell.objects.aggregate(n=Sum("enrolments"))["n"] or 0
    return in_cube == Enrolment.objects.count()


def refresh(*, since: datetime.datetime, triggered_by: str = "") -> CubeBuild:
    """Replace the cells of the trainees touched since `since` (see module doc);
    a full rebuild when that is most of them, or when the cube has never been
    built."""
    if not CubeBuild.objects.exists():
        return rebuild(triggered_by=triggered_by)
    started = timezone.now()
    trainees = sorted(touched_trainees(since))
    total = Trainee.objects.count()
    if len(trainees) > max(REFRESH_LIMIT_TRAINEES, REFRESH_LIMIT_SHARE * total):
        return rebuild(triggered_by=triggered_by)
    with transaction.atomic():
        for i in range(0, len(trainees), CHUNK):
            chunk = trainees[i : i + CHUNK]
            EnrolmentCell.objects.filter(trainee_id__in=chunk).delete()
            _insert_select(
                EnrolmentCell,
                _ENROLMENT_COLUMNS,
                _enrolment_cells_select(Enrolment.objects.filter(trainee_id__in=chunk)),
            )
        _rebuild_runs()
        if not _cube_matches_source():
            transaction.set_rollback(True)
            consistent = False
        else:
            consistent = True
            build = CubeBuild.objects.create(
                kind=CubeBuild.Kind.REFRESH,
                started_at=started,
                finished_at=timezone.now(),
                trainees_refreshed=len(trainees),
                cells=EnrolmentCell.objects.count() + RunCell.objects.count(),
                snapshot=_snapshot(),
                triggered_by=triggered_by,
            )
    if not consistent:
        # Something was deleted (no timestamp says so): start again from scratch.
        logger.info("indicator cube out of step with the source; rebuilding")
        return rebuild(triggered_by=triggered_by)
    return build


def latest_build() -> CubeBuild | None:
    return CubeBuild.objects.order_by("-finished_at", "-id").first()


def _changed_since(moment: datetime.datetime) -> bool:
    return any(
        model.objects.filter(updated_at__gte=moment).exists() for model in SOURCE_MODELS
    )


# A change saved one record at a time (a page, the API, the admin) marks the cube
# stale here (see signals.py); imports refresh it themselves. The mark lives in
# the shared cache so every process sees it.
STALE_KEY = "indicators:cube-stale-since"


def mark_stale() -> None:
    cache.add(STALE_KEY, timezone.now(), timeout=None)


def ensure_fresh(*, thorough: bool = False, triggered_by: str = "") -> CubeBuild:
    """The cube, up to date for a reader.

    Cheap by default (pages, API): a rebuild the first time, then a refresh only
    when a change was marked. `thorough` (the command line) also looks at the
    source tables themselves, catching changes that bypassed the ORM's signals.
    """
    latest = latest_build()
    if latest is None:
        cache.delete(STALE_KEY)
        return rebuild(triggered_by=triggered_by)
    stale_since = cache.get(STALE_KEY)
    if thorough and stale_since is None:
        if _changed_since(latest.started_at) or not _cube_matches_source():
            stale_since = latest.started_at
    if stale_since is None:
        return latest
    cache.delete(STALE_KEY)
    return refresh(since=min(stale_since, latest.started_at), triggered_by=triggered_by)
