"""The per-browser cap on reports without an NPI, kept in the browser itself.

The cookie holds only the year and how many such reports this browser sent in it ("2026:2"),
signed so that it cannot be edited into a lower count. Thousands of browsers hold the same
value, so it identifies no one, and nothing about it is stored on our side. Clearing it
lifts the cap: that is why reports without an NPI are also capped per clinic, counted apart from
those with an NPI on the clinic's roster, and never become evidence for the verdict.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

from caretime.shared.limits import BROWSER_WORKER_REPORTS_WITHOUT_NPI_PER_YEAR, RateLimited, admit

COOKIE = "caretime_unverified_reports"
_SALT = "caretime.workplace.unverified"
_YEAR_SECONDS = 366 * 24 * 3600


def unverified_sent(request: HttpRequest, today: date) -> int:
    """How many reports without an NPI this browser sent this year."""
    try:
        value = request.get_signed_cookie(COOKIE, salt=_SALT)
    except (KeyError, signing.BadSignature):
        return 0
    if not value:
        return 0
    year, _, count = value.partition(":")
    if year != str(today.year) or not count.isdigit():
        return 0
    return int(count)


def browser_cap(request: HttpRequest, today: date) -> RateLimited | None:
    """None while this browser may send a report without an NPI this year, else the refusal."""
    now = datetime.combine(today, datetime.min.time(), tzinfo=UTC)
    return admit(BROWSER_WORKER_REPORTS_WITHOUT_NPI_PER_YEAR, unverified_sent(request, today), now)


def count_unverified(request: HttpRequest, response: HttpResponse, today: date) -> None:
    """Add one report without an NPI to this browser's count for the year."""
    response.set_signed_cookie(
        COOKIE,
        f"{today.year}:{unverified_sent(request, today) + 1}",
        salt=_SALT,
        max_age=_YEAR_SECONDS,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
