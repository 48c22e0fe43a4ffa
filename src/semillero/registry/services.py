"""Every write of the registry: organizations (and their name history), agreements
and instructors.

Each service checks permission first (`accounts.permissions`), validates, writes in
one transaction and records an audit event (`registry.events`). Validation errors are
`ValidationError`s keyed by field, so forms and the API show them next to the field.
"""

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from semillero.accounts.permissions import (
    can_create_organization,
    can_edit_organization,
    can_manage_agreement,
    can_manage_instructors,
    is_admin,
    require,
)

from . import events
from .models import (
    Agreement,
    AgreementStatus,
    Department,
    Instructor,
    Municipality,
    Organization,
    OrganizationName,
    TrainingArea,
)

ISIC_SECTIONS = "ABCDEFGHIJKLMNOPQRSTU"

ORGANIZATION_UPDATABLE = frozenset(
    {
        "code",
        "name",
        "type",
        "tax_id",
        "department",
        "municipality",
        "isic_section",
        "employees",
        "levy_contributor",
        "email",
        "phone",
        "is_lead_institute",
    }
)
# Codes are the key every re-import matches on, and there is one lead institute:
# only the national administrator changes either.
ORGANIZATION_ADMIN_ONLY = frozenset({"code", "is_lead_institute"})
AGREEMENT_UPDATABLE = frozenset(
    {"code", "title", "type", "status", "start_date", "end_date", "parties"}
)
INSTRUCTOR_UPDATABLE = frozenset(
    {
        "code",
        "organization",
        "first_name",
        "last_name",
        "sex",
        "email",
        "phone",
        "training_areas",
        "certifications",
        "active",
    }
)


def _check_keys(data: dict, allowed: frozenset) -> None:
    unknown = set(data) - allowed
    if unknown:
        # A programming error, not a user's: callers pass whitelisted fields only.
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _model_errors(instance, exclude=()) -> dict[str, list[str]]:
    """Field validation of the model (lengths, choices, e-mail, unique code).

    Constraints are checked by the services themselves, with messages a person
    understands, instead of Django's "Constraint … is violated".
    """
    try:
        instance.full_clean(exclude=list(exclude), validate_constraints=False)
    except ValidationError as exc:
        return dict(exc.message_dict)
    return {}


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


# Organizations ------------------------------------------------------------------


def _organization_errors(org: Organization) -> dict:
    errors = _model_errors(org)
    if (
        org.municipality_id
        and org.department_id
        and org.municipality.department_id != org.department_id
    ):
        errors.setdefault("municipality", []).append(
            _("%(municipality)s is not in %(department)s.")
            % {"municipality": org.municipality, "department": org.department}
        )
    if org.isic_section and org.isic_section not in ISIC_SECTIONS:
        errors.setdefault("isic_section", []).append(
            _("The ISIC section is one letter from A to U.")
        )
    if (
        org.is_lead_institute
        and Organization.objects.filter(is_lead_institute=True)
        .exclude(pk=org.pk)
        .exists()
    ):
        errors.setdefault("is_lead_institute", []).append(
            _("Another organization is already the lead institute.")
        )
    return errors


def organization_create(
    *,
    actor,
    code: str,
    name: str,
    type: str,
    department: Department,
    municipality: Municipality | None = None,
    tax_id: str = "",
    isic_section: str = "",
    employees: int | None = None,
    levy_contributor: bool | None = None,
    email: str = "",
    phone: str = "",
    is_lead_institute: bool = False,
    name_valid_from: date | None = None,
    acronym: str = "",
) -> Organization:
    """Register an organization. With `name_valid_from`, its name history starts
    on that date (the lead institute's does: names change with laws)."""
    require(
        can_create_organization(actor),
        _("Your role may not register organizations."),
    )
    if is_lead_institute:
        require(is_admin(actor), _("Only the administrator sets the lead institute."))
    org = Organization(
        code=_strip(code),
        name=_strip(name),
        type=type,
        department=department,
        municipality=municipality,
        tax_id=_strip(tax_id),
        isic_section=_strip(isic_section).upper(),
        employees=employees,
        levy_contributor=levy_contributor,
        email=_strip(email),
        phone=_strip(phone),
        is_lead_institute=is_lead_institute,
    )
    _raise(_organization_errors(org))
    with transaction.atomic():
        org.save()
        if name_valid_from is not None:
            OrganizationName.objects.create(
                organization=org,
                name=org.name,
                acronym=_strip(acronym),
                valid_from=name_valid_from,
            )
        events.organization_created_event(actor=actor, organization=org)
    return org


def organization_update(
    *, actor, organization: Organization, data: dict[str, Any]
) -> Organization:
    """Change an organization's data. A change of `name` here is a correction: it
    also corrects the current entry of the name history. An official change of
    name is `organization_rename`, which keeps the old one."""
    require(
        can_edit_organization(actor, organization),
        _("You may not edit this organization."),
    )
    _check_keys(data, ORGANIZATION_UPDATABLE)
    with transaction.atomic():
        org = (
            Organization.objects.select_for_update(of=("self",))
            .select_related("department", "municipality")
            .get(pk=organization.pk)
        )
        changes = {}
        for field, value in data.items():
            value = _strip(value)
            if field == "isic_section" and value:
                value = value.upper()
            old = getattr(org, field)
            if old != value:
                changes[field] = (old, value)
                setattr(org, field, value)
        if not changes:
            return org
        if ORGANIZATION_ADMIN_ONLY & set(changes):
            require(
                is_admin(actor),
                _("Only the administrator changes codes and the lead institute."),
            )
        _raise(_organization_errors(org))
        org.save()
        if "name" in changes:
            org.names.filter(valid_to__isnull=True).update(name=org.name)
        events.organization_updated_event(
            actor=actor, organization=org, changes=changes
        )
    return org


def organization_rename(
    *,
    actor,
    organization: Organization,
    name: str,
    valid_from: date,
    acronym: str = "",
    note: str = "",
    previous_name_valid_from: date | None = None,
) -> OrganizationName:
    """An official change of name from `valid_from` on (INSAFORP → INCAF on
    2023-12-09): the current name period ends the day before, old data keeps
    showing the old name.

    An organization without a name history needs `previous_name_valid_from`: since
    when its current name was valid, to record that period too.
    """
    require(
        can_edit_organization(actor, organization),
        _("You may not edit this organization."),
    )
    if organization.is_lead_institute:
        require(is_admin(actor), _("Only the administrator renames the institute."))
    name = _strip(name)
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("The new name is required.")]
    if valid_from > timezone.localdate():
        # Organization.name is the current name; a future rename would make it lie.
        errors["valid_from"] = [_("Register a change of name once it is in force.")]
    with transaction.atomic():
        org = Organization.objects.select_for_update(of=("self",)).get(
            pk=organization.pk
        )
        current = org.names.order_by("-valid_from").first()
        if name and name == org.name:
            errors.setdefault("name", []).append(_("That is already the current name."))
        if current is None:
            if previous_name_valid_from is None:
                errors["previous_name_valid_from"] = [
                    _("Give the date since which the current name is valid.")
                ]
            elif previous_name_valid_from >= valid_from:
                errors["previous_name_valid_from"] = [
                    _("The current name must have started before the new one.")
                ]
        elif valid_from <= current.valid_from:
            errors.setdefault("valid_from", []).append(
                _("The new name must start after %(date)s, when the current one did.")
                % {"date": current.valid_from.isoformat()}
            )
        _raise(errors)
        day_before = valid_from - timedelta(days=1)
        if current is None:
            OrganizationName.objects.create(
                organization=org,
                name=org.name,
                valid_from=previous_name_valid_from,
                valid_to=day_before,
            )
        elif current.valid_to is None or current.valid_to >= valid_from:
            current.valid_to = day_before
            current.save(update_fields=["valid_to"])
        record = OrganizationName(
            organization=org,
            name=name,
            acronym=_strip(acronym),
            valid_from=valid_from,
            note=_strip(note),
        )
        _raise(_model_errors(record, exclude=["organization"]))
        record.save()
        old_name = org.name
        org.name = name
        _raise(_model_errors(org))
        org.save(update_fields=["name", "updated_at"])
        events.organization_renamed_event(
            actor=actor, organization=org, old_name=old_name, name_record=record
        )
    return record


# Agreements ---------------------------------------------------------------------


def _may_manage_agreements(actor) -> bool:
    """Whether the role manages agreements at all (which ones is checked after)."""
    return can_manage_agreement(actor, [getattr(actor, "organization_id", None)])


def _agreement_errors(agreement: Agreement, parties: list[Organization], actor):
    errors = _model_errors(agreement)
    if len(parties) < 2:
        errors.setdefault("parties", []).append(
            _("An agreement has at least two parties.")
        )
    elif not can_manage_agreement(actor, parties):
        errors.setdefault("parties", []).append(
            _("Your organization must be one of the parties.")
        )
    if (
        agreement.end_date
        and agreement.start_date
        and agreement.end_date < agreement.start_date
    ):
        errors.setdefault("end_date", []).append(
            _("The end date cannot be before the start date.")
        )
    return errors


def agreement_create(
    *,
    actor,
    code: str,
    title: str,
    type: str,
    start_date: date,
    parties: Iterable[Organization],
    status: str = AgreementStatus.ACTIVE,
    end_date: date | None = None,
) -> Agreement:
    require(_may_manage_agreements(actor), _("Your role may not register agreements."))
    parties = list(dict.fromkeys(parties))
    agreement = Agreement(
        code=_strip(code),
        title=_strip(title),
        type=type,
        status=status,
        start_date=start_date,
        end_date=end_date,
    )
    _raise(_agreement_errors(agreement, parties, actor))
    with transaction.atomic():
        agreement.save()
        agreement.parties.set(parties)
        events.agreement_created_event(
            actor=actor, agreement=agreement, parties=parties
        )
    return agreement


def agreement_update(*, actor, agreement: Agreement, data: dict[str, Any]) -> Agreement:
    require(
        can_manage_agreement(actor, list(agreement.parties.all())),
        _("You may not edit this agreement."),
    )
    _check_keys(data, AGREEMENT_UPDATABLE)
    with transaction.atomic():
        agreement = Agreement.objects.select_for_update(of=("self",)).get(
            pk=agreement.pk
        )
        current_parties = list(agreement.parties.all())
        parties = list(dict.fromkeys(data.get("parties", current_parties)))
        changes = {}
        for field, value in data.items():
            if field == "parties":
                continue
            value = _strip(value)
            old = getattr(agreement, field)
            if old != value:
                changes[field] = (old, value)
                setattr(agreement, field, value)
        old_codes = sorted(p.code for p in current_parties)
        new_codes = sorted(p.code for p in parties)
        if old_codes != new_codes:
            changes["parties"] = (", ".join(old_codes), ", ".join(new_codes))
        if not changes:
            return agreement
        _raise(_agreement_errors(agreement, parties, actor))
        agreement.save()
        if "parties" in changes:
            agreement.parties.set(parties)
        events.agreement_updated_event(
            actor=actor, agreement=agreement, changes=changes
        )
    return agreement


# Instructors --------------------------------------------------------------------


def _instructor_errors(instructor: Instructor) -> dict:
    return _model_errors(instructor)


def instructor_create(
    *,
    actor,
    organization: Organization,
    code: str,
    first_name: str,
    last_name: str,
    sex: str = "",
    email: str = "",
    phone: str = "",
    training_areas: Iterable[TrainingArea] = (),
    certifications: str = "",
    active: bool = True,
) -> Instructor:
    require(
        can_manage_instructors(actor, organization),
        _("You may not register instructors of this organization."),
    )
    instructor = Instructor(
        organization=organization,
        code=_strip(code),
        first_name=_strip(first_name),
        last_name=_strip(last_name),
        sex=sex,
        email=_strip(email),
        phone=_strip(phone),
        certifications=_strip(certifications),
        active=active,
    )
    _raise(_instructor_errors(instructor))
    with transaction.atomic():
        instructor.save()
        instructor.training_areas.set(list(training_areas))
        events.instructor_created_event(actor=actor, instructor=instructor)
    return instructor


def instructor_update(
    *, actor, instructor: Instructor, data: dict[str, Any]
) -> Instructor:
    require(
        can_manage_instructors(actor, instructor.organization_id),
        _("You may not edit this instructor."),
    )
    _check_keys(data, INSTRUCTOR_UPDATABLE)
    if "organization" in data:
        # Moving an instructor hands its personal data to another organization.
        require(
            can_manage_instructors(actor, data["organization"]),
            _("You may not move instructors to that organization."),
        )
    with transaction.atomic():
        instructor = (
            Instructor.objects.select_for_update(of=("self",))
            .select_related("organization")
            .get(pk=instructor.pk)
        )
        changed = set()
        for field, value in data.items():
            if field == "training_areas":
                old = {a.pk for a in instructor.training_areas.all()}
                if old != {a.pk for a in value}:
                    changed.add(field)
                continue
            value = _strip(value)
            if getattr(instructor, field) != value:
                changed.add(field)
                setattr(instructor, field, value)
        if not changed:
            return instructor
        _raise(_instructor_errors(instructor))
        instructor.save()
        if "training_areas" in changed:
            instructor.training_areas.set(list(data["training_areas"]))
        events.instructor_updated_event(
            actor=actor, instructor=instructor, changed_fields=changed
        )
    return instructor
