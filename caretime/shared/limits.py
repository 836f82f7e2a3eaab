"""Rate limits on report submissions from one connection, exact and sliding.

Each report a connection sends is logged as an arrival under a keyed hash (``ConnectionArrival``:
the hash and the time, nothing else), and a limit counts the arrivals within the window
before now: 10 in any hour, 3 about one clinic in any 24 hours. The rows live in the
database, so no other traffic can evict them (a cache culls its oldest entries when full), and
the count and the new row are written under a lock on the connection's keys, so concurrent
requests from one connection, to any app process, can never together pass a limit. A refused
request logs nothing. The client's address is only ever seen as a keyed hash that changes
with SECRET_KEY; it is never written anywhere.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import ngettext

from caretime.shared.models import ConnectionArrival

REPORTS_PER_HOUR = 10
REPORTS_PER_CLINIC_PER_DAY = 3
HOUR = 3600
DAY = 86_400


@dataclass(frozen=True)
class Limit:
    name: str
    allowed: int
    window: timedelta
    # The refusal, from the limit and how long to wait: worded when a report is refused, so
    # in the language of that request, and as one sentence with its numbers in place.
    refusal: Callable[[int, str], str]

    def message(self, wait: str) -> str:
        return self.refusal(self.allowed, wait)


def _hourly_refusal(count: int, wait: str) -> str:
    return ngettext(
        "You have sent %(count)d report in the last hour, the most we take from one connection. "
        "Please try again in %(wait)s.",
        "You have sent %(count)d reports in the last hour, the most we take from one connection. "
        "Please try again in %(wait)s.",
        count,
    ) % {"count": count, "wait": wait}


def _clinic_daily_refusal(count: int, wait: str) -> str:
    return ngettext(
        "You have sent %(count)d report about this clinic in the last 24 hours, the most we take from one "
        "connection for one clinic. Please try again in %(wait)s.",
        "You have sent %(count)d reports about this clinic in the last 24 hours, the most we take from one "
        "connection for one clinic. Please try again in %(wait)s.",
        count,
    ) % {"count": count, "wait": wait}


HOURLY = Limit("hour", REPORTS_PER_HOUR, timedelta(seconds=HOUR), _hourly_refusal)
PER_CLINIC_DAILY = Limit("clinic-day", REPORTS_PER_CLINIC_PER_DAY, timedelta(seconds=DAY), _clinic_daily_refusal)
LONGEST_WINDOW = max(HOURLY.window, PER_CLINIC_DAILY.window)


@dataclass(frozen=True)
class RateLimited:
    retry_after_seconds: int
    message: str


class ClinicReportLimit(Exception):
    """The clinic has had as many reports in 24 hours as it takes from everyone together."""

    def __init__(self, refused: RateLimited) -> None:
        super().__init__(refused.message)
        self.refused = refused


class AccountReportLimit(ClinicReportLimit):
    """The account has sent as many reports today as it may, found under the account's lock
    (a limit refused like the clinic's, wherever that one is handled)."""


def client_address(request: HttpRequest) -> str:
    """The client's address; behind ``TRUSTED_PROXY_HOPS`` proxies, read from X-Forwarded-For."""
    hops: int = settings.TRUSTED_PROXY_HOPS
    address = request.META.get("REMOTE_ADDR", "") or ""
    if hops > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= hops:
            address = forwarded[-hops]
    return address


def reporter_key(request: HttpRequest, clinic_id: int) -> str:
    """A keyed hash of the connection and the clinic: lets repeated reports from one
    connection about one clinic be counted once, without storing who sent them."""
    return salted_hmac("caretime.reports.repeat", f"{client_key(client_address(request))}:{clinic_id}").hexdigest()[:32]


def client_key(address: str) -> str:
    """A keyed hash of the address. IPv6 clients are grouped by /64: one home has a whole /64."""
    try:
        ip = ipaddress.ip_address(address)
        if ip.version == 6:
            address = str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    except ValueError:
        pass  # not an address (a test client, a unix socket): hash what we have
    return salted_hmac("caretime.shared.limits", address).hexdigest()[:32]


def take_report_slot(*, request: HttpRequest, clinic_id: int, now: datetime | None = None) -> RateLimited | None:
    """Count one report submission; None when allowed, else how long to wait."""
    moment = now or timezone.now()
    client = client_key(client_address(request))
    windows = [
        (HOURLY, salted_hmac("caretime.reports.limit.hour", client).hexdigest()[:32]),
        (PER_CLINIC_DAILY, salted_hmac("caretime.reports.limit.clinic", f"{client}:{clinic_id}").hexdigest()[:32]),
    ]
    with transaction.atomic():
        for _, key in sorted(windows, key=lambda window: window[1]):  # always in one order: no deadlock
            _lock(key)
        ConnectionArrival.objects.filter(arrived_at__lte=moment - LONGEST_WINDOW).delete()
        refused: RateLimited | None = None
        for limit, key in windows:
            arrivals = sorted(
                ConnectionArrival.objects.filter(key=key, arrived_at__gt=moment - limit.window).values_list(
                    "arrived_at", flat=True
                )
            )
            if len(arrivals) < limit.allowed:
                continue
            # The window slides: a slot opens when the arrival that keeps it full leaves it.
            frees_at = arrivals[len(arrivals) - limit.allowed] + limit.window
            wait = max(1, int((frees_at - moment).total_seconds() + 0.999))
            if refused is None or wait > refused.retry_after_seconds:
                refused = RateLimited(wait, limit.message(duration(wait)))
        if refused is None:
            ConnectionArrival.objects.bulk_create(ConnectionArrival(key=key, arrived_at=moment) for _, key in windows)
    return refused


def _lock(key: str) -> None:
    """Hold the connection's key until the transaction ends. SQLite runs one writing transaction
    at a time already (settings: IMMEDIATE); PostgreSQL takes an advisory lock on the key."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [key])


def duration(seconds: int) -> str:
    """How long to wait, in words of the request's language: "90 seconds", "50 minutes", "3 hours"."""
    if seconds < 120:
        return ngettext("%(count)d second", "%(count)d seconds", seconds) % {"count": seconds}
    if seconds < 2 * HOUR:
        minutes = round(seconds / 60)
        return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    hours = round(seconds / HOUR)
    return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
