"""Every read of the registry that pages, API and other apps need, scoped to the
user asking: the rules about who sees what live here, not in the views.

- Everyone logged in sees the registry of organizations and agreements, and the
  cooperation network.
- The reference population is public statistics: its selectors take no user.
- Instructors: the national administrator sees all, with personal data; a data
  officer sees its own organization's, with personal data; analysts and viewers see
  every organization's, pseudonymised (no names, e-mail or phone); company officers
  see none.
"""

import enum
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils.translation import gettext as _

from semillero.accounts.models import Role
from semillero.accounts.permissions import is_admin, require
from semillero.core.search import matches

from .models import (
    Agreement,
    AgreementStatus,
    Department,
    Instructor,
    Municipality,
    Organization,
    OrganizationName,
    OrganizationType,
    Population,
    TrainingArea,
)

YesNoUnknown = Literal["yes", "no", "unknown"]
_YES_NO_UNKNOWN = {"yes": True, "no": False, "unknown": None}


def _require_login(user) -> None:
    require(
        bool(user and getattr(user, "is_authenticated", False)),
        _("Log in to see the registry."),
    )


# Reference data -----------------------------------------------------------------


def department_list() -> QuerySet[Department]:
    return Department.objects.order_by("name")


def municipality_list(*, department_id: int) -> QuerySet[Municipality]:
    return Municipality.objects.filter(department_id=department_id).order_by("name")


def training_area_list() -> QuerySet[TrainingArea]:
    return TrainingArea.objects.order_by("name")


# Reference population -----------------------------------------------------------


def population_for(
    *, year: int, department_code: str | None = None, sex: str | None = None
) -> int | None:
    """The population of a department (or of the country, when `department_code`
    is None) in `year`, of one sex ("F" or "M"; None: both). The rules are those
    of `population_table`; the country is the sum of the departments that have a
    figure. None when no figure applies. One query."""
    cells = _population_cells(year=year, department_code=department_code, sex=sex)
    return sum(cells.values()) if cells else None


def population_table(*, year: int) -> dict[tuple[str, str], int]:
    """The population of every department and sex in `year`, as
    {(department code, sex): people}, for computing many cells at once.

    - The year is decided per department: `year` when the department has figures
      for it, else its latest earlier year with figures (so a national sum may
      mix years). Departments with no figure up to `year` are left out.
    - For a department and sex in that year: the all-ages figure (empty
      `age_group`) when there is one, else the sum of its age groups.

    One query.
    """
    return _population_cells(year=year)


def _population_cells(
    *, year: int, department_code: str | None = None, sex: str | None = None
) -> dict[tuple[str, str], int]:
    # Each department's latest year up to `year`, whatever the sex: the year is
    # the department's, not the cell's.
    latest = (
        Population.objects.filter(department=OuterRef("department"), year__lte=year)
        .order_by("-year")
        .values("year")[:1]
    )
    rows = Population.objects.filter(year__lte=year, year=Subquery(latest))
    if department_code is not None:
        rows = rows.filter(department__code=department_code)
    if sex is not None:
        rows = rows.filter(sex=sex)
    cells = (
        rows.values("department__code", "sex")
        .annotate(
            all_ages=Sum("population", filter=Q(age_group="")),
            by_age_group=Sum("population", filter=~Q(age_group="")),
        )
        .order_by()
    )
    return {
        (cell["department__code"], cell["sex"]): (
            cell["all_ages"] if cell["all_ages"] is not None else cell["by_age_group"]
        )
        for cell in cells
    }


# Organizations ------------------------------------------------------------------


def organization_list(
    *,
    user,
    q: str = "",
    type: str | None = None,
    department: str | None = None,
    levy_contributor: YesNoUnknown | None = None,
) -> QuerySet[Organization]:
    """Organizations, searched in name, code and tax ID; `department` is a code."""
    _require_login(user)
    orgs = Organization.objects.select_related("department", "municipality").annotate(
        agreement_count=Count("agreements", distinct=True)
    )
    q = (q or "").strip()
    if q:
        orgs = orgs.filter(matches(q, "name", "code", "tax_id"))
    if type:
        orgs = orgs.filter(type=type)
    if department:
        orgs = orgs.filter(department__code=department)
    if levy_contributor in _YES_NO_UNKNOWN:
        value = _YES_NO_UNKNOWN[levy_contributor]
        orgs = (
            orgs.filter(levy_contributor__isnull=True)
            if value is None
            else orgs.filter(levy_contributor=value)
        )
    return orgs.order_by("name", "pk")


def organization_choices() -> list[tuple[str, str]]:
    """(code, name) of every organization, for filters and pickers."""
    return list(Organization.objects.order_by("name").values_list("code", "name"))


def organization_get(
    *, user, pk: int | None = None, code: str | None = None
) -> Organization:
    """One organization; raises Organization.DoesNotExist."""
    _require_login(user)
    orgs = Organization.objects.select_related("department", "municipality")
    return orgs.get(pk=pk) if pk is not None else orgs.get(code=code)


def organization_names(organization: Organization) -> QuerySet[OrganizationName]:
    return organization.names.order_by("valid_from")


def organization_name_on(organization: Organization, on: date) -> str:
    """The name the organization carried on a date: INSAFORP on 2023-12-08,
    INCAF on 2023-12-09.

    Without a name history, the current name. Before the first recorded name, the
    first one: what the organization was first known as.
    """
    names = list(organization_names(organization))
    if not names:
        return organization.name
    for record in names:
        if record.valid_from <= on and (
            record.valid_to is None or on <= record.valid_to
        ):
            return record.name
    if on < names[0].valid_from:
        return names[0].name
    # A gap between recorded periods (or after a closed last one): the latest name
    # that had started by then.
    started = [r for r in names if r.valid_from <= on]
    return started[-1].name


def lead_institute() -> Organization | None:
    return Organization.objects.filter(is_lead_institute=True).first()


# Agreements ---------------------------------------------------------------------


def _agreements_with_party_in(department: str) -> QuerySet:
    return Agreement.parties.through.objects.filter(
        organization__department__code=department
    ).values("agreement_id")


def agreement_list(
    *,
    user,
    q: str = "",
    type: str | None = None,
    status: str | None = None,
    department: str | None = None,
    organization: str | int | None = None,
) -> QuerySet[Agreement]:
    """Agreements, searched in code and title. `department`: a party is located
    there (code); `organization`: it is a party (code or primary key)."""
    _require_login(user)
    agreements = Agreement.objects.prefetch_related("parties").annotate(
        party_count=Count("parties", distinct=True)
    )
    q = (q or "").strip()
    if q:
        agreements = agreements.filter(matches(q, "code", "title"))
    if type:
        agreements = agreements.filter(type=type)
    if status:
        agreements = agreements.filter(status=status)
    if department:
        agreements = agreements.filter(pk__in=_agreements_with_party_in(department))
    if organization:
        through = Agreement.parties.through.objects
        members = (
            through.filter(organization_id=organization)
            if isinstance(organization, int)
            else through.filter(organization__code=organization)
        )
        agreements = agreements.filter(pk__in=members.values("agreement_id"))
    return agreements.order_by("-start_date", "code")


def agreement_get(*, user, pk: int | None = None, code: str | None = None) -> Agreement:
    """One agreement with its parties; raises Agreement.DoesNotExist."""
    _require_login(user)
    agreements = Agreement.objects.prefetch_related("parties__department")
    return agreements.get(pk=pk) if pk is not None else agreements.get(code=code)


# The cooperation network ----------------------------------------------------------


@dataclass(frozen=True)
class NetworkNode:
    organization: Organization
    agreements: int  # agreements (within the filters) it is party to
    partners: tuple[tuple[Organization, int], ...] = ()  # partner, shared agreements


@dataclass(frozen=True)
class NetworkEdge:
    source: Organization
    target: Organization
    weight: int  # number of agreements both are party to


@dataclass
class Network:
    nodes: list[NetworkNode] = field(default_factory=list)
    edges: list[NetworkEdge] = field(default_factory=list)
    agreements: int = 0


def cooperation_network(
    *, user, type: str | None = None, department: str | None = None
) -> Network:
    """Who works with whom: organizations with at least one agreement (nodes) and
    each pair of parties of the same agreements (edges, weight = how many).

    `type` keeps agreements of that type; `department` keeps agreements with a party
    located there, and shows all their parties, wherever they are: partners outside
    the department are part of the answer.
    """
    _require_login(user)
    agreements = Agreement.objects.all()
    if type:
        agreements = agreements.filter(type=type)
    if department:
        agreements = agreements.filter(pk__in=_agreements_with_party_in(department))
    memberships = Agreement.parties.through.objects.filter(
        agreement__in=agreements
    ).values_list("agreement_id", "organization_id")
    parties_of: dict[int, set[int]] = defaultdict(set)
    for agreement_id, organization_id in memberships:
        parties_of[agreement_id].add(organization_id)
    per_org: Counter[int] = Counter()
    pairs: Counter[tuple[int, int]] = Counter()
    for parties in parties_of.values():
        per_org.update(parties)
        pairs.update(combinations(sorted(parties), 2))
    orgs = {
        org.pk: org
        for org in Organization.objects.filter(pk__in=per_org).select_related(
            "department"
        )
    }
    partners: dict[int, list[tuple[Organization, int]]] = defaultdict(list)
    for (a, b), weight in pairs.items():
        partners[a].append((orgs[b], weight))
        partners[b].append((orgs[a], weight))
    type_order = {value: i for i, value in enumerate(OrganizationType.values)}
    nodes = [
        NetworkNode(
            organization=org,
            agreements=per_org[pk],
            partners=tuple(sorted(partners[pk], key=lambda p: (-p[1], p[0].name))),
        )
        for pk, org in orgs.items()
    ]
    nodes.sort(
        key=lambda n: (type_order.get(n.organization.type, 99), n.organization.name)
    )
    edges = [
        NetworkEdge(source=orgs[a], target=orgs[b], weight=weight)
        for (a, b), weight in pairs.items()
    ]
    edges.sort(key=lambda e: (-e.weight, e.source.name, e.target.name))
    return Network(nodes=nodes, edges=edges, agreements=len(parties_of))


# Instructors --------------------------------------------------------------------


class InstructorAccess(enum.StrEnum):
    ALL = "all"  # every instructor, with personal data
    OWN = "own"  # its organization's instructors, with personal data
    PSEUDONYMOUS = "pseudonymous"  # every instructor, without personal data
    NONE = "none"


def instructor_access(user) -> InstructorAccess:
    if not (user and getattr(user, "is_authenticated", False)):
        return InstructorAccess.NONE
    if is_admin(user):
        return InstructorAccess.ALL
    if user.role == Role.DATA_OFFICER:
        return InstructorAccess.OWN if user.organization_id else InstructorAccess.NONE
    if user.role in (Role.ANALYST, Role.VIEWER):
        return InstructorAccess.PSEUDONYMOUS
    return InstructorAccess.NONE


@dataclass(frozen=True)
class PseudonymousInstructor:
    """What analysts and viewers may know of an instructor: no name, no contact."""

    pk: int
    code: str
    organization: Organization
    sex: str
    sex_display: str
    training_areas: tuple[TrainingArea, ...]
    certifications: str
    active: bool

    @classmethod
    def from_instructor(cls, instructor: Instructor) -> "PseudonymousInstructor":
        return cls(
            pk=instructor.pk,
            code=instructor.code,
            organization=instructor.organization,
            sex=instructor.sex,
            sex_display=instructor.get_sex_display(),
            training_areas=tuple(instructor.training_areas.all()),
            certifications=instructor.certifications,
            active=instructor.active,
        )


# Never loaded for pseudonymous reads, so no template or serializer can leak them.
PERSONAL_FIELDS = ("first_name", "last_name", "email", "phone")


def _ordering_field(ordering) -> str:
    """The field name behind "name", "-name" or F("name").desc()."""
    if isinstance(ordering, str):
        return ordering.lstrip("-")
    expression = getattr(ordering, "expression", ordering)
    return getattr(expression, "name", "")


class PseudonymousInstructors:
    """A lazy, sliceable list of PseudonymousInstructor over a queryset: pages,
    exports and the API paginate it like a queryset, but never see a name."""

    ordered = True  # Paginator would warn about an unordered list otherwise

    def __init__(self, queryset: QuerySet[Instructor]):
        self._queryset = queryset.defer(*PERSONAL_FIELDS)

    def order_by(self, *fields) -> "PseudonymousInstructors":
        if {_ordering_field(f) for f in fields} & set(PERSONAL_FIELDS):
            # Ordering by name would reveal names one comparison at a time.
            raise PermissionDenied(_("Pseudonymised lists cannot be sorted by name."))
        return PseudonymousInstructors(self._queryset.order_by(*fields))

    def count(self) -> int:
        return self._queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [
                PseudonymousInstructor.from_instructor(i) for i in self._queryset[index]
            ]
        return PseudonymousInstructor.from_instructor(self._queryset[index])

    def __iter__(self) -> Iterator[PseudonymousInstructor]:
        for instructor in self._queryset:
            yield PseudonymousInstructor.from_instructor(instructor)


def instructor_list(
    *,
    user,
    q: str = "",
    organization: str | int | None = None,
    training_area: str | None = None,
    sex: str | None = None,
    active: Literal["yes", "no"] | None = None,
) -> QuerySet[Instructor] | PseudonymousInstructors:
    """The instructors the user may see: a queryset of Instructor with personal data,
    or PseudonymousInstructors. Raises PermissionDenied for roles that see none.

    Pseudonymised lists are searched in code and certifications only: a search in
    names would tell who works where.
    """
    access = instructor_access(user)
    require(
        access != InstructorAccess.NONE,
        _("Your role does not give access to instructors."),
    )
    instructors = Instructor.objects.select_related(
        "organization", "organization__department"
    ).prefetch_related("training_areas")
    if access == InstructorAccess.OWN:
        instructors = instructors.filter(organization_id=user.organization_id)
    q = (q or "").strip()
    if q:
        searched = matches(q, "code", "certifications", "organization__name")
        searched |= Q(organization__code__iexact=q)
        if access != InstructorAccess.PSEUDONYMOUS:
            searched |= matches(q, "first_name", "last_name", "email")
        instructors = instructors.filter(searched)
    if isinstance(organization, int):
        instructors = instructors.filter(organization_id=organization)
    elif organization:
        instructors = instructors.filter(organization__code=organization)
    if training_area:
        instructors = instructors.filter(
            pk__in=Instructor.training_areas.through.objects.filter(
                trainingarea__code=training_area
            ).values("instructor_id")
        )
    if sex:
        instructors = instructors.filter(sex=sex)
    if active in ("yes", "no"):
        instructors = instructors.filter(active=active == "yes")
    if access == InstructorAccess.PSEUDONYMOUS:
        return PseudonymousInstructors(instructors.order_by("code"))
    return instructors.order_by("last_name", "first_name", "pk")


def instructor_get(
    *, user, pk: int | None = None, code: str | None = None
) -> Instructor | PseudonymousInstructor:
    """One instructor, within what the user may see; raises Instructor.DoesNotExist
    for one outside it (another organization's, for a data officer)."""
    instructors = instructor_list(user=user)
    queryset = (
        instructors._queryset
        if isinstance(instructors, PseudonymousInstructors)
        else instructors
    )
    instructor = queryset.get(pk=pk) if pk is not None else queryset.get(code=code)
    if isinstance(instructors, PseudonymousInstructors):
        return PseudonymousInstructor.from_instructor(instructor)
    return instructor


# The start page --------------------------------------------------------------------


def registry_summary(*, user) -> dict[str, int | None]:
    """Counts for the start page, within what the user may see; None = no access."""
    _require_login(user)
    summary: dict[str, int | None] = {
        "organizations": Organization.objects.count(),
        "active_agreements": Agreement.objects.filter(
            status=AgreementStatus.ACTIVE
        ).count(),
        "instructors": None,
    }
    if instructor_access(user) != InstructorAccess.NONE:
        summary["instructors"] = instructor_list(user=user).count()
    return summary
