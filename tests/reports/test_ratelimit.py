"""The rate limiter: fixed windows in the cache, honest Retry-After, no address stored."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory

from caretime.reports.ratelimit import DAY, HOUR, client_address, client_key, take_report_slot

START = 1_800_000_000.0 - (1_800_000_000 % DAY)  # midnight UTC, so windows are easy to reason about


# The cache is a database table unless REDIS_URL is set.
pytestmark = pytest.mark.django_db


def request(address: str = "198.51.100.7", forwarded: str = "") -> Any:
    made = RequestFactory().post("/", REMOTE_ADDR=address)
    if forwarded:
        made.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return made


def test_the_hourly_window_refuses_the_eleventh_and_says_when_to_come_back() -> None:
    for clinic_id in range(10):
        assert take_report_slot(request=request(), clinic_id=clinic_id, now=START + 600) is None
    refused = take_report_slot(request=request(), clinic_id=99, now=START + 600)
    assert refused is not None
    assert refused.retry_after_seconds == HOUR - 600
    assert "50 minutes" in refused.message
    # The next hour is a new window.
    assert take_report_slot(request=request(), clinic_id=99, now=START + HOUR) is None


def test_the_clinic_window_lasts_the_utc_day() -> None:
    for hour in range(3):
        assert take_report_slot(request=request(), clinic_id=1, now=START + hour * HOUR) is None
    refused = take_report_slot(request=request(), clinic_id=1, now=START + 5 * HOUR)
    assert refused is not None
    assert refused.retry_after_seconds == DAY - 5 * HOUR
    assert take_report_slot(request=request(), clinic_id=1, now=START + DAY) is None


def test_a_refusal_gives_its_slots_back() -> None:
    for _ in range(3):
        assert take_report_slot(request=request(), clinic_id=1, now=START) is None
    for _ in range(5):
        assert take_report_slot(request=request(), clinic_id=1, now=START) is not None
    # 3 taken, 5 refused: the hourly count is 3, so 7 more reports elsewhere are allowed.
    for clinic_id in range(2, 9):
        assert take_report_slot(request=request(), clinic_id=clinic_id, now=START) is None
    assert take_report_slot(request=request(), clinic_id=20, now=START) is not None


def test_clients_are_counted_apart_and_ipv6_by_64_block() -> None:
    assert client_key("2001:db8:1:2::1") == client_key("2001:db8:1:2:ffff::9")
    assert client_key("2001:db8:1:2::1") != client_key("2001:db8:1:3::1")
    assert client_key("198.51.100.7") != client_key("198.51.100.8")


def test_the_address_never_appears_in_the_cache_keys() -> None:
    take_report_slot(request=request("198.51.100.7"), clinic_id=1, now=START)
    keys = [str(key) for key in _all_cache_keys()]
    assert keys
    assert not any("198.51.100.7" in key for key in keys)


def test_behind_trusted_proxies_the_forwarded_address_counts(settings: Any) -> None:
    assert client_address(request("10.0.0.1", forwarded="203.0.113.5")) == "10.0.0.1"
    settings.TRUSTED_PROXY_HOPS = 1
    assert client_address(request("10.0.0.1", forwarded="6.6.6.6, 203.0.113.5")) == "203.0.113.5"
    assert client_address(request("10.0.0.1")) == "10.0.0.1"


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    cache.clear()
    yield
    cache.clear()


def _all_cache_keys() -> list[object]:
    """Every key in the cache: the database table (the default) or Redis (REDIS_URL)."""
    table = getattr(cache, "_table", None)
    if table is not None:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT cache_key FROM {connection.ops.quote_name(table)}")  # noqa: S608
            return [row[0] for row in cursor.fetchall()]
    store: Any = cache._cache  # type: ignore[attr-defined]
    return list(store.get_client().keys("*"))
