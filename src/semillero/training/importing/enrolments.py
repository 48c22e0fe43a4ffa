"""Enrolments: one row per trainee per course run, and the trainee's attributes.

The national ID becomes its person_key in the value parser and is never kept,
logged or echoed in a message (the column is `sensitive`). Trainee attributes
are upserted on the trainee (the latest import wins; within a file, the last
row of a person) and every import leaves one audit event with the counts.

Files reach a million rows, so validation has two paths with one meaning:
- `parse_row` (the framework's row-by-row path) states every rule and words
  every message;
- `check_table` runs the same parsers once per distinct value and the checks
  across columns on whole columns (polars), and flags the rows that may have a
  problem; the engine then asks `parse_row` for those rows' messages. The tests
  run both paths and compare them on arbitrary input.
Storing works on whole columns as well (store.py): a handful of set-based
statements, never a query per row.
"""

import datetime
import hashlib
from collections.abc import Iterator, Mapping
from typing import Any

import polars as pl
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from semillero.accounts.permissions import is_admin
from semillero.core.importing import (
    Column,
    Importer,
    InvalidValue,
    RowInvalid,
    StoreResult,
    register_importer,
)
from semillero.core.importing import parsers as p
from semillero.core.importing.base import TableCheck
from semillero.registry.models import Department

from ..models import CourseRun, EnrolmentStatus
from . import store

MIN_AGE = 14
MAX_AGE = 90
COMPLETED = frozenset(
    {EnrolmentStatus.COMPLETED.value, EnrolmentStatus.CERTIFIED.value}
)
# What Python's str.strip() removes (every c with c.isspace(); a test checks
# the list), which the framework applies to every cell; polars' default set,
# Unicode White_Space, lacks the four separators \x1c-\x1f.
PY_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003"
    "\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
DUI_WEIGHTS = range(9, 1, -1)


def age_at(birth: datetime.date, day: datetime.date) -> int:
    """Whole years between `birth` and `day` (negative when born after it)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


@register_importer
class EnrolmentImporter(Importer):
    """Enrolments by (course run, person). A data officer may import only the
    enrolments of course runs its own organization provides."""

    kind = "enrolments"
    label = gettext_lazy("Enrolments")
    key = ("course_run_code", "person_id")
    # False forces the row-by-row path (the tests run both).
    vectorised = True
    columns = (
        Column(
            "course_run_code",
            required=True,
            parser="parse_course_run",
            field="course_run_id",
            aliases=("codigo_curso", "codigo_grupo", "codigo_cohorte", "curso"),
            help=gettext_lazy("code of an existing course run"),
        ),
        Column(
            "person_id",
            required=True,
            parser="parse_person_id",
            field="person_key",
            aliases=("dui", "documento", "numero_documento", "documento_identidad"),
            sensitive=True,
            help=gettext_lazy(
                "national identity document (El Salvador: DUI, 8 digits and a check "
                "digit, e.g. 01234567-8); only its keyed hash is stored"
            ),
        ),
        Column("sex", required=True, parser=p.sex, aliases=("sexo",)),
        Column(
            "birth_date",
            required=True,
            parser=p.date,
            aliases=("fecha_nacimiento", "fecha_de_nacimiento"),
        ),
        Column(
            "department",
            required=True,
            parser="parse_department",
            field="department_id",
            aliases=("departamento", "departamento_residencia"),
            help=gettext_lazy(
                "department of residence: ISO code (e.g. SV-SS) or exact name"
            ),
        ),
        Column(
            "status",
            required=True,
            parser=p.choice(EnrolmentStatus.values),
            aliases=("estado",),
        ),
        Column(
            "completion_date",
            parser=p.date,
            aliases=("fecha_finalizacion", "fecha_de_finalizacion", "fecha_fin"),
            help=gettext_lazy(
                "a date: YYYY-MM-DD or DD/MM/YYYY; required when status is "
                "completed or certified"
            ),
        ),
        Column("disability", parser=p.boolean, aliases=("discapacidad",)),
        Column(
            "returned_migrant",
            parser=p.boolean,
            aliases=("migrante_retornado", "retornado"),
        ),
        Column("rural", parser=p.boolean, aliases=("area_rural",)),
        Column("low_income", parser=p.boolean, aliases=("bajos_ingresos",)),
        Column(
            "education_level",
            parser=p.text(40),
            aliases=("nivel_educativo", "escolaridad"),
        ),
        Column(
            "employed_at_entry",
            parser=p.boolean,
            aliases=("empleado_al_ingreso", "empleado"),
        ),
        Column("first_name", parser=p.text(120), aliases=("nombre", "nombres")),
        Column("last_name", parser=p.text(120), aliases=("apellido", "apellidos")),
        Column(
            "email", parser=p.email, aliases=("correo", "correo_electronico", "e-mail")
        ),
        Column("phone", parser=p.text(40), aliases=("telefono", "celular")),
    )

    # -- set-up -----------------------------------------------------------------
    def prepare(self) -> None:
        self.parse_department = p.department_parser(
            Department.objects.values_list("pk", "code", "name")
        )
        self.parse_person_id = p.national_id()
        self.country = settings.COUNTRY
        self.run_ids: dict[str, int] = {}
        self.run_codes: dict[int, str] = {}
        self.run_start: dict[int, datetime.date] = {}
        self.run_provider: dict[int, int] = {}
        for pk, code, start, provider in CourseRun.objects.values_list(
            "pk", "code", "start_date", "provider_id"
        ):
            self.run_ids[code] = pk
            self.run_codes[pk] = code
            self.run_start[pk] = start
            self.run_provider[pk] = provider
        self.restricted = self.user is not None and not is_admin(self.user)
        self.own = getattr(self.user, "organization_id", None)

    def parse_course_run(self, value: str) -> int:
        try:
            return self.run_ids[value]
        except KeyError:
            raise InvalidValue(_("is not a known course run code")) from None

    # -- the rules, row by row ----------------------------------------------------
    def clean(self, values: Mapping[str, Any]) -> dict:
        record = self.build_record(values)
        problems = []
        run = values.get("course_run_code")
        start = self.run_start.get(run)
        if run is not None and self.restricted and self.run_provider[run] != self.own:
            problems.append(
                (
                    "course_run_code",
                    _(
                        "is a course run of another organization; you may only "
                        "import enrolments of your own organization's course runs"
                    ),
                )
            )
        birth = values.get("birth_date")
        if birth is not None and start is not None:
            age = age_at(birth, start)
            if age < MIN_AGE:
                problems.append(
                    (
                        "birth_date",
                        _(
                            "gives an age of %(age)d at the start of the course run "
                            "(%(start)s); trainees must be at least %(min)d"
                        )
                        % {"age": age, "start": start.isoformat(), "min": MIN_AGE},
                    )
                )
            elif age > MAX_AGE:
                self.warn(
                    "birth_date",
                    _(
                        "gives an age of %(age)d at the start of the course run "
                        "(%(start)s); please check it"
                    )
                    % {"age": age, "start": start.isoformat()},
                )
        status = values.get("status")
        completion = values.get("completion_date")
        if status in COMPLETED and completion is None and "completion_date" in values:
            problems.append(
                (
                    "completion_date",
                    _("is required when the status is completed or certified"),
                )
            )
        elif status in COMPLETED and "completion_date" not in self.present:
            problems.append(
                (
                    "status",
                    _(
                        "is completed or certified, which needs a completion_date "
                        "column"
                    ),
                )
            )
        if completion is not None and start is not None and completion < start:
            problems.append(
                (
                    "completion_date",
                    _("is before the start of the course run (%(start)s)")
                    % {"start": start.isoformat()},
                )
            )
        if problems:
            raise RowInvalid(*problems)
        return record

    # -- the same rules on whole columns --------------------------------------------
    def check_table(self, frame: pl.DataFrame, positions: Mapping[str, int]):
        if not self.vectorised:
            return None
        texts = pl.DataFrame(
            {
                name: frame.to_series(pos)
                .cast(pl.String)
                .str.strip_chars(PY_WHITESPACE)
                .fill_null("")
                for name, pos in positions.items()
            },
            height=frame.height,
        )
        blank = blank_rows(frame)
        parsed: dict[str, pl.Series] = {}
        bad = pl.Series("bad", [False] * frame.height, dtype=pl.Boolean)
        for column in self.columns:
            if column.name not in self.present:
                continue
            text = texts[column.name]
            empty = text.eq("")
            if column.name == "person_id":
                values, failed = self._person_keys(text)
            else:
                values, failed = parse_distinct(
                    self._parsers[column.name],
                    text,
                    _DTYPES.get(column.name, pl.String),
                )
            parsed[column.name] = values
            bad = bad | failed
            if column.required:
                bad = bad | empty
        cols = pl.DataFrame(parsed, height=frame.height)
        run = cols["course_run_code"]
        start = run.replace_strict(
            list(self.run_start),
            list(self.run_start.values()),
            default=None,
            return_dtype=pl.Date,
        )
        if self.restricted:
            provider = run.replace_strict(
                list(self.run_provider),
                list(self.run_provider.values()),
                default=None,
                return_dtype=pl.Int64,
            )
            bad = bad | (run.is_not_null() & provider.ne_missing(self.own))
        birth = cols["birth_date"]
        age = (
            start.dt.year().cast(pl.Int32)
            - birth.dt.year().cast(pl.Int32)
            - (
                (start.dt.month().cast(pl.Int32) * 100 + start.dt.day())
                < (birth.dt.month().cast(pl.Int32) * 100 + birth.dt.day())
            ).cast(pl.Int32)
        )
        bad = bad | (age < MIN_AGE).fill_null(False)
        warned = (age > MAX_AGE).fill_null(False)
        done = cols["status"].is_in(list(COMPLETED)).fill_null(False)
        if "completion_date" in cols.columns:
            completion = cols["completion_date"]
            bad = bad | (done & texts["completion_date"].eq(""))
            bad = bad | (completion < start).fill_null(False)
        else:
            bad = bad | done
        # The key is (course run, person_key) of rows where both parsed, as the
        # row path's row_key; a repeat names the row of the first occurrence.
        keyed = pl.DataFrame(
            {
                "run": run,
                "person": cols["person_id"],
                "row": pl.int_range(2, frame.height + 2, eager=True),
            }
        ).with_columns(
            has_key=pl.col("run").is_not_null() & pl.col("person").is_not_null()
        )
        keyed = keyed.with_columns(
            first=pl.when("has_key").then(
                pl.col("row").first().over(["run", "person", "has_key"])
            )
        )
        duplicate = keyed["has_key"] & keyed["first"].ne(keyed["row"])
        flagged_mask = ~blank & (bad | warned | duplicate.fill_null(False))
        flagged = {
            index: (first if dup else None)
            for index, first, dup in zip(
                flagged_mask.arg_true().to_list(),
                keyed["first"].filter(flagged_mask).to_list(),
                duplicate.filter(flagged_mask).to_list(),
                strict=True,
            )
        }

        def store_valid(rejected: set[int]) -> StoreResult:
            keep = ~blank
            if rejected:
                keep = keep & ~keyed["row"].is_in(sorted(rejected))
            return self._store_frame(self._records(cols.filter(keep)))

        return TableCheck(
            total_rows=int((~blank).sum()), flagged=flagged, store=store_valid
        )

    def _person_keys(self, text: pl.Series) -> tuple[pl.Series, pl.Series]:
        return person_keys(text, country=self.country, parser=self.parse_person_id)

    def _records(self, cols: pl.DataFrame) -> pl.DataFrame:
        """The parsed columns under their model field names; empty text cells
        become "" as the row path stores them."""
        out = {}
        for column in self.columns:
            if column.name not in cols.columns:
                continue
            series = cols[column.name]
            empty = getattr(self._parsers[column.name], "empty", None)
            if empty is not None:
                series = series.fill_null(empty)
            out[column.target] = series
        return pl.DataFrame(out, height=cols.height)

    # -- storing ----------------------------------------------------------------------
    def store(self, chunks: Iterator[list[dict]]) -> StoreResult:
        # The row path: the records of the valid rows, into the same columnar store.
        schema = {
            c.target: _DTYPES.get(c.name, pl.String)
            for c in self.columns
            if c.name in self.present
        }
        records = [record for chunk in chunks for record in chunk]
        frame = pl.DataFrame(records, schema=schema)
        return self._store_frame(frame)

    def _store_frame(self, records: pl.DataFrame) -> StoreResult:
        if self.restricted:
            store.check_own_runs(records["course_run_id"].unique().to_list(), self.own)
        return store.store_enrolments(
            records, run_codes=self.run_codes, batch=self.batch, user=self.user
        )


_DTYPES = {
    "course_run_code": pl.Int64,
    "birth_date": pl.Date,
    "completion_date": pl.Date,
    "department": pl.Int64,
    "disability": pl.Boolean,
    "returned_migrant": pl.Boolean,
    "rural": pl.Boolean,
    "low_income": pl.Boolean,
    "employed_at_entry": pl.Boolean,
}


def blank_rows(frame: pl.DataFrame) -> pl.Series:
    """True for the rows whose every cell is empty or blank (skipped, as the row
    by row path skips them)."""
    if not frame.width:
        return pl.Series("blank", [True] * frame.height, dtype=pl.Boolean)
    return pl.Series(
        "blank",
        frame.select(
            pl.all_horizontal(
                pl.col(c)
                .cast(pl.String)
                .str.strip_chars(PY_WHITESPACE)
                .fill_null("")
                .eq("")
                for c in frame.columns
            )
        ).to_series(),
        dtype=pl.Boolean,
    )


def parse_distinct(
    parser, text: pl.Series, dtype: pl.DataType
) -> tuple[pl.Series, pl.Series]:
    """Run `parser` once per distinct non-empty value: (parsed values, failed)."""
    distinct = text.unique().to_list()
    olds, news, failures = [], [], []
    for value in distinct:
        if value == "":
            continue
        try:
            parsed = parser(value)
        except InvalidValue:
            failures.append(value)
            continue
        olds.append(value)
        news.append(parsed)
    values = text.replace_strict(olds, news, default=None, return_dtype=dtype)
    failed = text.is_in(failures) if failures else text.ne(text)
    return values, failed


def person_keys(
    text: pl.Series, *, country: str, parser
) -> tuple[pl.Series, pl.Series]:
    """person_key per row of `text` (stripped cells, "" when empty), and where
    the ID failed its check. The check is vectorised for the DUI; the keyed
    hash is computed only for valid IDs. `parser` is the row path's
    `parsers.national_id` parser, used for countries without a vectorised check.
    Other kinds that carry a national ID (tracer) use it too."""
    if country != "SV":
        return parse_distinct(parser, text, pl.String)
    digits = pl.col("text").str.replace_all(f"[{_regex_class(PY_WHITESPACE)}-]", "")
    shape_ok = digits.str.contains(r"^[0-9]{2,9}$")
    checked = (
        pl.DataFrame({"text": text})
        .select(
            shape_ok=shape_ok,
            padded=pl.when(shape_ok).then(digits.str.zfill(9)),
        )
        .with_columns(
            weighted=pl.sum_horizontal(
                pl.col("padded").str.slice(i, 1).cast(pl.Int32) * weight
                for i, weight in enumerate(DUI_WEIGHTS)
            ),
            check=pl.col("padded").str.slice(8, 1).cast(pl.Int32),
        )
        .select(
            "padded",
            valid=(
                pl.col("shape_ok")
                & pl.col("weighted").ne(0)
                & pl.col("check").eq((10 - pl.col("weighted") % 10) % 10)
            ).fill_null(False),
        )
    )
    valid, padded = checked["valid"], checked["padded"]
    canonical = padded.filter(valid).cast(pl.Binary).to_list()
    keys = pl.Series(
        hmac_sha256_hex(settings.PERSON_KEY_SECRET.encode(), canonical),
        dtype=pl.String,
    )
    values = pl.Series([None] * len(text), dtype=pl.String).scatter(
        valid.arg_true(), keys
    )
    return values, ~valid & text.ne("")


def hmac_sha256_hex(secret: bytes, messages: list[bytes]) -> list[str]:
    """`hmac.new(secret, m, sha256).hexdigest()` for each message, twice as
    fast for a million: the key's inner and outer hash states (RFC 2104) are
    computed once and copied, not set up again for every message."""
    block = hashlib.sha256().block_size
    if len(secret) > block:
        secret = hashlib.sha256(secret).digest()
    secret = secret.ljust(block, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in secret)).copy
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in secret)).copy
    keys = []
    for message in messages:
        digest = inner()
        digest.update(message)
        result = outer()
        result.update(digest.digest())
        keys.append(result.hexdigest())
    return keys


def _regex_class(chars: str) -> str:
    return "".join(f"\\x{{{ord(c):x}}}" for c in chars)
