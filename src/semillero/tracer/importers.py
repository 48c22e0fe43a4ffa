"""The tracer app's import kinds (data-formats.md), registered with the import
framework on first use:

- `tracer_responses`: one row per sampled graduate, course run and follow-up
  wave. The person must be a trainee enrolled in that course run; the national
  ID is only used to find the trainee (by its person_key) and is not stored.
- `social_security`: one row per person, month and employer (e.g. the ISSS
  payroll). The people need not be trainees: records are kept by person_key.
  Files reach hundreds of thousands of rows, so, as the enrolments kind, this
  kind validates on whole columns (`check_table`, polars) and stores with a few
  set-based statements; `parse_row` states every rule and words every message,
  and the tests check that both paths agree.

The national ID becomes its person_key in the value parser and is never kept,
logged or echoed in a message (the columns are `sensitive`).
"""

# The SQL here is assembled only from model metadata (table and column names,
# quoted) and fixed fragments; every value travels as a parameter.
# ruff: noqa: S608

import datetime
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any

import polars as pl
from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from semillero.core.importing import (
    Column,
    Importer,
    InvalidValue,
    RowInvalid,
    StoreResult,
    register_importer,
    storing,
)
from semillero.core.importing import parsers as p
from semillero.core.importing.base import TableCheck
from semillero.core.importing.parsers import normalise_name
from semillero.core.importing.storing import UPDATED_KEYS_KEPT
from semillero.registry.importers import ISIC_SECTIONS
from semillero.training.importing import store as bulk
from semillero.training.importing.enrolments import (
    PY_WHITESPACE,
    blank_rows,
    parse_distinct,
    person_keys,
)
from semillero.training.importing.reference import isco_code
from semillero.training.models import CourseRun, Enrolment, Trainee

from .models import EmploymentStatus, SocialSecurityRecord, TracerResponse

PERSON_ID_ALIASES = ("dui", "documento", "numero_documento", "documento_identidad")
PERSON_ID_HELP = gettext_lazy(
    "national identity document (El Salvador: DUI, 8 digits and a check "
    "digit, e.g. 01234567-8); only its keyed hash is stored"
)
MAX_MONTHS = 120
# Look-ups by a list of values go to the database in slices of this size.
LOOKUP_CHUNK = 5000


# -- value parsers -------------------------------------------------------------------


def non_negative_money(max_digits: int):
    """An amount in US dollars, 0 or more, that fits a DecimalField of
    `max_digits` digits (2 of them decimals)."""
    parse_money = p.money(max_digits=max_digits)

    def parse(value: str) -> Decimal:
        amount = parse_money(value)
        if amount < 0:
            raise InvalidValue(_("must not be negative"))
        return amount

    return p._describe(
        parse,
        None,
        gettext_lazy("an amount in US dollars, 0 or more, dot as decimal separator"),
    )


# The canonical codes and the Spanish words a survey export may use instead
# (masculine and feminine), compared without accents, case or spacing.
_EMPLOYMENT_WORDS = {
    EmploymentStatus.EMPLOYED: ("empleado", "empleada", "ocupado", "ocupada"),
    EmploymentStatus.SELF_EMPLOYED: (
        "cuenta_propia",
        "por_cuenta_propia",
        "independiente",
    ),
    EmploymentStatus.UNEMPLOYED: (
        "desempleado",
        "desempleada",
        "desocupado",
        "desocupada",
    ),
    EmploymentStatus.INACTIVE: ("inactivo", "inactiva"),
    EmploymentStatus.STUDYING: ("estudiando", "estudiante"),
}
_EMPLOYMENT = {
    word: status.value
    for status, words in _EMPLOYMENT_WORDS.items()
    for word in (status.value, *words)
}


def employment_status(value: str) -> str:
    key = normalise_name(value).replace("-", " ").replace(" ", "_")
    try:
        return _EMPLOYMENT[key]
    except KeyError:
        raise InvalidValue(
            _("is not one of: %(values)s")
            % {"values": ", ".join(EmploymentStatus.values)}
        ) from None


p._describe(
    employment_status,
    "",
    gettext_lazy(
        "employed, self_employed, unemployed, inactive or studying (also "
        "empleado, cuenta_propia, desempleado, inactivo, estudiando)"
    ),
)

_MONTH = re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})")
_MONTH_SLASH = re.compile(r"(?P<month>\d{1,2})/(?P<year>\d{4})")
# A date-time cell (an Excel date with a time of day): the date is what counts.
_DATE_TIME = re.compile(
    r"(\d{4}-\d{1,2}-\d{1,2})[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
)


def period(value: str) -> datetime.date:
    """A month, stored as its first day: YYYY-MM (also MM/YYYY), or any date
    of the month (YYYY-MM-DD, DD/MM/YYYY, an Excel date cell)."""
    match = _MONTH.fullmatch(value) or _MONTH_SLASH.fullmatch(value)
    if match:
        year, month = int(match["year"]), int(match["month"])
        if 1 <= month <= 12 and year >= 1:
            return datetime.date(year, month, 1)
    else:
        if match := _DATE_TIME.fullmatch(value):
            value = match[1]
        try:
            return p.date(value).replace(day=1)
        except InvalidValue:
            pass
    raise InvalidValue(_("is not a valid month (use YYYY-MM, e.g. 2024-03)"))


p._describe(period, None, gettext_lazy("a month: YYYY-MM (a date gives its month)"))


def _chunks(values: list, size: int = LOOKUP_CHUNK) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _stripped(series: pl.Series) -> pl.Series:
    """The cells as the row path sees them: text, stripped as str.strip()
    does, "" when empty."""
    return series.cast(pl.String).str.strip_chars(PY_WHITESPACE).fill_null("")


# -- tracer responses ------------------------------------------------------------------

# The answers of a graduate: empty when `responded` is false.
ANSWERS = (
    "employment_status",
    "formal",
    "isco_code",
    "monthly_income_usd",
    "job_related",
    "months_to_first_job",
)


@register_importer
class TracerResponseImporter(Importer):
    """Tracer-study responses by (trainee, course run, follow-up months). The
    trainee is found by the person_key of `person_id` and must have been
    enrolled in the course run. Files are samples (thousands of rows): rows are
    validated one by one, with the trainees and enrolments of the whole file
    loaded in a few queries before the first row."""

    kind = "tracer_responses"
    label = gettext_lazy("Tracer-study responses")
    model = TracerResponse
    key = ("person_id", "course_run_code", "followup_months")
    columns = (
        Column(
            "person_id",
            required=True,
            parser="parse_person_id",
            field="trainee_id",
            aliases=PERSON_ID_ALIASES,
            sensitive=True,
            help=gettext_lazy(
                "national identity document of a trainee (El Salvador: DUI, 8 "
                "digits and a check digit, e.g. 01234567-8); it is not stored"
            ),
        ),
        Column(
            "course_run_code",
            required=True,
            parser="parse_course_run",
            field="course_run_id",
            aliases=("codigo_curso", "codigo_grupo", "codigo_cohorte", "curso"),
            help=gettext_lazy("code of a course run the trainee was enrolled in"),
        ),
        Column(
            "followup_months",
            required=True,
            parser=p.integer(min_value=1, max_value=MAX_MONTHS),
            aliases=("meses_seguimiento", "meses_de_seguimiento", "seguimiento"),
            help=gettext_lazy(
                "whole months after completing the course (usually 6 or 12), "
                "from 1 to 120"
            ),
        ),
        Column(
            "survey_date",
            parser=p.date,
            aliases=("fecha_encuesta", "fecha_de_encuesta"),
        ),
        Column(
            "responded",
            required=True,
            parser=p.boolean,
            aliases=("respondio", "contesto"),
            help=gettext_lazy(
                "yes/no: no is a sampled graduate who did not answer (the "
                "answer columns are then left empty)"
            ),
        ),
        Column(
            "employment_status",
            parser=employment_status,
            aliases=("situacion_laboral", "condicion_laboral", "estado_laboral"),
        ),
        Column("formal", parser=p.boolean, aliases=("empleo_formal",)),
        Column(
            "isco_code",
            parser=isco_code,
            aliases=("codigo_ciuo", "ciuo"),
            help=gettext_lazy("occupation: an ISCO-08 code, 1 to 4 digits"),
        ),
        Column(
            "monthly_income_usd",
            parser=non_negative_money(10),
            aliases=("ingreso_mensual", "ingreso_mensual_usd", "ingreso"),
        ),
        Column(
            "job_related",
            parser=p.integer(min_value=1, max_value=5),
            aliases=("relacion_formacion", "relacion_con_la_formacion", "pertinencia"),
            help=gettext_lazy(
                "how related the job is to the training, 1 to 5 (5 = fully)"
            ),
        ),
        Column(
            "months_to_first_job",
            parser=p.integer(min_value=0, max_value=MAX_MONTHS),
            aliases=(
                "meses_primer_empleo",
                "meses_hasta_primer_empleo",
                "meses_al_primer_empleo",
            ),
            help=gettext_lazy("a whole number of months, from 0 to 120"),
        ),
    )

    # -- set-up -------------------------------------------------------------------
    def prepare(self) -> None:
        self.country = settings.COUNTRY
        self.parse_national_id = p.national_id(self.country)
        self.run_ids = dict(CourseRun.objects.values_list("code", "pk"))
        self.run_codes = {pk: code for code, pk in self.run_ids.items()}
        # Filled by `load_people` with the file's people only: a trainee
        # table of a million rows is never read whole.
        self.trainees: dict[str, int] = {}
        self.enrolled: set[tuple[int, int]] = set()

    def check_table(self, frame: pl.DataFrame, positions: Mapping[str, int]):
        """Not a vectorised validation: the hook that sees the whole file is
        used to load, in a few queries, the trainees and enrolments of its
        people; the rows are then validated one by one (None)."""
        texts = _stripped(frame.to_series(positions["person_id"])).unique()
        keys, _failed = person_keys(
            texts, country=self.country, parser=self.parse_national_id
        )
        self.load_people(keys.drop_nulls().to_list())
        return None

    def load_people(self, keys: Iterable[str]) -> None:
        """The trainees with these person_keys, and their enrolments."""
        for chunk in _chunks(sorted(set(keys))):
            self.trainees.update(
                Trainee.objects.filter(person_key__in=chunk).values_list(
                    "person_key", "pk"
                )
            )
        for chunk in _chunks(sorted(self.trainees.values())):
            self.enrolled.update(
                Enrolment.objects.filter(trainee_id__in=chunk).values_list(
                    "trainee_id", "course_run_id"
                )
            )

    def parse_person_id(self, value: str) -> int:
        key = self.parse_national_id(value)
        try:
            return self.trainees[key]
        except KeyError:
            raise InvalidValue(
                _(
                    "matches no trainee: there is no trainee with this national "
                    "ID (import the enrolments first)"
                )
            ) from None

    def parse_course_run(self, value: str) -> int:
        try:
            return self.run_ids[value]
        except KeyError:
            raise InvalidValue(_("is not a known course run code")) from None

    # -- the rules ----------------------------------------------------------------
    def clean(self, values: Mapping[str, Any]) -> dict:
        record = self.build_record(values)
        trainee, run = values.get("person_id"), values.get("course_run_code")
        if trainee is not None and run is not None:
            if (trainee, run) not in self.enrolled:
                raise RowInvalid(
                    (
                        "course_run_code",
                        _("is not a course run this trainee was enrolled in"),
                    )
                )
        if values.get("responded") is False:
            given = [name for name in ANSWERS if values.get(name) is not None]
            if given:
                self.warn(
                    "responded",
                    _(
                        "means the graduate did not answer, so these answers "
                        "were stored empty: %(columns)s"
                    )
                    % {"columns": ", ".join(given)},
                )
            # Also when the file leaves the answer columns out: a graduate who
            # did not answer keeps no answers from an earlier import.
            for column in self.columns:
                if column.name in ANSWERS:
                    parser = column.parser
                    record[column.target] = getattr(parser, "empty", None)
        return record

    # -- storing ------------------------------------------------------------------
    def store(self, chunks: Iterator[list[dict]]) -> StoreResult:
        result = StoreResult()
        for records in chunks:
            # Rows of non-respondents carry every answer field (emptied); the
            # others only the file's columns. upsert_chunk wants one shape.
            shapes: dict[tuple, list[dict]] = {}
            for record in records:
                shapes.setdefault(tuple(record), []).append(record)
            for group in shapes.values():
                part = storing.upsert_chunk(
                    model=self.model, key_fields=self.key_fields(), records=group
                )
                part.updated_keys = [self._key_label(k) for k in part.updated_keys]
                result.add(part)
        return result

    def _key_label(self, key: str) -> str:
        """`trainee/run/months` (ids) as `RUN-CODE/trainee/months`."""
        trainee, run, months = key.split("/")
        return f"{self.run_codes.get(int(run), run)}/{trainee}/{months}"


# -- social security ---------------------------------------------------------------------

_SS_DTYPES = {"period": pl.Date, "wage_usd": pl.Int64}


@register_importer
class SocialSecurityImporter(Importer):
    """Months of contributory employment by (person, period, employer). Any
    person may appear, trained with us or not. Validated on whole columns
    (`vectorised`; False forces the row-by-row path, as the tests do)."""

    kind = "social_security"
    label = gettext_lazy("Social-security records")
    model = SocialSecurityRecord
    # Period last: a repeated row is reported on its month.
    key = ("person_id", "employer_tax_id", "period")
    vectorised = True
    columns = (
        Column(
            "person_id",
            required=True,
            parser="parse_person_id",
            field="person_key",
            aliases=PERSON_ID_ALIASES,
            sensitive=True,
            help=PERSON_ID_HELP,
        ),
        Column("period", required=True, parser=period, aliases=("periodo", "mes")),
        Column(
            "employer_tax_id",
            parser=p.text(40),
            aliases=("nit_empleador", "nit_patrono", "nit"),
            help=gettext_lazy("the employer's tax ID (NIT), text up to 40 characters"),
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
        Column(
            "wage_usd",
            parser=non_negative_money(12),
            aliases=("salario", "salario_usd", "salario_cotizable"),
        ),
    )

    def prepare(self) -> None:
        self.country = settings.COUNTRY
        self.parse_person_id = p.national_id(self.country)

    def row_key(self, values: Mapping[str, Any]) -> tuple | None:
        # No employer (an empty cell, or no such column) is a key like any
        # other; a malformed one leaves the row keyless.
        if "employer_tax_id" not in self.present or (
            "employer_tax_id" in values and values["employer_tax_id"] is None
        ):
            values = {**values, "employer_tax_id": ""}
        return super().row_key(values)

    def clean(self, values: Mapping[str, Any]) -> dict:
        record = self.build_record(values)
        record.setdefault("employer_tax_id", "")
        return record

    # -- the same rules on whole columns ----------------------------------------------
    def check_table(self, frame: pl.DataFrame, positions: Mapping[str, int]):
        if not self.vectorised:
            return None
        height = frame.height
        texts = {
            name: _stripped(frame.to_series(pos)) for name, pos in positions.items()
        }
        blank = blank_rows(frame)
        parsed: dict[str, pl.Series] = {}
        failed: dict[str, pl.Series] = {}
        bad = pl.Series("bad", [False] * height, dtype=pl.Boolean)
        for column in self.columns:
            if column.name not in self.present:
                continue
            text = texts[column.name]
            if column.name == "person_id":
                values, fails = person_keys(
                    text, country=self.country, parser=self.parse_person_id
                )
            else:
                parser = self._parsers[column.name]
                if column.name == "wage_usd":
                    parser = _in_cents(parser)
                values, fails = parse_distinct(
                    parser, text, _SS_DTYPES.get(column.name, pl.String)
                )
            parsed[column.name], failed[column.name] = values, fails
            bad = bad | fails
            if column.required:
                bad = bad | text.eq("")
        if "employer_tax_id" in parsed:
            employer = parsed["employer_tax_id"].fill_null("")
            employer_ok = ~failed["employer_tax_id"]
        else:
            employer = pl.repeat("", height, dtype=pl.String, eager=True)
            employer_ok = pl.repeat(True, height, dtype=pl.Boolean, eager=True)
        # The key as the row path's row_key; a repeat names the first row.
        keyed = pl.DataFrame(
            {
                "person": parsed["person_id"],
                "employer": employer,
                "period": parsed["period"],
                "row": pl.int_range(2, height + 2, eager=True),
                "has_key": parsed["person_id"].is_not_null()
                & parsed["period"].is_not_null()
                & employer_ok,
            }
        )
        keyed = keyed.with_columns(
            first=pl.when("has_key").then(
                pl.col("row").first().over(["person", "employer", "period", "has_key"])
            )
        )
        duplicate = (keyed["has_key"] & keyed["first"].ne(keyed["row"])).fill_null(
            False
        )
        flagged_mask = ~blank & (bad | duplicate)
        flagged = {
            index: (first if dup else None)
            for index, first, dup in zip(
                flagged_mask.arg_true().to_list(),
                keyed["first"].filter(flagged_mask).to_list(),
                duplicate.filter(flagged_mask).to_list(),
                strict=True,
            )
        }
        records = {
            "person_key": parsed["person_id"],
            "period": parsed["period"],
            "employer_tax_id": employer,
        }
        if "isic_section" in parsed:
            records["isic_section"] = parsed["isic_section"].fill_null("")
        if "wage_usd" in parsed:
            records["wage_cents"] = parsed["wage_usd"]
        records = pl.DataFrame(records, height=height)

        def store_valid(rejected: set[int]) -> StoreResult:
            keep = ~blank
            if rejected:
                keep = keep & ~keyed["row"].is_in(sorted(rejected))
            return store_social_security(records.filter(keep))

        return TableCheck(
            total_rows=int((~blank).sum()), flagged=flagged, store=store_valid
        )

    # -- storing ----------------------------------------------------------------------
    def store(self, chunks: Iterator[list[dict]]) -> StoreResult:
        # The row path: the records of the valid rows, into the same columnar store.
        rows = [record for chunk in chunks for record in chunk]
        columns: dict[str, pl.Series] = {
            "person_key": pl.Series([r["person_key"] for r in rows], dtype=pl.String),
            "period": pl.Series([r["period"] for r in rows], dtype=pl.Date),
            "employer_tax_id": pl.Series(
                [r["employer_tax_id"] for r in rows], dtype=pl.String
            ),
        }
        if "isic_section" in self.present:
            columns["isic_section"] = pl.Series(
                [r["isic_section"] for r in rows], dtype=pl.String
            )
        if "wage_usd" in self.present:
            columns["wage_cents"] = pl.Series(
                [_cents(r["wage_usd"]) for r in rows], dtype=pl.Int64
            )
        return store_social_security(pl.DataFrame(columns, height=len(rows)))


def _cents(amount: Decimal | None) -> int | None:
    return None if amount is None else int(amount * 100)


def _in_cents(parser):
    """The wage parser, giving whole cents (exact, and a plain Int64 column)."""

    def parse(value: str) -> int:
        return _cents(parser(value))

    return parse


def store_social_security(records: pl.DataFrame) -> StoreResult:
    """Upsert `records` (person_key, period, employer_tax_id and, when the file
    has them, isic_section and wage_cents; no key twice) by (person_key,
    period, employer_tax_id): a few set-based statements, never one per row.
    Columns the file left out are not touched on existing records."""
    fields = [f for f in ("isic_section", "wage_cents") if f in records.columns]
    key = ["person_key", "period", "employer_tax_id"]
    with bulk._large_cache():
        existing = _read_records(records["person_key"].unique().to_list())
        joined = records.join(
            existing.select("id", *key, *fields), on=key, how="left", suffix="__old"
        )
        new = joined.filter(pl.col("id").is_null())
        old = joined.filter(pl.col("id").is_not_null())
        if fields:
            changed = old.filter(
                pl.any_horizontal(
                    [pl.col(f).ne_missing(pl.col(f"{f}__old")) for f in fields]
                )
            )
        else:
            changed = old.clear()
        table = SocialSecurityRecord._meta.db_table
        if new.height:
            frame = pl.DataFrame(
                {
                    "person_key": new["person_key"],
                    "period": new["period"],
                    "employer_tax_id": new["employer_tax_id"],
                    "isic_section": new["isic_section"]
                    if "isic_section" in fields
                    else pl.repeat("", new.height, dtype=pl.String, eager=True),
                    "wage_usd": _amounts(new["wage_cents"])
                    if "wage_cents" in fields
                    else pl.repeat(None, new.height, dtype=pl.String, eager=True),
                }
            ).sort("person_key", "period", "employer_tax_id")
            bulk._insert(table, frame)
        if changed.height:
            _update(table, changed, fields)
    keys = changed.head(UPDATED_KEYS_KEPT).select("id", "period", "employer_tax_id")
    return StoreResult(
        created=new.height,
        updated=changed.height,
        unchanged=old.height - changed.height,
        # The record's id, month and employer: no person_key in the audit trail.
        updated_keys=[
            f"{pk}/{month:%Y-%m}/{employer}" for pk, month, employer in keys.rows()
        ],
    )


def _amounts(cents: pl.Series) -> pl.Series:
    """Cents as the text of a decimal amount (12345 → "123.45"), null kept."""
    return (
        pl.DataFrame({"c": cents})
        .select(
            pl.when(pl.col("c").is_not_null()).then(
                pl.format(
                    "{}.{}",
                    pl.col("c") // 100,
                    (pl.col("c") % 100).cast(pl.String).str.zfill(2),
                )
            )
        )
        .to_series()
    )


def _read_records(keys: list[str]) -> pl.DataFrame:
    """The existing records of these person_keys, wages in whole cents."""
    q = connection.ops.quote_name
    postgres = connection.vendor == "postgresql"
    # Dates as text on SQLite: Django's converters would parse them one by one.
    period_sql = q("period") if postgres else f"CAST({q('period')} AS TEXT)"
    sql = (
        f"SELECT {q('id')}, {q('person_key')}, {period_sql}, "
        f"{q('employer_tax_id')}, {q('isic_section')}, "
        f"CAST(ROUND({q('wage_usd')} * 100) AS BIGINT) "
        f"FROM {q(SocialSecurityRecord._meta.db_table)} "
        f"WHERE {q('person_key')} {bulk._member()}"
    )
    schema = {
        "id": pl.Int64,
        "person_key": pl.String,
        "period": pl.Date if postgres else pl.String,
        "employer_tax_id": pl.String,
        "isic_section": pl.String,
        "wage_cents": pl.Int64,
    }
    frames = []
    with connection.cursor() as cursor:
        for chunk in _chunks(keys, bulk.READ_CHUNK):
            cursor.execute(sql, [chunk if postgres else json.dumps(chunk)])
            if rows := cursor.fetchall():
                frames.append(pl.DataFrame(rows, schema=schema, orient="row"))
    frame = pl.concat(frames) if frames else pl.DataFrame(schema=schema)
    if not postgres:
        frame = frame.with_columns(pl.col("period").str.to_date("%Y-%m-%d"))
    return frame


def _update(table: str, changed: pl.DataFrame, fields: list[str]) -> None:
    columns = {"isic_section": "isic_section", "wage_cents": "wage_usd"}
    q = connection.ops.quote_name
    assignments = ", ".join(f"{q(columns[f])} = %s" for f in fields)
    sql = f"UPDATE {q(table)} SET {assignments} WHERE {q('id')} = %s"
    rows = []
    for values in changed.select(*fields, "id").iter_rows(named=True):
        row = []
        for f in fields:
            value = values[f]
            if f == "wage_cents" and value is not None:
                value = Decimal(value).scaleb(-2)
            row.append(value)
        rows.append((*row, values["id"]))
    with connection.cursor() as cursor:
        for chunk in _chunks(rows, bulk.WRITE_CHUNK):
            cursor.executemany(sql, chunk)
