"""Bulk imports of the registry: organizations, territory, classifications and
the reference population.

Columns follow data-formats.md; Spanish header aliases are accepted.
"""

import re
import string
from collections.abc import Iterator, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from semillero.accounts.permissions import (
    can_create_organization,
    can_edit_organization,
    is_admin,
)
from semillero.core.importing import (
    Column,
    Importer,
    InvalidValue,
    ParsedRow,
    RowError,
    RowInvalid,
    StoreResult,
    register_importer,
    storing,
)
from semillero.core.importing import parsers as p
from semillero.core.importing.parsers import normalise_name

from .models import (
    POPULATION_FIRST_YEAR,
    POPULATION_LAST_YEAR,
    Classification,
    ClassificationItem,
    Department,
    District,
    Municipality,
    Organization,
    OrganizationType,
    Population,
)

ISIC_SECTIONS = list(string.ascii_uppercase[: string.ascii_uppercase.index("U") + 1])

DEPARTMENT_HELP = gettext_lazy("department: ISO code (e.g. SV-SS) or exact name")


def _departments():
    return Department.objects.values_list("pk", "code", "name")


@register_importer
class OrganizationImporter(Importer):
    """Organizations by `code`. A data officer may register new organizations
    but change only its own; rows that would change another are rejected."""

    kind = "organizations"
    label = gettext_lazy("Organizations")
    model = Organization
    columns = (
        Column("code", required=True, parser=p.text(40), aliases=("codigo",)),
        Column("name", required=True, parser=p.text(255), aliases=("nombre",)),
        Column(
            "type",
            required=True,
            parser=p.choice(OrganizationType.values),
            aliases=("tipo",),
        ),
        Column("tax_id", parser=p.text(40), aliases=("nit",)),
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
            "isic_section",
            parser=p.choice(
                ISIC_SECTIONS,
                message=gettext_lazy("is not an ISIC section (a letter from A to U)"),
            ),
            aliases=("seccion_ciiu", "ciiu"),
            help=gettext_lazy("ISIC Rev.4 section, a letter from A to U"),
        ),
        Column("employees", parser=p.integer(min_value=0), aliases=("empleados",)),
        Column(
            "levy_contributor",
            parser=p.boolean,
            aliases=("contribuyente",),
        ),
        Column(
            "email", parser=p.email, aliases=("correo", "correo_electronico", "e-mail")
        ),
        Column("phone", parser=p.text(40), aliases=("telefono",)),
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
        # Only people limited to their own organization need the current values,
        # to tell a harmless unchanged row from a change to another's record.
        self.restricted = self.user is not None and not is_admin(self.user)
        self.may_create = self.user is None or can_create_organization(self.user)
        self.existing: dict[str, dict[str, Any]] = {}
        if self.restricted:
            fields = [c.target for c in self.columns if c.name in self.present]
            for values in Organization.objects.values("pk", *fields):
                self.existing[values["code"]] = values

    def parse_municipality(self, value: str) -> str:
        # Matched in clean(), once the row's department is known.
        return value

    def clean(self, values: Mapping[str, Any]) -> dict:
        record = self.build_record(values)
        problems = []
        municipality = values.get("municipality")
        department = values.get("department")
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
        code = values.get("code")
        if code is not None and self.restricted:
            current = self.existing.get(code)
            if current is None:
                if not self.may_create:
                    problems.append(
                        ("code", _("is a new organization; you may not register one"))
                    )
            elif not can_edit_organization(self.user, current["pk"]) and any(
                current[name] != value for name, value in record.items()
            ):
                problems.append(
                    (
                        "code",
                        _(
                            "is another organization's record; you may only change "
                            "your own organization"
                        ),
                    )
                )
        if problems:
            raise RowInvalid(*problems)
        return record

    def guard_update(self, instance) -> None:
        # Validation already rejected such rows; this catches a record created
        # by someone else between validation and storing.
        if self.user is not None and not can_edit_organization(self.user, instance):
            raise PermissionDenied(
                _("You may not change organization %(code)s.") % {"code": instance.code}
            )


@register_importer
class MunicipalityImporter(Importer):
    kind = "municipalities"
    label = gettext_lazy("Municipalities")
    model = Municipality
    columns = (
        Column("code", required=True, parser=p.text(20), aliases=("codigo",)),
        Column("name", required=True, parser=p.text(120), aliases=("nombre",)),
        Column(
            "department",
            required=True,
            parser="parse_department",
            field="department_id",
            aliases=("departamento",),
            help=DEPARTMENT_HELP,
        ),
    )

    def prepare(self) -> None:
        self.parse_department = p.department_parser(_departments())


@register_importer
class DistrictImporter(Importer):
    kind = "districts"
    label = gettext_lazy("Districts")
    model = District
    columns = (
        Column("code", required=True, parser=p.text(20), aliases=("codigo",)),
        Column("name", required=True, parser=p.text(120), aliases=("nombre",)),
        Column(
            "municipality",
            required=True,
            parser="parse_municipality",
            field="municipality_id",
            aliases=("municipio",),
            help=gettext_lazy("municipality: code or exact name"),
        ),
    )

    def prepare(self) -> None:
        self.parse_municipality = p.lookup(
            (
                (pk, (code, name))
                for pk, code, name in Municipality.objects.values_list(
                    "pk", "code", "name"
                )
            ),
            _("is not a known municipality (use its code or its name)"),
        )


@register_importer
class ClassificationImporter(Importer):
    """Items of ISIC Rev.4 or ISCO-08, by (classification, code). A parent may
    be defined in the database or anywhere in the same file; its level must be
    one less than the child's."""

    kind = "classifications"
    label = gettext_lazy("Classifications (ISIC, ISCO)")
    model = ClassificationItem
    key = ("classification", "code")
    columns = (
        Column(
            "classification",
            required=True,
            parser=p.choice(Classification.values),
            aliases=("clasificacion",),
        ),
        Column("code", required=True, parser=p.text(10), aliases=("codigo",)),
        Column(
            "level",
            required=True,
            parser=p.integer(min_value=1, max_value=9),
            aliases=("nivel",),
        ),
        Column("parent_code", parser=p.text(10), aliases=("codigo_padre",)),
        Column("name_es", required=True, parser=p.text(255), aliases=("nombre_es",)),
        Column("name_en", required=True, parser=p.text(255), aliases=("nombre_en",)),
    )

    def prepare(self) -> None:
        self.known = {
            (cls, code): level
            for cls, code, level in ClassificationItem.objects.values_list(
                "classification", "code", "level"
            )
        }
        # (classification, code) → (row, level, parent code) of the valid rows.
        self.in_file: dict[tuple[str, str], tuple[int, int, str | None]] = {}

    def observe(self, parsed: ParsedRow) -> None:
        record = parsed.record
        self.in_file[parsed.key] = (
            parsed.row,
            record["level"],
            record.get("parent_code") or None,
        )

    def check_observed(self) -> dict[int, list[RowError]]:
        errors: dict[int, list[RowError]] = {}
        rejected: set[tuple[str, str]] = set()
        # Parents first (by level), and a rejected parent rejects its children
        # and theirs: repeat until stable.
        rows = sorted(self.in_file.items(), key=lambda item: item[1][1])
        changed = True
        while changed:
            changed = False
            for key, (row, level, parent_code) in rows:
                if key in rejected or parent_code is None:
                    continue
                error = self._parent_error(key[0], parent_code, level, rejected)
                if error:
                    column, message = error
                    value = parent_code if column == "parent_code" else str(level)
                    errors[row] = [RowError(row, column, value, message)]
                    rejected.add(key)
                    changed = True
        return errors

    def _parent_error(self, classification, parent_code, level, rejected):
        parent = (classification, parent_code)
        if parent in self.in_file:
            if parent in rejected:
                return (
                    "parent_code",
                    _("is rejected in this file, see row %(row)d")
                    % {"row": self.in_file[parent][0]},
                )
            parent_level = self.in_file[parent][1]
        elif parent in self.known:
            parent_level = self.known[parent]
        else:
            return ("parent_code", _("is not a known code of this classification"))
        if level != parent_level + 1:
            return (
                "level",
                _("must be one more than the level of its parent (%(level)d)")
                % {"level": parent_level},
            )
        return None

    def store(self, chunks: Iterator[list[dict]]) -> StoreResult:
        # Parents before children: store level by level, resolving parent ids
        # from the database as each level lands. Classification files are
        # small (hundreds of rows), so holding them at once is fine.
        records = [record for chunk in chunks for record in chunk]
        ids = {
            (cls, code): pk
            for pk, cls, code in ClassificationItem.objects.values_list(
                "pk", "classification", "code"
            )
        }
        result = StoreResult()
        for level in sorted({r["level"] for r in records}):
            batch = [dict(r) for r in records if r["level"] == level]
            for record in batch:
                if "parent_code" in record:
                    parent_code = record.pop("parent_code")
                    record["parent_id"] = (
                        ids[(record["classification"], parent_code)]
                        if parent_code
                        else None
                    )
            for start in range(0, len(batch), self.chunk_size):
                result.add(
                    storing.upsert_chunk(
                        model=self.model,
                        key_fields=self.key_fields(),
                        records=batch[start : start + self.chunk_size],
                    )
                )
            ids.update(
                ((cls, code), pk)
                for pk, cls, code in ClassificationItem.objects.filter(
                    level=level
                ).values_list("pk", "classification", "code")
            )
        return result


# -- reference population ------------------------------------------------------------

_YEAR = re.compile(r"[0-9]{4}")
_COUNT = re.compile(r"\+?[0-9]+")
_COUNT_WITH_SEPARATORS = re.compile(r"[0-9]{1,3}(?:[.,\u00a0 '][0-9]{3})+")
_AGE_RANGE = re.compile(r"([0-9]{1,3})\s*-\s*([0-9]{1,3})")
_AGE_AND_OVER = re.compile(r"([0-9]{1,3})\s*\+")
# The largest value the population column holds (a PositiveIntegerField).
_MAX_POPULATION = 2_147_483_647


def population_year(value: str) -> int:
    if not _YEAR.fullmatch(value) or not (
        POPULATION_FIRST_YEAR <= int(value) <= POPULATION_LAST_YEAR
    ):
        raise InvalidValue(
            _("is not a year between %(first)d and %(last)d (four digits, e.g. 2024)")
            % {"first": POPULATION_FIRST_YEAR, "last": POPULATION_LAST_YEAR}
        )
    return int(value)


p._describe(
    population_year,
    None,
    gettext_lazy("a year of four digits, from 1950 to 2100"),
)


def population_count(value: str) -> int:
    """A number of people: a whole number, 0 or more. Thousands separators are
    refused with a hint: "348.880" is a whole number only in some spreadsheets."""
    if value.startswith("-"):
        raise InvalidValue(_("must not be negative"))
    if _COUNT_WITH_SEPARATORS.fullmatch(value):
        raise InvalidValue(
            _(
                "is not a whole number: write it without thousands separators "
                "(e.g. 348880)"
            )
        )
    if not _COUNT.fullmatch(value):
        raise InvalidValue(_("is not a whole number of people"))
    number = int(value)
    if number > _MAX_POPULATION:
        raise InvalidValue(_("is too large"))
    return number


p._describe(population_count, None, gettext_lazy("a whole number, 0 or more"))


def age_group(value: str) -> str:
    """`15-29` (both ages included) or `65+`, stored without spaces."""
    if match := _AGE_RANGE.fullmatch(value):
        low, high = int(match[1]), int(match[2])
        if low > high:
            raise InvalidValue(
                _("is not an age group: the first age must not be above the second")
            )
        return f"{low}-{high}"
    if match := _AGE_AND_OVER.fullmatch(value):
        return f"{int(match[1])}+"
    raise InvalidValue(_("is not an age group (use e.g. 15-29 or 65+)"))


p._describe(
    age_group, "", gettext_lazy("an age group such as 15-29 or 65+; empty = all ages")
)


@register_importer
class PopulationImporter(Importer):
    """The reference population by (department, year, sex, age group); a file
    without the age_group column, or a row with it empty, gives all ages."""

    kind = "population"
    label = gettext_lazy("Population")
    model = Population
    # Sex last: a repeated row is reported on its sex, the column that usually
    # tells two rows of a department and year apart.
    key = ("department", "year", "age_group", "sex")
    columns = (
        Column(
            "department",
            required=True,
            parser="parse_department",
            field="department_id",
            aliases=("departamento",),
            help=DEPARTMENT_HELP,
        ),
        Column("year", required=True, parser=population_year, aliases=("anio", "año")),
        Column("sex", required=True, parser=p.sex, aliases=("sexo",)),
        Column(
            "population",
            required=True,
            parser=population_count,
            aliases=("poblacion", "habitantes"),
        ),
        Column(
            "age_group",
            parser=age_group,
            aliases=("grupo_edad", "grupo_de_edad", "rango_edad", "rango_de_edad"),
        ),
    )

    def prepare(self) -> None:
        self.parse_department = p.department_parser(_departments())

    def row_key(self, values: Mapping[str, Any]) -> tuple | None:
        # No age group (an empty cell, or no such column) is the all-ages
        # figure, a key like any other; a malformed one leaves the row keyless.
        if "age_group" not in self.present or (
            "age_group" in values and values["age_group"] is None
        ):
            values = {**values, "age_group": ""}
        return super().row_key(values)

    def clean(self, values: Mapping[str, Any]) -> dict:
        record = self.build_record(values)
        record.setdefault("age_group", "")
        return record
