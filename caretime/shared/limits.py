"""Every limit on what people send, in one table of named windows, and one function that admits
or refuses (``admit``).

A window says whose limit it is (one connection, one account, one clinic from everyone, one
browser), what it counts, how many it allows and over how long: a sliding span (the last hour,
the last 24 hours) or a calendar period (today, this month, this year, UTC) where only the day
or month of each arrival is stored. When a window is full, the wait is until the arrival that
keeps it full leaves a sliding window, or until the next period begins.

The connection's windows count arrivals logged under keyed hashes (``ConnectionArrival``: the
hash and the time, nothing else). The rows live in the database, so no other traffic can evict
them (a cache culls its oldest entries when full), and the count and the new row are written
under a lock on the connection's keys, so concurrent requests from one connection, to any app
process, can never together pass a limit. A refused request logs nothing. The client's address
is only ever seen as a keyed hash that changes with SECRET_KEY; it is never written anywhere.
"""

from __future__ import annotations

import enum
import ipaddress
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import cast

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext, ngettext

from caretime.shared.models import ConnectionArrival

HOUR = 3600
DAY = 86_400


class Period(enum.Enum):
    """A calendar period (UTC): the window of a limit counted by the day or month stored."""

    DAY = "day"
    MONTH = "month"
    YEAR = "year"

    def start(self, now: datetime) -> datetime:
        day = now.astimezone(UTC).date()
        if self is Period.MONTH:
            day = day.replace(day=1)
        elif self is Period.YEAR:
            day = day.replace(month=1, day=1)
        return datetime.combine(day, datetime.min.time(), tzinfo=UTC)

    def next_start(self, now: datetime) -> datetime:
        day = now.astimezone(UTC).date()
        if self is Period.DAY:
            start = day + timedelta(days=1)
        elif self is Period.MONTH:
            start = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
        else:
            start = day.replace(year=day.year + 1, month=1, day=1)
        return datetime.combine(start, datetime.min.time(), tzinfo=UTC)


@dataclass(frozen=True)
class Window:
    """A limit: at most ``allowed`` arrivals of ``what`` from ``who`` within a sliding ``span``
    or within one calendar ``period``. ``refusal`` words the refusal from the number allowed
    and the wait, in the request's language, as one sentence with its numbers in place."""

    who: str
    what: str
    allowed: int
    refusal: Callable[[int, str], str]
    span: timedelta | None = None
    period: Period | None = None

    def __post_init__(self) -> None:
        if (self.span is None) == (self.period is None):
            raise ValueError(f"the limit on {self.what} from {self.who} needs a span or a period, not both")

    def message(self, wait: str) -> str:
        return self.refusal(self.allowed, wait)

    def since(self, now: datetime) -> datetime:
        """Where the window begins: arrivals after this count."""
        if self.period is not None:
            return self.period.start(now)
        return now - cast(timedelta, self.span)  # a window without a period has a span (__post_init__)


def _connection_hour(count: int, wait: str) -> str:
    return ngettext(
        "You have sent %(count)d report in the last hour, the most we take from one connection. "
        "Please try again in %(wait)s.",
        "You have sent %(count)d reports in the last hour, the most we take from one connection. "
        "Please try again in %(wait)s.",
        count,
    ) % {"count": count, "wait": wait}


def _connection_clinic_day(count: int, wait: str) -> str:
    return ngettext(
        "You have sent %(count)d report about this clinic in the last 24 hours, the most we take from one "
        "connection for one clinic. Please try again in %(wait)s.",
        "You have sent %(count)d reports about this clinic in the last 24 hours, the most we take from one "
        "connection for one clinic. Please try again in %(wait)s.",
        count,
    ) % {"count": count, "wait": wait}


def _clinic_day(count: int, wait: str) -> str:
    return ngettext(
        "This clinic has had %(count)d report in the last 24 hours, the most we take about one clinic from "
        "everyone together. Please try again in %(wait)s.",
        "This clinic has had %(count)d reports in the last 24 hours, the most we take about one clinic from "
        "everyone together. Please try again in %(wait)s.",
        count,
    ) % {"count": count, "wait": wait}


def _account_reports_day(count: int, wait: str) -> str:
    return ngettext(
        "You have sent %(count)d report today, the most we take from one account in a day. "
        "Please try again in %(wait)s.",
        "You have sent %(count)d reports today, the most we take from one account in a day. "
        "Please try again in %(wait)s.",
        count,
    ) % {"count": count, "wait": wait}


def _account_reviews_day(count: int, wait: str) -> str:
    return ngettext(
        "You have written %(count)d review today, the most we take from one account in a day. "
        "Please try again in %(wait)s.",
        "You have written %(count)d reviews today, the most we take from one account in a day. "
        "Please try again in %(wait)s.",
        count,
    ) % {"count": count, "wait": wait}


def _clinic_worker_reports_month(count: int, wait: str) -> str:
    return gettext(
        "This clinic has had many reports without an NPI this month, so we are not taking more "
        "until next month. A report with an NPI is still taken."
    )


def _browser_worker_reports_year(count: int, wait: str) -> str:
    return ngettext(
        "This browser has sent %(count)d report without an NPI this year, the most we take. "
        "You can still send this one with your NPI.",
        "This browser has sent %(count)d reports without an NPI this year, the most we take. "
        "You can still send this one with your NPI.",
        count,
    ) % {"count": count}


def _clinic_claim_codes_day(count: int, wait: str) -> str:
    return ngettext(
        "This clinic has been sent %(count)d claim code in the last 24 hours, the most we send to one clinic. "
        "Please try again in %(wait)s.",
        "This clinic has been sent %(count)d claim codes in the last 24 hours, the most we send to one clinic. "
        "Please try again in %(wait)s.",
        count,
    ) % {"count": count, "wait": wait}


def _account_claim_codes_day(count: int, wait: str) -> str:
    return ngettext(
        "You have asked for %(count)d claim code in the last 24 hours, the most we send for one account. "
        "Please try again in %(wait)s.",
        "You have asked for %(count)d claim codes in the last 24 hours, the most we send for one account. "
        "Please try again in %(wait)s.",
        count,
    ) % {"count": count, "wait": wait}


# --- the table ---------------------------------------------------------------------------------

# Reports of any kind, reviews and flags from one connection: a person reports a few clinics;
# more in an hour is a script.
CONNECTION_REPORTS_PER_HOUR = Window(
    "one connection", "reports, reviews and flags", 10, _connection_hour, span=timedelta(seconds=HOUR)
)
# The same connection about one clinic: asking a clinic again the same day adds no news.
CONNECTION_REPORTS_PER_CLINIC_PER_DAY = Window(
    "one connection", "reports about one clinic", 3, _connection_clinic_day, span=timedelta(seconds=DAY)
)
# Calls and visit reports about one clinic from everyone together: a real clinic is asked about a
# few times a month at most; more in one day is a campaign, not information. Strangers can fill
# it, so it refuses nothing: reports past it are stored and held for a moderator
# (``caretime.core.evidence.standing_on_arrival``), its refusal wording is never shown.
CLINIC_REPORTS_FROM_EVERYONE_PER_DAY = Window(
    "everyone together", "calls and visit reports about one clinic", 10, _clinic_day, span=timedelta(seconds=DAY)
)
# One account's calls and visits together in a day (only the day a report arrived is stored): a
# patient reports a visit or two, a caller a few clinics; more is a script.
ACCOUNT_REPORTS_PER_DAY = Window("one account", "calls and visit reports", 10, _account_reports_day, period=Period.DAY)
# A person reviews the clinic they went to, not ten.
ACCOUNT_REVIEWS_PER_DAY = Window("one account", "reviews", 3, _account_reviews_day, period=Period.DAY)
# Clinicians' reports whose NPI is not on the clinic's roster (or that have none) about one
# clinic and therapy in a month (they prove nothing about who sends them; only the month they
# arrived is stored). Without an NPI the next one is refused; with an NPI it is taken and held
# for a moderator, so that the answer never tells whether an NPI is on the roster.
CLINIC_WORKER_REPORTS_WITHOUT_NPI_PER_MONTH = Window(
    "everyone together",
    "clinicians' reports without an NPI about one clinic and therapy",
    20,
    _clinic_worker_reports_month,
    period=Period.MONTH,
)
# The same from one browser in a year (a signed cookie holds the count).
BROWSER_WORKER_REPORTS_WITHOUT_NPI_PER_YEAR = Window(
    "one browser", "clinicians' reports without an NPI", 3, _browser_worker_reports_year, period=Period.YEAR
)

# Codes that prove a person speaks for a clinic go to the clinic's public phone, address or
# domain: a stranger must not be able to ring a clinic's phone all day, nor one account try
# many clinics.
CLINIC_CLAIM_CODES_PER_DAY = Window(
    "everyone together", "claim codes sent to one clinic", 3, _clinic_claim_codes_day, span=timedelta(seconds=DAY)
)
ACCOUNT_CLAIM_CODES_PER_DAY = Window(
    "one account", "claim codes asked for", 3, _account_claim_codes_day, span=timedelta(seconds=DAY)
)

LIMITS = (
    CONNECTION_REPORTS_PER_HOUR,
    CONNECTION_REPORTS_PER_CLINIC_PER_DAY,
    CLINIC_REPORTS_FROM_EVERYONE_PER_DAY,
    ACCOUNT_REPORTS_PER_DAY,
    ACCOUNT_REVIEWS_PER_DAY,
    CLINIC_WORKER_REPORTS_WITHOUT_NPI_PER_MONTH,
    BROWSER_WORKER_REPORTS_WITHOUT_NPI_PER_YEAR,
    CLINIC_CLAIM_CODES_PER_DAY,
    ACCOUNT_CLAIM_CODES_PER_DAY,
)
# Not in this table: the limits on asking for sign-in codes (10 a minute from one network, 3
# for one address from one network in 10 minutes, 30 for one address from every network in an
# hour) and on sign-ups (5 a minute from one network). They are allauth's rate limits,
# settings.ACCOUNT_RATE_LIMITS, counted in the shared cache: accounts sit below this module in
# the layers, and allauth checks them in its forms before any mail goes out.

# The connection's arrival rows are kept as long as the longest of its windows needs them.
_CONNECTION_ROWS_KEPT = timedelta(seconds=DAY)


@dataclass(frozen=True)
class RateLimited:
    retry_after_seconds: int
    message: str


def admit(window: Window, arrivals: Sequence[datetime] | int, now: datetime) -> RateLimited | None:
    """None when one more arrival fits the window, else how long to wait and why.

    ``arrivals`` are the times of the arrivals within a sliding window, or, for a calendar
    period, how many arrived in it (only the count matters: the period ends for all at once)."""
    count = arrivals if isinstance(arrivals, int) else len(arrivals)
    if count < window.allowed:
        return None
    if window.period is not None:
        frees_at = window.period.next_start(now)
    elif isinstance(arrivals, int):
        raise TypeError("a sliding window needs the arrival times, not a count")
    else:
        # The window slides: a slot opens when the arrival that keeps it full leaves it.
        frees_at = sorted(arrivals)[count - window.allowed] + cast(timedelta, window.span)
    wait = max(1, int((frees_at - now).total_seconds() + 0.999))
    return RateLimited(wait, window.message(duration(wait)))


class LimitReached(Exception):
    """A window found full under the writer's lock, after a first read let the request through
    (two requests sent together): refused like that first read would have."""

    def __init__(self, refused: RateLimited) -> None:
        super().__init__(refused.message)
        self.refused = refused


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
    # The salt it had when it lived in the reports app: the same address gives the same hash.
    return salted_hmac("caretime.reports.ratelimit", address).hexdigest()[:32]


def take_report_slot(*, request: HttpRequest, clinic_id: int, now: datetime | None = None) -> RateLimited | None:
    """Count one report submission; None when allowed, else how long to wait."""
    moment = now or timezone.now()
    client = client_key(client_address(request))
    windows = [
        (CONNECTION_REPORTS_PER_HOUR, salted_hmac("caretime.reports.limit.hour", client).hexdigest()[:32]),
        (
            CONNECTION_REPORTS_PER_CLINIC_PER_DAY,
            salted_hmac("caretime.reports.limit.clinic", f"{client}:{clinic_id}").hexdigest()[:32],
        ),
    ]
    with transaction.atomic():
        for _, key in sorted(windows, key=lambda window: window[1]):  # always in one order: no deadlock
            _lock(key)
        ConnectionArrival.objects.filter(arrived_at__lte=moment - _CONNECTION_ROWS_KEPT).delete()
        refused: RateLimited | None = None
        for window, key in windows:
            arrivals = ConnectionArrival.objects.filter(key=key, arrived_at__gt=window.since(moment))
            full = admit(window, list(arrivals.values_list("arrived_at", flat=True)), moment)
            if full is not None and (refused is None or full.retry_after_seconds > refused.retry_after_seconds):
                refused = full
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
