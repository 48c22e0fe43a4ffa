"""Single-entity writes of the training app from the pages and the API:
programmes, course runs, the status of an enrolment, company service requests
and levy contributions. (Files come in through `training.importers`.)

Each service checks permission first (`accounts.permissions`), validates, writes
in one transaction and records an audit event (`training.events`). Validation
errors are `ValidationError`s keyed by field, so forms and the API show them
next to the field.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from semillero.accounts.permissions import (
    can_answer_service_requests,
    can_manage_course_runs,
    can_manage_programmes,
    can_record_levy,
    can_request_service,
    can_update_enrolments,
    is_admin,
    require,
)
from semillero.registry.models import (
    Department,
    Municipality,
    Organization,
    OrganizationType,
    TrainingArea,
)

from . import events
from .models import (
    CompanyServiceRequest,
    CourseRun,
    Enrolment,
    EnrolmentStatus,
    LevyContribution,
    Programme,
    ServiceRequestStatus,
)

PROGRAMME_UPDATABLE = frozenset(
    {
        "code",
        "name",
        "modality",
        "training_area",
        "isco_code",
        "hours",
        "delivery",
        "description",
    }
)
COURSE_RUN_UPDATABLE = frozenset(
    {
        "code",
        "programme",
        "provider",
        "company",
        "start_date",
        "end_date",
        "department",
        "municipality",
        "capacity",
        "cost_usd",
        "funding",
    }
)
# The code is the key every re-import matches on: only the administrator changes it.
COURSE_RUN_ADMIN_ONLY = frozenset({"code"})
SERVICE_REQUEST_UPDATABLE = frozenset(
    {"topic", "workers", "notes", "status", "course_runs"}
)
# What the institute answers; the company writes the rest while it waits.
SERVICE_REQUEST_ANSWER = frozenset({"status", "course_runs"})

# The status of an enrolment moves forward only (data-formats.md: certified
# implies completed); a correction backwards is a re-import by the centre.
ENROLMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    EnrolmentStatus.ENROLLED: frozenset(
        {
            EnrolmentStatus.COMPLETED,
            EnrolmentStatus.CERTIFIED,
            EnrolmentStatus.DROPPED,
        }
    ),
    EnrolmentStatus.COMPLETED: frozenset({EnrolmentStatus.CERTIFIED}),
    EnrolmentStatus.CERTIFIED: frozenset(),
    EnrolmentStatus.DROPPED: frozenset(),
}
COMPLETED_STATUSES = frozenset({EnrolmentStatus.COMPLETED, EnrolmentStatus.CERTIFIED})


def _check_keys(data: dict, allowed: frozenset) -> None:
    unknown = set(data) - allowed
    if unknown:
        # A programming error, not a user's: callers pass whitelisted fields only.
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _model_errors(instance, exclude=()) -> dict[str, list[str]]:
    """Field validation of the model (lengths, choices, unique code). Constraints
    are checked by the services with messages a person understands."""
    try:
        instance.full_clean(exclude=list(exclude), validate_constraints=False)
    except ValidationError as exc:
        return dict(exc.message_dict)
    return {}


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _add(errors: dict, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _apply(instance, data: dict) -> dict[str, tuple]:
    """Set the changed fields on `instance`; return {field: (old, new)}."""
    changes = {}
    for field, value in data.items():
        value = _strip(value)
        old = getattr(instance, field)
        if old != value:
            changes[field] = (old, value)
            setattr(instance, field, value)
    return changes


# Programmes ---------------------------------------------------------------------


def _programme_errors(programme: Programme) -> dict:
    errors = _model_errors(programme)
    if programme.isco_code and not (
        programme.isco_code.isdigit() and 1 <= len(programme.isco_code) <= 4
    ):
        _add(errors, "isco_code", _("An ISCO-08 code has 1 to 4 digits."))
    if programme.hours is not None and programme.hours < 1:
        _add(errors, "hours", _("A programme lasts at least one hour."))
    return errors


def programme_create(
    *,
    actor,
    code: str,
    name: str,
    modality: str,
    training_area: TrainingArea,
    hours: int,
    delivery: str,
    isco_code: str = "",
    description: str = "",
) -> Programme:
    require(can_manage_programmes(actor), _("Only the administrator adds programmes."))
    programme = Programme(
        code=_strip(code),
        name=_strip(name),
        modality=modality,
        training_area=training_area,
        hours=hours,
        delivery=delivery,
        isco_code=_strip(isco_code),
        description=_strip(description),
    )
    _raise(_programme_errors(programme))
    with transaction.atomic():
        programme.save()
        events.programme_created_event(actor=actor, programme=programme)
    return programme


def programme_update(*, actor, programme: Programme, data: dict[str, Any]) -> Programme:
    require(can_manage_programmes(actor), _("Only the administrator edits programmes."))
    _check_keys(data, PROGRAMME_UPDATABLE)
    with transaction.atomic():
        programme = Programme.objects.select_for_update().get(pk=programme.pk)
        changes = _apply(programme, data)
        if not changes:
            return programme
        _raise(_programme_errors(programme))
        programme.save()
        events.programme_updated_event(
            actor=actor, programme=programme, changes=changes
        )
    return programme


# Course runs --------------------------------------------------------------------


def _course_run_errors(run: CourseRun) -> dict:
    errors = _model_errors(run)
    if run.start_date and run.end_date and run.end_date < run.start_date:
        _add(errors, "end_date", _("The end date cannot be before the start date."))
    if run.provider_id and run.provider.type != OrganizationType.TRAINING_CENTRE:
        _add(
            errors,
            "provider",
            _("The provider of a course run must be a training centre."),
        )
    if (
        run.municipality_id
        and run.department_id
        and run.municipality.department_id != run.department_id
    ):
        _add(
            errors,
            "municipality",
            _("%(municipality)s is not in %(department)s.")
            % {"municipality": run.municipality, "department": run.department},
        )
    if run.cost_usd is not None and run.cost_usd < 0:
        _add(errors, "cost_usd", _("The cost cannot be negative."))
    if run.capacity is not None and run.capacity < 1:
        _add(errors, "capacity", _("The capacity is at least one place."))
    return errors


def course_run_create(
    *,
    actor,
    code: str,
    programme: Programme,
    provider: Organization,
    start_date: datetime.date,
    end_date: datetime.date,
    department: Department,
    municipality: Municipality | None = None,
    company: Organization | None = None,
    capacity: int | None = None,
    cost_usd: Decimal | None = None,
    funding: str = "",
) -> CourseRun:
    """A new cohort. A data officer registers its own organization's runs only."""
    require(
        can_manage_course_runs(actor, provider),
        _("You may not register course runs of this organization."),
    )
    run = CourseRun(
        code=_strip(code),
        programme=programme,
        provider=provider,
        company=company,
        start_date=start_date,
        end_date=end_date,
        department=department,
        municipality=municipality,
        capacity=capacity,
        cost_usd=cost_usd,
        funding=funding or "",
    )
    _raise(_course_run_errors(run))
    with transaction.atomic():
        run.save()
        events.course_run_created_event(actor=actor, course_run=run)
    return run


def course_run_update(
    *, actor, course_run: CourseRun, data: dict[str, Any]
) -> CourseRun:
    require(
        can_manage_course_runs(actor, course_run.provider_id),
        _("You may not edit this course run."),
    )
    _check_keys(data, COURSE_RUN_UPDATABLE)
    if "provider" in data and data["provider"] is not None:
        # Handing a run (and its trainees' personal data) to another organization.
        require(
            can_manage_course_runs(actor, data["provider"]),
            _("You may not move course runs to that organization."),
        )
    with transaction.atomic():
        run = (
            CourseRun.objects.select_for_update(of=("self",))
            .select_related("provider", "department", "municipality")
            .get(pk=course_run.pk)
        )
        if data.get("funding") is None and "funding" in data:
            data = {**data, "funding": ""}
        changes = _apply(run, data)
        if not changes:
            return run
        if COURSE_RUN_ADMIN_ONLY & set(changes):
            require(is_admin(actor), _("Only the administrator changes codes."))
        _raise(_course_run_errors(run))
        run.save()
        events.course_run_updated_event(actor=actor, course_run=run, changes=changes)
    return run


# Enrolments ---------------------------------------------------------------------


def enrolment_update_status(
    *,
    actor,
    enrolment: Enrolment,
    status: str,
    completion_date: datetime.date | None = None,
) -> Enrolment:
    """Move an enrolment forward: enrolled → completed | certified | dropped,
    completed → certified. Completed and certified need the completion date
    (kept from before when a completed enrolment is certified); a dropped
    enrolment has none."""
    require(
        can_update_enrolments(actor, enrolment.course_run),
        _("You may not change the enrolments of this course run."),
    )
    with transaction.atomic():
        enrolment = (
            Enrolment.objects.select_for_update(of=("self",))
            .select_related("course_run")
            .get(pk=enrolment.pk)
        )
        old = enrolment.status
        errors: dict[str, list[str]] = {}
        if status not in EnrolmentStatus.values:
            _add(
                errors, "status", _("Unknown status: %(status)s.") % {"status": status}
            )
        elif status == old:
            _add(errors, "status", _("The enrolment already has this status."))
        elif status not in ENROLMENT_TRANSITIONS[old]:
            _add(
                errors,
                "status",
                _("An enrolment cannot go from %(old)s to %(new)s.")
                % {
                    "old": EnrolmentStatus(old).label,
                    "new": EnrolmentStatus(status).label,
                },
            )
        if status in COMPLETED_STATUSES:
            completion_date = completion_date or enrolment.completion_date
            if completion_date is None:
                _add(
                    errors,
                    "completion_date",
                    _("A completed or certified enrolment needs its completion date."),
                )
            elif completion_date < enrolment.course_run.start_date:
                _add(
                    errors,
                    "completion_date",
                    _("The completion date cannot be before the course run starts."),
                )
            elif completion_date > timezone.localdate():
                _add(
                    errors,
                    "completion_date",
                    _("The completion date cannot be in the future."),
                )
        elif status == EnrolmentStatus.DROPPED:
            completion_date = None
        _raise(errors)
        enrolment.status = status
        enrolment.completion_date = completion_date
        enrolment.save(update_fields=["status", "completion_date", "updated_at"])
        events.enrolment_status_changed_event(
            actor=actor, enrolment=enrolment, old_status=old
        )
    return enrolment


# Company service requests -------------------------------------------------------


def _service_request_errors(request: CompanyServiceRequest) -> dict:
    errors = _model_errors(request, exclude=["company"])
    if request.company_id and request.company.type != OrganizationType.COMPANY:
        _add(errors, "company", _("Service requests are made by companies."))
    if request.workers is not None and request.workers < 1:
        _add(errors, "workers", _("At least one worker is to be trained."))
    return errors


def service_request_create(
    *,
    actor,
    company: Organization,
    topic: str,
    workers: int,
    notes: str = "",
    requested_on: datetime.date | None = None,
) -> CompanyServiceRequest:
    """A company asks for training for its workers (its officer, or the
    administrator on its behalf)."""
    require(
        can_request_service(actor, company),
        _("You may not request services for this company."),
    )
    request = CompanyServiceRequest(
        company=company,
        topic=_strip(topic),
        workers=workers,
        notes=_strip(notes),
        requested_on=requested_on or timezone.localdate(),
        status=ServiceRequestStatus.REQUESTED,
    )
    _raise(_service_request_errors(request))
    with transaction.atomic():
        request.save()
        events.service_request_created_event(actor=actor, service_request=request)
    return request


def service_request_update(
    *, actor, service_request: CompanyServiceRequest, data: dict[str, Any]
) -> CompanyServiceRequest:
    """The administrator answers (status, the course runs that served it) and may
    correct the rest; the company's officer corrects topic, workers and notes
    while the request waits."""
    require(
        can_request_service(actor, service_request.company_id),
        _("You may not change this service request."),
    )
    _check_keys(data, SERVICE_REQUEST_UPDATABLE)
    answering = SERVICE_REQUEST_ANSWER & set(data)
    if answering:
        require(
            can_answer_service_requests(actor),
            _("Only the institute changes the status and the course runs."),
        )
    with transaction.atomic():
        request = (
            CompanyServiceRequest.objects.select_for_update(of=("self",))
            .select_related("company")
            .get(pk=service_request.pk)
        )
        runs: list[CourseRun] | None = None
        changes = {}
        if "course_runs" in data:
            runs = list(dict.fromkeys(data["course_runs"]))
            old_codes = sorted(r.code for r in request.course_runs.all())
            new_codes = sorted(r.code for r in runs)
            if old_codes != new_codes:
                changes["course_runs"] = (", ".join(old_codes), ", ".join(new_codes))
        fields = {k: v for k, v in data.items() if k != "course_runs"}
        if (
            not can_answer_service_requests(actor)
            and request.status != ServiceRequestStatus.REQUESTED
            and fields
        ):
            require(
                False,
                _(
                    "The institute is already answering this request: ask it to change it."
                ),
            )
        changes.update(_apply(request, fields))
        if not changes:
            return request
        _raise(_service_request_errors(request))
        request.save()
        if "course_runs" in changes:
            request.course_runs.set(runs)
        events.service_request_updated_event(
            actor=actor, service_request=request, changes=changes
        )
    return request


# Levy -------------------------------------------------------------------------


def levy_contribution_create(
    *,
    actor,
    company: Organization,
    period: datetime.date,
    amount_usd: Decimal,
) -> LevyContribution:
    """The levy a company paid for one month (`period`: any day of the month)."""
    require(can_record_levy(actor), _("Only the administrator records the levy."))
    contribution = LevyContribution(
        company=company,
        period=period.replace(day=1),
        amount_usd=amount_usd,
    )
    errors = _model_errors(contribution)
    if company.type != OrganizationType.COMPANY:
        _add(errors, "company", _("The levy is paid by companies."))
    if amount_usd is not None and amount_usd < 0:
        _add(errors, "amount_usd", _("The amount cannot be negative."))
    if LevyContribution.objects.filter(
        company=company, period=contribution.period
    ).exists():
        _add(
            errors,
            "period",
            _("The levy of %(company)s for %(month)s is already recorded.")
            % {"company": company.name, "month": contribution.period.strftime("%Y-%m")},
        )
    _raise(errors)
    with transaction.atomic():
        contribution.save()
        events.levy_contribution_created_event(actor=actor, contribution=contribution)
    return contribution
