"""Validation of the identifiers on a child's record (domain-rules §7)."""

import re

from django.core.exceptions import ValidationError

UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # 23 letters: no I, O or S
_UPN_SHAPE = re.compile(rf"^[{UPN_LETTERS}]\d{{11}}[0-9{UPN_LETTERS}]$")
URN_SHAPE = re.compile(r"^\d{6}$")


def upn_check_letter(body: str) -> str:
    """The check letter for the 12 characters after it: weights 2 to 13, mod 23."""
    total = 0
    for weight, char in enumerate(body, start=2):
        value = UPN_LETTERS.index(char) if char.isalpha() else int(char)
        total += weight * value
    return UPN_LETTERS[total % 23]


def normalise_upn(value: str) -> str:
    return value.strip().upper().replace(" ", "")


def upn_problem(value: str) -> str | None:
    """None for a valid UPN (permanent or temporary), otherwise why it is not."""
    upn = normalise_upn(value)
    if not _UPN_SHAPE.match(upn):
        return (
            f"UPN {upn!r} is not 13 characters: a letter, 11 digits, then a digit "
            "(or a letter for a temporary UPN)"
        )
    if upn_check_letter(upn[1:]) != upn[0]:
        return f"UPN {upn} has the wrong check letter (it should start {upn_check_letter(upn[1:])})"
    return None


def upn_is_temporary(upn: str) -> bool:
    return bool(upn) and upn[-1].isalpha()


def validate_upn(value: str) -> None:
    problem = upn_problem(value)
    if problem:
        raise ValidationError(problem, code="invalid_upn")


def validate_uln(value: str) -> None:
    if not re.fullmatch(r"[1-9]\d{9}", value):
        raise ValidationError("A ULN is 10 digits and does not start with 0", code="invalid_uln")
    total = sum(int(digit) * weight for digit, weight in zip(value, range(10, 0, -1), strict=True))
    if total % 11 != 10:
        raise ValidationError(f"ULN {value} fails its check digit", code="invalid_uln")


def validate_urn(value: str) -> None:
    if not URN_SHAPE.match(value):
        raise ValidationError("A URN is 6 digits", code="invalid_urn")


def postcode_district(postcode: str) -> str:
    """The outward code ('PE1' of 'PE1 1HF'): enough to say where a placement is without
    recording a child's address."""
    cleaned = postcode.strip().upper().replace(" ", "")
    return cleaned[:-3] if len(cleaned) > 4 else cleaned
