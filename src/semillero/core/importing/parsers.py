"""Value parsers shared by every import kind.

A parser receives the cell's text, already stripped and never empty (the
framework handles empty cells), and returns the Python value to store or raises
`InvalidValue` with a message that completes `row N: column "value" …`.

Each parser carries two attributes the framework reads:
- `empty`: what an empty optional cell stores ("" for text fields, else None);
- `describe`: the accepted values, for the instructions sheet of the template.
"""

import datetime
import functools
import re
import unicodedata
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from semillero.core.national_id import is_valid_national_id
from semillero.core.pseudonymisation import normalise_national_id, person_key

from .errors import InvalidValue

Parser = Callable[[str], object]


def _describe(parser, empty, text):
    parser.empty = empty
    parser.describe = text
    return parser


@functools.lru_cache(maxsize=8192)
def normalise_name(value: str) -> str:
    """Case-, accent- and spacing-insensitive form used to match names and headers.
    Cached: the same few department names and yes/no words fill whole columns."""
    decomposed = unicodedata.normalize("NFKD", value)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


def text(max_length: int | None = None, *, upper: bool = False) -> Parser:
    def parse(value: str) -> str:
        if max_length is not None and len(value) > max_length:
            raise InvalidValue(
                _("is too long (at most %(max)d characters)") % {"max": max_length}
            )
        return value.upper() if upper else value

    return _describe(parse, "", gettext_lazy("text"))


def integer(min_value: int | None = None, max_value: int | None = None) -> Parser:
    def parse(value: str) -> int:
        if not re.fullmatch(r"[+-]?\d{1,18}", value):
            raise InvalidValue(_("is not a whole number"))
        number = int(value)
        if min_value is not None and number < min_value:
            raise InvalidValue(_("must be %(min)d or more") % {"min": min_value})
        if max_value is not None and number > max_value:
            raise InvalidValue(_("must be %(max)d or less") % {"max": max_value})
        return number

    return _describe(parse, None, gettext_lazy("a whole number"))


_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?")
_DMY_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def date(value: str) -> datetime.date:
    """YYYY-MM-DD, or DD/MM/YYYY as Spanish spreadsheets write it. Excel date
    cells reach here as YYYY-MM-DD (see reading.py); a midnight time is accepted
    because some programs export dates as date-times."""
    if match := _ISO_DATE.fullmatch(value):
        year, month, day = match.groups()
    elif match := _DMY_DATE.fullmatch(value):
        day, month, year = match.groups()
    else:
        raise InvalidValue(_("is not a valid date"))
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        raise InvalidValue(_("is not a valid date")) from None


_describe(date, None, gettext_lazy("a date: YYYY-MM-DD or DD/MM/YYYY"))

_TRUE = {"true", "1", "yes", "si", "verdadero", "y", "s"}
_FALSE = {"false", "0", "no", "falso", "n"}


def boolean(value: str) -> bool:
    """true/false, 1/0, yes/no, sí/si/no — and VERDADERO/FALSO, which Excel in
    Spanish writes when it saves a CSV."""
    key = normalise_name(value)
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise InvalidValue(_("is not a yes/no value (use sí, no, true, false, 1 or 0)"))


_describe(boolean, None, gettext_lazy("sí/no, true/false or 1/0; empty = unknown"))

_SEX = {
    "f": "F",
    "m": "M",
    "mujer": "F",
    "hombre": "M",
    "female": "F",
    "male": "M",
    "femenino": "F",
    "masculino": "M",
}


def sex(value: str) -> str:
    try:
        return _SEX[normalise_name(value)]
    except KeyError:
        raise InvalidValue(_("is not a valid sex (use F or M)")) from None


_describe(sex, "", gettext_lazy("F or M (also mujer/hombre)"))


def money(max_digits: int = 14, decimal_places: int = 2) -> Parser:
    """US dollars with a dot as decimal separator; thousands separators are
    refused because "1,500" is 1.5 in half the spreadsheets of the region."""

    def parse(value: str) -> Decimal:
        match = re.fullmatch(r"-?(\d+)(?:\.(\d+))?", value)
        if not match:
            raise InvalidValue(
                _("is not a valid amount (use a dot for decimals, e.g. 1250.50)")
            )
        whole, fraction = match.group(1), match.group(2) or ""
        if len(fraction) > decimal_places:
            raise InvalidValue(
                _("has more than %(places)d decimals") % {"places": decimal_places}
            )
        if len(whole.lstrip("0")) > max_digits - decimal_places:
            raise InvalidValue(_("is too large"))
        return Decimal(value)

    return _describe(
        parse, None, gettext_lazy("an amount in US dollars, dot as decimal separator")
    )


def email(value: str) -> str:
    if len(value) > 254:
        raise InvalidValue(_("is not a valid e-mail address"))
    try:
        validate_email(value)
    except ValidationError:
        raise InvalidValue(_("is not a valid e-mail address")) from None
    return value


_describe(email, "", gettext_lazy("an e-mail address"))


def choice(values: Iterable[str], *, message: str | None = None) -> Parser:
    """One of a fixed list of codes, matched without regard to case.
    `message` (a lazy string) replaces the default "is not one of: …"."""
    allowed = list(values)
    by_key = {v.casefold(): v for v in allowed}

    def parse(value: str) -> str:
        try:
            return by_key[value.casefold()]
        except KeyError:
            raise InvalidValue(
                str(message)
                if message
                else _("is not one of: %(values)s") % {"values": ", ".join(allowed)}
            ) from None

    return _describe(parse, "", " | ".join(allowed))


def lookup(
    entries: Iterable[tuple[object, Iterable[str]]], message: str
) -> Callable[[str], object]:
    """A parser that maps codes or names to ids, built once per import so that
    validating a row costs a dictionary look-up, not a query.

    `entries` yields (id, [code, name, …]); matching ignores case and accents.
    A key shared by different ids is ambiguous and rejected.
    """
    index: dict[str, object] = {}
    ambiguous: set[str] = set()
    for ident, keys in entries:
        for key in keys:
            norm = normalise_name(str(key))
            if norm in index and index[norm] != ident:
                ambiguous.add(norm)
            index[norm] = ident

    def parse(value: str) -> object:
        norm = normalise_name(value)
        if norm in ambiguous:
            raise InvalidValue(_("matches several records; use its code"))
        try:
            return index[norm]
        except KeyError:
            raise InvalidValue(message) from None

    return _describe(parse, None, "")


def department_parser(departments: Iterable[tuple[int, str, str]]) -> Parser:
    """Departments by ISO 3166-2 code (SV-SS) or exact name, accents and case aside.

    `departments` yields (id, code, name)."""
    parse = lookup(
        ((pk, (code, name)) for pk, code, name in departments),
        _("is not a known department (use its code, e.g. SV-SS, or its name)"),
    )
    return _describe(parse, None, gettext_lazy("department code (SV-SS) or name"))


_DUI_DIGITS = re.compile(r"[0-9]{2,9}")


def canonical_national_id(value: str, country: str) -> str | None:
    """The form of a national ID that is hashed, or None when it is not valid.

    Normalised as data-formats.md says (no spaces or dashes, upper case); a DUI
    is also left-padded to its 9 digits, because spreadsheets drop leading
    zeros and the same person must get the same person_key either way. Only
    ASCII digits count: str.isdigit() also accepts "²", which int() refuses.
    """
    normalised = normalise_national_id(value)
    if country == "SV":
        if not _DUI_DIGITS.fullmatch(normalised):
            return None
        normalised = normalised.zfill(9)
    return normalised if is_valid_national_id(normalised, country) else None


def national_id(country: str | None = None) -> Parser:
    """A national identity number, checked (the country's check digit, see
    core/national_id.py) and turned at once into its person_key: the number
    itself goes no further than this function. Build it in `prepare()`:
    the country is a setting."""
    country = country or settings.COUNTRY

    def parse(value: str) -> str:
        canonical = canonical_national_id(value, country)
        if canonical is None:
            raise InvalidValue(_national_id_message(value, country))
        return person_key(canonical)

    return _describe(
        parse,
        None,
        gettext_lazy("DUI, 8 digits and a check digit (e.g. 01234567-8)")
        if country == "SV"
        else gettext_lazy("national identity number"),
    )


def _national_id_message(value: str, country: str) -> str:
    if country != "SV":
        return _("is not a valid national identity number")
    digits = normalise_national_id(value)
    if _DUI_DIGITS.fullmatch(digits) and digits.zfill(9)[:8].strip("0"):
        return _("is not a valid DUI: the check digit (the last one) does not match")
    return _("is not a valid DUI (8 digits and a check digit, e.g. 01234567-8)")
