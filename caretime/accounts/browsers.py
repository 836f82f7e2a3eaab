"""Browsers that have signed in to an address before, known by a cookie they keep.

The ceiling on sign-in codes per address (settings.ACCOUNT_RATE_LIMITS) can be filled by
strangers from many networks; a browser that has signed in to the address before is not held
by it, so its owner can still get a code. The cookie holds a keyed hash of the address, which
changes with SECRET_KEY; nothing is stored on the server.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.crypto import constant_time_compare, salted_hmac

KNOWN_BROWSER_COOKIE = "caretime_signed_in"
KNOWN_BROWSER_DAYS = 365


def browser_mark(address: str) -> str:
    """What the cookie holds: a keyed hash of the address signed in to (never the address)."""
    return salted_hmac("caretime.accounts.known-browser", address.lower()).hexdigest()[:32]


def is_known_browser(request: HttpRequest, address: str) -> bool:
    return constant_time_compare(request.COOKIES.get(KNOWN_BROWSER_COOKIE, ""), browser_mark(address))


def remember_browser(response: HttpResponseBase, address: str) -> None:
    """Mark the browser that just signed in to ``address``: its requests for a code for that
    address are not held by the ceiling per address that strangers can fill."""
    response.set_cookie(
        KNOWN_BROWSER_COOKIE,
        browser_mark(address),
        max_age=KNOWN_BROWSER_DAYS * 86_400,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
