"""The `demand` import kind (data-formats.md): `source*, date*, isco_code*,
department*, vacancies*`, one row per source, date, occupation and department;
a re-import of the same file changes nothing (upsert by those four).

An ISCO-08 code is a sub-major group (2 digits) or a minor or unit group (3 or 4
digits) whose first two digits are a sub-major group of the classification; it
is counted in that sub-major group."""

import re
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from semillero.core.importing import (
    Column,
    Importer,
    InvalidValue,
    register_importer,
)
from semillero.core.importing import parsers as p
from semillero.registry.models import ClassificationItem, Department

from .models import DemandSignal

ISCO = "isco08"
SUB_MAJOR_LEVEL = 2
_ISCO_CODE = re.compile(r"[0-9]{2,4}")
MAX_VACANCIES = 10_000_000


def sub_major_groups() -> dict[str, int]:
    """ISCO-08 sub-major groups: code → ClassificationItem id."""
    return dict(
        ClassificationItem.objects.filter(
            classification=ISCO, level=SUB_MAJOR_LEVEL
        ).values_list("code", "pk")
    )


@register_importer
class DemandImporter(Importer):
    kind = "demand"
    label = gettext_lazy("Labour demand (vacancies)")
    model = DemandSignal
    key = ("source", "date", "isco_code", "department")
    columns = (
        Column("source", required=True, parser=p.text(120), aliases=("fuente",)),
        Column("date", required=True, parser=p.date, aliases=("fecha",)),
        Column(
            "isco_code",
            required=True,
            parser="parse_isco",
            aliases=("ciuo", "ciuo_08", "codigo_ciuo", "ocupacion"),
            help=gettext_lazy(
                "ISCO-08 occupation: sub-major group (2 digits) or unit group "
                "(4 digits), counted in its sub-major group"
            ),
        ),
        Column(
            "department",
            required=True,
            parser="parse_department",
            field="department_id",
            aliases=("departamento",),
            help=gettext_lazy("department: ISO code (e.g. SV-SS) or exact name"),
        ),
        Column(
            "vacancies",
            required=True,
            parser=p.integer(0, MAX_VACANCIES),
            aliases=("vacantes", "plazas"),
        ),
    )

    def prepare(self) -> None:
        self.parse_department = p.department_parser(
            Department.objects.values_list("pk", "code", "name")
        )
        groups = sub_major_groups()

        def parse_isco(value: str) -> tuple[str, int]:
            code = value.strip()
            if not _ISCO_CODE.fullmatch(code):
                raise InvalidValue(
                    _(
                        "is not an ISCO-08 code (a 2-digit sub-major group or a 4-digit unit group)"
                    )
                )
            try:
                return code, groups[code[:2]]
            except KeyError:
                raise InvalidValue(
                    _("is not in an ISCO-08 sub-major group (its first two digits)")
                ) from None

        self.parse_isco = p._describe(
            parse_isco, None, gettext_lazy("ISCO-08 code, 2 to 4 digits")
        )

    def row_key(self, values: Mapping[str, Any]) -> tuple | None:
        isco = values.get("isco_code")
        values = {**values, "isco_code": isco[0] if isco else None}
        return super().row_key(values)

    def clean(self, values: Mapping[str, Any]) -> dict:
        record = self.build_record(values)
        if not values.get("isco_code"):
            return record  # the row is rejected on its code already
        code, occupation = values["isco_code"]
        record["isco_code"] = code
        record["occupation_id"] = occupation
        return record
