"""Shared test setup: small directory fixtures and the environment rules of the suite."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from hypothesis import settings as hypothesis_settings
from time_machine import TimeMachineFixture

from caretime.core.kept import forget_everything_kept
from caretime.directory import search_cache
from caretime.directory.geo_index import forget_geo_index
from caretime.directory.models import Clinic
from tests.clock import NOON
from tests.factories import make_clinic
from tests.local_services import redis_up, redis_url, require
from tests.staff import staff_client

# No timing assertions in the tests: hypothesis's default deadline (200 ms an example) is one,
# and a loaded machine failed examples that were right.
hypothesis_settings.register_profile("caretime", deadline=None)
hypothesis_settings.load_profile("caretime")


@pytest.fixture
def clock(time_machine: TimeMachineFixture) -> TimeMachineFixture:
    """The clock stopped at ``tests.clock.NOON``; ``clock.shift(timedelta(...))`` moves it.
    For tests whose answers depend on the day, the month or the year. (Not for browser tests:
    their live server answers in a thread of its own, on the real clock.)"""
    time_machine.move_to(NOON, tick=False)
    return time_machine


@pytest.fixture
def client() -> Client:
    return Client()


@pytest.fixture
def admin_client(admin_user: User) -> Client:
    """pytest-django's admin_client, signed in past the admin's two-factor check."""
    return staff_client(admin_user)


@pytest.fixture(autouse=True)
def _fresh_directory_generation() -> None:
    """The cache table lives in the test database and is rolled back after each test, so this
    process's memo of the directory generation must be forgotten too: a memo read in an earlier
    test, still under a second old, would file answers under a generation the cache no longer
    holds."""
    search_cache.forget_generations()
    forget_geo_index()  # built from an earlier test's rows
    # Cards, parts of pages, widgets, care times and answers made from an earlier test's rows
    # or catalogue (tests swap LOCALE_PATHS), under generations the rolled-back cache forgot.
    forget_everything_kept()


@pytest.fixture
def chicago_clinics(db: None) -> dict[str, Clinic]:
    """Three clinics at known distances from ZIP 60614 (Lincoln Park, Chicago)."""
    return {
        "near": make_clinic(
            "Lincoln Park PT",
            latitude=41.9227,
            longitude=-87.6533,
            disciplines=("pt", "ot"),
            insurance=("medicare", "aetna"),
            npi_base=123456789,
        ),
        "mid": make_clinic(
            "Loop Speech Center",
            latitude=41.8837,
            longitude=-87.6289,
            zip_code="60601",
            disciplines=("slp",),
            insurance=("medicaid",),
        ),
        "far": make_clinic(
            "Evanston Rehab",
            latitude=42.0451,
            longitude=-87.6877,
            zip_code="60201",
            city="EVANSTON",
            disciplines=("pt",),
            insurance=("medicare",),
        ),
    }


@pytest.fixture
def shared_redis(settings: Any) -> Iterator[None]:
    """Redis as the shared cache, as in production (the tests' own is the database's table,
    through which rendered parts are not shared)."""
    require(redis_up(), "no Redis at 127.0.0.1:6379")
    settings.CACHES = {"default": {"BACKEND": "caretime.shared.redis_cache.RedisCache", "LOCATION": redis_url(8)}}
    cache.clear()
    search_cache.forget_generations()  # read from the table until now
    yield
    cache.clear()
    search_cache.forget_generations()
