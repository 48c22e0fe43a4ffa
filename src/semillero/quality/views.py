"""Quality and capacity pages: thin shells over `quality.selectors` and
`quality.services`.

Who may read and write is decided by `accounts.permissions` and the selectors; a
view only asks before showing a form (403), answers 404 for what the user may not
see, and hides the buttons a user may not use.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from semillero.accounts.permissions import (
    can_follow_up_finding,
    can_manage_facilities,
    can_manage_quality,
    can_read_quality_of,
    can_see_auditor,
    can_see_personal_data,
)
from semillero.core.listing import Column, Filter, Listing
from semillero.registry import selectors as registry_selectors
from semillero.registry.models import Organization, OrganizationType

from . import selectors, services
from .forms import (
    AccreditationForm,
    AuditForm,
    EquipmentFormSet,
    FacilityForm,
    FindingEditForm,
    FindingFollowUpForm,
    FindingFormSet,
    ProgrammeAccreditationForm,
    add_service_errors,
)
from .models import (
    OVERDUE,
    AccreditationStatus,
    AuditResult,
    AuditType,
    FacilityKind,
    FindingSeverity,
    FindingStatus,
)
from .selectors import NO_ACCREDITATION, QualityAccess

YES_NO = [("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))]
ALERT_WINDOWS = [30, 60, 90, 180, 365]


def _get_or_404(selector, **kwargs):
    try:
        return selector(**kwargs)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


def _require_quality(user) -> QualityAccess:
    access = selectors.quality_access(user)
    if access == QualityAccess.NONE:
        raise PermissionDenied
    return access


def _departments():
    return [(d.code, d.name) for d in registry_selectors.department_list()]


def _training_areas():
    return [(a.code, a.name) for a in registry_selectors.training_area_list()]


def _status_choices():
    return AccreditationStatus.choices


def _percent(value):
    """A rate as a percentage for downloads, one decimal; empty when undefined."""
    return None if value is None else round(value * 100, 1)


def _organization_filter(user, choices=selectors.centre_choices):
    """The organization filter, for those who read more than their own."""
    if selectors.quality_access(user) != QualityAccess.ALL:
        return []
    return [
        Filter("organization", gettext_lazy("Organization"), lambda: choices(user=user))
    ]


# Dashboard ------------------------------------------------------------------------------


@login_required
@require_GET
def dashboard(request):
    user = request.user
    access = _require_quality(user)
    today = timezone.localdate()
    alerts = selectors.accreditation_alerts(user=user, today=today)
    return render(
        request,
        "quality/dashboard.html",
        {
            "status_counts": selectors.centre_status_counts(user=user, today=today),
            "alerts": alerts[:8],
            "alert_count": len(alerts),
            "lapsed_count": sum(1 for a in alerts if a.lapsed),
            "alert_days": selectors.DEFAULT_ALERT_DAYS,
            "findings": selectors.finding_counts(user=user, today=today),
            "capacity": selectors.capacity_summary(user=user),
            "own": access == QualityAccess.OWN,
            "can_manage": can_manage_quality(user),
            "today": today,
        },
    )


# Accreditations ------------------------------------------------------------------------

ACCREDITATION_COLUMNS = [
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
        "status",
        gettext_lazy("Status"),
        sort=("current_status",),
        value=lambda a: selectors.status_label(a.current_status),
    ),
    Column("valid_from", gettext_lazy("Valid from"), sort=("valid_from",)),
    Column("valid_until", gettext_lazy("Valid until"), sort=("valid_until",)),
    Column("decision_reference", gettext_lazy("Decision")),
    Column("scope", gettext_lazy("Scope"), table=False),
]


@login_required
@require_GET
def accreditation_list(request):
    user = request.user
    _require_quality(user)
    listing = Listing(
        request,
        name="accreditations",
        title=_("Accreditations of training centres"),
        columns=ACCREDITATION_COLUMNS,
        filters=[
            Filter("status", gettext_lazy("Status today"), _status_choices),
            *_organization_filter(user),
            Filter("department", gettext_lazy("Department"), _departments),
        ],
        default_sort="organization",
    )
    rows = selectors.accreditation_list(user=user, **listing.selector_kwargs())
    return listing.respond(
        rows,
        "quality/accreditation_list.html",
        "quality/_accreditation_results.html",
        {"listing": listing, "can_create": can_manage_quality(user)},
    )


@login_required
@require_GET
def accreditation_detail(request, pk):
    user = request.user
    _require_quality(user)
    today = timezone.localdate()
    accreditation = _get_or_404(
        selectors.accreditation_get, user=user, pk=pk, today=today
    )
    organization = accreditation.organization
    return render(
        request,
        "quality/accreditation_detail.html",
        {
            "accreditation": accreditation,
            "organization": organization,
            "history": list(
                selectors.accreditation_list(
                    user=user, organization=organization.pk, today=today
                )
            ),
            "programmes": list(
                selectors.programme_accreditation_list(
                    user=user, organization=organization.pk, today=today
                )
            ),
            "can_edit": can_manage_quality(user),
            "today": today,
        },
    )


def _form_page(request, form, title, cancel, **extra):
    return render(
        request,
        "quality/form.html",
        {"form": form, "title": title, "cancel": cancel, **extra},
    )


@login_required
@require_http_methods(["GET", "POST"])
def accreditation_create(request):
    user = request.user
    if not can_manage_quality(user):
        raise PermissionDenied
    initial = {}
    if request.GET.get("organization", "").isdigit():
        initial["organization"] = int(request.GET["organization"])
    form = AccreditationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            accreditation = services.accreditation_create(
                actor=user, **form.service_data()
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Accreditation recorded."))
            return redirect("quality:accreditation_detail", pk=accreditation.pk)
    return _form_page(
        request, form, _("New accreditation"), ("quality:accreditation_list",)
    )


@login_required
@require_http_methods(["GET", "POST"])
def accreditation_update(request, pk):
    user = request.user
    _require_quality(user)
    accreditation = _get_or_404(selectors.accreditation_get, user=user, pk=pk)
    if not can_manage_quality(user):
        raise PermissionDenied
    form = AccreditationForm(request.POST or None, instance=accreditation)
    if request.method == "POST" and form.is_valid():
        try:
            services.accreditation_update(
                actor=user, accreditation=accreditation, data=form.service_data()
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("quality:accreditation_detail", pk=accreditation.pk)
    return _form_page(
        request,
        form,
        _("Edit the accreditation of %(name)s") % {"name": accreditation.organization},
        ("quality:accreditation_detail", accreditation.pk),
    )


PROGRAMME_ACCREDITATION_COLUMNS = [
    Column(
        "organization",
        gettext_lazy("Organization"),
        sort=("organization__name",),
        value="organization.name",
    ),
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
        "status",
        gettext_lazy("Status"),
        sort=("current_status",),
        value=lambda a: selectors.status_label(a.current_status),
    ),
    Column("valid_from", gettext_lazy("Valid from"), sort=("valid_from",)),
    Column("valid_until", gettext_lazy("Valid until"), sort=("valid_until",)),
    Column("decision_reference", gettext_lazy("Decision"), table=False),
]


@login_required
@require_GET
def programme_accreditation_list(request):
    user = request.user
    _require_quality(user)
    listing = Listing(
        request,
        name="programme_accreditations",
        title=_("Programme accreditations"),
        columns=PROGRAMME_ACCREDITATION_COLUMNS,
        filters=[
            Filter("status", gettext_lazy("Status today"), _status_choices),
            *_organization_filter(user),
            Filter("training_area", gettext_lazy("Training area"), _training_areas),
        ],
        default_sort="organization",
    )
    rows = selectors.programme_accreditation_list(
        user=user, **listing.selector_kwargs()
    )
    return listing.respond(
        rows,
        "quality/programme_accreditation_list.html",
        "quality/_programme_accreditation_results.html",
        {"listing": listing, "can_create": can_manage_quality(user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_accreditation_create(request):
    user = request.user
    if not can_manage_quality(user):
        raise PermissionDenied
    initial = {}
    if request.GET.get("organization", "").isdigit():
        initial["organization"] = int(request.GET["organization"])
    form = ProgrammeAccreditationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.programme_accreditation_create(
                actor=user, **form.service_data()
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Programme accreditation recorded."))
            return redirect("quality:organization", pk=record.organization_id)
    return _form_page(
        request,
        form,
        _("New programme accreditation"),
        ("quality:programme_accreditation_list",),
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_accreditation_update(request, pk):
    user = request.user
    _require_quality(user)
    record = _get_or_404(selectors.programme_accreditation_get, user=user, pk=pk)
    if not can_manage_quality(user):
        raise PermissionDenied
    form = ProgrammeAccreditationForm(request.POST or None, instance=record)
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_accreditation_update(
                actor=user, accreditation=record, data=form.service_data()
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("quality:organization", pk=record.organization_id)
    return _form_page(
        request,
        form,
        _("Edit the accreditation of %(programme)s at %(name)s")
        % {"programme": record.programme, "name": record.organization},
        ("quality:organization", record.organization_id),
    )


@login_required
@require_GET
def accreditation_alerts(request):
    """Accreditations lapsing within N days, and lapsed ones still marked accredited."""
    user = request.user
    _require_quality(user)
    days = request.GET.get("days", "")
    days = int(days) if days.isdigit() and int(days) in ALERT_WINDOWS else 90
    today = timezone.localdate()
    alerts = selectors.accreditation_alerts(user=user, days=days, today=today)
    return render(
        request,
        "quality/alerts.html",
        {
            "alerts": alerts,
            "days": days,
            "windows": ALERT_WINDOWS,
            "today": today,
            "can_manage": can_manage_quality(user),
        },
    )


# Audits and findings ------------------------------------------------------------------


def _audit_columns(user) -> list[Column]:
    columns = [
        Column("audit_date", gettext_lazy("Date"), sort=("audit_date",)),
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
        Column("type", gettext_lazy("Type"), sort=("type",), value="get_type_display"),
        Column(
            "result",
            gettext_lazy("Result"),
            sort=("result",),
            value=lambda a: a.get_result_display() or _("Pending"),
        ),
        Column(
            "findings",
            gettext_lazy("Findings"),
            sort=("finding_count",),
            value="finding_count",
            numeric=True,
        ),
        Column(
            "pending",
            gettext_lazy("Not closed"),
            sort=("pending_count",),
            value="pending_count",
            numeric=True,
        ),
        Column(
            "overdue",
            gettext_lazy("Overdue"),
            sort=("overdue_count",),
            value="overdue_count",
            numeric=True,
        ),
    ]
    if can_see_auditor(user):
        columns.append(
            Column(
                "auditor",
                gettext_lazy("Auditor"),
                sort=("auditor__username",),
                value=lambda a: a.auditor.username if a.auditor_id else "",
            )
        )
    columns.append(Column("summary", gettext_lazy("Summary"), table=False))
    return columns


@login_required
@require_GET
def audit_list(request):
    user = request.user
    _require_quality(user)
    listing = Listing(
        request,
        name="audits",
        title=_("Quality audits"),
        columns=_audit_columns(user),
        filters=[
            *_organization_filter(user, selectors.audited_choices),
            Filter("type", gettext_lazy("Type"), AuditType.choices),
            Filter(
                "result",
                gettext_lazy("Result"),
                [*AuditResult.choices, ("pending", gettext_lazy("Pending"))],
            ),
            Filter("department", gettext_lazy("Department"), _departments),
            Filter(
                "year",
                gettext_lazy("Year"),
                lambda: [(y, y) for y in selectors.audit_years(user=user)],
            ),
        ],
        default_sort="-audit_date",
    )
    rows = selectors.audit_list(user=user, **listing.selector_kwargs())
    return listing.respond(
        rows,
        "quality/audit_list.html",
        "quality/_audit_results.html",
        {
            "listing": listing,
            "can_create": can_manage_quality(user),
            "sees_auditor": can_see_auditor(user),
        },
    )


@login_required
@require_GET
def audit_detail(request, pk):
    user = request.user
    _require_quality(user)
    today = timezone.localdate()
    audit = _get_or_404(selectors.audit_get, user=user, pk=pk, today=today)
    return render(
        request,
        "quality/audit_detail.html",
        {
            "audit": audit,
            "findings": selectors.audit_findings(audit, today=today),
            "sees_auditor": can_see_auditor(user),
            "can_manage": can_manage_quality(user),
            "can_follow_up": can_follow_up_finding(user, audit.organization),
            "overdue": OVERDUE,
            "today": today,
        },
    )


def _audit_form_page(request, form, formset, title, cancel):
    return render(
        request,
        "quality/audit_form.html",
        {"form": form, "formset": formset, "title": title, "cancel": cancel},
    )


@login_required
@require_http_methods(["GET", "POST"])
def audit_create(request):
    user = request.user
    if not can_manage_quality(user):
        raise PermissionDenied
    initial = {"auditor": user.pk}
    if request.GET.get("organization", "").isdigit():
        initial["organization"] = int(request.GET["organization"])
    form = AuditForm(request.POST or None, initial=initial)
    formset = FindingFormSet(request.POST or None, prefix="findings")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        rows = formset.rows()
        try:
            audit = services.audit_create(
                actor=user,
                findings=[data for _form, data in rows],
                **form.service_data(),
            )
        except ValidationError as exc:
            add_service_errors(form, {"findings": [f for f, _data in rows]}, exc)
        else:
            messages.success(request, _("Audit recorded."))
            return redirect("quality:audit_detail", pk=audit.pk)
    return _audit_form_page(
        request, form, formset, _("New quality audit"), ("quality:audit_list",)
    )


@login_required
@require_http_methods(["GET", "POST"])
def audit_update(request, pk):
    user = request.user
    _require_quality(user)
    audit = _get_or_404(selectors.audit_get, user=user, pk=pk)
    if not can_manage_quality(user):
        raise PermissionDenied
    form = AuditForm(request.POST or None, instance=audit)
    if request.method == "POST" and form.is_valid():
        try:
            services.audit_update(actor=user, audit=audit, data=form.service_data())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("quality:audit_detail", pk=audit.pk)
    return _form_page(
        request,
        form,
        _("Edit the audit of %(name)s on %(date)s")
        % {"name": audit.organization, "date": audit.audit_date.isoformat()},
        ("quality:audit_detail", audit.pk),
    )


@login_required
@require_http_methods(["GET", "POST"])
def finding_create(request, pk):
    user = request.user
    _require_quality(user)
    audit = _get_or_404(selectors.audit_get, user=user, pk=pk)
    if not can_manage_quality(user):
        raise PermissionDenied
    formset = FindingFormSet(request.POST or None, prefix="findings")
    if request.method == "POST" and formset.is_valid():
        rows = formset.rows()
        errors = False
        with transaction.atomic():
            for form, data in rows:
                try:
                    services.finding_create(actor=user, audit=audit, **data)
                except ValidationError as exc:
                    errors = True
                    _add_row_errors(form, exc)
            if errors:
                # All the rows or none: the page shows them again to correct.
                transaction.set_rollback(True)
        if rows and not errors:
            messages.success(request, _("Findings recorded."))
            return redirect("quality:audit_detail", pk=audit.pk)
    return render(
        request,
        "quality/finding_create.html",
        {"audit": audit, "formset": formset},
    )


def _add_row_errors(form, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


FINDING_COLUMNS = [
    Column(
        "organization",
        gettext_lazy("Organization"),
        sort=("audit__organization__name", "due_date"),
        value="audit.organization.name",
    ),
    Column(
        "organization_code",
        gettext_lazy("Organization code"),
        value="audit.organization.code",
        table=False,
    ),
    Column(
        "audit_date",
        gettext_lazy("Audit"),
        sort=("audit__audit_date",),
        value="audit.audit_date",
    ),
    Column(
        "severity",
        gettext_lazy("Severity"),
        sort=("severity",),
        value="get_severity_display",
    ),
    Column("description", gettext_lazy("Description")),
    Column("required_action", gettext_lazy("Required action"), table=False),
    Column("due_date", gettext_lazy("Due"), sort=("due_date",)),
    Column(
        "status",
        gettext_lazy("Status"),
        sort=("current_status",),
        value=lambda f: selectors.finding_status_label(f.current_status),
    ),
    Column("closed_on", gettext_lazy("Closed on"), table=False),
    Column("closing_note", gettext_lazy("Closing note"), table=False),
]


@login_required
@require_GET
def finding_list(request):
    user = request.user
    _require_quality(user)
    listing = Listing(
        request,
        name="findings",
        title=_("Audit findings"),
        columns=FINDING_COLUMNS,
        filters=[
            *_organization_filter(user, selectors.audited_choices),
            Filter("status", gettext_lazy("Status"), selectors.FINDING_STATUS_CHOICES),
            Filter("severity", gettext_lazy("Severity"), FindingSeverity.choices),
            Filter("department", gettext_lazy("Department"), _departments),
        ],
        default_sort="organization",
    )
    rows = selectors.finding_list(user=user, **listing.selector_kwargs())
    return listing.respond(
        rows,
        "quality/finding_list.html",
        "quality/_finding_results.html",
        {"listing": listing, "overdue": OVERDUE, "today": timezone.localdate()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def finding_update(request, pk):
    user = request.user
    _require_quality(user)
    finding = _get_or_404(selectors.finding_get, user=user, pk=pk)
    organization = finding.audit.organization
    if can_manage_quality(user):
        form_class = FindingEditForm
    elif can_follow_up_finding(user, organization):
        if finding.status == FindingStatus.CLOSED:
            raise PermissionDenied
        form_class = FindingFollowUpForm
    else:
        raise PermissionDenied
    form = form_class(request.POST or None, instance=finding)
    if request.method == "POST" and form.is_valid():
        try:
            services.finding_update(
                actor=user, finding=finding, data=form.service_data()
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("quality:audit_detail", pk=finding.audit_id)
    return render(
        request,
        "quality/finding_form.html",
        {"form": form, "finding": finding, "audit": finding.audit},
    )


# The provider scorecard ------------------------------------------------------------------

# Insertion and trainee satisfaction join the scorecard with the tracer studies.
INSERTION_NOTE = gettext_lazy(
    "Labour-market insertion will be added once there are tracer studies."
)

SCORECARD_COLUMNS = [
    Column("code", gettext_lazy("Code"), table=False),
    Column("name", gettext_lazy("Training centre"), sort=("name",)),
    Column(
        "department",
        gettext_lazy("Department"),
        sort=("department__name",),
        value="department.name",
    ),
    Column(
        "accreditation",
        gettext_lazy("Accreditation"),
        sort=("accreditation_status",),
        value=lambda o: selectors.status_label(o.accreditation_status),
    ),
    Column("runs", gettext_lazy("Course runs"), sort=("runs",), numeric=True),
    Column(
        "enrolments", gettext_lazy("Enrolments"), sort=("enrolments",), numeric=True
    ),
    Column(
        "finished",
        gettext_lazy("Finished enrolments"),
        sort=("finished",),
        numeric=True,
    ),
    Column("completers", gettext_lazy("Completers"), numeric=True, table=False),
    Column("certified", gettext_lazy("Certified"), numeric=True, table=False),
    Column("dropped", gettext_lazy("Dropped out"), numeric=True, table=False),
    Column(
        "completion_rate",
        gettext_lazy("Completion rate (%)"),
        sort=("completion_rate",),
        value=lambda o: _percent(o.completion_rate),
        numeric=True,
    ),
    Column(
        "certification_rate",
        gettext_lazy("Certification rate (%)"),
        sort=("certification_rate",),
        value=lambda o: _percent(o.certification_rate),
        numeric=True,
    ),
    Column(
        "pending_findings",
        gettext_lazy("Findings not closed"),
        sort=("pending_findings",),
        numeric=True,
    ),
    Column(
        "overdue_findings",
        gettext_lazy("Overdue findings"),
        sort=("overdue_findings",),
        numeric=True,
    ),
]


@login_required
@require_GET
def scorecard(request):
    user = request.user
    _require_quality(user)
    today = timezone.localdate()
    years = selectors.scorecard_years()
    default_year = selectors.default_scorecard_year(today=today)
    listing = Listing(
        request,
        name="scorecard",
        title=_("Provider scorecard"),
        columns=SCORECARD_COLUMNS,
        filters=[
            Filter(
                "year",
                gettext_lazy("Year"),
                [(y, y) for y in years],
                empty_label=_("%(year)s (latest)") % {"year": default_year},
            ),
            Filter("department", gettext_lazy("Department"), _departments),
            Filter(
                "accreditation",
                gettext_lazy("Accreditation today"),
                [
                    *AccreditationStatus.choices,
                    (NO_ACCREDITATION, gettext_lazy("No accreditation")),
                ],
            ),
        ],
        default_sort="name",
    )
    kwargs = listing.selector_kwargs()
    year = int(kwargs.pop("year", default_year))
    rows = selectors.scorecard(user=user, year=year, today=today, **kwargs)
    return listing.respond(
        rows,
        "quality/scorecard.html",
        "quality/_scorecard_results.html",
        {"listing": listing, "year": year, "insertion_note": INSERTION_NOTE},
    )


# The quality page of an organization (the provider page) -----------------------------------


@login_required
@require_GET
def organization(request, pk):
    """What the system knows of an organization's quality and capacity: its
    accreditation (and alerts), audits and findings, scorecard by year — for who
    may read them — and its facilities, for everyone."""
    user = request.user
    org = _get_or_404(registry_selectors.organization_get, user=user, pk=pk)
    today = timezone.localdate()
    context = {
        "organization": org,
        "today": today,
        "reads_quality": can_read_quality_of(user, org),
        "is_centre": org.type == OrganizationType.TRAINING_CENTRE,
        "can_manage": can_manage_quality(user),
        "can_follow_up": can_follow_up_finding(user, org),
        "can_add_facility": can_manage_facilities(user, org),
        "facilities": list(selectors.facility_list(user=user, organization=org.pk)),
        "insertion_note": INSERTION_NOTE,
        "overdue": OVERDUE,
        "sees_auditor": can_see_auditor(user),
    }
    if context["reads_quality"]:
        context.update(
            {
                "accreditations": list(
                    selectors.accreditation_list(
                        user=user, organization=org.pk, today=today
                    )
                ),
                "programmes": list(
                    selectors.programme_accreditation_list(
                        user=user, organization=org.pk, today=today
                    )
                ),
                "alerts": selectors.accreditation_alerts(
                    user=user, organization=org.pk, today=today
                ),
                "audits": list(
                    selectors.audit_list(user=user, organization=org.pk, today=today)
                ),
                "pending_findings": list(
                    selectors.finding_list(
                        user=user, organization=org.pk, status="pending", today=today
                    )
                ),
                "years": (
                    selectors.provider_scorecard(user=user, organization=org)
                    if context["is_centre"]
                    else []
                ),
            }
        )
    return render(request, "quality/organization.html", context)


# Installed capacity -------------------------------------------------------------------------

CAPACITY_COLUMNS = [
    Column("name", gettext_lazy("Organization"), sort=("name",)),
    Column("code", gettext_lazy("Code"), table=False),
    Column("type", gettext_lazy("Type"), sort=("type",), value="get_type_display"),
    Column(
        "department",
        gettext_lazy("Department"),
        sort=("department__name",),
        value="department.name",
    ),
    Column(
        "facilities",
        gettext_lazy("Matching facilities"),
        sort=("facility_count",),
        value=lambda o: "; ".join(
            f"{f.name} ({f.get_kind_display()}, {f.department.name})"
            for f in o.matching
        ),
    ),
    Column(
        "places",
        gettext_lazy("Places"),
        sort=("places",),
        numeric=True,
    ),
    Column(
        "instructors",
        gettext_lazy("Instructors"),
        sort=("instructor_count",),
        value="instructor_count",
        numeric=True,
    ),
]
CAPACITY_FILTERS = [
    Filter("training_area", gettext_lazy("Training area"), _training_areas),
    Filter("department", gettext_lazy("Department"), _departments),
    Filter("kind", gettext_lazy("Kind of facility"), FacilityKind.choices),
    Filter("available", gettext_lazy("Available to share"), YES_NO),
    Filter(
        "organization_type",
        gettext_lazy("Organization type"),
        OrganizationType.choices,
    ),
]


@login_required
@require_GET
def capacity(request):
    """¿Quién puede formar qué, dónde? Organizations with facilities matching the
    filters, the facilities, and their instructors in the chosen area."""
    user = request.user
    listing = Listing(
        request,
        name="capacity",
        title=_("Who can train what, where?"),
        columns=CAPACITY_COLUMNS,
        filters=CAPACITY_FILTERS,
        default_sort="name",
    )
    rows = selectors.capacity_search(user=user, **listing.selector_kwargs())
    area = listing.filters.get("training_area")
    return listing.respond(
        rows,
        "quality/capacity.html",
        "quality/_capacity_results.html",
        {
            "listing": listing,
            "area_name": dict(listing.filter_choices["training_area"]).get(area),
            "can_add_facility": bool(user.organization_id)
            and can_manage_facilities(user, user.organization_id),
        },
    )


@login_required
@require_GET
def facility_detail(request, pk):
    user = request.user
    facility = _get_or_404(selectors.facility_get, user=user, pk=pk)
    instructors = selectors.facility_instructors(facility)
    return render(
        request,
        "quality/facility_detail.html",
        {
            "facility": facility,
            "areas": list(facility.training_areas.all()),
            "equipment": list(facility.equipment.all()),
            "instructors": instructors,
            "personal": can_see_personal_data(user, facility.organization_id),
            "can_edit": can_manage_facilities(user, facility.organization_id),
        },
    )


def _facility_organization(request) -> Organization:
    """Whose facility a new one is: the user's organization, or for an
    administrator the one asked for (?organization=pk)."""
    user = request.user
    wanted = request.POST.get("organization") or request.GET.get("organization", "")
    if can_manage_quality(user) and str(wanted).isdigit():
        return _get_or_404(
            registry_selectors.organization_get, user=user, pk=int(wanted)
        )
    if user.organization_id is None:
        raise PermissionDenied
    return user.organization


def _equipment_initial(facility) -> list[dict]:
    return [
        {"item": e.item, "quantity": e.quantity, "condition": e.condition}
        for e in facility.equipment.all()
    ]


@login_required
@require_http_methods(["GET", "POST"])
def facility_create(request):
    user = request.user
    owner = _facility_organization(request)
    if not can_manage_facilities(user, owner):
        raise PermissionDenied
    show_instructors = can_see_personal_data(user, owner)
    initial = {"organization": owner.pk, "department": owner.department_id}
    form = FacilityForm(
        request.POST or None,
        initial=initial,
        user=user,
        organization=owner,
        show_instructors=show_instructors,
    )
    formset = EquipmentFormSet(request.POST or None, prefix="equipment")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        rows = formset.rows()
        data = form.service_data()
        data.setdefault("organization", owner)
        try:
            facility = services.facility_create(
                actor=user, equipment=[d for _f, d in rows], **data
            )
        except ValidationError as exc:
            add_service_errors(form, {"equipment": [f for f, _d in rows]}, exc)
        else:
            messages.success(request, _("Facility registered."))
            return redirect("quality:facility_detail", pk=facility.pk)
    return render(
        request,
        "quality/facility_form.html",
        {
            "form": form,
            "formset": formset,
            "title": _("New facility of %(name)s") % {"name": owner.name},
            "cancel": ("quality:organization", owner.pk),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def facility_update(request, pk):
    user = request.user
    facility = _get_or_404(selectors.facility_get, user=user, pk=pk)
    if not can_manage_facilities(user, facility.organization_id):
        raise PermissionDenied
    show_instructors = can_see_personal_data(user, facility.organization_id)
    form = FacilityForm(
        request.POST or None,
        instance=facility,
        user=user,
        show_instructors=show_instructors,
    )
    formset = EquipmentFormSet(
        request.POST or None,
        prefix="equipment",
        initial=_equipment_initial(facility),
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        rows = formset.rows()
        try:
            services.facility_update(
                actor=user,
                facility=facility,
                data={**form.service_data(), "equipment": [d for _f, d in rows]},
            )
        except ValidationError as exc:
            add_service_errors(form, {"equipment": [f for f, _d in rows]}, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("quality:facility_detail", pk=facility.pk)
    return render(
        request,
        "quality/facility_form.html",
        {
            "form": form,
            "formset": formset,
            "title": _("Edit %(name)s") % {"name": facility.name},
            "cancel": ("quality:facility_detail", facility.pk),
        },
    )
