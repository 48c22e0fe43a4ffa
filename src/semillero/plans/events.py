"""Audit events of plans: the only writers of these actions."""

from django.utils.translation import gettext as _

from semillero.accounts.audit import record_event

PLAN_CHANGED = "plans.plan_changed"
INDICATOR_SAVED = "plans.indicator_saved"
TARGETS_REVISED = "plans.targets_revised"
ACTUAL_REPORTED = "plans.actual_reported"
ACTUAL_REVIEWED = "plans.actual_reviewed"
REPORT_REQUESTED = "plans.report_requested"


def plan_changed_event(*, plan, user, change: str, source=None):
    details = {"change": change}
    if source is not None:
        details["copied_from"] = source.pk
    return record_event(
        actor=user,
        action=PLAN_CHANGED,
        obj=plan,
        summary=_("Plan %(plan)s: %(change)s") % {"plan": plan, "change": change},
        details=details,
    )


def indicator_saved_event(*, indicator, user, created: bool):
    return record_event(
        actor=user,
        action=INDICATOR_SAVED,
        obj=indicator,
        summary=_("Plan indicator %(code)s saved") % {"code": indicator.code},
        details={"created": created, "source": indicator.source},
    )


def targets_revised_event(*, indicator, user, revision, before: dict, after: dict):
    return record_event(
        actor=user,
        action=TARGETS_REVISED,
        obj=indicator,
        summary=_("Targets of %(code)s revised (revision %(number)s): %(reason)s")
        % {
            "code": indicator.code,
            "number": revision.number,
            "reason": revision.reason,
        },
        details={
            "revision": revision.number,
            "reason": revision.reason,
            "before": before,
            "after": after,
        },
    )


def actual_reported_event(*, actual, user):
    return record_event(
        actor=user,
        action=ACTUAL_REPORTED,
        obj=actual,
        summary=_("Actual of %(code)s for %(year)s entered: %(value)s")
        % {"code": actual.indicator.code, "year": actual.year, "value": actual.value},
        details={"year": actual.year, "value": str(actual.value)},
    )


def actual_reviewed_event(*, actual, user):
    return record_event(
        actor=user,
        action=ACTUAL_REVIEWED,
        obj=actual,
        summary=_("Actual of %(code)s for %(year)s: %(status)s")
        % {
            "code": actual.indicator.code,
            "year": actual.year,
            "status": actual.get_status_display(),
        },
        details={"status": actual.status, "note": actual.review_note},
    )


def report_requested_event(*, report, user):
    return record_event(
        actor=user,
        action=REPORT_REQUESTED,
        obj=report,
        summary=_("Board report of %(plan)s for %(year)s requested")
        % {"plan": report.plan, "year": report.year},
        details={"year": report.year},
    )
