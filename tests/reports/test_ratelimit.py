"""The per-connection limits: sliding windows kept exactly in the database, an honest
Retry-After, no address stored, and no way to get past them by flooding the cache, by
racing, or by waiting for a window's edge."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection, connections
from django.test import RequestFactory
from django.utils import timezone

from caretime.core.care_time import VisitFacts, VisitKind, WholeTime
from caretime.directory.models import Clinic
from caretime.reports.models import VisitReport
from caretime.shared.limits import (
    LimitReached,
    Period,
    Window,
    client_address,
    client_key,
    take_report_slot,
)
from caretime.shared.models import ConnectionArrival
from caretime.verdicts.actions import record_visit_report
from tests.factories import make_clinic

START = datetime(2027, 1, 15, 10, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db


def request(address: str = "198.51.100.7", forwarded: str = "") -> Any:
    made = RequestFactory().post("/", REMOTE_ADDR=address)
    if forwarded:
        made.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return made


def test_the_eleventh_report_in_an_hour_is_refused_until_the_first_is_an_hour_old() -> None:
    for minute in range(10):
        assert take_report_slot(request=request(), clinic_id=minute, now=START + timedelta(minutes=minute)) is None
    refused = take_report_slot(request=request(), clinic_id=99, now=START + timedelta(minutes=10))
    assert refused is not None
    assert refused.retry_after_seconds == 50 * 60  # the first report (10:00) leaves the window at 11:00
    assert "50 minutes" in refused.message
    assert take_report_slot(request=request(), clinic_id=99, now=START + timedelta(minutes=60, seconds=1)) is None


def test_a_burst_across_the_hours_edge_gets_no_more_than_the_limit() -> None:
    """Fixed clock hours would let 10 reports at 10:59 and 10 more at 11:00 through."""
    before_edge = START + timedelta(minutes=59, seconds=30)
    for clinic_id in range(10):
        assert take_report_slot(request=request(), clinic_id=clinic_id, now=before_edge) is None
    after_edge = START + timedelta(hours=1, seconds=5)
    refused = [take_report_slot(request=request(), clinic_id=50 + i, now=after_edge) for i in range(10)]
    assert all(r is not None for r in refused)


def test_three_reports_about_one_clinic_in_any_24_hours() -> None:
    for hour in range(3):
        assert take_report_slot(request=request(), clinic_id=1, now=START + timedelta(hours=hour)) is None
    refused = take_report_slot(request=request(), clinic_id=1, now=START + timedelta(hours=20))
    assert refused is not None
    assert refused.retry_after_seconds == 4 * 3600  # the first leaves the window 24 hours after it came
    assert "in the last 24 hours" in refused.message
    assert take_report_slot(request=request(), clinic_id=1, now=START + timedelta(hours=24, seconds=1)) is None


def test_a_refusal_uses_up_nothing() -> None:
    for _ in range(3):
        assert take_report_slot(request=request(), clinic_id=1, now=START) is None
    for _ in range(5):
        assert take_report_slot(request=request(), clinic_id=1, now=START) is not None
    # 3 taken, 5 refused: the hourly count is 3, so 7 more reports elsewhere are allowed.
    for clinic_id in range(2, 2 + 10 - 3):
        assert take_report_slot(request=request(), clinic_id=clinic_id, now=START) is None
    assert take_report_slot(request=request(), clinic_id=20, now=START) is not None


def test_emptying_the_cache_resets_no_count() -> None:
    """A flood of distinct searches makes the cache cull its entries; the worst it can do is
    empty it, and the counts are not there."""
    for clinic_id in range(10):
        assert take_report_slot(request=request(), clinic_id=clinic_id, now=START) is None
    cache.clear()
    assert take_report_slot(request=request(), clinic_id=77, now=START + timedelta(minutes=1)) is not None


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the in-memory SQLite test database cannot hold concurrent writers; the PostgreSQL pass runs this",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_reports_from_one_connection_pass_exactly_the_limit() -> None:
    accepted: list[bool] = []
    start = threading.Barrier(16)

    def send(clinic_id: int) -> None:
        try:
            start.wait()
            accepted.append(take_report_slot(request=request(), clinic_id=clinic_id, now=START) is None)
        finally:
            connections.close_all()  # each thread has its own connection

    threads = [threading.Thread(target=send, args=(i,)) for i in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert accepted.count(True) == 10
    assert len(accepted) == 16


def test_clients_are_counted_apart_and_ipv6_by_64_block() -> None:
    assert client_key("2001:db8:1:2::1") == client_key("2001:db8:1:2:ffff::9")
    assert client_key("2001:db8:1:2::1") != client_key("2001:db8:1:3::1")
    assert client_key("198.51.100.7") != client_key("198.51.100.8")


def test_the_address_is_never_stored() -> None:
    take_report_slot(request=request("198.51.100.7"), clinic_id=1, now=START)
    rows = list(ConnectionArrival.objects.values_list("key", "arrived_at"))
    assert len(rows) == 2  # the hourly and the per-clinic count
    assert not any("198.51.100.7" in key for key, _ in rows)
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
            text = " || ".join(f"COALESCE(CAST({connection.ops.quote_name(c)} AS TEXT), '')" for c in columns)
            query = f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)} WHERE {text} LIKE %s"  # noqa: S608
            cursor.execute(query, ["%198.51.100.7%"])
            assert cursor.fetchone() == (0,), table


def test_old_arrivals_are_deleted_as_new_ones_come() -> None:
    take_report_slot(request=request(), clinic_id=1, now=START)
    take_report_slot(request=request("198.51.100.8"), clinic_id=1, now=START + timedelta(days=1, seconds=1))
    assert ConnectionArrival.objects.filter(arrived_at=START).count() == 0


def test_behind_trusted_proxies_the_forwarded_address_counts(settings: Any) -> None:
    assert client_address(request("10.0.0.1", forwarded="203.0.113.5")) == "10.0.0.1"
    settings.TRUSTED_PROXY_HOPS = 1
    assert client_address(request("10.0.0.1", forwarded="6.6.6.6, 203.0.113.5")) == "203.0.113.5"
    assert client_address(request("10.0.0.1")) == "10.0.0.1"


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the in-memory SQLite test database cannot hold concurrent writers; the PostgreSQL pass runs this",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_reports_of_one_account_pass_exactly_its_daily_limit() -> None:
    """Reports of one account about as many clinics, sent at once: the account's count and
    the writes happen under its lock, so exactly the daily limit is stored."""
    person = User.objects.create_user("busy", "busy@example.org")
    tries = 10 + 6
    clinics = [make_clinic(f"Clinic {i}", latitude=41.9, longitude=-87.6) for i in range(tries)]
    facts = VisitFacts(VisitKind.EARLY_FOLLOW_UP, 60, 45, 0, 0, WholeTime.YES, False)
    refused: list[int] = []
    start = threading.Barrier(tries)

    def send(clinic: Clinic) -> None:
        try:
            start.wait()
            record_visit_report(
                account=person, clinic=clinic, discipline="pt", visited_in=timezone.now().date(), facts=facts
            )
        except LimitReached:
            refused.append(clinic.pk)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(clinic,)) for clinic in clinics]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert VisitReport.objects.filter(account=person).count() == 10
    assert len(refused) == tries - 10


def test_a_limit_is_measured_over_a_span_or_a_period_never_both_or_neither() -> None:
    def words(count: int, wait: str) -> str:
        return "full"

    with pytest.raises(ValueError, match="needs a span or a period"):
        Window("one connection", "reports", 3, words)
    with pytest.raises(ValueError, match="needs a span or a period"):
        Window("one connection", "reports", 3, words, span=timedelta(hours=1), period=Period.DAY)
