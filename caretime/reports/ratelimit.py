"""Rate limits on report submissions, kept in Django's cache (Redis in production).

Fixed windows (an hour, a UTC day) counted with the cache's atomic ``incr``: each request
takes a slot in every window that applies, and gives them all back when any window is
full, so a refused request never uses up anything. The client's address is only ever
seen as a keyed hash that changes with SECRET_KEY; it is never written to the database.
"""

from __future__ import annotations

import contextlib
import ipaddress
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

REPORTS_PER_HOUR = 10
REPORTS_PER_CLINIC_PER_DAY = 3
HOUR = 3600
DAY = 86_400


@dataclass(frozen=True)
class Limit:
    name: str
    allowed: int
    window_seconds: int
    message: str


HOURLY = Limit(
    "hour",
    REPORTS_PER_HOUR,
    HOUR,
    f"You have sent {REPORTS_PER_HOUR} reports in the last hour, the most we take from one connection.",
)
PER_CLINIC_DAILY = Limit(
    "clinic-day",
    REPORTS_PER_CLINIC_PER_DAY,
    DAY,
    f"You have sent {REPORTS_PER_CLINIC_PER_DAY} reports about this clinic today, the most we take from one "
    "connection for one clinic.",
)


@dataclass(frozen=True)
class RateLimited:
    retry_after_seconds: int
    message: str


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
    return salted_hmac("caretime.reports.ratelimit", address).hexdigest()[:32]


def take_report_slot(*, request: HttpRequest, clinic_id: int, now: float | None = None) -> RateLimited | None:
    """Count one report submission; None when allowed, else how long to wait."""
    moment = time.time() if now is None else now
    client = client_key(client_address(request))
    windows = [
        (HOURLY, f"reports:rl:{client}:hour"),
        (PER_CLINIC_DAILY, f"reports:rl:{client}:clinic:{clinic_id}:day"),
    ]
    taken: list[str] = []
    refused: RateLimited | None = None
    for limit, prefix in windows:
        start = int(moment // limit.window_seconds) * limit.window_seconds
        key = f"{prefix}:{start}"
        remaining = start + limit.window_seconds - moment
        cache.add(key, 0, timeout=int(remaining) + 60)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr: start the window again
            cache.set(key, 1, timeout=int(remaining) + 60)
            count = 1
        taken.append(key)
        if count > limit.allowed:
            wait = max(1, int(remaining + 0.999))
            if refused is None or wait > refused.retry_after_seconds:
                refused = RateLimited(wait, f"{limit.message} Please try again in {duration(wait)}.")
    if refused is not None:
        for key in taken:
            with contextlib.suppress(ValueError):
                cache.decr(key)
    return refused


def duration(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} seconds"
    if seconds < 2 * HOUR:
        return f"{round(seconds / 60)} minutes"
    return f"{round(seconds / HOUR)} hours"
