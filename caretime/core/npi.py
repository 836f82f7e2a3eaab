"""National Provider Identifier (NPI) check digit.

An NPI is ten digits: a nine-digit base plus a Luhn check digit computed as if the
number were prefixed by the ISO card issuer prefix ``80840``. Adding that prefix to
the Luhn sum is the same as adding the constant 24 to the nine-digit sum.
"""

from __future__ import annotations

from caretime.core.text import gettext_noop
from caretime.core.wording import Message

_PREFIX_CONSTANT = 24
# Luhn's doubled digit, with 9 taken off when it exceeds 9 (imports check millions of NPIs).
_DOUBLED = {str(digit): (2 * digit if digit < 5 else 2 * digit - 9) for digit in range(10)}
_DIGIT = {str(digit): digit for digit in range(10)}


def _luhn_sum_of_base(base: str) -> int:
    """The Luhn sum of a nine-digit base: its rightmost digit doubled, then every other one
    leftwards (spelt out, because imports check millions of NPIs)."""
    d, k = _DOUBLED, _DIGIT
    return (
        _PREFIX_CONSTANT
        + d[base[8]] + d[base[6]] + d[base[4]] + d[base[2]] + d[base[0]]
        + k[base[7]] + k[base[5]] + k[base[3]] + k[base[1]]
    )  # fmt: skip


def npi_check_digit(base: str) -> int:
    """Return the check digit for a nine-digit NPI base."""
    if len(base) != 9 or not base.isdigit():
        raise ValueError("an NPI base is exactly nine digits")
    return (10 - _luhn_sum_of_base(base) % 10) % 10


def npi_problem(value: str) -> str | None:
    """Say what is wrong with an NPI in words a person can act on (in the language of the page),
    or None if it is valid."""
    if len(value) != 10 or not value.isdigit():
        return str(Message(gettext_noop("An NPI is exactly 10 digits.")))
    if value[0] not in "12":
        return str(Message(gettext_noop("An NPI starts with 1 or 2.")))
    if npi_check_digit(value[:9]) != int(value[9]):
        return str(Message(gettext_noop("This NPI's last digit does not match its check digit; check for a typo.")))
    return None


def is_valid_npi(value: str) -> bool:
    return npi_problem(value) is None


def make_npi(base: int) -> str:
    """Build a valid NPI from an integer base (used by demo data and generated files)."""
    text = f"{base:09d}"
    if len(text) != 9 or text[0] not in "12":
        raise ValueError("an NPI base is nine digits starting with 1 or 2")
    return text + str(npi_check_digit(text))
