"""Training areas, programmes, course runs and levy contributions.

Columns follow data-formats.md; Spanish header aliases are accepted. Every
reference another row makes (a programme's area, a run's provider) must already
exist: it is looked up once per file, never per row.
"""

import datetime
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from semillero.accounts.permissions import is_admin
from semillero.core.importing import (
    Column,
    Importer,
    InvalidValue,
    RowInvalid,
    register_importer,
)
from semillero.core.importing import parsers as p
from semillero.core.importing.parsers import normalise_name
from semillero.registry.models import (
    Department,
    Municipality,
    Organization,
    OrganizationType,
    TrainingArea,
)

from ..models import CourseRun, Delivery, Funding, LevyContribution, Modality, Programme

DEPARTMENT_HELP = gettext_lazy("department: ISO code (e.g. SV-SS) or exact name")
_ISCO = re.compile(r"[0-9]{1,4}")


def _departments():
    return Department.objects.values_list("pk", "code", "name")


def isco_code(value: str) -> str:
    if not _ISCO.fullmatch(value):
        raise InvalidValue(_("is not an ISCO-08 code (1 to 4 digits)"))
    return value


p._describe(isco_code, "", gettext_lazy("ISCO-08 code, 1 to 4 digits"))


def non_negative_money(value: str) -> Decimal:
    amount = _money(value)
    if amount < 0:
        raise InvalidValue(_("must not be negative"))
    return amount


_money = p.money()
p._describe(non_negative_money, None, _money.describe)


@register_importer
class TrainingAreaImporter(Importer):
    """The institute's training areas, by code (programmes refer to them)."""

    kind = "training_areas"
    label = gettext_lazy("Training areas")
    model = TrainingArea
    columns = (
        Column("code", required=True, parser=p.text(30), aliases=("codigo",)),
        Column("name", required=True, parser=p.text(200), aliases=("nombre",)),
    )


@register_importer
class ProgrammeImporter(Importer):
    """Programmes by code; the training area must already exist."""

    kind = "programmes"
    label = gettext_lazy("Programmes")
    model = Programme
    columns = (
        Column("code", required=True, parser=p.text(40), aliases=("codigo",)),
        Column("name", required=True, parser=p.text(255), aliases=("nombre",)),
        Column(
            "modality",
            required=True,
            parser=p.choice(Modality.values),
            aliases=("modalidad",),
        ),
        Column(
            "training_area",
            required=True,
            parser="parse_training_area",
            field="training_area_id",
            aliases=("area_formacion", "area_de_formacion", "area"),
            help=gettext_lazy("training area: its code or its exact name"),
        ),
        Column("isco_code", parser=isco_code, aliases=("codigo_ciuo", "ciuo")),
        Column(
            "hours", required=True, parser=p.integer(min_value=1), aliases=("horas",)
        ),
        Column(
            "delivery",
            required=True,
            parser=p.choice(Delivery.values),
            aliases=("entrega", "modalidad_entrega", "modalidad_de_entrega"),
        ),
    )

    def prepare(self) -> None:
        self.parse_training_area = p.lookup(
            (
                (pk, (code, name))
                for pk, code, name in TrainingArea.objects.values_list(
                    "pk", "code", "name"
                )
            ),
            _(
                "is not a known training area (use the code or the exact name of "
                "an existing area; training areas are imported first)"
            ),
        )


@register_importer
class CourseRunImporter(Importer):
    """Course runs by code. The provider must be a training centre; a data
    officer may import only the runs its own organization provides."""

    kind = "course_runs"
    label = gettext_lazy("Course runs")
    model = CourseRun
    columns = (
        Column("code", required=True, parser=p.text(40), aliases=("codigo",)),
        Column(
            "programme_code",
            required=True,
            parser="parse_programme",
            field="programme_id",
            aliases=("codigo_programa", "programa"),
            help=gettext_lazy("code of an existing programme"),
        ),
        Column(
            "provider_code",
            required=True,
            parser="parse_provider",
            field="provider_id",
            aliases=("codigo_proveedor", "codigo_centro", "proveedor", "centro"),
            help=gettext_lazy("code of an existing training centre"),
        ),
        Column(
            "company_code",
            parser="parse_company",
            field="company_id",
            aliases=("codigo_empresa", "empresa"),
            help=gettext_lazy("code of an existing organization"),
        ),
        Column(
            "start_date",
            required=True,
            parser=p.date,
            aliases=("fecha_inicio", "fecha_de_inicio"),
        ),
        Column(
            "end_date",
            required=True,
            parser=p.date,
            aliases=("fecha_fin", "fecha_final"),
        ),
        Column(
            "department",
            required=True,
            parser="parse_department",
            field="department_id",
            aliases=("departamento",),
            help=DEPARTMENT_HELP,
        ),
        Column(
            "municipality",
            parser="parse_municipality",
            field="municipality_id",
            aliases=("municipio",),
            help=gettext_lazy("municipality of the department: code or exact name"),
        ),
        Column(
            "capacity", parser=p.integer(min_value=1), aliases=("capacidad", "cupo")
        ),
        Column("cost_usd", parser=non_negative_money, aliases=("costo", "costo_usd")),
        Column(
            "funding",
            parser=p.choice(Funding.values),
            aliases=("financiamiento", "fuente"),
        ),
    )

    def prepare(self) -> None:
        self.parse_department = p.department_parser(_departments())
        self.department_names = dict(Department.objects.values_list("pk", "name"))
        self.municipalities: dict[tuple[int, str], int] = {}
        for pk, code, name, department_id in Municipality.objects.values_list(
            "pk", "code", "name", "department_id"
        ):
            self.municipalities[(department_id, normalise_name(code))] = pk
            self.municipalities[(department_id, normalise_name(name))] = pk
        self.programmes = dict(Programme.objects.values_list("code", "pk"))
        self.organizations = {
            code: (pk, type_)
            for pk, code, type_ in Organization.objects.values_list(
                "pk", "code", "type"
            )
        }
        self.restricted = self.user is not None and not is_admin(self.user)
        self.own = getattr(self.user, "organization_id", None)
        # For a data officer: which existing runs belong to someone else.
        self.run_providers: dict[str, int] = {}
        if self.restricted:
            self.run_providers = dict(
                CourseRun.objects.values_list("code", "provider_id")
            )

    def parse_programme(self, value: str) -> int:
        try:
            return self.programmes[value]
        except KeyError:
            raise InvalidValue(_("is not a known programme code")) from None

    def parse_provider(self, value: str) -> int:
        pk, type_ = self._organization(value)
        if type_ != OrganizationType.TRAINING_CENTRE:
            raise InvalidValue(
                _(
                    "is not a training centre; the provider of a course run must be "
                    "an organization of type training_centre"
                )
            )
        return pk

    def parse_company(self, value: str) -> int:
        return self._organization(value)[0]

    def _organization(self, value: str) -> tuple[int, str]:
        try:
            return self.organizations[value]
        except KeyError:
            raise InvalidValue(_("is not a known organization code")) from None

    def parse_municipality(self, value: str) -> str:
        # Matched in clean(), once the row's department is known.
        return value

    def clean(self, values: Mapping[str, Any]) -> dict:
        record = self.build_record(values)
        problems = []
        start, end = values.get("start_date"), values.get("end_date")
        if start is not None and end is not None and end < start:
            problems.append(
                (
                    "end_date",
                    _("is before the start date (%(date)s)")
                    % {"date": start.isoformat()},
                )
            )
        municipality, department = values.get("municipality"), values.get("department")
        if municipality is not None and department is not None:
            pk = self.municipalities.get((department, normalise_name(municipality)))
            if pk is None:
                problems.append(
                    (
                        "municipality",
                        _("is not a municipality of %(department)s")
                        % {"department": self.department_names[department]},
                    )
                )
            record["municipality_id"] = pk
        if self.restricted:
            provider = values.get("provider_code")
            if provider is not None and provider != self.own:
                problems.append(
                    (
                        "provider_code",
                        _(
                            "is another organization; you may only import the course "
                            "runs your own organization provides"
                        ),
                    )
                )
            current = self.run_providers.get(values.get("code"))
            if current is not None and current != self.own:
                problems.append(
                    (
                        "code",
                        _(
                            "is another organization's course run; you may only "
                            "change your own organization's runs"
                        ),
                    )
                )
        if problems:
            raise RowInvalid(*problems)
        return record

    def guard_update(self, instance) -> None:
        # Validation rejected such rows; this catches a run created by someone
        # else between validation and storing.
        if self.restricted and instance.provider_id != self.own:
            raise PermissionDenied(
                _("You may not change course run %(code)s.") % {"code": instance.code}
            )


_PERIOD_FORMATS = (
    re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})"),
    re.compile(r"(?P<month>\d{1,2})/(?P<year>\d{4})"),
    # An Excel cell typed 2024-03 becomes the date 2024-03-01.
    re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})-0?1(?: 00:00(?::00)?)?"),
)


def period(value: str) -> datetime.date:
    """A month, YYYY-MM (also MM/YYYY), stored as its first day."""
    for pattern in _PERIOD_FORMATS:
        if match := pattern.fullmatch(value):
            year, month = int(match["year"]), int(match["month"])
            if 1 <= month <= 12 and year >= 1:
                return datetime.date(year, month, 1)
            break
    raise InvalidValue(_("is not a valid month (use YYYY-MM, e.g. 2024-03)"))


p._describe(period, None, gettext_lazy("a month: YYYY-MM"))


@register_importer
class LevyContributionImporter(Importer):
    """The monthly payroll levy of each company, by (company, period)."""

    kind = "levy_contributions"
    label = gettext_lazy("Levy contributions")
    model = LevyContribution
    key = ("company_code", "period")
    columns = (
        Column(
            "company_code",
            required=True,
            parser="parse_company",
            field="company_id",
            aliases=("codigo_empresa", "empresa"),
            help=gettext_lazy("code of an existing organization of type company"),
        ),
        Column("period", required=True, parser=period, aliases=("periodo", "mes")),
        Column(
            "amount_usd",
            required=True,
            parser=non_negative_money,
            aliases=("monto", "monto_usd", "aporte"),
        ),
    )

    def prepare(self) -> None:
        self.organizations = {
            code: (pk, type_)
            for pk, code, type_ in Organization.objects.values_list(
                "pk", "code", "type"
            )
        }

    def parse_company(self, value: str) -> int:
        try:
            pk, type_ = self.organizations[value]
        except KeyError:
            raise InvalidValue(_("is not a known organization code")) from None
        if type_ != OrganizationType.COMPANY:
            raise InvalidValue(_("is not a company (an organization of type company)"))
        return pk
