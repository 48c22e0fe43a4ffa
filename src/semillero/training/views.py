"""Training pages: thin shells over `training.selectors` and `training.services`.

Permission is decided by `accounts.permissions` and the selectors; a view only
asks before showing a form (403) and hides the buttons a user may not use. The
public catalogue needs no login.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from semillero.accounts.models import Role
from semillero.accounts.permissions import (
    can_answer_service_requests,
    can_import,
    can_manage_course_runs,
    can_manage_programmes,
    can_record_levy,
    can_request_service,
    can_see_company_training,
    can_update_enrolments,
    is_admin,
)
from semillero.core.listing import Column, Filter, Listing
from semillero.indicators import selectors as indicator_selectors
from semillero.registry import selectors as registry_selectors
from semillero.registry.models import OrganizationType

from . import selectors, services
from .forms import (
    CourseRunForm,
    EnrolmentStatusForm,
    LevyContributionForm,
    ProgrammeForm,
    ServiceRequestAnswerForm,
    ServiceRequestForm,
)
from .models import (
    Delivery,
    EnrolmentStatus,
    Funding,
    Modality,
    ServiceRequestStatus,
)
from .selectors import PseudonymousTrainee, TraineeAccess
from .services import ENROLMENT_TRANSITIONS

ENROLMENTS_PER_PAGE = 100
RUNS_SHOWN = 25
YES_NO = selectors.YES_NO


def _get_or_404(selector, **kwargs):
    try:
        return selector(**kwargs)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


def _departments():
    return [(d.code, d.name) for d in registry_selectors.department_list()]


def _training_areas():
    return [(a.code, a.name) for a in registry_selectors.training_area_list()]


def _may_add_course_runs(user) -> bool:
    """Admins, and data officers of a training centre (their own runs)."""
    if is_admin(user):
        return True
    organization = user.organization if user.organization_id else None
    return (
        organization is not None
        and organization.type == OrganizationType.TRAINING_CENTRE
        and can_manage_course_runs(user, organization)
    )


# The public catalogue -------------------------------------------------------------

CATALOGUE_COLUMNS = [
    Column("name", gettext_lazy("Programme"), sort=("name",)),
    Column("code", gettext_lazy("Code"), table=False),
    Column(
        "training_area",
        gettext_lazy("Training area"),
        sort=("training_area__name",),
        value="training_area.name",
    ),
    Column(
        "modality",
        gettext_lazy("Modality"),
        sort=("modality",),
        value="get_modality_display",
    ),
    Column(
        "delivery",
        gettext_lazy("Delivery"),
        sort=("delivery",),
        value="get_delivery_display",
    ),
    Column("hours", gettext_lazy("Hours"), sort=("hours",), numeric=True),
    Column(
        "next_start", gettext_lazy("Next start"), sort=("next_start",), numeric=True
    ),
    Column(
        "current_runs",
        gettext_lazy("Open course runs"),
        sort=("current_runs",),
        numeric=True,
    ),
]
CATALOGUE_FILTERS = [
    Filter("department", gettext_lazy("Where (department)"), _departments),
    Filter("training_area", gettext_lazy("Training area"), _training_areas),
    Filter("modality", gettext_lazy("Modality"), Modality.choices),
    Filter("delivery", gettext_lazy("Delivery"), Delivery.choices),
    Filter(
        "offered",
        gettext_lazy("Course runs"),
        [("yes", gettext_lazy("Upcoming or ongoing"))],
    ),
]


def _insertion_columns(insertion: dict) -> list[Column]:
    """The catalogue's employment figure: one column on the page, the rate, its
    interval and the respondents in the downloads (empty when not shown)."""
    if not insertion:
        return []

    def figure(key):
        def value(programme):
            found = insertion["programmes"].get(programme.code) or {}
            return found.get(key) if found.get("shown") else None

        return value

    return [
        Column(
            "employment_6_months",
            gettext_lazy("Working 6 months after the course"),
            value=figure("value"),
            numeric=True,
        ),
        Column(
            "employment_6_months_low",
            gettext_lazy("Lower bound (95 per cent)"),
            value=figure("ci_low"),
            numeric=True,
            table=False,
        ),
        Column(
            "employment_6_months_high",
            gettext_lazy("Upper bound (95 per cent)"),
            value=figure("ci_high"),
            numeric=True,
            table=False,
        ),
        Column(
            "employment_6_months_respondents",
            gettext_lazy("Respondents"),
            value=figure("respondents"),
            numeric=True,
            table=False,
        ),
    ]


@require_GET
def catalogue(request):
    """What can I study, where, when, how long, and how many work after it: no
    login, no personal data, and only counts that pass small-cell suppression."""
    insertion = indicator_selectors.catalogue_insertion()
    listing = Listing(
        request,
        name="catalogue",
        title=_("Course catalogue"),
        columns=[*CATALOGUE_COLUMNS, *_insertion_columns(insertion)],
        filters=CATALOGUE_FILTERS,
        default_sort="name",
    )
    rows = selectors.programme_list(**listing.selector_kwargs())
    return listing.respond(
        rows,
        "training/catalogue.html",
        "training/_catalogue_results.html",
        {"listing": listing, "insertion": insertion},
    )


@require_GET
def catalogue_programme(request, pk):
    detail = _get_or_404(selectors.programme_detail, pk=pk)
    insertion = indicator_selectors.catalogue_insertion()
    return render(
        request,
        "training/catalogue_programme.html",
        {
            "programme": detail.programme,
            "runs": detail.upcoming_runs,
            "today": timezone.localdate(),
            "insertion": insertion,
            "employment": (insertion.get("programmes") or {}).get(
                detail.programme.code
            ),
        },
    )


# Programmes -------------------------------------------------------------------------

PROGRAMME_COLUMNS = [
    Column("code", gettext_lazy("Code"), sort=("code",)),
    Column("name", gettext_lazy("Name"), sort=("name",)),
    *CATALOGUE_COLUMNS[2:6],
    Column("isco_code", gettext_lazy("ISCO-08"), table=False),
    Column(
        "current_runs",
        gettext_lazy("Open course runs"),
        sort=("current_runs",),
        numeric=True,
    ),
]
PROGRAMME_FILTERS = [
    Filter("training_area", gettext_lazy("Training area"), _training_areas),
    Filter("modality", gettext_lazy("Modality"), Modality.choices),
    Filter("delivery", gettext_lazy("Delivery"), Delivery.choices),
    Filter("department", gettext_lazy("Open course runs in"), _departments),
    Filter("offered", gettext_lazy("Open course runs"), YES_NO),
]


@login_required
@require_GET
def programme_list(request):
    listing = Listing(
        request,
        name="programmes",
        title=_("Programmes"),
        columns=PROGRAMME_COLUMNS,
        filters=PROGRAMME_FILTERS,
        default_sort="name",
    )
    rows = selectors.programme_list(**listing.selector_kwargs())
    return listing.respond(
        rows,
        "training/programme_list.html",
        "training/_programme_results.html",
        {"listing": listing, "can_create": can_manage_programmes(request.user)},
    )


@login_required
@require_GET
def programme_detail(request, pk):
    detail = _get_or_404(selectors.programme_detail, pk=pk)
    programme = detail.programme
    recent = selectors.course_run_list(user=request.user, programme=programme.code)
    return render(
        request,
        "training/programme_detail.html",
        {
            "programme": programme,
            "upcoming": detail.upcoming_runs,
            "recent": list(recent[:RUNS_SHOWN]),
            "run_count": recent.count(),
            "can_edit": can_manage_programmes(request.user),
        },
    )


def _form_page(request, form, title, cancel_url, cancel_pk=None):
    return render(
        request,
        "training/form.html",
        {
            "form": form,
            "title": title,
            "cancel_url": cancel_url,
            "cancel_pk": cancel_pk,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_create(request):
    if not can_manage_programmes(request.user):
        raise PermissionDenied
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_create(
                actor=request.user, **form.service_data()
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Programme registered."))
            return redirect("training:programme_detail", pk=programme.pk)
    return _form_page(request, form, _("New programme"), "training:programme_list")


@login_required
@require_http_methods(["GET", "POST"])
def programme_update(request, pk):
    if not can_manage_programmes(request.user):
        raise PermissionDenied
    programme = _get_or_404(selectors.programme_get, pk=pk)
    form = ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_update(
                actor=request.user, programme=programme, data=form.service_data()
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("training:programme_detail", pk=programme.pk)
    return _form_page(
        request,
        form,
        _("Edit %(name)s") % {"name": programme.name},
        "training:programme_detail",
        programme.pk,
    )


# Course runs ------------------------------------------------------------------------

COURSE_RUN_COLUMNS = [
    Column("code", gettext_lazy("Code"), sort=("code",)),
    Column(
        "programme",
        gettext_lazy("Programme"),
        sort=("programme__name",),
        value="programme.name",
    ),
    Column(
        "programme_code",
        gettext_lazy("Programme code"),
        value="programme.code",
        table=False,
    ),
    Column(
        "modality",
        gettext_lazy("Modality"),
        value="programme.get_modality_display",
        table=False,
    ),
    Column(
        "provider",
        gettext_lazy("Provider"),
        sort=("provider__name",),
        value="provider.name",
    ),
    Column(
        "provider_code",
        gettext_lazy("Provider code"),
        value="provider.code",
        table=False,
    ),
    Column(
        "company_code",
        gettext_lazy("Company code"),
        value="company.code",
        table=False,
    ),
    Column(
        "department",
        gettext_lazy("Department"),
        sort=("department__name",),
        value="department.name",
    ),
    Column("start_date", gettext_lazy("Start"), sort=("start_date",)),
    Column("end_date", gettext_lazy("End"), sort=("end_date",)),
    Column("capacity", gettext_lazy("Capacity"), numeric=True, table=False),
    Column("cost_usd", gettext_lazy("Cost (USD)"), numeric=True, table=False),
    Column(
        "funding", gettext_lazy("Funding"), value="get_funding_display", table=False
    ),
    Column(
        "enrolments",
        gettext_lazy("Enrolments"),
        sort=("enrolment_count",),
        value="enrolment_count",
        numeric=True,
    ),
    Column(
        "in_progress",
        gettext_lazy("In progress"),
        value="in_progress_count",
        numeric=True,
        table=False,
    ),
    Column(
        "completed",
        gettext_lazy("Completed"),
        sort=("completed_count",),
        value="completed_count",
        numeric=True,
    ),
    Column(
        "certified",
        gettext_lazy("Certified"),
        sort=("certified_count",),
        value="certified_count",
        numeric=True,
    ),
    Column(
        "dropped",
        gettext_lazy("Dropped out"),
        sort=("dropped_count",),
        value="dropped_count",
        numeric=True,
    ),
    Column(
        "completion_rate",
        gettext_lazy("Completion rate"),
        sort=("completion_rate",),
        value=lambda run: (
            round(run.completion_rate, 4) if run.completion_rate is not None else None
        ),
        numeric=True,
    ),
]


def _course_run_filters(user) -> list[Filter]:
    filters = [
        Filter("year", gettext_lazy("Year"), selectors.year_choices),
        Filter("provider", gettext_lazy("Provider"), selectors.provider_choices),
        Filter("programme", gettext_lazy("Programme"), selectors.programme_choices),
        Filter("department", gettext_lazy("Department"), _departments),
        Filter("modality", gettext_lazy("Modality"), Modality.choices),
        Filter("funding", gettext_lazy("Funding"), Funding.choices),
    ]
    if _officer_organization(user):
        # Empty (the default) is "my organization's runs"; "all" widens it.
        filters.insert(
            0,
            Filter(
                "scope",
                gettext_lazy("Whose runs"),
                [("all", gettext_lazy("All organizations"))],
                empty_label=gettext_lazy("My organization's"),
            ),
        )
    return filters


def _officer_organization(user):
    if user.role == Role.DATA_OFFICER and user.organization_id:
        return user.organization_id
    return None


@login_required
@require_GET
def course_run_list(request):
    """Every logged-in role sees every run's outcomes; a data officer's list
    starts with its own organization's runs."""
    user = request.user
    listing = Listing(
        request,
        name="course_runs",
        title=_("Course runs"),
        columns=COURSE_RUN_COLUMNS,
        filters=_course_run_filters(user),
        default_sort="-start_date",
    )
    kwargs = listing.selector_kwargs()
    scope = kwargs.pop("scope", "")
    own = _officer_organization(user)
    if own and scope != "all" and not kwargs.get("provider"):
        kwargs["provider"] = own
    rows = selectors.course_run_list(user=user, **kwargs)
    return listing.respond(
        rows,
        "training/course_run_list.html",
        "training/_course_run_results.html",
        {
            "listing": listing,
            "own_only": bool(
                own and scope != "all" and not listing.filters.get("provider")
            ),
            "can_create": _may_add_course_runs(user),
            "can_import": can_import(user, "enrolments"),
        },
    )


@login_required
@require_GET
def course_run_detail(request, pk):
    user = request.user
    run = _get_or_404(selectors.course_run_get, user=user, pk=pk)
    access = selectors.course_run_trainee_access(user, run)
    enrolments = None
    if access != TraineeAccess.NONE:
        status = request.GET.get("status", "")
        status = status if status in EnrolmentStatus.values else None
        enrolments = Paginator(
            selectors.enrolment_list(user=user, course_run=run, status=status),
            ENROLMENTS_PER_PAGE,
        ).get_page(request.GET.get("page"))
    return render(
        request,
        "training/course_run_detail.html",
        {
            "run": run,
            "outcomes": selectors.course_run_outcomes_by_sex(user=user, course_run=run),
            "enrolments": enrolments,
            "personal": access in (TraineeAccess.ALL, TraineeAccess.OWN),
            "show_key": access == TraineeAccess.ALL,
            "can_edit": can_manage_course_runs(user, run.provider_id),
            "can_update_enrolments": can_update_enrolments(user, run),
            "can_import": can_import(user, "enrolments")
            and can_manage_course_runs(user, run.provider_id),
            "final_statuses": [
                status for status, nxt in ENROLMENT_TRANSITIONS.items() if not nxt
            ],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def course_run_create(request):
    user = request.user
    if not _may_add_course_runs(user):
        raise PermissionDenied
    form = CourseRunForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        data.setdefault("provider", user.organization)
        try:
            run = services.course_run_create(actor=user, **data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Course run registered."))
            return redirect("training:course_run_detail", pk=run.pk)
    return _form_page(request, form, _("New course run"), "training:course_run_list")


@login_required
@require_http_methods(["GET", "POST"])
def course_run_update(request, pk):
    user = request.user
    run = _get_or_404(selectors.course_run_get, user=user, pk=pk)
    if not can_manage_course_runs(user, run.provider_id):
        raise PermissionDenied
    form = CourseRunForm(request.POST or None, instance=run, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.course_run_update(
                actor=user, course_run=run, data=form.service_data()
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("training:course_run_detail", pk=run.pk)
    return _form_page(
        request,
        form,
        _("Edit course run %(code)s") % {"code": run.code},
        "training:course_run_detail",
        run.pk,
    )


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_status(request, pk):
    """Change one enrolment's status (its course run's managers only)."""
    user = request.user
    if selectors.trainee_access(user) not in (TraineeAccess.ALL, TraineeAccess.OWN):
        raise PermissionDenied
    # Another organization's enrolment is not found, as its trainees are not.
    enrolment = _get_or_404(selectors.enrolment_get, user=user, pk=pk)
    if not can_update_enrolments(user, enrolment.course_run):
        raise PermissionDenied
    allowed = sorted(ENROLMENT_TRANSITIONS[enrolment.status])
    form = EnrolmentStatusForm(request.POST or None, allowed=allowed)
    if request.method == "POST" and form.is_valid():
        try:
            services.enrolment_update_status(
                actor=user,
                enrolment=enrolment,
                status=form.cleaned_data["status"],
                completion_date=form.cleaned_data["completion_date"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Enrolment updated."))
            return redirect("training:course_run_detail", pk=enrolment.course_run_id)
    return render(
        request,
        "training/enrolment_status.html",
        {"form": form, "enrolment": enrolment, "allowed": allowed},
    )


# Trainees ---------------------------------------------------------------------------


def _trainee_columns(access: TraineeAccess) -> list[Column]:
    """Names and contacts only for who may see them; the full person key only
    for the administrator."""
    personal = access in (TraineeAccess.ALL, TraineeAccess.OWN)
    if access == TraineeAccess.ALL:
        columns = [Column("person_key", gettext_lazy("Person key"), table=False)]
    else:
        columns = []
    columns.append(
        Column(
            "key",
            gettext_lazy("Key"),
            sort=("person_key",) if personal else ("key_prefix",),
            value=(
                (lambda t: t.person_key[: selectors.KEY_PREFIX_LENGTH])
                if personal
                else "key_prefix"
            ),
        )
    )
    if personal:
        columns += [
            Column("last_name", gettext_lazy("Last name"), sort=("last_name",)),
            Column("first_name", gettext_lazy("First name"), sort=("first_name",)),
            Column("email", gettext_lazy("E-mail"), table=False),
            Column("phone", gettext_lazy("Phone"), table=False),
            Column("birth_date", gettext_lazy("Birth date"), table=False),
        ]
    columns += [
        Column(
            "sex",
            gettext_lazy("Sex"),
            sort=("sex",),
            value="get_sex_display" if personal else "sex_display",
        ),
        Column(
            "age_group",
            gettext_lazy("Age group"),
            value=(
                (lambda t: selectors.age_group(t.birth_date))
                if personal
                else "age_group"
            ),
        ),
        Column(
            "department",
            gettext_lazy("Department"),
            sort=("department__name",),
            value="department.name" if personal else "department",
        ),
        Column(
            "vulnerable",
            gettext_lazy("Vulnerable"),
            value="is_vulnerable" if personal else "vulnerable",
        ),
    ]
    for flag, label in (
        ("disability", gettext_lazy("Disability")),
        ("returned_migrant", gettext_lazy("Returned migrant")),
        ("rural", gettext_lazy("Rural")),
        ("low_income", gettext_lazy("Low income")),
        ("education_level", gettext_lazy("Education level")),
        ("employed_at_entry", gettext_lazy("Employed at entry")),
    ):
        columns.append(Column(flag, label, table=False))
    columns.append(
        Column(
            "enrolments",
            gettext_lazy("Enrolments"),
            sort=("enrolment_count",),
            value="enrolment_count",
            numeric=True,
        )
    )
    return columns


TRAINEE_FILTERS = [
    Filter("sex", gettext_lazy("Sex"), selectors.SEX_CHOICES),
    Filter("age_group", gettext_lazy("Age group"), selectors.AGE_GROUP_CHOICES),
    Filter("department", gettext_lazy("Department of residence"), _departments),
    Filter("vulnerable", gettext_lazy("Vulnerable"), YES_NO),
    Filter("provider", gettext_lazy("Trained at"), selectors.provider_choices),
]


@login_required
@require_GET
def trainee_list(request):
    user = request.user
    access = selectors.trainee_access(user)
    if access == TraineeAccess.NONE:
        raise PermissionDenied
    filters = TRAINEE_FILTERS
    if access == TraineeAccess.OWN:
        filters = [f for f in filters if f.name != "provider"]
    personal = access != TraineeAccess.PSEUDONYMOUS
    listing = Listing(
        request,
        name="trainees",
        title=_("Trainees"),
        columns=_trainee_columns(access),
        filters=filters,
        default_sort="last_name" if personal else "key",
    )
    rows = selectors.trainee_list(user=user, **listing.selector_kwargs())
    return listing.respond(
        rows,
        "training/trainee_list.html",
        "training/_trainee_results.html",
        {"listing": listing, "personal": personal, "access": access},
    )


@login_required
@require_GET
def trainee_detail(request, pk):
    user = request.user
    access = selectors.trainee_access(user)
    if access == TraineeAccess.NONE:
        raise PermissionDenied
    trainee = _get_or_404(selectors.trainee_get, user=user, pk=pk)
    personal = not isinstance(trainee, PseudonymousTrainee)
    return render(
        request,
        "training/trainee_detail.html",
        {
            "trainee": trainee,
            "personal": personal,
            "show_key": access == TraineeAccess.ALL,
            "own_only": access == TraineeAccess.OWN,
            "age_group": (
                selectors.age_group(trainee.birth_date)
                if personal
                else trainee.age_group
            ),
            "enrolments": selectors.trainee_enrolments(user=user, trainee=trainee),
        },
    )


# Companies --------------------------------------------------------------------------

COMPANY_COLUMNS = [
    Column("code", gettext_lazy("Code"), sort=("code",)),
    Column("name", gettext_lazy("Name"), sort=("name",)),
    Column("tax_id", gettext_lazy("Tax ID"), table=False),
    Column(
        "department",
        gettext_lazy("Department"),
        sort=("department__name",),
        value="department.name",
    ),
    Column("employees", gettext_lazy("Employees"), sort=("employees",), numeric=True),
    Column(
        "levy_total",
        gettext_lazy("Levy paid (USD)"),
        sort=("levy_total",),
        numeric=True,
    ),
    Column(
        "run_count",
        gettext_lazy("Course runs"),
        sort=("run_count",),
        numeric=True,
    ),
]
COMPANY_FILTERS = [
    Filter("department", gettext_lazy("Department"), _departments),
    Filter("levy_contributor", gettext_lazy("Levy contributor"), YES_NO),
]


@login_required
@require_GET
def company_list(request):
    user = request.user
    if not (is_admin(user) or user.role == Role.ANALYST):
        raise PermissionDenied
    listing = Listing(
        request,
        name="companies",
        title=_("Companies"),
        columns=COMPANY_COLUMNS,
        filters=COMPANY_FILTERS,
        default_sort="-levy_total",
    )
    rows = selectors.company_list(user=user, **listing.selector_kwargs())
    return listing.respond(
        rows,
        "training/company_list.html",
        "training/_company_results.html",
        {"listing": listing},
    )


@login_required
@require_GET
def company_detail(request, pk):
    user = request.user
    company = _get_or_404(selectors.company_get, user=user, pk=pk)
    summary = selectors.company_summary(user=user, company=company)
    runs = selectors.course_run_list(user=user, company=company.pk)
    requests = None
    if selectors.service_request_access(user) != "none":
        requests = list(
            selectors.service_request_list(user=user, company=company.pk)[:RUNS_SHOWN]
        )
    return render(
        request,
        "training/company_detail.html",
        {
            "company": company,
            "summary": summary,
            "runs": list(runs[:RUNS_SHOWN]),
            "run_count": summary.total.runs,
            "requests": requests,
            "can_record_levy": can_record_levy(user),
            "can_request": can_request_service(user, company),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def levy_create(request, pk):
    user = request.user
    if not can_record_levy(user):
        raise PermissionDenied
    company = _get_or_404(selectors.company_get, user=user, pk=pk)
    form = LevyContributionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.levy_contribution_create(
                actor=user, company=company, **form.service_data()
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Levy contribution recorded."))
            return redirect("training:company_detail", pk=company.pk)
    return _form_page(
        request,
        form,
        _("Levy contribution of %(name)s") % {"name": company.name},
        "training:company_detail",
        company.pk,
    )


# Training centres -------------------------------------------------------------------


@login_required
@require_GET
def centre_detail(request, pk):
    user = request.user
    centre = _get_or_404(selectors.centre_get, user=user, pk=pk)
    return render(
        request,
        "training/centre_detail.html",
        {
            "centre": centre,
            "years": selectors.centre_summary(user=user, centre=centre),
            "own": can_manage_course_runs(user, centre),
        },
    )


# Company service requests -----------------------------------------------------------

SERVICE_REQUEST_COLUMNS = [
    Column("requested_on", gettext_lazy("Requested on"), sort=("requested_on",)),
    Column(
        "company",
        gettext_lazy("Company"),
        sort=("company__name",),
        value="company.name",
    ),
    Column(
        "company_code",
        gettext_lazy("Company code"),
        value="company.code",
        table=False,
    ),
    Column("topic", gettext_lazy("Topic"), sort=("topic",)),
    Column("workers", gettext_lazy("Workers"), sort=("workers",), numeric=True),
    Column(
        "status", gettext_lazy("Status"), sort=("status",), value="get_status_display"
    ),
    Column(
        "run_count",
        gettext_lazy("Course runs"),
        sort=("run_count",),
        numeric=True,
    ),
]
SERVICE_REQUEST_FILTERS = [
    Filter("status", gettext_lazy("Status"), ServiceRequestStatus.choices),
]


@login_required
@require_GET
def service_request_list(request):
    user = request.user
    access = selectors.service_request_access(user)
    if access == "none":
        raise PermissionDenied
    listing = Listing(
        request,
        name="service_requests",
        title=_("Service requests"),
        columns=SERVICE_REQUEST_COLUMNS,
        filters=SERVICE_REQUEST_FILTERS,
        default_sort="-requested_on",
    )
    rows = selectors.service_request_list(user=user, **listing.selector_kwargs())
    return listing.respond(
        rows,
        "training/service_request_list.html",
        "training/_service_request_results.html",
        {
            "listing": listing,
            "can_create": is_admin(user)
            or (access == "own" and can_request_service(user, user.organization_id)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def service_request_create(request):
    user = request.user
    if not (is_admin(user) or can_request_service(user, user.organization_id)):
        raise PermissionDenied
    # The administrator may come from a company's page, on its behalf.
    initial = {"company": request.GET.get("company", "")[:40]}
    form = ServiceRequestForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        data.setdefault("company", user.organization)
        try:
            service_request = services.service_request_create(actor=user, **data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Request sent to the institute."))
            return redirect("training:service_request_detail", pk=service_request.pk)
    return _form_page(
        request, form, _("Request training"), "training:service_request_list"
    )


@login_required
@require_GET
def service_request_detail(request, pk):
    user = request.user
    if selectors.service_request_access(user) == "none":
        raise PermissionDenied
    service_request = _get_or_404(selectors.service_request_get, user=user, pk=pk)
    answering = can_answer_service_requests(user)
    return render(
        request,
        "training/service_request_detail.html",
        {
            "service_request": service_request,
            "runs": list(
                selectors.service_request_runs(
                    user=user, service_request=service_request
                )
            ),
            "can_edit": answering
            or (
                can_request_service(user, service_request.company_id)
                and service_request.status == ServiceRequestStatus.REQUESTED
            ),
            "can_see_company": can_see_company_training(user, service_request.company),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def service_request_update(request, pk):
    """The institute answers (status, course runs); the company corrects its
    request while it waits."""
    user = request.user
    if selectors.service_request_access(user) == "none":
        raise PermissionDenied
    service_request = _get_or_404(selectors.service_request_get, user=user, pk=pk)
    if can_answer_service_requests(user):
        form_class, kwargs = ServiceRequestAnswerForm, {}
    elif (
        can_request_service(user, service_request.company_id)
        and service_request.status == ServiceRequestStatus.REQUESTED
    ):
        form_class, kwargs = ServiceRequestForm, {"user": user}
    else:
        raise PermissionDenied
    form = form_class(request.POST or None, instance=service_request, **kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            services.service_request_update(
                actor=user, service_request=service_request, data=form.service_data()
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("training:service_request_detail", pk=service_request.pk)
    return _form_page(
        request,
        form,
        _("Service request: %(topic)s") % {"topic": service_request.topic},
        "training:service_request_detail",
        service_request.pk,
    )
