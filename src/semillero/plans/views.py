"""Plan pages: the list, the scorecard, an indicator's page, and the editing
pages for the roles allowed. Thin shells over selectors, scorecard and services."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from semillero.accounts.permissions import (
    can_edit_plans,
    can_read_plans,
    can_report_plan_actuals,
    can_review_plan_actuals,
)
from semillero.core.exports import FORMATS, export_response
from semillero.indicators import charts, cube
from semillero.indicators.dashboard import indicator_label
from semillero.registry.models import Organization, OrganizationName

from . import selectors, services
from .forms import (
    ActualForm,
    AxisForm,
    CopyPlanForm,
    IndicatorForm,
    NarrativeForm,
    ObjectiveForm,
    PlanForm,
    ResultForm,
    ReviewForm,
    TargetsForm,
)
from .models import ActualStatus, Axis, Objective, PlanIndicator, PlanKind, PlanStatus
from .progress import Status
from .scorecard import Scorecard, default_year, indicator_row, indicators_with_data


def _require_reader(user):
    if not can_read_plans(user):
        raise PermissionDenied(_("You are not allowed to see the plans."))


def _require_editor(user):
    if not can_edit_plans(user):
        raise PermissionDenied(_("You are not allowed to change the plans."))


def _get(selector, **kwargs):
    try:
        return selector(**kwargs)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


def institute_name(organization: Organization, year: int) -> str:
    """The name the institute carried for most of `year`: the one in force at
    mid-year (INSAFORP for 2023, as INCAF replaced it on 9 December 2023)."""
    day = datetime.date(year, 7, 1)
    name = (
        OrganizationName.objects.filter(organization=organization, valid_from__lte=day)
        .order_by("-valid_from")
        .first()
    )
    return name.name if name else organization.name


@login_required
@require_GET
def plan_list(request):
    _require_reader(request.user)
    return render(
        request,
        "plans/plan_list.html",
        {
            "plans": selectors.plan_list(user=request.user),
            "can_edit": can_edit_plans(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request):
    _require_editor(request.user)
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        institute = Organization.objects.filter(is_lead_institute=True).first()
        try:
            plan = services.create_plan(
                user=request.user, institute=institute, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            return redirect("plans:scorecard", plan.pk)
    return render(request, "plans/form.html", {"form": form, "title": _("New plan")})


# -- the scorecard -------------------------------------------------------------------


def _year(request, plan) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return default_year(plan)
    return year if year in plan.years else default_year(plan)


SCORECARD_COLUMNS = [
    (
        gettext_lazy("Axis"),
        lambda r: (
            f"{r.indicator.objective.axis.code}. {r.indicator.objective.axis.name}"
        ),
    ),
    (
        gettext_lazy("Objective"),
        lambda r: f"{r.indicator.objective.code}. {r.indicator.objective.name}",
    ),
    (gettext_lazy("Indicator"), lambda r: f"{r.indicator.code}. {r.indicator.name}"),
    (gettext_lazy("Unit"), lambda r: r.indicator.get_unit_display()),
    (gettext_lazy("Baseline year"), lambda r: r.indicator.baseline_year),
    (gettext_lazy("Baseline"), lambda r: r.baseline),
    (gettext_lazy("Target"), lambda r: r.target),
    (gettext_lazy("Actual"), lambda r: r.actual),
    (
        gettext_lazy("Progress"),
        lambda r: None if r.progress is None else round(r.progress, 4),
    ),
    (gettext_lazy("Status"), lambda r: Status(r.status).label),
    (gettext_lazy("Source"), lambda r: r.indicator.get_source_display()),
]


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def scorecard_rows(card: dict) -> list:
    return [
        row
        for axis in card["axes"]
        for objective in axis["objectives"]
        for row in objective["rows"]
    ]


@login_required
@require_GET
def scorecard(request, pk):
    user = request.user
    plan = _get(selectors.plan, user=user, pk=pk)
    year = _year(request, plan)
    axis = request.GET.get("axis", "")
    status = request.GET.get("status", "")
    if status not in Status.values:
        status = ""
    policy_axes = Axis.objects.filter(
        plan__kind=PlanKind.POLICY, served_by__axis__plan=plan
    ).distinct()
    policy_axis = _int(request.GET.get("policy_axis"))
    if policy_axis not in {a.pk for a in policy_axes}:
        policy_axis = None
    card = Scorecard(
        plan, year, axis=axis, status=status, policy_axis=policy_axis
    ).calculate()
    download = request.GET.get("download")
    if download in FORMATS:
        return export_response(
            actor=user,
            rows=scorecard_rows(card),
            columns=SCORECARD_COLUMNS,
            file_format=download,
            what="plan_scorecard",
            title=f"{plan.name} {year}",
            filters={
                "plan": plan.pk,
                "year": year,
                "axis": axis,
                "status": status,
                "policy_axis": policy_axis,
            },
        )
    return render(
        request,
        "plans/scorecard.html",
        {
            "plan": plan,
            "year": year,
            "axis": axis,
            "status": status,
            "card": card,
            "axes": Axis.objects.filter(plan=plan),
            "statuses": Status.choices,
            "institute_name": institute_name(plan.institute, year),
            "can_edit": can_edit_plans(user) and plan.status != PlanStatus.CLOSED,
            "can_manage": can_edit_plans(user),
            "pending": selectors.pending_actuals(plan)
            if can_review_plan_actuals(user)
            else [],
            "reports": plan.reports.all()[:5],
            "policy_axes": policy_axes,
            "policy_axis": policy_axis,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_copy(request, pk):
    _require_editor(request.user)
    plan = _get(selectors.plan, user=request.user, pk=pk)
    length = plan.end_year - plan.start_year
    form = CopyPlanForm(
        request.POST or None,
        initial={
            "name": plan.name,
            "start_year": plan.end_year + 1,
            "end_year": plan.end_year + 1 + length,
        },
    )
    if request.method == "POST" and form.is_valid():
        new = services.copy_plan(plan, user=request.user, **form.cleaned_data)
        messages.success(request, _("Plan copied as a draft: review its targets."))
        return redirect("plans:scorecard", new.pk)
    return render(
        request,
        "plans/form.html",
        {"form": form, "title": _("Copy %(plan)s to a new period") % {"plan": plan}},
    )


@login_required
@require_POST
def plan_status(request, pk):
    plan = _get(selectors.plan, user=request.user, pk=pk)
    status = request.POST.get("status")
    if status not in (PlanStatus.ACTIVE, PlanStatus.CLOSED):
        raise Http404
    try:
        services.set_plan_status(plan, status, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("plans:scorecard", plan.pk)


# -- structure ------------------------------------------------------------------------


def _structure_form(request, form, title, save, back):
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            return redirect(back)
    return render(
        request, "plans/form.html", {"form": form, "title": title, "back": back}
    )


@login_required
@require_http_methods(["GET", "POST"])
def axis_create(request, pk):
    _require_editor(request.user)
    plan = _get(selectors.plan, user=request.user, pk=pk)
    return _structure_form(
        request,
        AxisForm(request.POST or None),
        _("New axis of %(plan)s") % {"plan": plan},
        lambda data: services.add_axis(plan, user=request.user, **data),
        reverse("plans:scorecard", args=[plan.pk]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def objective_create(request, axis_pk):
    _require_editor(request.user)
    axis = _get(Axis.objects.select_related("plan").get, pk=axis_pk)
    form = ObjectiveForm(request.POST or None)
    form.fields["policy_axes"].queryset = Axis.objects.filter(
        plan__kind=PlanKind.POLICY
    )
    return _structure_form(
        request,
        form,
        _("New objective of axis %(axis)s") % {"axis": axis},
        lambda data: services.add_objective(axis, user=request.user, **data),
        reverse("plans:scorecard", args=[axis.plan_id]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def result_create(request, objective_pk):
    _require_editor(request.user)
    objective = _get(Objective.objects.select_related("axis").get, pk=objective_pk)
    return _structure_form(
        request,
        ResultForm(request.POST or None),
        _("New result of objective %(objective)s") % {"objective": objective},
        lambda data: services.add_result(objective, user=request.user, **data),
        reverse("plans:scorecard", args=[objective.axis.plan_id]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def indicator_create(request, objective_pk):
    _require_editor(request.user)
    objective = _get(
        Objective.objects.select_related("axis__plan").get, pk=objective_pk
    )
    plan = objective.axis.plan
    form = IndicatorForm(request.POST or None, objective=objective)
    targets = TargetsForm(
        request.POST or None, years=plan.years, current={}, with_reason=False
    )
    if request.method == "POST" and form.is_valid() and targets.is_valid():
        indicator = form.apply(PlanIndicator(objective=objective))
        try:
            services.save_indicator(
                indicator, user=request.user, targets=targets.targets()
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            return redirect("plans:indicator", indicator.pk)
    return render(
        request,
        "plans/indicator_form.html",
        {
            "form": form,
            "targets": targets,
            "title": _("New indicator of objective %(objective)s")
            % {"objective": objective},
            "back": reverse("plans:scorecard", args=[plan.pk]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def indicator_edit(request, pk):
    _require_editor(request.user)
    indicator = _get(selectors.indicator, user=request.user, pk=pk)
    form = IndicatorForm(
        request.POST or None, instance=indicator, objective=indicator.objective
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_indicator(form.apply(indicator), user=request.user)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            return redirect("plans:indicator", indicator.pk)
    return render(
        request,
        "plans/indicator_form.html",
        {
            "form": form,
            "title": _("Technical sheet of %(indicator)s") % {"indicator": indicator},
            "back": reverse("plans:indicator", args=[indicator.pk]),
        },
    )


# -- an indicator ---------------------------------------------------------------------


def _indicator_context(request, indicator, **forms) -> dict:
    plan = indicator.objective.axis.plan
    user = request.user
    year = _year(request, plan)
    (with_data,) = indicators_with_data(PlanIndicator.objects.filter(pk=indicator.pk))
    build = cube.ensure_fresh(triggered_by="plan indicator")
    row = indicator_row(with_data, plan, max(plan.years), build)
    years = list(plan.years)
    chart_rows = [
        {
            "year": indicator.baseline_year,
            "series": _("Baseline"),
            "value": float(indicator.baseline_value),
        }
    ]
    chart_rows += [
        {"year": y, "series": _("Target"), "value": float(v)}
        for y, v in sorted(row.targets.items())
    ]
    chart_rows += [
        {"year": y, "series": _("Actual"), "value": float(v)}
        for y, v in sorted(row.actuals.items())
    ]
    by_year = [indicator_row(with_data, plan, y, build) for y in years]
    editable = plan.status != PlanStatus.CLOSED
    reports = can_report_plan_actuals(user) and editable
    context = {
        "plan": plan,
        "indicator": indicator,
        "year": year,
        "row": dict(zip(years, by_year, strict=True))[year],
        "by_year": list(zip(years, by_year, strict=True)),
        "chart": charts.trend_chart(
            chart_rows,
            value="value",
            value_title=indicator.name,
            percent=indicator.unit == "ratio",
            series="series",
            series_title=_("Series"),
            description=_(
                "Baseline, targets and actuals of the indicator over the years."
            ),
        ),
        "revisions": indicator.revisions.prefetch_related("targets").select_related(
            "created_by"
        ),
        "narratives": indicator.narratives.select_related("author"),
        "actuals": indicator.reported_actuals.select_related(
            "entered_by", "reviewed_by"
        ),
        "registry_label": indicator_label(indicator.registry_code)
        if indicator.registry_code
        else "",
        "can_edit": can_edit_plans(user) and editable,
        "can_report": reports,
        "can_review": can_review_plan_actuals(user),
        "targets_form": forms.get("targets_form")
        or TargetsForm(years=years, current=row.targets),
        "actual_form": forms.get("actual_form") or ActualForm(years=years),
        "narrative_form": forms.get("narrative_form")
        or NarrativeForm(years=years, initial={"year": year}),
        "review_form": ReviewForm(),
        "pending_status": ActualStatus.SUBMITTED,
    }
    return context


def _to_indicator(pk: int, year: int):
    """Back to the indicator's page, on the year just worked on."""
    return redirect(f"{reverse('plans:indicator', args=[pk])}?year={year}")


@login_required
@require_GET
def indicator_detail(request, pk):
    indicator = _get(selectors.indicator, user=request.user, pk=pk)
    return render(
        request, "plans/indicator.html", _indicator_context(request, indicator)
    )


@login_required
@require_POST
def indicator_targets(request, pk):
    indicator = _get(selectors.indicator, user=request.user, pk=pk)
    _require_editor(request.user)
    form = TargetsForm(request.POST, years=indicator.plan.years, current={})
    if form.is_valid():
        try:
            services.revise_targets(
                indicator,
                user=request.user,
                targets=form.targets(),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Targets revised; the previous ones stay in the history.")
            )
            return redirect("plans:indicator", indicator.pk)
    return render(
        request,
        "plans/indicator.html",
        _indicator_context(request, indicator, targets_form=form),
        status=400,
    )


@login_required
@require_POST
def indicator_actual(request, pk):
    indicator = _get(selectors.indicator, user=request.user, pk=pk)
    if not can_report_plan_actuals(request.user):
        raise PermissionDenied
    form = ActualForm(request.POST, request.FILES, years=indicator.plan.years)
    if form.is_valid():
        try:
            services.report_actual(indicator, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Actual entered; it counts once another person approves it.")
            )
            return _to_indicator(indicator.pk, form.cleaned_data["year"])
    return render(
        request,
        "plans/indicator.html",
        _indicator_context(request, indicator, actual_form=form),
        status=400,
    )


@login_required
@require_POST
def actual_review(request, pk):
    if not can_review_plan_actuals(request.user):
        raise PermissionDenied
    actual = _get(selectors.actual, user=request.user, pk=pk)
    form = ReviewForm(request.POST)
    form.is_valid()
    try:
        services.review_actual(
            actual,
            user=request.user,
            approve=request.POST.get("decision") == "approve",
            note=form.cleaned_data.get("note", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Review saved."))
    return _to_indicator(actual.indicator_id, actual.year)


@login_required
@require_GET
def actual_evidence(request, pk):
    actual = _get(selectors.actual, user=request.user, pk=pk)
    if not actual.evidence:
        raise Http404
    return FileResponse(
        actual.evidence.open("rb"),
        as_attachment=True,
        filename=actual.evidence.name.rsplit("/", 1)[-1],
    )


@login_required
@require_POST
def indicator_narrative(request, pk):
    indicator = _get(selectors.indicator, user=request.user, pk=pk)
    if not can_report_plan_actuals(request.user):
        raise PermissionDenied
    form = NarrativeForm(request.POST, years=indicator.plan.years)
    if form.is_valid():
        try:
            services.add_narrative(indicator, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Narrative saved."))
            return _to_indicator(indicator.pk, form.cleaned_data["year"])
    return render(
        request,
        "plans/indicator.html",
        _indicator_context(request, indicator, narrative_form=form),
        status=400,
    )
