"""Training API (django-ninja router, mounted at /api/training/).

A thin shell over the same selectors and services as the pages, so the same
scoping and personal-data rules apply; authentication and errors as in the
registry API (the public catalogue is a page; the API needs a login like the
rest). Programmes, course runs, companies and centres are addressed by code;
trainees, enrolments and service requests by id. Trainees and enrolments come
in two shapes: `personal` (names and contacts, for who may see them) and
`pseudonymous` (without, for analysts); the `view` field says which.
"""

import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from semillero.core.api import ERRORS, PageParams, all_by_code, by_code, page
from semillero.registry.lookups import (
    department_by_code,
    municipality_by_code,
    organization_by_code,
    training_area_by_code,
)

from . import selectors, services
from .models import (
    CompanyServiceRequest,
    CourseRun,
    Delivery,
    EnrolmentStatus,
    Funding,
    LevyContribution,
    Modality,
    Programme,
    ServiceRequestStatus,
    Trainee,
)
from .selectors import (
    AGE_GROUP_CODES,
    KEY_PREFIX_LENGTH,
    EnrolmentRow,
    PseudonymousTrainee,
    TraineeAccess,
)

router = Router(tags=["training"])

AgeGroup = Literal[AGE_GROUP_CODES]  # type: ignore[valid-type]


def _programme(code: str) -> Programme:
    return by_code(Programme, code, "programme", _("Unknown programme: %(code)s."))


def _course_runs(codes: list[str]) -> list[CourseRun]:
    return all_by_code(
        CourseRun, codes, "course_runs", _("Unknown course run codes: %(codes)s.")
    )


def _drop_nulls(data: dict, nullable: set[str] = frozenset()) -> dict:
    """In a PATCH, null means "leave as it is" for fields that cannot be empty."""
    return {k: v for k, v in data.items() if v is not None or k in nullable}


def _money(value) -> float | None:
    return None if value is None else float(value)


# Programmes -------------------------------------------------------------------------


class ProgrammeOut(Schema):
    code: str
    name: str
    modality: Modality
    training_area: str = Field(description="Training area code.")
    training_area_name: str
    isco_code: str
    hours: int
    delivery: Delivery
    description: str

    @staticmethod
    def resolve_training_area(obj: Programme) -> str:
        return obj.training_area.code

    @staticmethod
    def resolve_training_area_name(obj: Programme) -> str:
        return obj.training_area.name


class ProgrammeListOut(ProgrammeOut):
    current_runs: int = Field(description="Course runs not yet ended.")
    next_start: datetime.date | None = Field(description="The next start date.")


class UpcomingRunOut(Schema):
    code: str
    start_date: datetime.date
    end_date: datetime.date
    department: str
    municipality: str | None
    provider: str
    provider_name: str
    capacity: int | None

    @staticmethod
    def resolve_department(obj: CourseRun) -> str:
        return obj.department.code

    @staticmethod
    def resolve_municipality(obj: CourseRun) -> str | None:
        return obj.municipality.code if obj.municipality_id else None

    @staticmethod
    def resolve_provider(obj: CourseRun) -> str:
        return obj.provider.code

    @staticmethod
    def resolve_provider_name(obj: CourseRun) -> str:
        return obj.provider.name


class ProgrammeDetailOut(ProgrammeOut):
    upcoming_runs: list[UpcomingRunOut] = Field(
        default_factory=list,
        description="Course runs not yet ended (upcoming or ongoing), soonest first.",
    )


class ProgrammePage(Schema):
    count: int
    items: list[ProgrammeListOut]


class ProgrammeFilters(PageParams):
    q: str = Field("", description="Searched in name, code, description and area.")
    modality: Modality | None = None
    training_area: str | None = Field(None, description="Training area code.")
    delivery: Delivery | None = None
    department: str | None = Field(
        None, description="Has a course run not yet ended in this department."
    )
    offered: Literal["yes", "no"] | None = Field(
        None, description="Has (or not) a course run not yet ended."
    )


class ProgrammeIn(Schema):
    code: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=255)
    modality: Modality
    training_area: str = Field(description="Training area code.")
    isco_code: str = Field("", max_length=4)
    hours: int = Field(ge=1)
    delivery: Delivery
    description: str = ""


class ProgrammePatch(Schema):
    code: str | None = Field(None, min_length=1, max_length=40)
    name: str | None = Field(None, min_length=1, max_length=255)
    modality: Modality | None = None
    training_area: str | None = None
    isco_code: str | None = Field(None, max_length=4)
    hours: int | None = Field(None, ge=1)
    delivery: Delivery | None = None
    description: str | None = None


def _programme_data(payload: Schema, *, partial: bool) -> dict[str, Any]:
    data = _drop_nulls(payload.model_dump(exclude_unset=partial))
    for key in ("modality", "delivery"):
        if key in data:
            data[key] = str(data[key])
    if "training_area" in data:
        data["training_area"] = training_area_by_code(data["training_area"])
    return data


def _require_login(request: HttpRequest) -> None:
    # The router's authentication already refused anonymous calls; the
    # selectors of programmes are public, so say it once more here.
    if not getattr(request.auth, "is_authenticated", False):
        raise PermissionDenied


@router.get(
    "/programmes", response={200: ProgrammePage, **ERRORS}, summary="List programmes"
)
def list_programmes(request: HttpRequest, filters: Query[ProgrammeFilters]):
    _require_login(request)
    rows = selectors.programme_list(
        q=filters.q,
        modality=filters.modality,
        training_area=filters.training_area,
        delivery=filters.delivery,
        department=filters.department,
        offered=filters.offered,
    )
    count, items = page(rows, filters)
    return {"count": count, "items": items}


@router.get(
    "/programmes/{code}",
    response={200: ProgrammeDetailOut, **ERRORS},
    summary="One programme, with its upcoming course runs",
)
def get_programme(request: HttpRequest, code: str):
    _require_login(request)
    detail = selectors.programme_detail(code=code)
    out = ProgrammeDetailOut.from_orm(detail.programme)
    out.upcoming_runs = [UpcomingRunOut.from_orm(r) for r in detail.upcoming_runs]
    return out


@router.post(
    "/programmes",
    response={201: ProgrammeOut, **ERRORS},
    summary="Register a programme (administrator)",
)
def create_programme(request: HttpRequest, payload: ProgrammeIn):
    programme = services.programme_create(
        actor=request.auth, **_programme_data(payload, partial=False)
    )
    return Status(201, programme)


@router.patch(
    "/programmes/{code}",
    response={200: ProgrammeOut, **ERRORS},
    summary="Change a programme (only the fields sent; administrator)",
)
def update_programme(request: HttpRequest, code: str, payload: ProgrammePatch):
    programme = selectors.programme_get(code=code)
    return services.programme_update(
        actor=request.auth,
        programme=programme,
        data=_programme_data(payload, partial=True),
    )


# Course runs ----------------------------------------------------------------------


class CourseRunOut(Schema):
    code: str
    programme: str = Field(description="Programme code.")
    programme_name: str
    modality: Modality
    provider: str = Field(description="Provider (training centre) code.")
    provider_name: str
    company: str | None = Field(description="Company code, if any.")
    start_date: datetime.date
    end_date: datetime.date
    department: str
    municipality: str | None
    capacity: int | None
    cost_usd: float | None
    funding: Funding | Literal[""]
    enrolments: int
    in_progress: int
    completed: int
    certified: int
    dropped: int
    completion_rate: float | None = Field(
        description="(completed + certified) / (completed + certified + dropped)."
    )

    @staticmethod
    def resolve_programme(obj: CourseRun) -> str:
        return obj.programme.code

    @staticmethod
    def resolve_programme_name(obj: CourseRun) -> str:
        return obj.programme.name

    @staticmethod
    def resolve_modality(obj: CourseRun) -> str:
        return obj.programme.modality

    @staticmethod
    def resolve_provider(obj: CourseRun) -> str:
        return obj.provider.code

    @staticmethod
    def resolve_provider_name(obj: CourseRun) -> str:
        return obj.provider.name

    @staticmethod
    def resolve_company(obj: CourseRun) -> str | None:
        return obj.company.code if obj.company_id else None

    @staticmethod
    def resolve_department(obj: CourseRun) -> str:
        return obj.department.code

    @staticmethod
    def resolve_municipality(obj: CourseRun) -> str | None:
        return obj.municipality.code if obj.municipality_id else None

    @staticmethod
    def resolve_cost_usd(obj: CourseRun) -> float | None:
        return _money(obj.cost_usd)

    @staticmethod
    def resolve_enrolments(obj: CourseRun) -> int:
        return obj.enrolment_count

    @staticmethod
    def resolve_in_progress(obj: CourseRun) -> int:
        return obj.in_progress_count

    @staticmethod
    def resolve_completed(obj: CourseRun) -> int:
        return obj.completed_count

    @staticmethod
    def resolve_certified(obj: CourseRun) -> int:
        return obj.certified_count

    @staticmethod
    def resolve_dropped(obj: CourseRun) -> int:
        return obj.dropped_count


class CourseRunPage(Schema):
    count: int
    items: list[CourseRunOut]


class CourseRunFilters(PageParams):
    q: str = Field("", description="Searched in code, programme and provider.")
    year: int | None = Field(None, ge=1900, le=2200, description="Start year.")
    provider: str | None = Field(None, description="Provider code.")
    programme: str | None = Field(None, description="Programme code.")
    department: str | None = Field(None, description="Department code.")
    modality: Modality | None = None
    funding: Funding | None = None
    company: str | None = Field(
        None, description="Company code: runs for it or serving its requests."
    )


class CourseRunIn(Schema):
    code: str = Field(min_length=1, max_length=40)
    programme: str = Field(description="Programme code.")
    provider: str | None = Field(
        None, description="Training centre code; a data officer's own by default."
    )
    company: str | None = Field(None, description="Company code.")
    start_date: datetime.date
    end_date: datetime.date
    department: str = Field(description="Department code, e.g. SV-SS.")
    municipality: str | None = Field(None, description="Municipality code.")
    capacity: int | None = Field(None, ge=1)
    cost_usd: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    funding: Funding | None = None


class CourseRunPatch(Schema):
    code: str | None = Field(None, min_length=1, max_length=40)
    programme: str | None = None
    provider: str | None = None
    company: str | None = None
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    department: str | None = None
    municipality: str | None = None
    capacity: int | None = Field(None, ge=1)
    cost_usd: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    funding: Funding | None = None


NULLABLE_RUN_FIELDS = {"company", "municipality", "capacity", "cost_usd", "funding"}


def _course_run_data(payload: Schema, *, partial: bool) -> dict[str, Any]:
    data = _drop_nulls(payload.model_dump(exclude_unset=partial), NULLABLE_RUN_FIELDS)
    if "programme" in data:
        data["programme"] = _programme(data["programme"])
    if "provider" in data:
        data["provider"] = organization_by_code(data["provider"], "provider")
    if "company" in data:
        data["company"] = organization_by_code(data["company"], "company")
    if "department" in data:
        data["department"] = department_by_code(data["department"])
    if "municipality" in data:
        data["municipality"] = municipality_by_code(data["municipality"])
    if "funding" in data:
        data["funding"] = str(data["funding"]) if data["funding"] else ""
    return data


@router.get(
    "/course-runs",
    response={200: CourseRunPage, **ERRORS},
    summary="List course runs with their outcomes",
)
def list_course_runs(request: HttpRequest, filters: Query[CourseRunFilters]):
    rows = selectors.course_run_list(
        user=request.auth,
        q=filters.q,
        year=filters.year,
        provider=filters.provider,
        programme=filters.programme,
        department=filters.department,
        modality=filters.modality,
        funding=filters.funding,
        company=filters.company,
    )
    count, items = page(rows, filters)
    return {"count": count, "items": items}


@router.get(
    "/course-runs/{code}",
    response={200: CourseRunOut, **ERRORS},
    summary="One course run with its outcomes",
)
def get_course_run(request: HttpRequest, code: str):
    return selectors.course_run_get(user=request.auth, code=code)


@router.post(
    "/course-runs",
    response={201: CourseRunOut, **ERRORS},
    summary="Register a course run",
)
def create_course_run(request: HttpRequest, payload: CourseRunIn):
    user = request.auth
    data = _course_run_data(payload, partial=False)
    if data.get("provider") is None:
        data["provider"] = user.organization
        if data["provider"] is None:
            raise ValidationError({"provider": _("Give the provider's code.")})
    run = services.course_run_create(actor=user, **data)
    return Status(201, selectors.course_run_get(user=user, pk=run.pk))


@router.patch(
    "/course-runs/{code}",
    response={200: CourseRunOut, **ERRORS},
    summary="Change a course run (only the fields sent)",
)
def update_course_run(request: HttpRequest, code: str, payload: CourseRunPatch):
    run = selectors.course_run_get(user=request.auth, code=code)
    run = services.course_run_update(
        actor=request.auth,
        course_run=run,
        data=_course_run_data(payload, partial=True),
    )
    return selectors.course_run_get(user=request.auth, pk=run.pk)


# Trainees and enrolments ----------------------------------------------------------


class TraineePseudonymousOut(Schema):
    """A trainee without personal data: what analysts receive."""

    view: Literal["pseudonymous"] = "pseudonymous"
    id: int
    key_prefix: str = Field(description="The first characters of the person key.")
    sex: str
    age_group: str = Field(description="Age group today (indicators.md).")
    department: str | None = Field(description="Department of residence (code).")
    disability: bool | None
    returned_migrant: bool | None
    rural: bool | None
    low_income: bool | None
    vulnerable: bool
    education_level: str
    employed_at_entry: bool | None
    enrolments: int | None = Field(None, description="Enrolments you may see.")


class TraineePersonalOut(Schema):
    """A trainee with personal data: for the administrator and the data officers
    of an organization the trainee enrolled with (the full person key: the
    administrator only)."""

    view: Literal["personal"] = "personal"
    id: int
    key_prefix: str
    person_key: str | None = Field(
        None, description="The full person key (administrator only)."
    )
    first_name: str
    last_name: str
    email: str
    phone: str
    sex: str
    birth_date: datetime.date | None
    age_group: str
    department: str | None
    disability: bool | None
    returned_migrant: bool | None
    rural: bool | None
    low_income: bool | None
    vulnerable: bool
    education_level: str
    employed_at_entry: bool | None
    enrolments: int | None = None


TraineeOut = Annotated[
    TraineePersonalOut | TraineePseudonymousOut, Field(discriminator="view")
]


class TraineePage(Schema):
    count: int
    items: list[TraineeOut]


class TraineeFilters(PageParams):
    q: str = Field(
        "",
        description="Start of the person key (6+ characters); names and e-mail "
        "for who sees them.",
    )
    sex: Literal["F", "M"] | None = None
    department: str | None = Field(None, description="Department of residence.")
    age_group: AgeGroup | None = None
    vulnerable: Literal["yes", "no"] | None = None
    provider: str | None = Field(None, description="Enrolled with this provider.")
    course_run: str | None = Field(None, description="Enrolled in this course run.")
    programme: str | None = Field(None, description="Enrolled in this programme.")


def _trainee_out(
    trainee: Trainee | PseudonymousTrainee, *, full_key: bool
) -> TraineePersonalOut | TraineePseudonymousOut:
    """Built field by field, so a pseudonymous answer cannot carry a name by accident."""
    if isinstance(trainee, PseudonymousTrainee):
        return TraineePseudonymousOut(
            id=trainee.pk,
            key_prefix=trainee.key_prefix,
            sex=trainee.sex,
            age_group=trainee.age_group,
            department=trainee.department_code or None,
            disability=trainee.disability,
            returned_migrant=trainee.returned_migrant,
            rural=trainee.rural,
            low_income=trainee.low_income,
            vulnerable=trainee.vulnerable,
            education_level=trainee.education_level,
            employed_at_entry=trainee.employed_at_entry,
            enrolments=trainee.enrolment_count,
        )
    return TraineePersonalOut(
        id=trainee.pk,
        key_prefix=trainee.person_key[:KEY_PREFIX_LENGTH],
        person_key=trainee.person_key if full_key else None,
        first_name=trainee.first_name,
        last_name=trainee.last_name,
        email=trainee.email,
        phone=trainee.phone,
        sex=trainee.sex,
        birth_date=trainee.birth_date,
        age_group=selectors.age_group(trainee.birth_date),
        department=trainee.department.code if trainee.department_id else None,
        disability=trainee.disability,
        returned_migrant=trainee.returned_migrant,
        rural=trainee.rural,
        low_income=trainee.low_income,
        vulnerable=trainee.is_vulnerable,
        education_level=trainee.education_level,
        employed_at_entry=trainee.employed_at_entry,
        enrolments=getattr(trainee, "enrolment_count", None),
    )


@router.get(
    "/trainees",
    response={200: TraineePage, **ERRORS},
    summary="List the trainees you may see",
)
def list_trainees(request: HttpRequest, filters: Query[TraineeFilters]):
    user = request.auth
    rows = selectors.trainee_list(
        user=user,
        q=filters.q,
        sex=filters.sex,
        department=filters.department,
        age_group=filters.age_group,
        vulnerable=filters.vulnerable,
        provider=filters.provider,
        course_run=filters.course_run,
        programme=filters.programme,
    )
    full_key = selectors.trainee_access(user) == TraineeAccess.ALL
    count, items = page(rows, filters)
    return {
        "count": count,
        "items": [_trainee_out(t, full_key=full_key) for t in items],
    }


@router.get(
    "/trainees/{int:trainee_id}",
    response={200: TraineeOut, **ERRORS},
    summary="One trainee",
)
def get_trainee(request: HttpRequest, trainee_id: int):
    user = request.auth
    trainee = selectors.trainee_get(user=user, pk=trainee_id)
    full_key = selectors.trainee_access(user) == TraineeAccess.ALL
    return _trainee_out(trainee, full_key=full_key)


class EnrolmentPseudonymousOut(Schema):
    view: Literal["pseudonymous"] = "pseudonymous"
    id: int
    course_run: str
    trainee_id: int
    key_prefix: str
    sex: str
    age_group: str = Field(description="Age group at the start of the course run.")
    department: str | None
    vulnerable: bool
    status: EnrolmentStatus
    completion_date: datetime.date | None


class EnrolmentPersonalOut(Schema):
    view: Literal["personal"] = "personal"
    id: int
    course_run: str
    trainee_id: int
    key_prefix: str
    first_name: str
    last_name: str
    email: str
    phone: str
    sex: str
    age_group: str
    department: str | None
    vulnerable: bool
    status: EnrolmentStatus
    completion_date: datetime.date | None


EnrolmentOut = Annotated[
    EnrolmentPersonalOut | EnrolmentPseudonymousOut, Field(discriminator="view")
]


class EnrolmentPage(Schema):
    count: int
    items: list[EnrolmentOut]


class EnrolmentFilters(PageParams):
    status: EnrolmentStatus | None = None


def _enrolment_out(row: EnrolmentRow):
    trainee = row.trainee
    common = {
        "id": row.pk,
        "course_run": row.course_run.code,
        "trainee_id": trainee.pk,
        "sex": trainee.sex,
        "age_group": row.age_group,
        "status": row.status,
        "completion_date": row.completion_date,
    }
    if isinstance(trainee, PseudonymousTrainee):
        return EnrolmentPseudonymousOut(
            key_prefix=trainee.key_prefix,
            department=trainee.department_code or None,
            vulnerable=trainee.vulnerable,
            **common,
        )
    return EnrolmentPersonalOut(
        key_prefix=trainee.person_key[:KEY_PREFIX_LENGTH],
        first_name=trainee.first_name,
        last_name=trainee.last_name,
        email=trainee.email,
        phone=trainee.phone,
        department=trainee.department.code if trainee.department_id else None,
        vulnerable=trainee.is_vulnerable,
        **common,
    )


@router.get(
    "/course-runs/{code}/enrolments",
    response={200: EnrolmentPage, **ERRORS},
    summary="The enrolments of a course run (if you may see its trainees)",
)
def list_enrolments(request: HttpRequest, code: str, filters: Query[EnrolmentFilters]):
    run = selectors.course_run_get(user=request.auth, code=code)
    rows = selectors.enrolment_list(
        user=request.auth, course_run=run, status=filters.status
    )
    count, items = page(rows, filters)
    return {"count": count, "items": [_enrolment_out(r) for r in items]}


class EnrolmentStatusIn(Schema):
    status: EnrolmentStatus
    completion_date: datetime.date | None = Field(
        None, description="Required for completed and certified."
    )


@router.patch(
    "/enrolments/{int:enrolment_id}",
    response={200: EnrolmentPersonalOut, **ERRORS},
    summary="Change an enrolment's status (enrolled → completed | certified | "
    "dropped; completed → certified)",
)
def update_enrolment(
    request: HttpRequest, enrolment_id: int, payload: EnrolmentStatusIn
):
    user = request.auth
    if selectors.trainee_access(user) not in (TraineeAccess.ALL, TraineeAccess.OWN):
        # Analysts read pseudonymised data and write nothing.
        raise PermissionDenied(_("You may not change enrolments."))
    enrolment = selectors.enrolment_get(user=user, pk=enrolment_id)
    services.enrolment_update_status(
        actor=user,
        enrolment=enrolment,
        status=str(payload.status),
        completion_date=payload.completion_date,
    )
    rows = selectors.enrolment_list(user=user, course_run=enrolment.course_run)
    return _enrolment_out(rows.get(pk=enrolment.pk))


# Companies: levy and training received ---------------------------------------------


class LevyOut(Schema):
    company: str
    period: str = Field(description="The month, YYYY-MM.")
    amount_usd: float

    @staticmethod
    def resolve_company(obj: LevyContribution) -> str:
        return obj.company.code

    @staticmethod
    def resolve_period(obj: LevyContribution) -> str:
        return obj.period.strftime("%Y-%m")

    @staticmethod
    def resolve_amount_usd(obj: LevyContribution) -> float:
        return float(obj.amount_usd)


class LevyPage(Schema):
    count: int
    items: list[LevyOut]


class LevyFilters(PageParams):
    company: str | None = Field(None, description="Company code.")
    year: int | None = Field(None, ge=1900, le=2200)


class LevyIn(Schema):
    company: str = Field(description="Company code.")
    period: str = Field(pattern=r"^\d{4}-\d{2}$", description="The month, YYYY-MM.")
    amount_usd: Decimal = Field(ge=0, max_digits=14, decimal_places=2)


@router.get(
    "/levy-contributions",
    response={200: LevyPage, **ERRORS},
    summary="Levy contributions (all, or your company's)",
)
def list_levy(request: HttpRequest, filters: Query[LevyFilters]):
    rows = selectors.levy_contribution_list(
        user=request.auth, company=filters.company, year=filters.year
    )
    count, items = page(rows, filters)
    return {"count": count, "items": items}


@router.post(
    "/levy-contributions",
    response={201: LevyOut, **ERRORS},
    summary="Record a month's levy of a company (administrator)",
)
def create_levy(request: HttpRequest, payload: LevyIn):
    company = organization_by_code(payload.company, "company")
    year, month = (int(part) for part in payload.period.split("-"))
    if not 1 <= month <= 12:
        raise ValidationError({"period": _("The month is YYYY-MM, e.g. 2024-03.")})
    contribution = services.levy_contribution_create(
        actor=request.auth,
        company=company,
        period=datetime.date(year, month, 1),
        amount_usd=payload.amount_usd,
    )
    return Status(201, contribution)


class CompanyYearOut(Schema):
    year: int | None = Field(description="None in the total.")
    levy_usd: float
    runs: int = Field(description="Course runs starting in the year.")
    enrolments: int = Field(description="Enrolments in the runs starting in the year.")
    workers_trained: int = Field(
        description="Completed or certified enrolments of the runs ending in the year."
    )
    hours: int = Field(description="Programme hours × workers trained.")
    cost_usd: float | None = Field(
        description="Known cost of the course runs ending in the year."
    )


class CompanySummaryOut(Schema):
    company: str
    name: str
    years: list[CompanyYearOut]
    total: CompanyYearOut


def _company_year(row: selectors.CompanyYear, *, total=False) -> CompanyYearOut:
    return CompanyYearOut(
        year=None if total else row.year,
        levy_usd=float(row.levy_usd),
        runs=row.runs,
        enrolments=row.enrolments,
        workers_trained=row.workers_trained,
        hours=row.hours,
        cost_usd=_money(row.cost_usd),
    )


@router.get(
    "/companies/{code}/summary",
    response={200: CompanySummaryOut, **ERRORS},
    summary="A company's levy paid against the training received, by year",
)
def company_summary(request: HttpRequest, code: str):
    company = selectors.company_get(user=request.auth, code=code)
    summary = selectors.company_summary(user=request.auth, company=company)
    return CompanySummaryOut(
        company=company.code,
        name=company.name,
        years=[_company_year(y) for y in summary.years],
        total=_company_year(summary.total, total=True),
    )


class CentreRowOut(Schema):
    programme: str | None = Field(description="Programme code; None in the total.")
    programme_name: str | None
    runs: int
    enrolments: int
    in_progress: int
    completed: int
    certified: int
    dropped: int
    completion_rate: float | None
    certification_rate: float | None


class CentreYearOut(Schema):
    """`runs`, `enrolments`, `in_progress`: the course runs starting in the year;
    `completed`, `certified`, `dropped` and the rates: those ending in it."""

    year: int
    total: CentreRowOut
    programmes: list[CentreRowOut]


class CentreSummaryOut(Schema):
    centre: str
    name: str
    years: list[CentreYearOut]


def _centre_row(row: selectors.CentreRow, *, total=False) -> CentreRowOut:
    return CentreRowOut(
        programme=None if total else row.programme_code,
        programme_name=None if total else row.label,
        runs=row.runs,
        enrolments=row.enrolments,
        in_progress=row.in_progress,
        completed=row.completed,
        certified=row.certified,
        dropped=row.dropped,
        completion_rate=row.completion_rate,
        certification_rate=row.certification_rate,
    )


@router.get(
    "/centres/{code}/summary",
    response={200: CentreSummaryOut, **ERRORS},
    summary="A training centre's course runs and outcomes by year and programme",
)
def centre_summary(request: HttpRequest, code: str):
    centre = selectors.centre_get(user=request.auth, code=code)
    years = selectors.centre_summary(user=request.auth, centre=centre)
    return CentreSummaryOut(
        centre=centre.code,
        name=centre.name,
        years=[
            CentreYearOut(
                year=y.year,
                total=_centre_row(y.total, total=True),
                programmes=[_centre_row(r) for r in y.programmes],
            )
            for y in years
        ],
    )


# Service requests -----------------------------------------------------------------


class ServiceRequestOut(Schema):
    id: int
    company: str
    company_name: str
    topic: str
    workers: int
    status: ServiceRequestStatus
    requested_on: datetime.date
    notes: str
    course_runs: list[str]

    @staticmethod
    def resolve_company(obj: CompanyServiceRequest) -> str:
        return obj.company.code

    @staticmethod
    def resolve_company_name(obj: CompanyServiceRequest) -> str:
        return obj.company.name

    @staticmethod
    def resolve_course_runs(obj: CompanyServiceRequest) -> list[str]:
        return [r.code for r in obj.course_runs.all()]


class ServiceRequestPage(Schema):
    count: int
    items: list[ServiceRequestOut]


class ServiceRequestFilters(PageParams):
    q: str = Field("", description="Searched in topic, company and notes.")
    status: ServiceRequestStatus | None = None
    company: str | None = Field(None, description="Company code.")


class ServiceRequestIn(Schema):
    company: str | None = Field(
        None, description="Company code; a company officer's own by default."
    )
    topic: str = Field(min_length=1, max_length=255)
    workers: int = Field(ge=1)
    notes: str = ""


class ServiceRequestPatch(Schema):
    topic: str | None = Field(None, min_length=1, max_length=255)
    workers: int | None = Field(None, ge=1)
    notes: str | None = None
    status: ServiceRequestStatus | None = Field(None, description="Administrator.")
    course_runs: list[str] | None = Field(
        None, description="Codes of the course runs that serve it (administrator)."
    )


def _requests(user):
    return selectors.service_request_list(user=user).prefetch_related("course_runs")


@router.get(
    "/service-requests",
    response={200: ServiceRequestPage, **ERRORS},
    summary="Company service requests (all, or your company's)",
)
def list_service_requests(request: HttpRequest, filters: Query[ServiceRequestFilters]):
    rows = selectors.service_request_list(
        user=request.auth,
        q=filters.q,
        status=filters.status,
        company=filters.company,
    ).prefetch_related("course_runs")
    count, items = page(rows, filters)
    return {"count": count, "items": items}


@router.get(
    "/service-requests/{int:request_id}",
    response={200: ServiceRequestOut, **ERRORS},
    summary="One service request",
)
def get_service_request(request: HttpRequest, request_id: int):
    return _requests(request.auth).get(pk=request_id)


@router.post(
    "/service-requests",
    response={201: ServiceRequestOut, **ERRORS},
    summary="Request training for a company's workers",
)
def create_service_request(request: HttpRequest, payload: ServiceRequestIn):
    user = request.auth
    company = organization_by_code(payload.company, "company") or user.organization
    if company is None:
        raise ValidationError({"company": _("Give the company's code.")})
    created = services.service_request_create(
        actor=user,
        company=company,
        topic=payload.topic,
        workers=payload.workers,
        notes=payload.notes,
    )
    return Status(201, _requests(user).get(pk=created.pk))


@router.patch(
    "/service-requests/{int:request_id}",
    response={200: ServiceRequestOut, **ERRORS},
    summary="Change a service request (only the fields sent)",
)
def update_service_request(
    request: HttpRequest, request_id: int, payload: ServiceRequestPatch
):
    user = request.auth
    service_request = selectors.service_request_get(user=user, pk=request_id)
    data = _drop_nulls(payload.model_dump(exclude_unset=True))
    if "status" in data:
        data["status"] = str(data["status"])
    if "course_runs" in data:
        data["course_runs"] = _course_runs(data["course_runs"])
    services.service_request_update(
        actor=user, service_request=service_request, data=data
    )
    return _requests(user).get(pk=request_id)
