"""Who is calling the API: the owner of a personal token, or the person signed in.

For ``caretime.api``: ``api_user(request)`` in a view, or ``auth=TokenOrSessionAuth()`` on a
route. A token is sent as ``Authorization: Bearer ct_...``. No browser sends that header by
itself, so a token request needs no CSRF token; a browser does send the session cookie with
requests that other sites make it send, so a signed-in session counts on an unsafe method
(POST, PUT, PATCH, DELETE) only together with a valid CSRF token, as on every form of the site.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from allauth.account.models import EmailAddress
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import timezone
from django.utils.translation import gettext
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer

from caretime.accounts.selectors import token_for_secret
from caretime.accounts.services import record_token_use

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User

__all__ = ["CsrfFailed", "InvalidToken", "TokenOrSessionAuth", "api_user", "has_verified_email", "token_sent"]

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def api_user(request: HttpRequest) -> User | None:
    """The person this request acts for, or None.

    With an ``Authorization: Bearer`` header, the owner of that token if it is valid (the day
    of use is recorded, at most one write a day), else None: a client whose credentials fail
    is told so rather than served as whoever the browser session belongs to. Without one, the
    signed-in user, but on an unsafe method only when the request carries a valid CSRF token.
    """
    secret = _bearer_secret(request)
    if secret is not None:
        return _token_user(secret)
    user = signed_in_user(request)
    if user is not None and not _passes_csrf(request):
        return None
    return user


def token_sent(request: HttpRequest) -> bool:
    """Whether the request carries an ``Authorization: Bearer`` header, working or not."""
    return _bearer_secret(request) is not None


class InvalidToken(AuthenticationError):
    """A token was sent and none that works has it (unknown, revoked or expired): told apart
    from sending none, so that a client knows to make a new one rather than to send one."""


class CsrfFailed(HttpError):
    """A write with the browser session but without its CSRF token."""

    def __init__(self) -> None:
        super().__init__(403, gettext("The CSRF check failed: reload the page and try again."))


def has_verified_email(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    """Whether the person has proved they receive mail at one of their addresses: what
    filing a visit report needs."""
    if user is None or not user.is_authenticated:
        return False
    return bool(EmailAddress.objects.filter(user=user, verified=True).exists())


class TokenOrSessionAuth(HttpBearer):
    """``auth=`` for ninja routes: a personal token, else the signed-in session.

    Documented in OpenAPI as bearer authentication. A session request on an unsafe method
    without a valid CSRF token is refused (``CsrfFailed``, 403, as ninja's ``SessionAuth``
    does); a token that does not work is ``InvalidToken``; no credentials at all is ninja's 401.
    """

    def __call__(self, request: HttpRequest) -> User | None:
        secret = _bearer_secret(request)
        if secret is not None:
            user = self.authenticate(request, secret)
            if user is None:
                raise InvalidToken()
            return user
        user = signed_in_user(request)
        if user is not None and not _passes_csrf(request):
            raise CsrfFailed()
        return user

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        return _token_user(token)


def _bearer_secret(request: HttpRequest) -> str | None:
    """The token of an ``Authorization: Bearer`` header ("" when it is empty), else None."""
    scheme, _, secret = request.headers.get("Authorization", "").strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return secret.strip()


def _token_user(secret: str) -> User | None:
    token = token_for_secret(secret)
    if token is None:
        return None
    record_token_use(token, today=timezone.localdate())
    return token.user


def signed_in_user(request: HttpRequest) -> User | None:
    """The person signed in to this session, or None."""
    # Requests that never went through AuthenticationMiddleware (tests, scripts) have no user.
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return cast("User", user)


def _passes_csrf(request: HttpRequest) -> bool:
    if request.method in _SAFE_METHODS:
        return True
    if getattr(request, "_ninja_csrf_exempt", False):
        return True  # the route's author marked it csrf_exempt on purpose
    # Django's own check, as the middleware would have made it had the view not been exempt
    # (ninja's views are, so that routes without session auth take plain JSON POSTs).
    check = CsrfViewMiddleware(_unused_view)
    check.process_request(request)
    return check.process_view(request, _unused_view, (), {}) is None


def _unused_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse()  # pragma: no cover - the check only needs a callable to look at
