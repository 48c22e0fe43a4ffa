from django.test import override_settings

from semillero.core.national_id import is_valid_dui, is_valid_national_id
from semillero.core.pseudonymisation import normalise_national_id, person_key


def test_dui_check_digit_worked_by_hand():
    """00016297-5: 0·9+0·8+0·7+1·6+6·5+2·4+9·3+7·2 = 85; 85 mod 10 = 5; 10-5 = 5."""
    assert is_valid_dui("00016297-5")
    assert is_valid_dui("000162975")
    assert not is_valid_dui("00016297-4")


def test_dui_remainder_zero_gives_check_digit_zero():
    """00000001: 1·2 = 2 → check 8; 00000005: 5·2 = 10, remainder 0 → check 0."""
    assert is_valid_dui("00000001-8")
    assert is_valid_dui("00000005-0")


def test_dui_rejects_zero_sum_letters_and_long_numbers():
    assert not is_valid_dui("00000000-0")
    assert not is_valid_dui("0001629A-5")
    assert not is_valid_dui("1234567890")
    assert not is_valid_dui("")
    assert not is_valid_dui("0001629²-5")


def test_shorter_dui_is_left_padded():
    assert is_valid_dui("16297-5")


def test_countries_without_a_rule_accept_any_non_empty_id():
    assert is_valid_national_id("AB 123", "CR")
    assert not is_valid_national_id("  ", "CR")


def test_normalisation_strips_spaces_dashes_and_upper_cases():
    assert normalise_national_id(" 0001 6297-5 ") == "000162975"
    assert normalise_national_id("ab-12") == "AB12"


def test_person_key_is_a_keyed_hash_of_the_normalised_id():
    key = person_key("00016297-5")
    assert key == person_key("000162975")
    assert len(key) == 64 and "000162975" not in key
    with override_settings(PERSON_KEY_SECRET="another-secret"):
        assert person_key("00016297-5") != key
