"""Registry pages: thin shells over `registry.selectors` and `registry.services`.

Permission is decided by `accounts.permissions` and the selectors; a view only asks
before showing a form (403) and hides the buttons a user may not use.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from semillero.accounts import selectors as account_selectors
from semillero.accounts.permissions import (
    can_create_organization,
    can_edit_organization,
    can_manage_agreement,
    can_manage_instructors,
    can_manage_users,
    is_admin,
)
from semillero.core.listing import Column, Filter, Listing, render_list

from . import selectors, services
from .forms import (
    AgreementForm,
    InstructorForm,
    OrganizationForm,
    OrganizationRenameForm,
)
from .models import (
    AgreementStatus,
    AgreementType,
    Instructor,
    OrganizationType,
)
from .network_layout import circle_layout
from .selectors import InstructorAccess

YES_NO = [("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))]
YES_NO_UNKNOWN = [*YES_NO, ("unknown", gettext_lazy("Unknown"))]
SEX_CHOICES = [("F", gettext_lazy("Female")), ("M", gettext_lazy("Male"))]


def _get_or_404(selector, **kwargs):
    try:
        return selector(**kwargs)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


def _departments():
    return [(d.code, d.name) for d in selectors.department_list()]


def _organizations():
    return selectors.organization_choices()


def _training_areas():
    return [(a.code, a.name) for a in selectors.training_area_list()]


def _codes(items) -> str:
    return ", ".join(item.code for item in items)


# Organizations ------------------------------------------------------------------

ORGANIZATION_COLUMNS = [
    Column("code", gettext_lazy("Code"), sort=("code",)),
    Column("name", gettext_lazy("Name"), sort=("name",)),
    Column("type", gettext_lazy("Type"), sort=("type",), value="get_type_display"),
    Column(
        "department",
        gettext_lazy("Department"),
        sort=("department__name",),
        value="department.name",
    ),
    Column(
        "municipality",
        gettext_lazy("Municipality"),
        value="municipality.name",
        table=False,
    ),
    Column("tax_id", gettext_lazy("Tax ID"), table=False),
    Column("isic_section", gettext_lazy("ISIC section"), table=False),
    Column(
        "levy_contributor",
        gettext_lazy("Levy contributor"),
        sort=("levy_contributor",),
    ),
    Column("employees", gettext_lazy("Employees"), sort=("employees",), numeric=True),
    Column(
        "agreements",
        gettext_lazy("Agreements"),
        sort=("agreement_count",),
        value="agreement_count",
        numeric=True,
    ),
    Column("email", gettext_lazy("E-mail"), table=False),
    Column("phone", gettext_lazy("Phone"), table=False),
]
ORGANIZATION_FILTERS = [
    Filter("type", gettext_lazy("Type"), OrganizationType.choices),
    Filter("department", gettext_lazy("Department"), _departments),
    Filter("levy_contributor", gettext_lazy("Levy contributor"), YES_NO_UNKNOWN),
]


@login_required
@require_GET
def organization_list(request):
    listing = Listing(
        request,
        name="organizations",
        title=_("Organizations"),
        columns=ORGANIZATION_COLUMNS,
        filters=ORGANIZATION_FILTERS,
        default_sort="name",
    )
    rows = selectors.organization_list(user=request.user, **listing.selector_kwargs())
    return listing.respond(
        rows,
        "registry/organization_list.html",
        "registry/_organization_results.html",
        {"listing": listing, "can_create": can_create_organization(request.user)},
    )


@login_required
@require_GET
def organization_detail(request, pk):
    user = request.user
    organization = _get_or_404(selectors.organization_get, user=user, pk=pk)
    access = selectors.instructor_access(user)
    instructors = None
    if access != InstructorAccess.NONE and (
        access != InstructorAccess.OWN or user.organization_id == organization.pk
    ):
        instructors = list(
            selectors.instructor_list(user=user, organization=organization.pk)
        )
    users = None
    if can_manage_users(user):
        users = list(
            account_selectors.user_list(actor=user, organization=organization.pk)
        )
    agreements = list(selectors.agreement_list(user=user, organization=organization.pk))
    editable = can_edit_organization(user, organization)
    return render(
        request,
        "registry/organization_detail.html",
        {
            "organization": organization,
            "names": list(selectors.organization_names(organization)),
            "agreements": agreements,
            "instructors": instructors,
            "personal": access in (InstructorAccess.ALL, InstructorAccess.OWN),
            "users": users,
            "can_edit": editable,
            "can_rename": editable
            and (not organization.is_lead_institute or is_admin(user)),
            "can_add_instructor": can_manage_instructors(user, organization),
            "can_add_agreement": can_manage_agreement(user, [organization]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organization_create(request):
    if not can_create_organization(request.user):
        raise PermissionDenied
    form = OrganizationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            organization = services.organization_create(
                actor=request.user, **form.service_data()
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Organization registered."))
            return redirect("registry:organization_detail", pk=organization.pk)
    return render(
        request,
        "registry/form.html",
        {
            "form": form,
            "title": _("New organization"),
            "cancel_url": "registry:organization_list",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organization_update(request, pk):
    organization = _get_or_404(selectors.organization_get, user=request.user, pk=pk)
    if not can_edit_organization(request.user, organization):
        raise PermissionDenied
    form = OrganizationForm(
        request.POST or None, instance=organization, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_update(
                actor=request.user, organization=organization, data=form.service_data()
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("registry:organization_detail", pk=organization.pk)
    return render(
        request,
        "registry/form.html",
        {
            "form": form,
            "title": _("Edit %(name)s") % {"name": organization.name},
            "cancel_url": "registry:organization_detail",
            "cancel_pk": organization.pk,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organization_rename(request, pk):
    organization = _get_or_404(selectors.organization_get, user=request.user, pk=pk)
    if not can_edit_organization(request.user, organization) or (
        organization.is_lead_institute and not is_admin(request.user)
    ):
        raise PermissionDenied
    names = list(selectors.organization_names(organization))
    form = OrganizationRenameForm(request.POST or None, has_history=bool(names))
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_rename(
                actor=request.user, organization=organization, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Change of name recorded."))
            return redirect("registry:organization_detail", pk=organization.pk)
    return render(
        request,
        "registry/organization_rename.html",
        {"form": form, "organization": organization, "names": names},
    )


@login_required
@require_GET
def municipality_options(request):
    """The <option>s of a department's municipalities, for the organization form."""
    department = request.GET.get("department", "")
    municipalities = (
        selectors.municipality_list(department_id=int(department))
        if department.isdigit()
        else []
    )
    html = render_to_string(
        "registry/_municipality_options.html", {"municipalities": municipalities}
    )
    return HttpResponse(html)


# Agreements ---------------------------------------------------------------------

AGREEMENT_COLUMNS = [
    Column("code", gettext_lazy("Code"), sort=("code",)),
    Column("title", gettext_lazy("Title"), sort=("title",)),
    Column("type", gettext_lazy("Type"), sort=("type",), value="get_type_display"),
    Column(
        "status", gettext_lazy("Status"), sort=("status",), value="get_status_display"
    ),
    Column("start_date", gettext_lazy("Start"), sort=("start_date",)),
    Column("end_date", gettext_lazy("End"), sort=("end_date",)),
    Column(
        "parties",
        gettext_lazy("Parties"),
        sort=("party_count",),
        value=lambda a: ", ".join(p.name for p in a.parties.all()),
    ),
    Column(
        "party_codes",
        gettext_lazy("Party codes"),
        value=lambda a: _codes(a.parties.all()),
        table=False,
    ),
]
AGREEMENT_FILTERS = [
    Filter("type", gettext_lazy("Type"), AgreementType.choices),
    Filter("status", gettext_lazy("Status"), AgreementStatus.choices),
    Filter("department", gettext_lazy("Department of a party"), _departments),
    Filter("organization", gettext_lazy("Organization"), _organizations),
]


@login_required
@require_GET
def agreement_list(request):
    listing = Listing(
        request,
        name="agreements",
        title=_("Agreements"),
        columns=AGREEMENT_COLUMNS,
        filters=AGREEMENT_FILTERS,
        default_sort="-start_date",
    )
    user = request.user
    rows = selectors.agreement_list(user=user, **listing.selector_kwargs())
    return listing.respond(
        rows,
        "registry/agreement_list.html",
        "registry/_agreement_results.html",
        {
            "listing": listing,
            "can_create": can_manage_agreement(user, [user.organization_id]),
        },
    )


@login_required
@require_GET
def agreement_detail(request, pk):
    agreement = _get_or_404(selectors.agreement_get, user=request.user, pk=pk)
    parties = list(agreement.parties.all())
    return render(
        request,
        "registry/agreement_detail.html",
        {
            "agreement": agreement,
            "parties": parties,
            "can_edit": can_manage_agreement(request.user, parties),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement_create(request):
    user = request.user
    if not can_manage_agreement(user, [user.organization_id]):
        raise PermissionDenied
    form = AgreementForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.agreement_create(actor=user, **form.service_data())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Agreement registered."))
            return redirect("registry:agreement_detail", pk=agreement.pk)
    return render(
        request,
        "registry/form.html",
        {
            "form": form,
            "title": _("New agreement"),
            "cancel_url": "registry:agreement_list",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement_update(request, pk):
    agreement = _get_or_404(selectors.agreement_get, user=request.user, pk=pk)
    if not can_manage_agreement(request.user, list(agreement.parties.all())):
        raise PermissionDenied
    form = AgreementForm(request.POST or None, instance=agreement, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_update(
                actor=request.user, agreement=agreement, data=form.service_data()
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("registry:agreement_detail", pk=agreement.pk)
    return render(
        request,
        "registry/form.html",
        {
            "form": form,
            "title": _("Edit %(title)s") % {"title": agreement.title},
            "cancel_url": "registry:agreement_detail",
            "cancel_pk": agreement.pk,
        },
    )


# The cooperation network ----------------------------------------------------------

NETWORK_FILTERS = [
    Filter("type", gettext_lazy("Agreement type"), AgreementType.choices),
    Filter("department", gettext_lazy("Department of a party"), _departments),
]


@login_required
@require_GET
def network(request):
    listing = Listing(
        request,
        name="network",
        title=_("Cooperation network"),
        columns=[],
        filters=NETWORK_FILTERS,
        default_sort="",
        search=False,
    )
    graph = selectors.cooperation_network(
        user=request.user, **listing.selector_kwargs()
    )
    return render_list(
        request,
        "registry/network.html",
        "registry/_network_results.html",
        {"listing": listing, "network": graph, "drawing": circle_layout(graph)},
    )


# Instructors --------------------------------------------------------------------


def _instructor_columns(personal: bool) -> list[Column]:
    """Names, e-mail and phone only for who may see them: not even sortable else."""
    columns = [Column("code", gettext_lazy("Code"), sort=("code",))]
    if personal:
        columns += [
            Column("last_name", gettext_lazy("Last name"), sort=("last_name",)),
            Column("first_name", gettext_lazy("First name"), sort=("first_name",)),
        ]
    columns += [
        Column(
            "organization",
            gettext_lazy("Organization"),
            sort=("organization__name",),
            value="organization.name",
        ),
        Column(
            "organization_code",
            gettext_lazy("Organization code"),
            value="organization.code",
            table=False,
        ),
        Column(
            "sex",
            gettext_lazy("Sex"),
            sort=("sex",),
            value=lambda i: i.get_sex_display() if personal else i.sex_display,
        ),
        Column(
            "training_areas",
            gettext_lazy("Training areas"),
            value=lambda i: ", ".join(
                a.name
                for a in (i.training_areas.all() if personal else i.training_areas)
            ),
        ),
        Column("certifications", gettext_lazy("Certifications"), table=False),
        Column("active", gettext_lazy("Active"), sort=("active",)),
    ]
    if personal:
        columns += [
            Column("email", gettext_lazy("E-mail"), table=False),
            Column("phone", gettext_lazy("Phone"), table=False),
        ]
    return columns


INSTRUCTOR_FILTERS = [
    Filter("organization", gettext_lazy("Organization"), _organizations),
    Filter("training_area", gettext_lazy("Training area"), _training_areas),
    Filter("sex", gettext_lazy("Sex"), SEX_CHOICES),
    Filter("active", gettext_lazy("Active"), YES_NO),
]


@login_required
@require_GET
def instructor_list(request):
    user = request.user
    access = selectors.instructor_access(user)
    if access == InstructorAccess.NONE:
        raise PermissionDenied
    personal = access != InstructorAccess.PSEUDONYMOUS
    filters = INSTRUCTOR_FILTERS
    if access == InstructorAccess.OWN:
        filters = [f for f in filters if f.name != "organization"]
    listing = Listing(
        request,
        name="instructors",
        title=_("Instructors"),
        columns=_instructor_columns(personal),
        filters=filters,
        default_sort="last_name" if personal else "code",
    )
    rows = selectors.instructor_list(user=user, **listing.selector_kwargs())
    return listing.respond(
        rows,
        "registry/instructor_list.html",
        "registry/_instructor_results.html",
        {
            "listing": listing,
            "personal": personal,
            "can_create": can_manage_instructors(user, user.organization_id),
        },
    )


@login_required
@require_GET
def instructor_detail(request, pk):
    if selectors.instructor_access(request.user) == InstructorAccess.NONE:
        raise PermissionDenied
    instructor = _get_or_404(selectors.instructor_get, user=request.user, pk=pk)
    personal = isinstance(instructor, Instructor)
    return render(
        request,
        "registry/instructor_detail.html",
        {
            "instructor": instructor,
            "personal": personal,
            "areas": (
                list(instructor.training_areas.all())
                if personal
                else instructor.training_areas
            ),
            "can_edit": personal
            and can_manage_instructors(request.user, instructor.organization_id),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def instructor_create(request):
    user = request.user
    if not can_manage_instructors(user, user.organization_id):
        raise PermissionDenied
    form = InstructorForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        data.setdefault("organization", user.organization)
        try:
            instructor = services.instructor_create(actor=user, **data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Instructor registered."))
            return redirect("registry:instructor_detail", pk=instructor.pk)
    return render(
        request,
        "registry/form.html",
        {
            "form": form,
            "title": _("New instructor"),
            "cancel_url": "registry:instructor_list",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def instructor_update(request, pk):
    user = request.user
    if selectors.instructor_access(user) == InstructorAccess.NONE:
        raise PermissionDenied
    instructor = _get_or_404(selectors.instructor_get, user=user, pk=pk)
    if not isinstance(instructor, Instructor) or not can_manage_instructors(
        user, instructor.organization_id
    ):
        raise PermissionDenied
    form = InstructorForm(request.POST or None, instance=instructor, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.instructor_update(
                actor=user, instructor=instructor, data=form.service_data()
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("registry:instructor_detail", pk=instructor.pk)
    return render(
        request,
        "registry/form.html",
        {
            "form": form,
            "title": _("Edit instructor %(code)s") % {"code": instructor.code},
            "cancel_url": "registry:instructor_detail",
            "cancel_pk": instructor.pk,
        },
    )
