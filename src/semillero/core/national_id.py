"""Check digits of national identity documents, per country."""

from .pseudonymisation import normalise_national_id


def is_valid_dui(raw: str) -> bool:
    """El Salvador's DUI: 8 digits and a check digit (weights 9..2, mod 10).

    Shorter numbers are left-padded with zeros; a weighted sum of 0 is invalid.
    """
    digits = normalise_national_id(raw)
    # isascii: str.isdigit() also accepts superscripts such as '²', which int() rejects.
    if (
        not (digits.isascii() and digits.isdigit())
        or len(digits) > 9
        or len(digits) < 2
    ):
        return False
    digits = digits.zfill(9)
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True))
    if total == 0:
        return False
    remainder = total % 10
    expected = 0 if remainder == 0 else 10 - remainder
    return int(digits[8]) == expected


VALIDATORS = {"SV": is_valid_dui}


def is_valid_national_id(raw: str, country: str) -> bool:
    """True when the ID passes its country's check; countries without a rule pass."""
    validator = VALIDATORS.get(country)
    return bool(normalise_national_id(raw)) and (validator is None or validator(raw))
