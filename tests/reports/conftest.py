"""Fixtures for reports: clinics with known answers at known distances from ZIP 60614."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from time_machine import TimeMachineFixture

from caretime.directory.models import Clinic
from tests.answers import MIDDLING, MILL, ONE_ON_ONE
from tests.factories import add_call, make_clinic


@pytest.fixture(autouse=True)
def _clock_stands_still(clock: TimeMachineFixture) -> None:
    """Reports are dated by the month they arrive in, limited by the hour and day, and age by
    the day: every test here runs at ``tests.clock.NOON`` unless it moves the clock."""


@pytest.fixture(autouse=True)
def _empty_rate_limits() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def lincoln_park(db: None) -> dict[str, Clinic]:
    """Five PT clinics around 60614: two Good, one Avoid, one Unknown (40 min), one with no calls."""
    clinics = {
        "mill": make_clinic("Mill PT", latitude=41.9227, longitude=-87.6533),  # ~0.5 mi
        "good_near": make_clinic("Near Good PT", latitude=41.9300, longitude=-87.6450),
        "middling": make_clinic("Middling PT", latitude=41.9100, longitude=-87.6400),
        "silent": make_clinic("Silent PT", latitude=41.9000, longitude=-87.6300),
        "good_far": make_clinic("Far Good PT", latitude=42.0451, longitude=-87.6877, zip_code="60201", city="EVANSTON"),
    }
    add_call(clinics["mill"], MILL)
    add_call(clinics["good_near"], ONE_ON_ONE)
    add_call(clinics["good_far"], ONE_ON_ONE)
    add_call(clinics["middling"], MIDDLING)
    return clinics
