"""Quality and capacity API (django-ninja router, mounted at /api/quality/).

A thin shell over the same selectors and services as the pages, so the same rules
apply: analysts and viewers read every organization's accreditation, audits,
findings and scorecard, a data officer its own organization's, company officers
none; everyone logged in reads the installed capacity. Records without a natural
code (accreditations, audits, findings, facilities) are addressed by their id;
organizations, programmes, training areas and places by their codes.

`status` is the status recorded; `current_status` the status today (an accredited
record past `valid_until` is "expired"; a finding open past its due date is
"overdue"). Rates are null when there is nothing to divide by.
"""

from datetime import date
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from semillero.accounts.models import User
from semillero.accounts.permissions import can_see_auditor
from semillero.core.api import ERRORS, PageParams, by_code, page
from semillero.registry.lookups import (
    department_by_code,
    municipality_by_code,
    organizations_by_code,
    training_areas_by_code,
)
from semillero.registry.models import Instructor, OrganizationType
from semillero.training.models import Programme

from . import selectors, services
from .models import (
    Accreditation,
    AccreditationStatus,
    AuditResult,
    AuditType,
    EquipmentCondition,
    Facility,
    FacilityKind,
    Finding,
    FindingSeverity,
    FindingStatus,
    ProgrammeAccreditation,
    QualityAudit,
)

router = Router(tags=["quality"])

CurrentFindingStatus = Literal["open", "in_progress", "closed", "overdue"]


def _data(payload: Schema, *, partial: bool, nullable=()) -> dict[str, Any]:
    """The fields sent; in a PATCH, null means "leave as it is" except for the
    fields that may be emptied."""
    data = payload.model_dump(exclude_unset=partial)
    for key, value in list(data.items()):
        if value is None and key not in nullable:
            del data[key]
    for key, value in list(data.items()):
        if hasattr(value, "value"):  # enums → their code
            data[key] = str(value.value)
    return data


def _organization(code: str, field: str = "organization"):
    return organizations_by_code([code], field)[0]


def _programme(code: str) -> Programme:
    return by_code(
        Programme, code, "programme", _("Unknown programme: %(code)s."), optional=False
    )


def _auditor(username: str | None) -> User | None:
    if not username:
        return None
    try:
        return User.objects.get(username=username)
    except User.DoesNotExist:
        raise ValidationError(
            {"auditor": _("Unknown user: %(username)s.") % {"username": username}}
        ) from None


# Accreditations --------------------------------------------------------------------------


class AccreditationOut(Schema):
    id: int
    organization: str = Field(description="Organization code.")
    organization_name: str
    status: AccreditationStatus = Field(description="The status recorded.")
    current_status: AccreditationStatus = Field(description="The status today.")
    scope: str
    valid_from: date | None
    valid_until: date | None
    decision_reference: str

    @staticmethod
    def resolve_organization(obj: Accreditation) -> str:
        return obj.organization.code

    @staticmethod
    def resolve_organization_name(obj: Accreditation) -> str:
        return obj.organization.name


class AccreditationPage(Schema):
    count: int
    items: list[AccreditationOut]


class AccreditationFilters(PageParams):
    q: str = Field("", description="Searched in centre name and code, scope, decision.")
    status: AccreditationStatus | None = Field(None, description="Status today.")
    organization: str | None = Field(None, description="Organization code.")
    department: str | None = Field(None, description="Department code.")


class AccreditationIn(Schema):
    organization: str = Field(description="Code of a training centre.")
    status: AccreditationStatus = AccreditationStatus.IN_PROCESS
    scope: str = ""
    valid_from: date | None = None
    valid_until: date | None = None
    decision_reference: str = Field("", max_length=120)


class AccreditationPatch(Schema):
    status: AccreditationStatus | None = None
    scope: str | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    decision_reference: str | None = Field(None, max_length=120)


ACCREDITATION_NULLABLE = ("valid_from", "valid_until")


@router.get(
    "/accreditations",
    response={200: AccreditationPage, **ERRORS},
    summary="List accreditations of training centres",
)
def list_accreditations(request: HttpRequest, filters: Query[AccreditationFilters]):
    rows = selectors.accreditation_list(
        user=request.auth,
        q=filters.q,
        status=filters.status,
        organization=filters.organization,
        department=filters.department,
    )
    count, items = page(rows, filters)
    return {"count": count, "items": items}


@router.get(
    "/accreditations/{int:accreditation_id}",
    response={200: AccreditationOut, **ERRORS},
    summary="One accreditation",
)
def get_accreditation(request: HttpRequest, accreditation_id: int):
    return selectors.accreditation_get(user=request.auth, pk=accreditation_id)


@router.post(
    "/accreditations",
    response={201: AccreditationOut, **ERRORS},
    summary="Record an accreditation (administrators)",
)
def create_accreditation(request: HttpRequest, payload: AccreditationIn):
    data = _data(payload, partial=False, nullable=ACCREDITATION_NULLABLE)
    data["organization"] = _organization(data["organization"])
    record = services.accreditation_create(actor=request.auth, **data)
    return Status(201, selectors.accreditation_get(user=request.auth, pk=record.pk))


@router.patch(
    "/accreditations/{int:accreditation_id}",
    response={200: AccreditationOut, **ERRORS},
    summary="Change an accreditation (administrators; only the fields sent)",
)
def update_accreditation(
    request: HttpRequest, accreditation_id: int, payload: AccreditationPatch
):
    record = selectors.accreditation_get(user=request.auth, pk=accreditation_id)
    services.accreditation_update(
        actor=request.auth,
        accreditation=record,
        data=_data(payload, partial=True, nullable=ACCREDITATION_NULLABLE),
    )
    return selectors.accreditation_get(user=request.auth, pk=record.pk)


class ProgrammeAccreditationOut(Schema):
    id: int
    organization: str
    organization_name: str
    programme: str = Field(description="Programme code.")
    programme_name: str
    status: AccreditationStatus
    current_status: AccreditationStatus
    valid_from: date | None
    valid_until: date | None
    decision_reference: str

    @staticmethod
    def resolve_organization(obj: ProgrammeAccreditation) -> str:
        return obj.organization.code

    @staticmethod
    def resolve_organization_name(obj: ProgrammeAccreditation) -> str:
        return obj.organization.name

    @staticmethod
    def resolve_programme(obj: ProgrammeAccreditation) -> str:
        return obj.programme.code

    @staticmethod
    def resolve_programme_name(obj: ProgrammeAccreditation) -> str:
        return obj.programme.name


class ProgrammeAccreditationPage(Schema):
    count: int
    items: list[ProgrammeAccreditationOut]


class ProgrammeAccreditationFilters(PageParams):
    q: str = Field("", description="Searched in centre and programme names and codes.")
    status: AccreditationStatus | None = Field(None, description="Status today.")
    organization: str | None = Field(None, description="Organization code.")
    programme: str | None = Field(None, description="Programme code.")
    training_area: str | None = Field(None, description="Training area code.")


class ProgrammeAccreditationIn(Schema):
    organization: str = Field(description="Code of a training centre.")
    programme: str = Field(description="Programme code.")
    status: AccreditationStatus = AccreditationStatus.IN_PROCESS
    valid_from: date | None = None
    valid_until: date | None = None
    decision_reference: str = Field("", max_length=120)


class ProgrammeAccreditationPatch(Schema):
    status: AccreditationStatus | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    decision_reference: str | None = Field(None, max_length=120)


@router.get(
    "/programme-accreditations",
    response={200: ProgrammeAccreditationPage, **ERRORS},
    summary="List which programmes each centre may deliver",
)
def list_programme_accreditations(
    request: HttpRequest, filters: Query[ProgrammeAccreditationFilters]
):
    rows = selectors.programme_accreditation_list(
        user=request.auth,
        q=filters.q,
        status=filters.status,
        organization=filters.organization,
        programme=filters.programme,
        training_area=filters.training_area,
    )
    count, items = page(rows, filters)
    return {"count": count, "items": items}


@router.get(
    "/programme-accreditations/{int:accreditation_id}",
    response={200: ProgrammeAccreditationOut, **ERRORS},
    summary="One programme accreditation",
)
def get_programme_accreditation(request: HttpRequest, accreditation_id: int):
    return selectors.programme_accreditation_get(user=request.auth, pk=accreditation_id)


@router.post(
    "/programme-accreditations",
    response={201: ProgrammeAccreditationOut, **ERRORS},
    summary="Record a programme accreditation (administrators)",
)
def create_programme_accreditation(
    request: HttpRequest, payload: ProgrammeAccreditationIn
):
    data = _data(payload, partial=False, nullable=ACCREDITATION_NULLABLE)
    data["organization"] = _organization(data["organization"])
    data["programme"] = _programme(data["programme"])
    record = services.programme_accreditation_create(actor=request.auth, **data)
    return Status(
        201, selectors.programme_accreditation_get(user=request.auth, pk=record.pk)
    )


@router.patch(
    "/programme-accreditations/{int:accreditation_id}",
    response={200: ProgrammeAccreditationOut, **ERRORS},
    summary="Change a programme accreditation (administrators)",
)
def update_programme_accreditation(
    request: HttpRequest, accreditation_id: int, payload: ProgrammeAccreditationPatch
):
    record = selectors.programme_accreditation_get(
        user=request.auth, pk=accreditation_id
    )
    services.programme_accreditation_update(
        actor=request.auth,
        accreditation=record,
        data=_data(payload, partial=True, nullable=ACCREDITATION_NULLABLE),
    )
    return selectors.programme_accreditation_get(user=request.auth, pk=record.pk)


class AlertOut(Schema):
    kind: Literal["centre", "programme"]
    id: int = Field(description="Id of the accreditation or programme accreditation.")
    organization: str
    organization_name: str
    programme: str | None
    status: AccreditationStatus = Field(description="The status recorded.")
    valid_until: date
    days_left: int = Field(description="Negative: lapsed that many days ago.")
    renewal_in_process: bool


class AlertList(Schema):
    days: int
    count: int
    items: list[AlertOut]


@router.get(
    "/accreditation-alerts",
    response={200: AlertList, **ERRORS},
    summary="Accreditations lapsing soon, or lapsed but still marked accredited",
)
def list_accreditation_alerts(
    request: HttpRequest,
    days: int = Query(selectors.DEFAULT_ALERT_DAYS, ge=0, le=3650),
    organization: str | None = Query(None, description="Organization code."),
):
    alerts = selectors.accreditation_alerts(
        user=request.auth, days=days, organization=organization
    )
    items = [
        AlertOut(
            kind=a.kind,
            id=a.record.pk,
            organization=a.organization.code,
            organization_name=a.organization.name,
            programme=a.programme.code if a.programme else None,
            status=a.record.status,
            valid_until=a.valid_until,
            days_left=a.days_left,
            renewal_in_process=a.renewal_in_process,
        )
        for a in alerts
    ]
    return {"days": days, "count": len(items), "items": items}


# Audits and findings -----------------------------------------------------------------------


class FindingOut(Schema):
    id: int
    audit: int = Field(description="Id of the audit.")
    organization: str
    severity: FindingSeverity
    description: str
    required_action: str
    due_date: date
    status: FindingStatus = Field(description="The status recorded.")
    current_status: CurrentFindingStatus = Field(
        description="The status today: overdue when open or in progress past due."
    )
    closing_note: str
    closed_on: date | None

    @staticmethod
    def resolve_audit(obj: Finding) -> int:
        return obj.audit_id

    @staticmethod
    def resolve_organization(obj: Finding) -> str:
        return obj.audit.organization.code


class FindingPage(Schema):
    count: int
    items: list[FindingOut]


class AuditOut(Schema):
    id: int
    organization: str
    organization_name: str
    audit_date: date
    type: AuditType
    result: AuditResult | None = Field(description="Null while the report is pending.")
    summary: str
    auditor: str | None = Field(
        description="Username of the auditor: for administrators only, null for others."
    )
    finding_count: int
    pending_count: int = Field(description="Findings not closed.")
    overdue_count: int


class AuditDetailOut(AuditOut):
    findings: list[FindingOut]


class AuditPage(Schema):
    count: int
    items: list[AuditOut]


def _audit_out(audit: QualityAudit, user, *, findings: bool = False) -> dict:
    out = {
        "id": audit.pk,
        "organization": audit.organization.code,
        "organization_name": audit.organization.name,
        "audit_date": audit.audit_date,
        "type": audit.type,
        "result": audit.result or None,
        "summary": audit.summary,
        # Who audited is shown to administrators only.
        "auditor": (
            audit.auditor.username
            if audit.auditor_id and can_see_auditor(user)
            else None
        ),
        "finding_count": audit.finding_count,
        "pending_count": audit.pending_count,
        "overdue_count": audit.overdue_count,
    }
    if findings:
        out["findings"] = selectors.audit_findings(audit)
    return out


class AuditFilters(PageParams):
    q: str = Field("", description="Searched in organization name and code, summary.")
    organization: str | None = Field(None, description="Organization code.")
    type: AuditType | None = None
    result: AuditResult | Literal["pending"] | None = None
    department: str | None = Field(None, description="Department code.")
    year: int | None = Field(None, ge=1900, le=2200)


class FindingIn(Schema):
    severity: FindingSeverity
    description: str = Field(min_length=1)
    required_action: str = ""
    due_date: date


class AuditIn(Schema):
    organization: str = Field(description="Organization code.")
    audit_date: date
    type: AuditType
    auditor: str | None = Field(None, description="Username of the auditor.")
    result: AuditResult | None = None
    summary: str = ""
    findings: list[FindingIn] = Field(default_factory=list)


class AuditPatch(Schema):
    audit_date: date | None = None
    type: AuditType | None = None
    auditor: str | None = None
    result: AuditResult | None = None
    summary: str | None = None


class FindingPatch(Schema):
    severity: FindingSeverity | None = None
    description: str | None = Field(None, min_length=1)
    required_action: str | None = None
    due_date: date | None = None
    status: FindingStatus | None = None
    closing_note: str | None = None
    closed_on: date | None = None


class FindingFilters(PageParams):
    q: str = Field("", description="Searched in description, action, closing note.")
    organization: str | None = Field(None, description="Organization code.")
    severity: FindingSeverity | None = None
    status: CurrentFindingStatus | Literal["pending"] | None = Field(
        None, description="Status today; pending: every finding not closed."
    )
    department: str | None = Field(None, description="Department code.")
    audit: int | None = Field(None, description="Id of the audit.")


@router.get(
    "/audits", response={200: AuditPage, **ERRORS}, summary="List quality audits"
)
def list_audits(request: HttpRequest, filters: Query[AuditFilters]):
    rows = selectors.audit_list(
        user=request.auth,
        q=filters.q,
        organization=filters.organization,
        type=filters.type,
        result=filters.result,
        department=filters.department,
        year=filters.year,
    )
    count, items = page(rows, filters)
    return {"count": count, "items": [_audit_out(a, request.auth) for a in items]}


@router.get(
    "/audits/{int:audit_id}",
    response={200: AuditDetailOut, **ERRORS},
    summary="One audit with its findings",
)
def get_audit(request: HttpRequest, audit_id: int):
    audit = selectors.audit_get(user=request.auth, pk=audit_id)
    return _audit_out(audit, request.auth, findings=True)


@router.post(
    "/audits",
    response={201: AuditDetailOut, **ERRORS},
    summary="Record an audit and its findings (administrators)",
)
def create_audit(request: HttpRequest, payload: AuditIn):
    data = _data(payload, partial=False, nullable=("auditor", "result"))
    data["organization"] = _organization(data["organization"])
    data["auditor"] = _auditor(data.get("auditor"))
    data["result"] = data.get("result") or ""
    data["findings"] = [
        {**f, "severity": str(f["severity"])} for f in data.get("findings", [])
    ]
    audit = services.audit_create(actor=request.auth, **data)
    audit = selectors.audit_get(user=request.auth, pk=audit.pk)
    return Status(201, _audit_out(audit, request.auth, findings=True))


@router.patch(
    "/audits/{int:audit_id}",
    response={200: AuditDetailOut, **ERRORS},
    summary="Change an audit (administrators; only the fields sent)",
)
def update_audit(request: HttpRequest, audit_id: int, payload: AuditPatch):
    audit = selectors.audit_get(user=request.auth, pk=audit_id)
    data = _data(payload, partial=True, nullable=("auditor", "result"))
    if "auditor" in data:
        data["auditor"] = _auditor(data["auditor"])
    if "result" in data:
        data["result"] = data["result"] or ""
    services.audit_update(actor=request.auth, audit=audit, data=data)
    audit = selectors.audit_get(user=request.auth, pk=audit.pk)
    return _audit_out(audit, request.auth, findings=True)


@router.post(
    "/audits/{int:audit_id}/findings",
    response={201: FindingOut, **ERRORS},
    summary="Add a finding to an audit (administrators)",
)
def create_finding(request: HttpRequest, audit_id: int, payload: FindingIn):
    audit = selectors.audit_get(user=request.auth, pk=audit_id)
    finding = services.finding_create(
        actor=request.auth, audit=audit, **_data(payload, partial=False)
    )
    return Status(201, selectors.finding_get(user=request.auth, pk=finding.pk))


@router.get(
    "/findings", response={200: FindingPage, **ERRORS}, summary="List audit findings"
)
def list_findings(request: HttpRequest, filters: Query[FindingFilters]):
    rows = selectors.finding_list(
        user=request.auth,
        q=filters.q,
        organization=filters.organization,
        severity=filters.severity,
        status=filters.status,
        department=filters.department,
        audit=filters.audit,
    )
    count, items = page(rows, filters)
    return {"count": count, "items": items}


@router.get(
    "/findings/{int:finding_id}",
    response={200: FindingOut, **ERRORS},
    summary="One finding",
)
def get_finding(request: HttpRequest, finding_id: int):
    return selectors.finding_get(user=request.auth, pk=finding_id)


@router.patch(
    "/findings/{int:finding_id}",
    response={200: FindingOut, **ERRORS},
    summary="Follow up or change a finding",
    description=(
        "Administrators change any field and close findings (status closed with "
        "closing_note and closed_on). The audited organization's data officer "
        "sends status (open, in_progress) and closing_note only."
    ),
)
def update_finding(request: HttpRequest, finding_id: int, payload: FindingPatch):
    finding = selectors.finding_get(user=request.auth, pk=finding_id)
    services.finding_update(
        actor=request.auth,
        finding=finding,
        data=_data(payload, partial=True, nullable=("closed_on",)),
    )
    return selectors.finding_get(user=request.auth, pk=finding.pk)


# The provider scorecard -----------------------------------------------------------------


class ScorecardRow(Schema):
    code: str
    name: str
    department: str
    accreditation_status: AccreditationStatus | Literal["none"] = Field(
        description="Current accreditation; none: never accredited."
    )
    runs: int = Field(description="Course runs that started in the year.")
    enrolments: int = Field(description="Enrolments in those runs.")
    completed: int
    certified: int
    dropped: int
    completers: int
    finished: int = Field(description="Finished enrolments of runs ended in the year.")
    completion_rate: float | None = Field(description="completers / finished.")
    certification_rate: float | None = Field(description="certified / completers.")
    pending_findings: int = Field(description="Findings not closed.")
    overdue_findings: int

    @staticmethod
    def resolve_department(obj) -> str:
        return obj.department.code


class ScorecardPage(Schema):
    year: int
    count: int
    items: list[ScorecardRow]


class ScorecardFilters(PageParams):
    year: int | None = Field(
        None, ge=1900, le=2200, description="Default: the latest year with runs."
    )
    q: str = Field("", description="Searched in centre name and code.")
    department: str | None = Field(None, description="Department code.")
    accreditation: AccreditationStatus | Literal["none"] | None = None


@router.get(
    "/scorecard",
    response={200: ScorecardPage, **ERRORS},
    summary="The provider scorecard of a year",
)
def get_scorecard(request: HttpRequest, filters: Query[ScorecardFilters]):
    today = timezone.localdate()
    year = filters.year or selectors.default_scorecard_year(today=today)
    rows = selectors.scorecard(
        user=request.auth,
        year=year,
        q=filters.q,
        department=filters.department,
        accreditation=filters.accreditation,
        today=today,
    )
    count, items = page(rows, filters)
    return {"year": year, "count": count, "items": items}


# Installed capacity --------------------------------------------------------------------


class EquipmentIO(Schema):
    item: str = Field(min_length=1, max_length=200)
    quantity: int = Field(1, ge=1)
    condition: EquipmentCondition = EquipmentCondition.GOOD


class FacilityOut(Schema):
    id: int
    organization: str
    organization_name: str
    name: str
    kind: FacilityKind
    training_areas: list[str] = Field(description="Training area codes.")
    department: str
    municipality: str | None
    capacity: int | None
    available_to_share: bool
    contact_note: str
    equipment: list[EquipmentIO]
    instructors: list[str] = Field(
        description="Codes of the instructors who work there."
    )

    @staticmethod
    def resolve_organization(obj: Facility) -> str:
        return obj.organization.code

    @staticmethod
    def resolve_organization_name(obj: Facility) -> str:
        return obj.organization.name

    @staticmethod
    def resolve_training_areas(obj: Facility) -> list[str]:
        return [a.code for a in obj.training_areas.all()]

    @staticmethod
    def resolve_department(obj: Facility) -> str:
        return obj.department.code

    @staticmethod
    def resolve_municipality(obj: Facility) -> str | None:
        return obj.municipality.code if obj.municipality_id else None

    @staticmethod
    def resolve_equipment(obj: Facility) -> list[dict]:
        return [
            {"item": e.item, "quantity": e.quantity, "condition": e.condition}
            for e in obj.equipment.all()
        ]

    @staticmethod
    def resolve_instructors(obj: Facility) -> list[str]:
        return [i.code for i in obj.instructors.all()]


class FacilityPage(Schema):
    count: int
    items: list[FacilityOut]


class FacilityFilters(PageParams):
    q: str = Field(
        "",
        description="Searched (case and accents ignored) in facility and "
        "organization names, equipment and training areas.",
    )
    training_area: str | None = Field(None, description="Training area code.")
    department: str | None = Field(None, description="Department code.")
    kind: FacilityKind | None = None
    available: Literal["yes", "no"] | None = Field(
        None, description="Available to share."
    )
    organization: str | None = Field(None, description="Organization code.")
    organization_type: OrganizationType | None = None


class FacilityIn(Schema):
    organization: str = Field(description="Organization code.")
    name: str = Field(min_length=1, max_length=200)
    kind: FacilityKind
    training_areas: list[str] = Field(default_factory=list)
    department: str = Field(description="Department code.")
    municipality: str | None = None
    capacity: int | None = Field(None, ge=1)
    available_to_share: bool = False
    contact_note: str = ""
    instructors: list[str] = Field(default_factory=list)
    equipment: list[EquipmentIO] = Field(default_factory=list)


class FacilityPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    kind: FacilityKind | None = None
    training_areas: list[str] | None = None
    department: str | None = None
    municipality: str | None = None
    capacity: int | None = Field(None, ge=1)
    available_to_share: bool | None = None
    contact_note: str | None = None
    instructors: list[str] | None = None
    equipment: list[EquipmentIO] | None = Field(
        None, description="Replaces the whole list."
    )


def _instructors(codes: list[str]) -> list[Instructor]:
    found = {i.code: i for i in Instructor.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise ValidationError(
            {
                "instructors": _("Unknown instructors: %(codes)s.")
                % {"codes": ", ".join(unknown)}
            }
        )
    return [found[c] for c in codes]


def _facility_data(payload: Schema, *, partial: bool) -> dict[str, Any]:
    data = _data(payload, partial=partial, nullable=("municipality", "capacity"))
    if "organization" in data:
        data["organization"] = _organization(data["organization"])
    if "department" in data:
        data["department"] = department_by_code(data["department"])
    if "municipality" in data:
        data["municipality"] = municipality_by_code(data["municipality"])
    if "training_areas" in data:
        data["training_areas"] = training_areas_by_code(data["training_areas"])
    if "instructors" in data:
        data["instructors"] = _instructors(data["instructors"])
    if "equipment" in data:
        data["equipment"] = [
            {**e, "condition": str(e["condition"])} for e in data["equipment"]
        ]
    return data


def _facility(user, pk: int) -> Facility:
    return selectors.facility_get(user=user, pk=pk)


@router.get(
    "/facilities",
    response={200: FacilityPage, **ERRORS},
    summary="Search the facilities of the system",
)
def list_facilities(request: HttpRequest, filters: Query[FacilityFilters]):
    rows = selectors.facility_list(
        user=request.auth,
        q=filters.q,
        training_area=filters.training_area,
        department=filters.department,
        kind=filters.kind,
        available=filters.available,
        organization=filters.organization,
        organization_type=filters.organization_type,
    ).prefetch_related("instructors")
    count, items = page(rows, filters)
    return {"count": count, "items": items}


@router.get(
    "/facilities/{int:facility_id}",
    response={200: FacilityOut, **ERRORS},
    summary="One facility",
)
def get_facility(request: HttpRequest, facility_id: int):
    return _facility(request.auth, facility_id)


@router.post(
    "/facilities",
    response={201: FacilityOut, **ERRORS},
    summary="Register a facility of your organization (administrators: any)",
)
def create_facility(request: HttpRequest, payload: FacilityIn):
    facility = services.facility_create(
        actor=request.auth, **_facility_data(payload, partial=False)
    )
    return Status(201, _facility(request.auth, facility.pk))


@router.patch(
    "/facilities/{int:facility_id}",
    response={200: FacilityOut, **ERRORS},
    summary="Change a facility (only the fields sent)",
)
def update_facility(request: HttpRequest, facility_id: int, payload: FacilityPatch):
    facility = _facility(request.auth, facility_id)
    services.facility_update(
        actor=request.auth,
        facility=facility,
        data=_facility_data(payload, partial=True),
    )
    return _facility(request.auth, facility.pk)


class CapacityRow(Schema):
    code: str
    name: str
    type: OrganizationType
    department: str
    facility_count: int
    places: int | None = Field(description="Total capacity of the matching facilities.")
    instructor_count: int = Field(
        description="Active instructors (of the training area, when one is asked)."
    )
    facilities: list[int] = Field(description="Ids of the matching facilities.")

    @staticmethod
    def resolve_department(obj) -> str:
        return obj.department.code

    @staticmethod
    def resolve_facilities(obj) -> list[int]:
        return [f.pk for f in obj.matching]


class CapacityPage(Schema):
    count: int
    items: list[CapacityRow]


class CapacityFilters(PageParams):
    q: str = ""
    training_area: str | None = None
    department: str | None = None
    kind: FacilityKind | None = None
    available: Literal["yes", "no"] | None = None
    organization_type: OrganizationType | None = None


@router.get(
    "/capacity",
    response={200: CapacityPage, **ERRORS},
    summary="Who can train what, where: organizations with matching facilities",
)
def capacity(request: HttpRequest, filters: Query[CapacityFilters]):
    rows = selectors.capacity_search(
        user=request.auth,
        q=filters.q,
        training_area=filters.training_area,
        department=filters.department,
        kind=filters.kind,
        available=filters.available,
        organization_type=filters.organization_type,
    )
    count, items = page(rows, filters)
    return {"count": count, "items": items}
