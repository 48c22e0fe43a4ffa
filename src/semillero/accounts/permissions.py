"""What each role may do. Services and selectors ask here; views only mirror it.

Roles (see PRODUCT.md):
- national administrator: everything, including personal data and user management;
- analyst: all aggregate data and the whole registry, no personal data, no writes;
- organization data officer: maintains its own organization's records, including
  its people's personal data; may register new organizations (partners, companies);
- company officer: its own company's record;
- viewer: reads the registry.
"""

from django.core.exceptions import PermissionDenied

from .models import Role


def is_admin(user) -> bool:
    return bool(
        user
        and user.is_authenticated
        and (user.role == Role.NATIONAL_ADMIN or user.is_superuser)
    )


def _own(user, organization) -> bool:
    return (
        organization is not None
        and user.organization_id is not None
        and user.organization_id == getattr(organization, "pk", organization)
    )


def can_create_organization(user) -> bool:
    return is_admin(user) or user.role == Role.DATA_OFFICER


def can_edit_organization(user, organization) -> bool:
    if is_admin(user):
        return True
    return user.role in (Role.DATA_OFFICER, Role.COMPANY_OFFICER) and _own(
        user, organization
    )


def can_manage_agreement(user, parties) -> bool:
    """Admins manage every agreement; a data officer those its organization is party to."""
    if is_admin(user):
        return True
    return user.role == Role.DATA_OFFICER and any(_own(user, org) for org in parties)


def can_manage_instructors(user, organization) -> bool:
    return is_admin(user) or (
        user.role == Role.DATA_OFFICER and _own(user, organization)
    )


def can_see_personal_data(user, organization) -> bool:
    """Names and contacts of people: the admin, and the data officers of their organization."""
    return can_manage_instructors(user, organization)


# Import kinds each role may run. Reference data (territory, classifications,
# training areas, programmes, the levy) is the institute's; organizations may be
# registered by data officers too, and a data officer loads its own
# organization's course runs and their enrolments (the importers enforce "own").
IMPORT_KINDS_BY_ROLE = {
    Role.DATA_OFFICER: {"organizations", "course_runs", "enrolments"},
}


def can_import(user, kind: str) -> bool:
    if is_admin(user):
        return True
    return kind in IMPORT_KINDS_BY_ROLE.get(user.role, set())


def can_manage_users(user) -> bool:
    return is_admin(user)


def require(allowed: bool, message: str = "") -> None:
    """Raise PermissionDenied unless allowed; services call this first."""
    if not allowed:
        raise PermissionDenied(message or "Not allowed")


# Training (programmes, course runs, trainees, companies' services and levy) -------
#
# - programmes and the levy are the institute's reference data: the administrator
#   writes them;
# - a data officer maintains its own organization's course runs and the status of
#   their enrolments;
# - trainees' names and contacts: the administrator, and the data officers of an
#   organization that delivered a run the trainee enrolled in;
# - a company's levy against the training it received: the administrator and
#   analysts for every company, a company officer for its own;
# - service requests: a company officer asks for its own company, the
#   administrator answers (status, the course runs that served it).


def can_manage_programmes(user) -> bool:
    return is_admin(user)


def can_manage_course_runs(user, provider) -> bool:
    """Admins manage every course run; a data officer those its organization provides."""
    return is_admin(user) or (
        bool(user and user.is_authenticated)
        and user.role == Role.DATA_OFFICER
        and _own(user, provider)
    )


def can_update_enrolments(user, course_run) -> bool:
    return can_manage_course_runs(user, course_run.provider_id)


def can_see_trainee_personal_data(user, provider) -> bool:
    """Names and contacts of the trainees of a course run of `provider`."""
    return can_manage_course_runs(user, provider)


def can_see_company_training(user, company) -> bool:
    """A company's levy and the training it received (its page)."""
    if not (user and user.is_authenticated):
        return False
    if is_admin(user) or user.role == Role.ANALYST:
        return True
    return user.role == Role.COMPANY_OFFICER and _own(user, company)


def can_request_service(user, company) -> bool:
    if not (user and user.is_authenticated):
        return False
    return is_admin(user) or (user.role == Role.COMPANY_OFFICER and _own(user, company))


def can_answer_service_requests(user) -> bool:
    """Change a request's status and link the course runs that served it."""
    return is_admin(user)


def can_record_levy(user) -> bool:
    return is_admin(user)


# Quality of the offer and installed capacity (the quality app) ----------------------
# Accreditation, audits and findings: the institute's administrators manage them;
# analysts and viewers read everything; a data officer reads its own organization's
# and follows up its findings (status and closing note, never closing them: the
# institute verifies and closes). Facilities: every logged-in user reads the
# capacity of the system; each organization's data or company officer keeps its own.


def can_manage_quality(user) -> bool:
    """Create and change accreditations, audits and findings; close findings."""
    return is_admin(user)


def can_read_all_quality(user) -> bool:
    return bool(user and user.is_authenticated) and (
        is_admin(user) or user.role in (Role.ANALYST, Role.VIEWER)
    )


def can_read_quality_of(user, organization) -> bool:
    """Accreditation, audits, findings and scorecard of one organization."""
    if can_read_all_quality(user):
        return True
    return bool(user and user.is_authenticated) and (
        user.role == Role.DATA_OFFICER and _own(user, organization)
    )


def can_follow_up_finding(user, organization) -> bool:
    """Update the follow-up (status, closing note) of a finding of `organization`."""
    return is_admin(user) or (
        bool(user and user.is_authenticated)
        and user.role == Role.DATA_OFFICER
        and _own(user, organization)
    )


def can_see_auditor(user) -> bool:
    """Who audited is the institute's business: only administrators see the auditor."""
    return is_admin(user)


def can_read_capacity(user) -> bool:
    return bool(user and user.is_authenticated)


def can_manage_facilities(user, organization) -> bool:
    if is_admin(user):
        return True
    return bool(user and user.is_authenticated) and (
        user.role in (Role.DATA_OFFICER, Role.COMPANY_OFFICER)
        and _own(user, organization)
    )


# -- indicators ----------------------------------------------------------------------
# Aggregates of the whole system are for the institute's people (administrators,
# analysts, viewers); an organization's data officer sees its own organization's
# (the training-centre dashboard). The public reads only open data, suppressed.


def can_read_national_indicators(user) -> bool:
    return bool(user and user.is_authenticated) and (
        is_admin(user) or user.role in (Role.ANALYST, Role.VIEWER)
    )


def can_read_indicators_of(user, organization) -> bool:
    if can_read_national_indicators(user):
        return True
    return bool(user and user.is_authenticated) and (
        user.role == Role.DATA_OFFICER and _own(user, organization)
    )


# -- tracer studies ------------------------------------------------------------------
# The institute runs them: the administrators define, sample, remind and close, and
# only they see the sampled graduates' names and contacts (to call them); analysts
# and viewers follow the fieldwork in aggregates, like the other national figures.


def can_manage_tracer_studies(user) -> bool:
    return is_admin(user)


def can_read_tracer_studies(user) -> bool:
    return can_read_national_indicators(user)


def can_see_tracer_contacts(user) -> bool:
    return is_admin(user)


# -- strategic plans ---------------------------------------------------------------
# Everyone who reads national indicators (board members have viewer accounts) reads
# the plans. The administrators shape plans and targets. Actuals of reported
# indicators and narratives are entered by the institute's people (administrators
# and the lead institute's data officers) and approved by an administrator who
# did not enter them (services check the "second person").


def can_read_plans(user) -> bool:
    return can_read_national_indicators(user) or can_report_plan_actuals(user)


def can_edit_plans(user) -> bool:
    return is_admin(user)


def can_report_plan_actuals(user) -> bool:
    if is_admin(user):
        return True
    return bool(user and user.is_authenticated) and (
        user.role == Role.DATA_OFFICER
        and user.organization is not None
        and user.organization.is_lead_institute
    )


def can_review_plan_actuals(user) -> bool:
    return is_admin(user)


# -- consultations -------------------------------------------------------------------
# The institute's administrators and analysts run consultations: create them, build
# the questionnaire, invite organizations of the registry, open and close them,
# import answers collected elsewhere, read the results and tag open answers with
# themes. Viewers read the results. Analysts see no personal data: personal
# invitations of typed people (names, e-mails) are the administrators' only, and
# no one can see who answered an anonymous open link (nothing is stored about it).
# Answers are shown and exported without who gave them, to every role.


def can_run_consultations(user) -> bool:
    return bool(user and user.is_authenticated) and (
        is_admin(user) or user.role == Role.ANALYST
    )


def can_read_consultations(user) -> bool:
    return can_run_consultations(user) or can_read_national_indicators(user)


def can_invite_people(user) -> bool:
    """Invite typed people (names and e-mails: personal data) and see them."""
    return is_admin(user)


# -- policy catalogue and labour demand ----------------------------------------------
# The catalogue of policy instruments is public: anyone reads it, no login. Its
# editors add and revise entries: the national administrators always, and the
# members of the Django group "catalogue editors" (managed in the admin), whatever
# their role. The supply-and-demand page is a planning tool: it reads like the
# other national figures; labour-demand files are imported by administrators (the
# `demand` import kind, see IMPORT_KINDS_BY_ROLE).

CATALOGUE_EDITORS_GROUP = "catalogue editors"


def can_edit_policy_catalogue(user) -> bool:
    if is_admin(user):
        return True
    return bool(user and user.is_authenticated) and (
        user.groups.filter(name=CATALOGUE_EDITORS_GROUP).exists()
    )


def can_read_supply_demand(user) -> bool:
    return can_read_national_indicators(user)
