import pytest
from hypothesis import given
from hypothesis import strategies as st

from caretime.core.npi import is_valid_npi, make_npi, npi_check_digit, npi_problem


def test_example_from_the_cms_specification() -> None:
    assert npi_check_digit("123456789") == 3
    assert is_valid_npi("1234567893")


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("1234567890", "check digit"),
        ("123456789", "exactly 10 digits"),
        ("12345678931", "exactly 10 digits"),
        ("12345678a3", "exactly 10 digits"),
        ("3234567893", "starts with 1 or 2"),
    ],
)
def test_invalid_npis_say_what_is_wrong(value: str, problem: str) -> None:
    message = npi_problem(value)
    assert message is not None
    assert problem in message


@given(st.integers(min_value=100_000_000, max_value=299_999_999))
def test_every_built_npi_is_valid_and_any_single_digit_change_is_caught(base: int) -> None:
    npi = make_npi(base)
    assert is_valid_npi(npi)
    last = int(npi[-1])
    for wrong in range(10):
        if wrong != last:
            assert not is_valid_npi(npi[:-1] + str(wrong))
