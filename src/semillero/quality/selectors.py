"""Every read of the quality app, scoped to the user asking.

- Accreditation, audits, findings and the provider scorecard: administrators,
  analysts and viewers read every organization's; a data officer reads its own
  organization's; company officers none (`quality_access`). The auditor of an
  audit is shown to administrators only (`can_see_auditor`).
- Installed capacity (facilities, equipment, the capacity search): every logged-in
  user, companies included: sharing it is the point.

Statuses that depend on the date (an accreditation past its end is expired, an open
finding past its due date is overdue) are computed for `today`, a parameter of each
selector that defaults to the local date, so tests pass a fixed day.
"""

import enum
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    FloatField,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, ExtractYear, NullIf
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from semillero.accounts.models import Role
from semillero.accounts.permissions import (
    can_read_all_quality,
    can_read_capacity,
    require,
)
from semillero.core.search import matches
from semillero.registry.models import Instructor, Organization, OrganizationType
from semillero.training.models import CourseRun, Enrolment, EnrolmentStatus

from .models import (
    IN_FORCE_STATUSES,
    OVERDUE,
    OVERDUE_LABEL,
    PENDING_STATUSES,
    Accreditation,
    AccreditationStatus,
    Equipment,
    Facility,
    Finding,
    FindingStatus,
    ProgrammeAccreditation,
    QualityAudit,
    effective_status,
    finding_effective_status,
)

DEFAULT_ALERT_DAYS = 90
NO_ACCREDITATION = "none"


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _by_organization(queryset, organization, field: str = "organization"):
    """Filter by an organization given as primary key (int) or code (str)."""
    if organization is None or organization == "":
        return queryset
    if isinstance(organization, Organization):
        return queryset.filter(**{f"{field}_id": organization.pk})
    if isinstance(organization, int):
        return queryset.filter(**{f"{field}_id": organization})
    return queryset.filter(**{f"{field}__code": organization})


# Who reads what -------------------------------------------------------------------------


class QualityAccess(enum.StrEnum):
    ALL = "all"  # every organization's accreditation, audits, findings, scorecard
    OWN = "own"  # its own organization's
    NONE = "none"


def quality_access(user) -> QualityAccess:
    if not (user and getattr(user, "is_authenticated", False)):
        return QualityAccess.NONE
    if can_read_all_quality(user):
        return QualityAccess.ALL
    if user.role == Role.DATA_OFFICER and user.organization_id:
        return QualityAccess.OWN
    return QualityAccess.NONE


def _require_quality(user) -> QualityAccess:
    access = quality_access(user)
    require(
        access != QualityAccess.NONE,
        _("Your role does not give access to accreditation, audits and findings."),
    )
    return access


def _scoped(queryset, user, access: QualityAccess, field: str = "organization_id"):
    if access == QualityAccess.OWN:
        return queryset.filter(**{field: user.organization_id})
    return queryset


def _require_capacity(user) -> None:
    require(can_read_capacity(user), _("Log in to see the installed capacity."))


def centre_choices(*, user) -> list[tuple[str, str]]:
    """(code, name) of the training centres the user reads the quality of."""
    access = quality_access(user)
    if access == QualityAccess.NONE:
        return []
    centres = _scoped(
        Organization.objects.filter(type=OrganizationType.TRAINING_CENTRE),
        user,
        access,
        "pk",
    )
    return list(centres.order_by("name").values_list("code", "name"))


def audited_choices(*, user) -> list[tuple[str, str]]:
    """(code, name) of the organizations with audits, within what the user reads."""
    access = quality_access(user)
    if access == QualityAccess.NONE:
        return []
    orgs = _scoped(
        Organization.objects.filter(
            pk__in=QualityAudit.objects.values("organization_id")
        ),
        user,
        access,
        "pk",
    )
    return list(orgs.order_by("name").values_list("code", "name"))


# Accreditation --------------------------------------------------------------------------


def accreditation_list(
    *,
    user,
    q: str = "",
    status: str | None = None,
    organization: str | int | None = None,
    department: str | None = None,
    today: date | None = None,
) -> QuerySet[Accreditation]:
    """Accreditation records, each with `current_status` (its status as of `today`).
    `status` filters on that current status."""
    access = _require_quality(user)
    today = _today(today)
    records = _scoped(
        Accreditation.objects.select_related(
            "organization", "organization__department"
        ),
        user,
        access,
    ).annotate(current_status=effective_status(today))
    q = (q or "").strip()
    if q:
        records = records.filter(
            matches(
                q,
                "organization__name",
                "organization__code",
                "scope",
                "decision_reference",
            )
        )
    if status:
        records = records.filter(current_status=status)
    records = _by_organization(records, organization)
    if department:
        records = records.filter(organization__department__code=department)
    return records.order_by(
        "organization__name", F("valid_from").desc(nulls_first=True), "-pk"
    )


def accreditation_get(*, user, pk: int, today: date | None = None) -> Accreditation:
    """One accreditation record; raises Accreditation.DoesNotExist outside scope."""
    return accreditation_list(user=user, today=today).get(pk=pk)


def programme_accreditation_list(
    *,
    user,
    q: str = "",
    status: str | None = None,
    organization: str | int | None = None,
    programme: str | None = None,
    training_area: str | None = None,
    today: date | None = None,
) -> QuerySet[ProgrammeAccreditation]:
    access = _require_quality(user)
    today = _today(today)
    records = _scoped(
        ProgrammeAccreditation.objects.select_related(
            "organization", "programme", "programme__training_area"
        ),
        user,
        access,
    ).annotate(current_status=effective_status(today))
    q = (q or "").strip()
    if q:
        records = records.filter(
            matches(
                q,
                "organization__name",
                "organization__code",
                "programme__name",
                "programme__code",
                "decision_reference",
            )
        )
    if status:
        records = records.filter(current_status=status)
    records = _by_organization(records, organization)
    if programme:
        records = records.filter(programme__code=programme)
    if training_area:
        records = records.filter(programme__training_area__code=training_area)
    return records.order_by(
        "organization__name",
        "programme__name",
        F("valid_from").desc(nulls_first=True),
        "-pk",
    )


def programme_accreditation_get(
    *, user, pk: int, today: date | None = None
) -> ProgrammeAccreditation:
    return programme_accreditation_list(user=user, today=today).get(pk=pk)


class PerGroup(ExpressionWrapper):
    """An expression beside aggregates that depends only on the grouped primary
    key (a correlated subquery), kept out of GROUP BY: the database evaluates it
    once per group, where in GROUP BY PostgreSQL evaluates it once per joined row,
    tens of thousands of times."""

    def get_group_by_cols(self):
        return []


def current_accreditation_status(today: date, outer: str = "pk"):
    """Subquery: the current status of an organization's accreditation.

    The record in force today wins; else the latest one (an application still
    without dates counts as the latest), as of `today`. NULL: never accredited.
    """
    in_force = Case(
        When(
            status__in=IN_FORCE_STATUSES,
            valid_from__lte=today,
            valid_until__gte=today,
            then=Value(1),
        ),
        default=Value(0),
        output_field=IntegerField(),
    )
    return Subquery(
        Accreditation.objects.filter(organization=OuterRef(outer))
        .annotate(_in_force=in_force, _status=effective_status(today))
        .order_by("-_in_force", F("valid_from").desc(nulls_first=True), "-pk")
        .values("_status")[:1]
    )


def status_label(status: str | None) -> str:
    if not status or status == NO_ACCREDITATION:
        return _("No accreditation")
    return str(AccreditationStatus(status).label)


@dataclass(frozen=True)
class AccreditationAlert:
    """An accreditation that lapses within the window, or lapsed while still
    marked accredited (nothing newer has replaced it)."""

    kind: str  # "centre" or "programme"
    record: Accreditation | ProgrammeAccreditation
    days_left: int  # negative: lapsed that many days ago
    renewal_in_process: bool

    @property
    def organization(self) -> Organization:
        return self.record.organization

    @property
    def programme(self):
        return getattr(self.record, "programme", None)

    @property
    def valid_until(self) -> date:
        return self.record.valid_until

    @property
    def lapsed(self) -> bool:
        return self.days_left < 0

    @property
    def days_ago(self) -> int:
        return -self.days_left


def _alerts_of(model, records, horizon, same):
    """In force until `horizon` at the latest, and not replaced by a later record
    in force of the same centre (and programme)."""
    newer = model.objects.filter(
        status__in=IN_FORCE_STATUSES,
        valid_until__gt=OuterRef("valid_until"),
        **{f: OuterRef(f) for f in same},
    )
    renewal = model.objects.filter(
        status=AccreditationStatus.IN_PROCESS, **{f: OuterRef(f) for f in same}
    )
    return (
        records.filter(status__in=IN_FORCE_STATUSES, valid_until__lte=horizon)
        .annotate(
            _replaced=Exists(newer),
            _renewal=Exists(renewal),
        )
        .filter(_replaced=False)
    )


def accreditation_alerts(
    *,
    user,
    days: int = DEFAULT_ALERT_DAYS,
    organization: str | int | None = None,
    today: date | None = None,
) -> list[AccreditationAlert]:
    """Accreditations of centres and of programmes that lapse within `days` of
    `today`, and those already lapsed but still marked accredited (or conditional),
    unless a newer record in force replaced them. Lapsed first, then soonest."""
    access = _require_quality(user)
    today = _today(today)
    horizon = today + timedelta(days=days)
    centres = _alerts_of(
        Accreditation,
        _by_organization(
            _scoped(Accreditation.objects.all(), user, access), organization
        ).select_related("organization", "organization__department"),
        horizon,
        ["organization"],
    )
    programmes = _alerts_of(
        ProgrammeAccreditation,
        _by_organization(
            _scoped(ProgrammeAccreditation.objects.all(), user, access), organization
        ).select_related("organization", "programme"),
        horizon,
        ["organization", "programme"],
    )
    alerts = [
        AccreditationAlert(
            kind=kind,
            record=record,
            days_left=(record.valid_until - today).days,
            renewal_in_process=record._renewal,
        )
        for kind, records in (("centre", centres), ("programme", programmes))
        for record in records
    ]
    alerts.sort(key=lambda a: (a.valid_until, a.organization.name, a.kind))
    return alerts


def centre_status_counts(*, user, today: date | None = None) -> list[dict]:
    """How many training centres are in each accreditation status today (their
    current record; "none" for never accredited). One query."""
    access = _require_quality(user)
    today = _today(today)
    centres = _scoped(
        Organization.objects.filter(type=OrganizationType.TRAINING_CENTRE),
        user,
        access,
        "pk",
    )
    rows = (
        centres.annotate(
            _status=Coalesce(
                current_accreditation_status(today), Value(NO_ACCREDITATION)
            )
        )
        .order_by()
        .values("_status")
        .annotate(n=Count("pk"))
    )
    counts = {row["_status"]: row["n"] for row in rows}
    order = [*AccreditationStatus.values, NO_ACCREDITATION]
    return [
        {
            "status": status,
            "label": status_label(status),
            "count": counts.get(status, 0),
        }
        for status in order
    ]


# Audits and findings --------------------------------------------------------------------


def audit_list(
    *,
    user,
    q: str = "",
    organization: str | int | None = None,
    type: str | None = None,
    result: str | None = None,
    department: str | None = None,
    year: str | int | None = None,
    today: date | None = None,
) -> QuerySet[QualityAudit]:
    """Audits with `finding_count`, `pending_count` (not closed) and
    `overdue_count` (pending past due on `today`)."""
    access = _require_quality(user)
    today = _today(today)
    pending = Q(findings__status__in=PENDING_STATUSES)
    audits = _scoped(
        QualityAudit.objects.select_related(
            "organization", "organization__department", "auditor"
        ),
        user,
        access,
    ).annotate(
        finding_count=Count("findings"),
        pending_count=Count("findings", filter=pending),
        overdue_count=Count(
            "findings", filter=pending & Q(findings__due_date__lt=today)
        ),
    )
    q = (q or "").strip()
    if q:
        audits = audits.filter(
            matches(q, "organization__name", "organization__code", "summary")
        )
    audits = _by_organization(audits, organization)
    if type:
        audits = audits.filter(type=type)
    if result == "pending":
        audits = audits.filter(result="")
    elif result:
        audits = audits.filter(result=result)
    if department:
        audits = audits.filter(organization__department__code=department)
    if year and str(year).isdigit():
        audits = audits.filter(audit_date__year=int(year))
    return audits.order_by("-audit_date", "-pk")


def audit_get(*, user, pk: int, today: date | None = None) -> QualityAudit:
    """One audit; raises QualityAudit.DoesNotExist outside the user's scope."""
    return audit_list(user=user, today=today).get(pk=pk)


def audit_findings(audit: QualityAudit, *, today: date | None = None) -> list[Finding]:
    """The findings of an audit the caller already read, with `current_status`."""
    today = _today(today)
    return list(
        audit.findings.annotate(
            current_status=finding_effective_status(today)
        ).order_by("due_date", "pk")
    )


def audit_years(*, user) -> list[int]:
    access = quality_access(user)
    if access == QualityAccess.NONE:
        return []
    audits = _scoped(QualityAudit.objects.all(), user, access)
    return sorted({d.year for d in audits.dates("audit_date", "year")}, reverse=True)


FINDING_STATUS_CHOICES = [
    ("pending", _lazy("Not closed")),
    (FindingStatus.OPEN.value, FindingStatus.OPEN.label),
    (FindingStatus.IN_PROGRESS.value, FindingStatus.IN_PROGRESS.label),
    (OVERDUE, OVERDUE_LABEL),
    (FindingStatus.CLOSED.value, FindingStatus.CLOSED.label),
]


def finding_status_label(status: str) -> str:
    """The label of a current status of a finding (overdue included)."""
    return str(dict(FINDING_STATUS_CHOICES).get(status, status))


def finding_list(
    *,
    user,
    q: str = "",
    organization: str | int | None = None,
    severity: str | None = None,
    status: str | None = None,
    department: str | None = None,
    audit: int | None = None,
    today: date | None = None,
) -> QuerySet[Finding]:
    """Findings with `current_status` as of `today` ("overdue" when open or in
    progress past the due date) and `days_overdue`. `status`: one of the current
    statuses, or "pending" for every finding not closed."""
    access = _require_quality(user)
    today = _today(today)
    findings = _scoped(
        Finding.objects.select_related(
            "audit", "audit__organization", "audit__organization__department"
        ),
        user,
        access,
        "audit__organization_id",
    ).annotate(current_status=finding_effective_status(today))
    q = (q or "").strip()
    if q:
        findings = findings.filter(
            matches(
                q,
                "description",
                "required_action",
                "closing_note",
                "audit__organization__name",
                "audit__organization__code",
            )
        )
    findings = _by_organization(findings, organization, "audit__organization")
    if severity:
        findings = findings.filter(severity=severity)
    if status == "pending":
        findings = findings.filter(status__in=PENDING_STATUSES)
    elif status:
        findings = findings.filter(current_status=status)
    if department:
        findings = findings.filter(audit__organization__department__code=department)
    if audit is not None:
        findings = findings.filter(audit_id=audit)
    return findings.order_by("audit__organization__name", "due_date", "pk")


def finding_get(*, user, pk: int, today: date | None = None) -> Finding:
    return finding_list(user=user, today=today).get(pk=pk)


def finding_counts(
    *, user, organization: str | int | None = None, today: date | None = None
) -> dict[str, int]:
    """Open, in progress, overdue, pending (= not closed) and closed findings."""
    access = _require_quality(user)
    today = _today(today)
    findings = _by_organization(
        _scoped(Finding.objects.all(), user, access, "audit__organization_id"),
        organization,
        "audit__organization",
    )
    pending = Q(status__in=PENDING_STATUSES)
    return findings.aggregate(
        open=Count("pk", filter=Q(status=FindingStatus.OPEN)),
        in_progress=Count("pk", filter=Q(status=FindingStatus.IN_PROGRESS)),
        overdue=Count("pk", filter=pending & Q(due_date__lt=today)),
        pending=Count("pk", filter=pending),
        closed=Count("pk", filter=Q(status=FindingStatus.CLOSED)),
    )


# The provider scorecard -----------------------------------------------------------------


def rate(numerator: int, denominator: int) -> float | None:
    """numerator / denominator; None (shown "—") when there is nothing to divide by."""
    return numerator / denominator if denominator else None


def _rate_expression(numerator, denominator):
    # NULL when the denominator is 0, on both databases (x / NULL is NULL).
    return Cast(numerator, FloatField()) / NullIf(Cast(denominator, FloatField()), 0.0)


def scorecard_years() -> list[int]:
    """Years in which course runs started or ended, newest first."""
    years = {d.year for d in CourseRun.objects.dates("start_date", "year")}
    years |= {d.year for d in CourseRun.objects.dates("end_date", "year")}
    return sorted(years, reverse=True)


def default_scorecard_year(*, today: date | None = None) -> int:
    """The latest year with course runs, not after this one."""
    today = _today(today)
    past = [y for y in scorecard_years() if y <= today.year]
    return past[0] if past else today.year


def scorecard(
    *,
    user,
    year: int,
    q: str = "",
    department: str | None = None,
    accreditation: str | None = None,
    organization: str | int | None = None,
    today: date | None = None,
) -> QuerySet[Organization]:
    """Every training centre with its figures for `year`, in one query.

    Per the indicator definitions: `runs` and `enrolments` of the course runs that
    started in the year; `completed`, `certified`, `dropped` over the finished
    enrolments of the runs that ended in it; `completion_rate` = (completed +
    certified) / (completed + certified + dropped); `certification_rate` =
    certified / (completed + certified); NULL when the denominator is 0. Also
    `pending_findings`, `overdue_findings` and the current `accreditation_status`
    ("none": never accredited) as of `today`.
    """
    access = _require_quality(user)
    today = _today(today)
    start, end = date(year, 1, 1), date(year, 12, 31)
    centres = _scoped(
        Organization.objects.filter(type=OrganizationType.TRAINING_CENTRE),
        user,
        access,
        "pk",
    ).select_related("department")
    q = (q or "").strip()
    if q:
        centres = centres.filter(matches(q, "name", "code"))
    if department:
        centres = centres.filter(department__code=department)
    if isinstance(organization, int):
        centres = centres.filter(pk=organization)
    elif organization:
        centres = centres.filter(code=organization)

    started_runs = (
        CourseRun.objects.filter(
            provider=OuterRef("pk"), start_date__range=(start, end)
        )
        .order_by()
        .values("provider")
        .annotate(n=Count("pk"))
        .values("n")
    )
    started_enrolments = (
        Enrolment.objects.filter(
            course_run__provider=OuterRef("pk"),
            course_run__start_date__range=(start, end),
        )
        .order_by()
        .values("course_run__provider")
        .annotate(n=Count("pk"))
        .values("n")
    )
    pending = Finding.objects.filter(
        audit__organization=OuterRef("pk"), status__in=PENDING_STATUSES
    )
    pending_count = (
        pending.order_by()
        .values("audit__organization")
        .annotate(n=Count("pk"))
        .values("n")
    )
    overdue_count = (
        pending.filter(due_date__lt=today)
        .order_by()
        .values("audit__organization")
        .annotate(n=Count("pk"))
        .values("n")
    )
    enrolment = "ended_runs__enrolments"
    status = f"{enrolment}__status"
    centres = (
        centres.annotate(
            # The runs that ended in the year, joined with the condition in the ON
            # clause: only their enrolments are read.
            ended_runs=FilteredRelation(
                "course_runs_provided",
                condition=Q(course_runs_provided__end_date__range=(start, end)),
            )
        )
        .annotate(
            completed=Count(enrolment, filter=Q(**{status: EnrolmentStatus.COMPLETED})),
            certified=Count(enrolment, filter=Q(**{status: EnrolmentStatus.CERTIFIED})),
            dropped=Count(enrolment, filter=Q(**{status: EnrolmentStatus.DROPPED})),
            runs=PerGroup(
                Coalesce(Subquery(started_runs), 0), output_field=IntegerField()
            ),
            enrolments=PerGroup(
                Coalesce(Subquery(started_enrolments), 0), output_field=IntegerField()
            ),
            pending_findings=PerGroup(
                Coalesce(Subquery(pending_count), 0), output_field=IntegerField()
            ),
            overdue_findings=PerGroup(
                Coalesce(Subquery(overdue_count), 0), output_field=IntegerField()
            ),
            accreditation_status=PerGroup(
                Coalesce(current_accreditation_status(today), Value(NO_ACCREDITATION)),
                output_field=CharField(),
            ),
        )
        .annotate(
            completers=F("completed") + F("certified"),
            finished=F("completed") + F("certified") + F("dropped"),
        )
        .annotate(
            completion_rate=_rate_expression(F("completers"), F("finished")),
            certification_rate=_rate_expression(F("certified"), F("completers")),
        )
    )
    if accreditation:
        centres = centres.filter(accreditation_status=accreditation)
    return centres.order_by("name", "pk")


@dataclass
class ScorecardYear:
    year: int
    runs: int = 0
    enrolments: int = 0
    completed: int = 0
    certified: int = 0
    dropped: int = 0

    @property
    def completers(self) -> int:
        return self.completed + self.certified

    @property
    def finished(self) -> int:
        return self.completers + self.dropped

    @property
    def completion_rate(self) -> float | None:
        return rate(self.completers, self.finished)

    @property
    def certification_rate(self) -> float | None:
        return rate(self.certified, self.completers)


def provider_scorecard(*, user, organization: Organization) -> list[ScorecardYear]:
    """The scorecard figures of one provider for every year, newest first (two
    grouped queries), with the same definitions as `scorecard`."""
    access = _require_quality(user)
    require(
        access == QualityAccess.ALL or organization.pk == user.organization_id,
        _("You may read the scorecard of your own organization only."),
    )
    years: dict[int, ScorecardYear] = {}
    started = (
        CourseRun.objects.filter(provider=organization)
        .annotate(y=ExtractYear("start_date"))
        .order_by()
        .values("y")
        .annotate(runs=Count("pk", distinct=True), enrolments=Count("enrolments"))
    )
    for row in started:
        card = years.setdefault(row["y"], ScorecardYear(row["y"]))
        card.runs, card.enrolments = row["runs"], row["enrolments"]
    ended = (
        Enrolment.objects.filter(course_run__provider=organization)
        .annotate(y=ExtractYear("course_run__end_date"))
        .order_by()
        .values("y")
        .annotate(
            completed=Count("pk", filter=Q(status=EnrolmentStatus.COMPLETED)),
            certified=Count("pk", filter=Q(status=EnrolmentStatus.CERTIFIED)),
            dropped=Count("pk", filter=Q(status=EnrolmentStatus.DROPPED)),
        )
    )
    for row in ended:
        card = years.setdefault(row["y"], ScorecardYear(row["y"]))
        card.completed = row["completed"]
        card.certified = row["certified"]
        card.dropped = row["dropped"]
    return [years[y] for y in sorted(years, reverse=True)]


# Installed capacity -----------------------------------------------------------------------


YES_NO = {"yes": True, "no": False}


def _facilities(
    *,
    q: str = "",
    training_area: str | None = None,
    department: str | None = None,
    kind: str | None = None,
    available: str | None = None,
    organization: str | int | None = None,
    organization_type: str | None = None,
) -> QuerySet[Facility]:
    facilities = Facility.objects.all()
    q = (q or "").strip()
    if q:
        facilities = facilities.filter(
            matches(q, "name", "organization__name")
            | Q(
                pk__in=Equipment.objects.filter(matches(q, "item")).values(
                    "facility_id"
                )
            )
            | Q(
                pk__in=Facility.training_areas.through.objects.filter(
                    matches(q, "trainingarea__name")
                ).values("facility_id")
            )
        )
    if training_area:
        facilities = facilities.filter(
            pk__in=Facility.training_areas.through.objects.filter(
                trainingarea__code=training_area
            ).values("facility_id")
        )
    if department:
        facilities = facilities.filter(department__code=department)
    if kind:
        facilities = facilities.filter(kind=kind)
    if available in YES_NO:
        facilities = facilities.filter(available_to_share=YES_NO[available])
    facilities = _by_organization(facilities, organization)
    if organization_type:
        facilities = facilities.filter(organization__type=organization_type)
    return facilities


def facility_list(
    *,
    user,
    q: str = "",
    training_area: str | None = None,
    department: str | None = None,
    kind: str | None = None,
    available: str | None = None,
    organization: str | int | None = None,
    organization_type: str | None = None,
) -> QuerySet[Facility]:
    """Facilities, searched (ignoring case and accents) in their name, their
    organization's name, their equipment and the training areas they serve."""
    _require_capacity(user)
    return (
        _facilities(
            q=q,
            training_area=training_area,
            department=department,
            kind=kind,
            available=available,
            organization=organization,
            organization_type=organization_type,
        )
        .select_related("organization", "department", "municipality")
        .prefetch_related("training_areas", "equipment")
        .order_by("organization__name", "name", "pk")
    )


def facility_get(*, user, pk: int) -> Facility:
    """One facility; raises Facility.DoesNotExist."""
    _require_capacity(user)
    return (
        Facility.objects.select_related(
            "organization", "organization__department", "department", "municipality"
        )
        .prefetch_related("training_areas", "equipment")
        .get(pk=pk)
    )


def facility_instructors(facility: Facility) -> list[Instructor]:
    """The instructors who work in a facility (the caller decides what to show)."""
    return list(
        facility.instructors.prefetch_related("training_areas").order_by("code")
    )


def capacity_search(
    *,
    user,
    q: str = "",
    training_area: str | None = None,
    department: str | None = None,
    kind: str | None = None,
    available: str | None = None,
    organization_type: str | None = None,
) -> QuerySet[Organization]:
    """Who can train what, where: the organizations with facilities matching the
    filters, each with `matching` (those facilities, prefetched), `facility_count`,
    `places` (their total capacity) and `instructor_count` (its active instructors
    in `training_area`, or all its active instructors without one)."""
    _require_capacity(user)
    facilities = _facilities(
        q=q,
        training_area=training_area,
        department=department,
        kind=kind,
        available=available,
        organization_type=organization_type,
    )
    per_org = (
        facilities.filter(organization=OuterRef("pk")).order_by().values("organization")
    )
    instructors = Instructor.objects.filter(organization=OuterRef("pk"), active=True)
    if training_area:
        instructors = instructors.filter(
            pk__in=Instructor.training_areas.through.objects.filter(
                trainingarea__code=training_area
            ).values("instructor_id")
        )
    instructor_count = (
        instructors.order_by()
        .values("organization")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Organization.objects.filter(pk__in=facilities.values("organization_id"))
        .select_related("department")
        .annotate(
            facility_count=Subquery(per_org.annotate(n=Count("pk")).values("n")),
            places=Subquery(per_org.annotate(n=Sum("capacity")).values("n")),
            instructor_count=Coalesce(Subquery(instructor_count), 0),
        )
        .prefetch_related(
            Prefetch(
                "facilities",
                queryset=facilities.select_related("department", "municipality")
                .prefetch_related("training_areas", "equipment")
                .order_by("name", "pk"),
                to_attr="matching",
            )
        )
        .order_by("name", "pk")
    )


def capacity_summary(*, user) -> dict[str, int]:
    _require_capacity(user)
    return Facility.objects.aggregate(
        facilities=Count("pk"),
        shared=Count("pk", filter=Q(available_to_share=True)),
        organizations=Count("organization", distinct=True),
    )
