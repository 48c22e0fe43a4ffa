"""Registry rows by the codes API clients send, for every app's router."""

from django.utils.translation import gettext as _

from semillero.core.api import all_by_code, by_code

from .models import Department, Municipality, Organization, TrainingArea


def department_by_code(code: str) -> Department:
    return by_code(
        Department,
        code,
        "department",
        _("Unknown department: %(code)s."),
        optional=False,
    )


def municipality_by_code(code: str | None) -> Municipality | None:
    return by_code(
        Municipality, code, "municipality", _("Unknown municipality: %(code)s.")
    )


def organization_by_code(code: str | None, field: str) -> Organization | None:
    return by_code(Organization, code, field, _("Unknown organization code: %(code)s."))


def organizations_by_code(codes: list[str], field: str) -> list[Organization]:
    return all_by_code(
        Organization, codes, field, _("Unknown organization codes: %(codes)s.")
    )


def training_area_by_code(code: str) -> TrainingArea:
    return by_code(
        TrainingArea, code, "training_area", _("Unknown training area: %(code)s.")
    )


def training_areas_by_code(codes: list[str]) -> list[TrainingArea]:
    return all_by_code(
        TrainingArea, codes, "training_areas", _("Unknown training areas: %(codes)s.")
    )
