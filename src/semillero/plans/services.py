"""Every write of plans: structure, targets (by revision), reported actuals and
their approval, narratives, copying and closing. Each checks the permission,
validates, writes in one transaction and audits what the rules ask for."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from semillero.accounts.permissions import (
    can_edit_plans,
    can_report_plan_actuals,
    can_review_plan_actuals,
    require,
)
from semillero.indicators import definitions as d

from . import events
from .models import (
    ActualStatus,
    Axis,
    Narrative,
    Objective,
    Plan,
    PlanIndicator,
    PlanStatus,
    ReportedActual,
    Result,
    Source,
    Target,
    TargetRevision,
)
from .selectors import current_targets


def _save(obj):
    obj.full_clean()
    obj.save()
    return obj


def _editable(plan: Plan) -> None:
    if plan.status == PlanStatus.CLOSED:
        raise ValidationError(_("This plan is closed: it can be read, not changed."))


# -- plans ----------------------------------------------------------------------------


@transaction.atomic
def create_plan(*, user, **fields) -> Plan:
    require(can_edit_plans(user))
    plan = _save(Plan(**fields))
    events.plan_changed_event(plan=plan, user=user, change="created")
    return plan


@transaction.atomic
def set_plan_status(plan: Plan, status: str, *, user) -> Plan:
    require(can_edit_plans(user))
    if plan.status == PlanStatus.CLOSED:
        raise ValidationError(_("A closed plan stays closed; copy it to a new period."))
    plan.status = status
    plan.save(update_fields=["status", "updated_at"])
    events.plan_changed_event(plan=plan, user=user, change=status)
    return plan


@transaction.atomic
def copy_plan(plan: Plan, *, user, name: str, start_year: int, end_year: int) -> Plan:
    """The same axes, objectives, results and indicators for a new period, as a
    draft; each indicator keeps its targets of the years both periods share, as
    its first revision."""
    require(can_edit_plans(user))
    new = _save(
        Plan(
            name=name,
            kind=plan.kind,
            start_year=start_year,
            end_year=end_year,
            institute=plan.institute,
            copied_from=plan,
        )
    )
    results: dict[int, Result] = {}
    for axis in plan.axes.all():
        new_axis = _save(Axis(plan=new, code=axis.code, name=axis.name))
        for objective in axis.objectives.all():
            new_objective = _save(
                Objective(axis=new_axis, code=objective.code, name=objective.name)
            )
            new_objective.policy_axes.set(objective.policy_axes.all())
            for result in objective.results.all():
                results[result.pk] = _save(
                    Result(objective=new_objective, code=result.code, name=result.name)
                )
            for indicator in objective.indicators.all():
                targets = {
                    year: value
                    for year, value in current_targets(indicator).items()
                    if start_year <= year <= end_year
                }
                indicator.pk = None
                indicator._state.adding = True
                indicator.objective = new_objective
                indicator.result = results.get(indicator.result_id)
                _save(indicator)
                _new_revision(
                    indicator,
                    targets,
                    _("Copied from %(plan)s") % {"plan": plan},
                    user,
                )
    events.plan_changed_event(plan=new, user=user, change="copied", source=plan)
    return new


# -- structure ------------------------------------------------------------------------


def add_axis(plan: Plan, *, user, code: str, name: str) -> Axis:
    require(can_edit_plans(user))
    _editable(plan)
    return _save(Axis(plan=plan, code=code, name=name))


def add_objective(
    axis: Axis, *, user, code: str, name: str, policy_axes=()
) -> Objective:
    require(can_edit_plans(user))
    _editable(axis.plan)
    with transaction.atomic():
        objective = _save(Objective(axis=axis, code=code, name=name))
        objective.policy_axes.set(policy_axes)
    return objective


def add_result(objective: Objective, *, user, code: str, name: str) -> Result:
    require(can_edit_plans(user))
    _editable(objective.axis.plan)
    return _save(Result(objective=objective, code=code, name=name))


def validate_computed(indicator: PlanIndicator) -> None:
    """A computed indicator names a registry indicator and filters it allows."""
    if indicator.source != Source.COMPUTED:
        if indicator.registry_code:
            raise ValidationError(
                {"registry_code": _("A reported indicator has no registry indicator.")}
            )
        return
    ind = d.BY_CODE.get(indicator.registry_code)
    if ind is None:
        raise ValidationError(
            {"registry_code": _("Choose an indicator of the registry.")}
        )
    if not isinstance(indicator.filters, dict):
        raise ValidationError(
            {"filters": _("Filters are pairs of dimension and code.")}
        )
    refused = [dim for dim in indicator.filters if not ind.allows(dim)]
    if refused:
        raise ValidationError(
            {
                "filters": _("%(code)s cannot be filtered by %(dims)s.")
                % {"code": ind.code, "dims": ", ".join(refused)}
            }
        )
    if ind.followup and not indicator.followup_months:
        indicator.followup_months = 6


@transaction.atomic
def save_indicator(
    indicator: PlanIndicator, *, user, targets: dict[int, Decimal] | None = None
) -> PlanIndicator:
    """Create or edit an indicator's technical sheet. A new indicator gets its
    first targets (revision 1); later changes of targets go through `revise_targets`."""
    require(can_edit_plans(user))
    _editable(indicator.objective.axis.plan)
    validate_computed(indicator)
    creating = indicator.pk is None
    _save(indicator)
    if creating:
        _check_target_years(indicator, targets or {})
        _new_revision(indicator, targets or {}, _("Targets of the plan"), user)
    events.indicator_saved_event(indicator=indicator, user=user, created=creating)
    return indicator


# -- targets --------------------------------------------------------------------------


def _check_target_years(indicator: PlanIndicator, targets: dict) -> None:
    plan = indicator.objective.axis.plan
    outside = sorted(y for y in targets if y not in plan.years)
    if outside:
        raise ValidationError(
            _("Targets must be for the plan's years (%(first)s–%(last)s): %(years)s.")
            % {
                "first": plan.start_year,
                "last": plan.end_year,
                "years": ", ".join(map(str, outside)),
            }
        )


def _new_revision(indicator, targets: dict, reason: str, user) -> TargetRevision:
    number = (indicator.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
    revision = TargetRevision.objects.create(
        indicator=indicator, number=number, reason=reason, created_by=user
    )
    Target.objects.bulk_create(
        Target(revision=revision, year=year, value=value)
        for year, value in sorted(targets.items())
    )
    return revision


@transaction.atomic
def revise_targets(
    indicator: PlanIndicator, *, user, targets: dict[int, Decimal], reason: str
) -> TargetRevision:
    """A new version of the yearly targets; the old ones stay, the change is
    audited with its reason."""
    require(can_edit_plans(user))
    _editable(indicator.objective.axis.plan)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the targets change.")})
    _check_target_years(indicator, targets)
    before = {str(y): str(v) for y, v in current_targets(indicator).items()}
    revision = _new_revision(indicator, targets, reason.strip(), user)
    events.targets_revised_event(
        indicator=indicator,
        user=user,
        revision=revision,
        before=before,
        after={str(y): str(v) for y, v in sorted(targets.items())},
    )
    return revision


# -- reported actuals and narratives -------------------------------------------------------


@transaction.atomic
def report_actual(
    indicator: PlanIndicator, *, user, year: int, value, evidence, note: str = ""
) -> ReportedActual:
    require(can_report_plan_actuals(user))
    _editable(indicator.objective.axis.plan)
    if indicator.source != Source.REPORTED:
        raise ValidationError(
            _("This indicator is computed from the data: its actual is not entered.")
        )
    if year not in indicator.objective.axis.plan.years:
        raise ValidationError({"year": _("The year is outside the plan.")})
    if not evidence:
        raise ValidationError({"evidence": _("Attach the evidence (a file).")})
    actual = _save(
        ReportedActual(
            indicator=indicator,
            year=year,
            value=value,
            evidence=evidence,
            note=note,
            entered_by=user,
        )
    )
    events.actual_reported_event(actual=actual, user=user)
    return actual


@transaction.atomic
def review_actual(
    actual: ReportedActual, *, user, approve: bool, note: str = ""
) -> ReportedActual:
    """A second user approves or rejects an entered actual."""
    require(can_review_plan_actuals(user))
    actual = ReportedActual.objects.select_for_update().get(pk=actual.pk)
    if actual.status != ActualStatus.SUBMITTED:
        raise ValidationError(_("This actual was already reviewed."))
    if actual.entered_by_id == user.pk:
        raise ValidationError(
            _("Someone other than the person who entered it must approve it.")
        )
    if not approve and not note.strip():
        raise ValidationError({"review_note": _("Say why it is rejected.")})
    actual.status = ActualStatus.APPROVED if approve else ActualStatus.REJECTED
    actual.reviewed_by = user
    actual.reviewed_at = timezone.now()
    actual.review_note = note.strip()
    actual.save()
    events.actual_reviewed_event(actual=actual, user=user)
    return actual


def add_narrative(
    indicator: PlanIndicator,
    *,
    user,
    year: int,
    what_happened: str,
    next_steps: str = "",
) -> Narrative:
    require(can_report_plan_actuals(user))
    _editable(indicator.objective.axis.plan)
    return _save(
        Narrative(
            indicator=indicator,
            year=year,
            what_happened=what_happened,
            next_steps=next_steps,
            author=user,
        )
    )
