"""Street addresses from two agencies meet at one clinic when they name the same place."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from caretime.core.addresses import address_key, normalise_street, zip5


def test_spelled_out_and_abbreviated_streets_are_the_same_address() -> None:
    assert address_key("100 North Main Street, Suite 2", "60614") == address_key("100 N MAIN ST STE 2", "606141234")
    assert address_key("5 Oak Avenue", "60601") == address_key("5 OAK AVE", "60601")


def test_different_streets_or_zip_codes_stay_apart() -> None:
    assert address_key("100 N MAIN ST", "60614") != address_key("101 N MAIN ST", "60614")
    assert address_key("100 N MAIN ST", "60614") != address_key("100 N MAIN ST", "60615")


@given(st.text(max_size=60))
def test_normalising_twice_changes_nothing(line: str) -> None:
    once = normalise_street(line)
    assert normalise_street(once) == once


def test_zip5_takes_the_first_five_digits_of_a_postal_code() -> None:
    assert zip5("606141234") == "60614"
    assert zip5("60614-1234") == "60614"
    assert zip5("6061") == ""
    assert zip5("ABCDE") == ""
