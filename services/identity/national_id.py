"""The 12-digit citizen ID number (CCCD): shape rules, masking and the keyed lookup hash."""
from __future__ import annotations

import hashlib
import hmac
from datetime import date

from services.errors import ValidationFailed
from services.messages import LazyText, lazy_text

# Digit 4 encodes century and sex: (first year of the century) -> (male digit, female digit).
CENTURY_SEX_DIGITS: dict[int, tuple[str, str]] = {
    1900: ("0", "1"),
    2000: ("2", "3"),
    2100: ("4", "5"),
    2200: ("6", "7"),
    2300: ("8", "9"),
}
SEXES = ("male", "female")


def expected_digits(date_of_birth: date) -> tuple[str, str] | None:
    """The (male, female) choices for digit 4 given a birth date, or None out of range."""
    century = (date_of_birth.year // 100) * 100
    return CENTURY_SEX_DIGITS.get(century)


def problems(number: str, date_of_birth: date | None, sex: str | None = None) -> list[LazyText]:
    """Every reason `number` cannot belong to someone born on `date_of_birth` with `sex`."""
    if len(number) != 12 or not number.isascii() or not number.isdigit():
        return [lazy_text("identity.national_id.twelve_digits")]
    if date_of_birth is None:
        return []
    found: list[LazyText] = []
    choices = expected_digits(date_of_birth)
    if choices is None:
        return [lazy_text("identity.national_id.birth_year_out_of_range")]
    if number[3] not in choices:
        found.append(lazy_text("identity.national_id.century_digit_vs_birth"))
    elif sex in SEXES and number[3] != choices[SEXES.index(sex)]:
        found.append(lazy_text("identity.national_id.century_digit_vs_sex"))
    if number[4:6] != f"{date_of_birth.year % 100:02d}":
        found.append(lazy_text("identity.national_id.year_digits_vs_birth"))
    return found


def check(number: str, date_of_birth: date | None, sex: str | None = None, field: str = "national_id") -> None:
    """Raise a 422 on `field` when the number is malformed for this person."""
    reasons = problems(number, date_of_birth, sex)
    if reasons:
        raise ValidationFailed(lazy_text("identity.national_id.citizen_id_number_malformed"), errors={field: reasons},
                               code="malformed_national_id")


def mask(number: str) -> str:
    """`001*******45`: province code and last two digits only."""
    return number[:3] + "*" * 7 + number[-2:]


def last4_mask(number: str) -> str:
    """For staff tools: only the last four digits."""
    return "*" * 8 + number[-4:]


class NationalIdHasher:
    """HMAC-SHA256 with a secret key: an index that cannot be reversed by enumerating numbers."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def __call__(self, number: str) -> str:
        return hmac.new(self._key, number.encode(), hashlib.sha256).hexdigest()
