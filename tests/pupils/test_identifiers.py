"""UPN check letters, ULN check digits, URNs and placement postcode districts (domain-rules §7),
with the worked examples from the reference."""

import pytest
from django.core.exceptions import ValidationError

from pupils.identifiers import (
    normalise_upn,
    postcode_district,
    upn_check_letter,
    upn_is_temporary,
    upn_problem,
    validate_uln,
    validate_upn,
    validate_urn,
)


def test_check_letter_of_the_worked_example():
    # 2x2 + 3x0 + 4x7 + ... = 266; 266 mod 23 = 13, the 14th letter of the 23 (no I, O, S): P.
    assert upn_check_letter("207000016049") == "P"


def test_a_upn_with_the_right_check_letter_is_valid():
    assert upn_problem("B801200005001") is None
    validate_upn("B801200005001")


def test_a_upn_with_the_wrong_check_letter_says_which_it_should_be():
    assert upn_problem("A801200005001") == (
        "UPN A801200005001 has the wrong check letter (it should start B)"
    )
    with pytest.raises(ValidationError):
        validate_upn("A801200005001")


def test_a_temporary_upn_ends_in_a_letter_worth_its_place_in_the_alphabet():
    body = "80120000500A"  # the final A is worth 0, as a 0 would be
    upn = upn_check_letter(body) + body
    assert upn_check_letter(body) == upn_check_letter("801200005000")
    assert upn_problem(upn) is None
    assert upn_is_temporary(upn)
    assert not upn_is_temporary("B801200005001")


@pytest.mark.parametrize(
    "value", ["B80120000500", "B8012000050011", "I801200005001", "1801200005001"]
)
def test_a_upn_of_the_wrong_shape_is_refused(value):
    assert "is not 13 characters" in upn_problem(value)


def test_a_upn_is_read_in_capitals_without_spaces():
    assert normalise_upn(" b801 2000 05001 ") == "B801200005001"
    assert upn_problem(" b801 2000 05001 ") is None


def test_uln_check_digit():
    validate_uln("9276308686")
    for bad in ("9276308687", "0276308686", "927630868", "92763086860"):
        with pytest.raises(ValidationError):
            validate_uln(bad)


def test_urn_is_six_digits():
    validate_urn("100000")
    for bad in ("10000", "1000000", "EY1234", "10000A"):
        with pytest.raises(ValidationError):
            validate_urn(bad)


@pytest.mark.parametrize(
    ("postcode", "district"),
    [
        ("PE1 1HF", "PE1"),
        ("EC1A 1BB", "EC1A"),
        ("W1A 0AX", "W1A"),
        ("pe11hf", "PE1"),
        (" SW1A  2AA ", "SW1A"),
        ("PE1", "PE1"),
        ("", ""),
    ],
)
def test_postcode_district_keeps_only_the_outward_code(postcode, district):
    assert postcode_district(postcode) == district
