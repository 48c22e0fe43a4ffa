"""The shared value parsers of the import framework."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from semillero.core.importing import InvalidValue
from semillero.core.importing import parsers as p


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def message(parser, value):
    with pytest.raises(InvalidValue) as excinfo:
        parser(value)
    return excinfo.value.message


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2024-01-15", datetime.date(2024, 1, 15)),
        ("15/01/2024", datetime.date(2024, 1, 15)),
        ("5/1/2024", datetime.date(2024, 1, 5)),
        ("2024-01-15 00:00:00", datetime.date(2024, 1, 15)),
    ],
)
def test_dates_are_iso_or_day_month_year(text, expected):
    """Dates: YYYY-MM-DD, DD/MM/YYYY, and midnight date-times as exported."""
    assert p.date(text) == expected


@pytest.mark.parametrize("text", ["31/02/1990", "2024-13-01", "01/15/2024x", "ayer"])
def test_impossible_or_malformed_dates_are_rejected(text):
    """A date that does not exist (31 February) is not a valid date."""
    assert message(p.date, text) == "is not a valid date"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("sí", True),
        ("Si", True),
        ("SÍ", True),
        ("no", False),
        ("true", True),
        ("FALSE", False),
        ("1", True),
        ("0", False),
        ("yes", True),
        ("VERDADERO", True),
        ("falso", False),
    ],
)
def test_booleans_accept_spanish_and_english(text, expected):
    """sí/si/no, true/false, 1/0, yes/no and Excel's VERDADERO/FALSO."""
    assert p.boolean(text) is expected


def test_a_boolean_that_is_not_yes_or_no_is_rejected():
    """Anything else than the yes/no words is rejected, listing the accepted ones."""
    assert message(p.boolean, "quizás").startswith("is not a yes/no value")


@pytest.mark.parametrize(
    "text, expected",
    [("F", "F"), ("m", "M"), ("Mujer", "F"), ("hombre", "M"), ("female", "F")],
)
def test_sex_accepts_letters_and_words(text, expected):
    """F/M, mujer/hombre and female/male are accepted."""
    assert p.sex(text) == expected


def test_sex_rejects_other_values():
    """Any other value is rejected with the accepted letters."""
    assert message(p.sex, "X") == "is not a valid sex (use F or M)"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text", ["SV-SS", "sv-ss", "San Salvador", "san salvador", " SAN  SALVADOR"]
)
def test_departments_match_code_or_name_regardless_of_case(text):
    """Departments match by ISO code or name, whatever the case and spacing."""
    from semillero.registry.models import Department

    parse = p.department_parser(Department.objects.values_list("pk", "code", "name"))
    assert parse(text.strip()) == Department.objects.get(code="SV-SS").pk


@pytest.mark.django_db
def test_department_names_match_without_accents():
    """ "Cabanas" finds Cabañas, "usulutan" finds Usulután."""
    from semillero.registry.models import Department

    parse = p.department_parser(Department.objects.values_list("pk", "code", "name"))
    assert parse("Cabanas") == Department.objects.get(code="SV-CA").pk
    assert parse("usulutan") == Department.objects.get(code="SV-US").pk
    assert message(parse, "Atlantis").startswith("is not a known department")


def test_money_uses_a_dot_for_decimals():
    """Amounts take a dot for decimals, at most two decimals, within the field's size."""
    assert p.money()("1250.50") == Decimal("1250.50")
    assert p.money()("-3") == Decimal("-3")
    assert message(p.money(), "1,250.50").startswith("is not a valid amount")
    assert message(p.money(), "1.255") == "has more than 2 decimals"
    assert message(p.money(max_digits=4), "123") == "is too large"


def test_integers_are_whole_and_within_bounds():
    """Whole numbers only, within the column's bounds."""
    parse = p.integer(min_value=0)
    assert parse("42") == 42
    assert message(parse, "4.5") == "is not a whole number"
    assert message(parse, "-1") == "must be 0 or more"


def test_emails_are_validated():
    """E-mail addresses are checked with Django's validator."""
    assert p.email("ana@example.org") == "ana@example.org"
    assert message(p.email, "ana@") == "is not a valid e-mail address"


def test_choices_match_without_case_and_list_the_options():
    """Codes match without regard to case; the message lists the valid codes."""
    parse = p.choice(["company", "government"])
    assert parse("Company") == "company"
    assert message(parse, "ngo") == "is not one of: company, government"


def test_text_has_a_maximum_length():
    """Text longer than the field is rejected with the limit."""
    assert message(p.text(3), "abcd") == "is too long (at most 3 characters)"


def test_a_lookup_refuses_a_name_shared_by_two_records():
    """A name two records share is ambiguous: the code must be used."""
    parse = p.lookup([(1, ["A1", "Centro"]), (2, ["B1", "Centro"])], "unknown")
    assert parse("a1") == 1
    assert message(parse, "centro") == "matches several records; use its code"
    assert message(parse, "Z") == "unknown"
