"""The registry's HTTP API: organizations, agreements, instructors.

A thin shell over the same selectors and services as the pages, so the same scoping
and personal-data rules apply. Objects are addressed by their code, the stable key
imports use too. Instructors come in two shapes: `personal` (with names and contact,
for who may see them) and `pseudonymous` (without, for analysts and viewers); the
`view` field says which.
"""

from datetime import date
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from semillero.core.api import ERRORS, PageParams, page

from . import selectors, services
from .lookups import (
    department_by_code,
    municipality_by_code,
    organizations_by_code,
    training_areas_by_code,
)
from .models import (
    Agreement,
    AgreementStatus,
    AgreementType,
    Instructor,
    Organization,
    OrganizationType,
)

router = Router(tags=["registry"])

# Organizations ------------------------------------------------------------------


class OrganizationNameOut(Schema):
    name: str
    acronym: str
    valid_from: date
    valid_to: date | None


class OrganizationOut(Schema):
    code: str
    name: str
    type: OrganizationType
    tax_id: str
    department: str = Field(description="ISO 3166-2 code, e.g. SV-SS.")
    department_name: str
    municipality: str | None
    isic_section: str
    employees: int | None
    levy_contributor: bool | None
    email: str
    phone: str
    is_lead_institute: bool

    @staticmethod
    def resolve_department(obj: Organization) -> str:
        return obj.department.code

    @staticmethod
    def resolve_department_name(obj: Organization) -> str:
        return obj.department.name

    @staticmethod
    def resolve_municipality(obj: Organization) -> str | None:
        return obj.municipality.code if obj.municipality_id else None


class OrganizationDetailOut(OrganizationOut):
    names: list[OrganizationNameOut] = Field(
        default_factory=list, description="Name history, oldest first."
    )

    @staticmethod
    def resolve_names(obj: Organization):
        return list(selectors.organization_names(obj))


class OrganizationPage(Schema):
    count: int
    items: list[OrganizationOut]


class OrganizationFilters(PageParams):
    q: str = Field("", description="Searched in name, code and tax ID.")
    type: OrganizationType | None = None
    department: str | None = Field(None, description="Department code.")
    levy_contributor: Literal["yes", "no", "unknown"] | None = None


class OrganizationIn(Schema):
    code: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=255)
    type: OrganizationType
    department: str = Field(description="Department code, e.g. SV-SS.")
    municipality: str | None = Field(None, description="Municipality code.")
    tax_id: str = ""
    isic_section: str = ""
    employees: int | None = Field(None, ge=0)
    levy_contributor: bool | None = None
    email: str = ""
    phone: str = ""
    is_lead_institute: bool = False


class OrganizationPatch(Schema):
    code: str | None = Field(None, min_length=1, max_length=40)
    name: str | None = Field(None, min_length=1, max_length=255)
    type: OrganizationType | None = None
    department: str | None = None
    municipality: str | None = None
    tax_id: str | None = None
    isic_section: str | None = None
    employees: int | None = Field(None, ge=0)
    levy_contributor: bool | None = None
    email: str | None = None
    phone: str | None = None
    is_lead_institute: bool | None = None


NULLABLE_ORGANIZATION_FIELDS = {"municipality", "employees", "levy_contributor"}


def _organization_data(payload: Schema, *, partial: bool) -> dict[str, Any]:
    data = payload.model_dump(exclude_unset=partial)
    for key, value in list(data.items()):
        if value is None and key not in NULLABLE_ORGANIZATION_FIELDS:
            # In a PATCH, null means "leave as it is" for fields that cannot be empty.
            del data[key]
    if "type" in data:
        data["type"] = str(data["type"])
    if "department" in data:
        data["department"] = department_by_code(data["department"])
    if "municipality" in data:
        data["municipality"] = municipality_by_code(data["municipality"])
    return data


@router.get(
    "/organizations",
    response={200: OrganizationPage, **ERRORS},
    summary="List organizations",
)
def list_organizations(request: HttpRequest, filters: Query[OrganizationFilters]):
    rows = selectors.organization_list(
        user=request.auth,
        q=filters.q,
        type=filters.type,
        department=filters.department,
        levy_contributor=filters.levy_contributor,
    )
    count, items = page(rows, filters)
    return {"count": count, "items": items}


@router.get(
    "/organizations/{code}",
    response={200: OrganizationDetailOut, **ERRORS},
    summary="One organization, with its name history",
)
def get_organization(request: HttpRequest, code: str):
    return selectors.organization_get(user=request.auth, code=code)


@router.post(
    "/organizations",
    response={201: OrganizationOut, **ERRORS},
    summary="Register an organization",
)
def create_organization(request: HttpRequest, payload: OrganizationIn):
    organization = services.organization_create(
        actor=request.auth, **_organization_data(payload, partial=False)
    )
    return Status(201, organization)


@router.patch(
    "/organizations/{code}",
    response={200: OrganizationOut, **ERRORS},
    summary="Change an organization (only the fields sent)",
)
def update_organization(request: HttpRequest, code: str, payload: OrganizationPatch):
    organization = selectors.organization_get(user=request.auth, code=code)
    return services.organization_update(
        actor=request.auth,
        organization=organization,
        data=_organization_data(payload, partial=True),
    )


# Agreements ---------------------------------------------------------------------


class PartyOut(Schema):
    code: str
    name: str


class AgreementOut(Schema):
    code: str
    title: str
    type: AgreementType
    status: AgreementStatus
    start_date: date
    end_date: date | None
    parties: list[PartyOut]

    @staticmethod
    def resolve_parties(obj: Agreement):
        return [{"code": p.code, "name": p.name} for p in obj.parties.all()]


class AgreementPage(Schema):
    count: int
    items: list[AgreementOut]


class AgreementFilters(PageParams):
    q: str = Field("", description="Searched in code and title.")
    type: AgreementType | None = None
    status: AgreementStatus | None = None
    department: str | None = Field(None, description="A party is in this department.")
    organization: str | None = Field(None, description="This organization is a party.")


class AgreementIn(Schema):
    code: str = Field(min_length=1, max_length=40)
    title: str = Field(min_length=1, max_length=255)
    type: AgreementType
    status: AgreementStatus = AgreementStatus.ACTIVE
    start_date: date
    end_date: date | None = None
    parties: list[str] = Field(description="Codes of the parties, at least two.")


class AgreementPatch(Schema):
    code: str | None = Field(None, min_length=1, max_length=40)
    title: str | None = Field(None, min_length=1, max_length=255)
    type: AgreementType | None = None
    status: AgreementStatus | None = None
    start_date: date | None = None
    end_date: date | None = None
    parties: list[str] | None = None


def _agreement_data(payload: Schema, *, partial: bool) -> dict[str, Any]:
    data = payload.model_dump(exclude_unset=partial)
    for key, value in list(data.items()):
        if value is None and key != "end_date":
            del data[key]
    for key in ("type", "status"):
        if key in data:
            data[key] = str(data[key])
    if "parties" in data:
        data["parties"] = organizations_by_code(data["parties"], "parties")
    return data


@router.get(
    "/agreements", response={200: AgreementPage, **ERRORS}, summary="List agreements"
)
def list_agreements(request: HttpRequest, filters: Query[AgreementFilters]):
    rows = selectors.agreement_list(
        user=request.auth,
        q=filters.q,
        type=filters.type,
        status=filters.status,
        department=filters.department,
        organization=filters.organization,
    )
    count, items = page(rows, filters)
    return {"count": count, "items": items}


@router.get(
    "/agreements/{code}",
    response={200: AgreementOut, **ERRORS},
    summary="One agreement",
)
def get_agreement(request: HttpRequest, code: str):
    return selectors.agreement_get(user=request.auth, code=code)


@router.post(
    "/agreements",
    response={201: AgreementOut, **ERRORS},
    summary="Register an agreement",
)
def create_agreement(request: HttpRequest, payload: AgreementIn):
    agreement = services.agreement_create(
        actor=request.auth, **_agreement_data(payload, partial=False)
    )
    return Status(201, selectors.agreement_get(user=request.auth, pk=agreement.pk))


@router.patch(
    "/agreements/{code}",
    response={200: AgreementOut, **ERRORS},
    summary="Change an agreement (only the fields sent)",
)
def update_agreement(request: HttpRequest, code: str, payload: AgreementPatch):
    agreement = selectors.agreement_get(user=request.auth, code=code)
    agreement = services.agreement_update(
        actor=request.auth,
        agreement=agreement,
        data=_agreement_data(payload, partial=True),
    )
    return selectors.agreement_get(user=request.auth, pk=agreement.pk)


# Instructors --------------------------------------------------------------------


class InstructorPseudonymousOut(Schema):
    """An instructor without personal data: what analysts and viewers receive."""

    view: Literal["pseudonymous"] = "pseudonymous"
    code: str
    organization: str
    sex: str
    training_areas: list[str]
    certifications: str
    active: bool


class InstructorPersonalOut(Schema):
    """An instructor with personal data: for the administrator and the data officers
    of the instructor's organization."""

    view: Literal["personal"] = "personal"
    code: str
    organization: str
    first_name: str
    last_name: str
    sex: str
    email: str
    phone: str
    training_areas: list[str]
    certifications: str
    active: bool


InstructorOut = Annotated[
    InstructorPersonalOut | InstructorPseudonymousOut, Field(discriminator="view")
]


class InstructorPage(Schema):
    count: int
    items: list[InstructorOut]


class InstructorFilters(PageParams):
    q: str = Field(
        "",
        description="Searched in code and certifications (and names, for who sees them).",
    )
    organization: str | None = Field(None, description="Organization code.")
    training_area: str | None = Field(None, description="Training area code.")
    sex: Literal["F", "M"] | None = None
    active: Literal["yes", "no"] | None = None


class InstructorIn(Schema):
    code: str = Field(min_length=1, max_length=40)
    organization: str = Field(description="Organization code.")
    first_name: str = Field(min_length=1, max_length=120)
    last_name: str = Field(min_length=1, max_length=120)
    sex: Literal["F", "M", ""] = ""
    email: str = ""
    phone: str = ""
    training_areas: list[str] = Field(
        default_factory=list, description="Training area codes."
    )
    certifications: str = ""
    active: bool = True


class InstructorPatch(Schema):
    code: str | None = Field(None, min_length=1, max_length=40)
    organization: str | None = None
    first_name: str | None = Field(None, min_length=1, max_length=120)
    last_name: str | None = Field(None, min_length=1, max_length=120)
    sex: Literal["F", "M", ""] | None = None
    email: str | None = None
    phone: str | None = None
    training_areas: list[str] | None = None
    certifications: str | None = None
    active: bool | None = None


def _instructor_out(
    instructor: Instructor | selectors.PseudonymousInstructor,
) -> InstructorPersonalOut | InstructorPseudonymousOut:
    """Built field by field, so a pseudonymous answer cannot carry a name by accident."""
    if isinstance(instructor, Instructor):
        return InstructorPersonalOut(
            code=instructor.code,
            organization=instructor.organization.code,
            first_name=instructor.first_name,
            last_name=instructor.last_name,
            sex=instructor.sex,
            email=instructor.email,
            phone=instructor.phone,
            training_areas=[a.code for a in instructor.training_areas.all()],
            certifications=instructor.certifications,
            active=instructor.active,
        )
    return InstructorPseudonymousOut(
        code=instructor.code,
        organization=instructor.organization.code,
        sex=instructor.sex,
        training_areas=[a.code for a in instructor.training_areas],
        certifications=instructor.certifications,
        active=instructor.active,
    )


def _instructor_data(payload: Schema, *, partial: bool) -> dict[str, Any]:
    data = payload.model_dump(exclude_unset=partial)
    for key, value in list(data.items()):
        if value is None:
            del data[key]
    if "organization" in data:
        data["organization"] = organizations_by_code(
            [data["organization"]], "organization"
        )[0]
    if "training_areas" in data:
        data["training_areas"] = training_areas_by_code(data["training_areas"])
    return data


@router.get(
    "/instructors",
    response={200: InstructorPage, **ERRORS},
    summary="List the instructors you may see",
)
def list_instructors(request: HttpRequest, filters: Query[InstructorFilters]):
    rows = selectors.instructor_list(
        user=request.auth,
        q=filters.q,
        organization=filters.organization,
        training_area=filters.training_area,
        sex=filters.sex,
        active=filters.active,
    )
    count, items = page(rows, filters)
    return {"count": count, "items": [_instructor_out(i) for i in items]}


@router.get(
    "/instructors/{code}",
    response={200: InstructorOut, **ERRORS},
    summary="One instructor",
)
def get_instructor(request: HttpRequest, code: str):
    return _instructor_out(selectors.instructor_get(user=request.auth, code=code))


@router.post(
    "/instructors",
    response={201: InstructorPersonalOut, **ERRORS},
    summary="Register an instructor",
)
def create_instructor(request: HttpRequest, payload: InstructorIn):
    instructor = services.instructor_create(
        actor=request.auth, **_instructor_data(payload, partial=False)
    )
    return Status(201, _instructor_out(instructor))


@router.patch(
    "/instructors/{code}",
    response={200: InstructorPersonalOut, **ERRORS},
    summary="Change an instructor (only the fields sent)",
)
def update_instructor(request: HttpRequest, code: str, payload: InstructorPatch):
    instructor = selectors.instructor_get(user=request.auth, code=code)
    if not isinstance(instructor, Instructor):
        # Analysts and viewers read pseudonymised data and write nothing.
        raise PermissionDenied(_("You may not edit this instructor."))
    instructor = services.instructor_update(
        actor=request.auth,
        instructor=instructor,
        data=_instructor_data(payload, partial=True),
    )
    return _instructor_out(instructor)
