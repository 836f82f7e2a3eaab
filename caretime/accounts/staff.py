"""Who may use the admin (and any moderator page): staff who passed two-factor sign-in.

Nobody signs in to the admin with a password. Its login page only sends a visitor on to the
site's own sign-in, by a code mailed to their address (allauth; its rate limits bound how
many codes are mailed and tried, and a wrong code costs no password hash). Past that, every
admin page (``protect_admin_urls``) and any staff page decorated with ``staff_mfa_required``
admits a signed-in, active staff member only when

- they have an authenticator app set up (allauth.mfa, TOTP): if not, they are sent to set
  one up;
- and they entered one of its codes (or a recovery code) in this session, at most
  ``STAFF_MFA_MAX_AGE`` seconds ago: at sign-in, allauth asks for it after the mailed code;
  later, or right after setting the app up, they are asked again.

allauth keeps what a session has passed in its authentication records; this module only reads
them. People who are not staff are sent to the login page, which refuses them (403).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.urls import URLPattern, URLResolver, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

__all__ = [
    "STAFF_MFA_MAX_AGE",
    "admin_login",
    "mfa_passed_at",
    "protect_admin_urls",
    "staff_gate",
    "staff_mfa_required",
]

# How long one authenticator code opens the admin: a working day. After that, a stolen or
# forgotten session cookie no longer reaches it without the phone.
STAFF_MFA_MAX_AGE = 12 * 60 * 60  # seconds

View = Callable[..., HttpResponseBase]


def mfa_passed_at(request: HttpRequest) -> float | None:
    """When the signed-in person last entered an authenticator or recovery code in this
    session (a Unix time), or None."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    times = [
        float(record["at"])
        for record in get_authentication_records(request, user)
        if record.get("method") == "mfa" and isinstance(record.get("at"), int | float)
    ]
    return max(times, default=None)


def is_staff(user: AbstractBaseUser | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.is_active and getattr(user, "is_staff", False))


def staff_gate(request: HttpRequest) -> HttpResponseRedirect | None:
    """None when the request may reach a staff page, else where to send it."""
    user = request.user
    if not is_staff(user):
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    if not is_mfa_enabled(user, [Authenticator.Type.TOTP]):
        messages.info(
            request,
            _(
                "Staff sign in with two factors: set up an authenticator app here, keep the recovery codes "
                "it gives you, then go back to the admin."
            ),
        )
        return HttpResponseRedirect(reverse("mfa_activate_totp"))
    passed = mfa_passed_at(request)
    if passed is None or time.time() - passed >= STAFF_MFA_MAX_AGE:
        query = urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})
        return HttpResponseRedirect(f"{reverse('mfa_reauthenticate')}?{query}")
    return None


def staff_mfa_required(view: View) -> View:
    """For a staff page outside the admin: the same rule as the admin's pages."""

    @functools.wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        refused = staff_gate(request)
        if refused is not None:
            return refused
        return view(request, *args, **kwargs)

    return guarded


@never_cache
def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin's login page, in place of Django's password form: it takes no password, on
    any method. A stranger goes on to the site's sign-in, and comes back to the admin after
    it; a signed-in person who is not staff is refused; staff go on to where they were going
    (and the admin's pages ask for their authenticator code if they need to)."""
    index = reverse("admin:index")
    wanted = request.GET.get(REDIRECT_FIELD_NAME, "")
    safe = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    target = wanted if wanted and safe and not wanted.startswith(request.path) else index
    if not request.user.is_authenticated:
        return HttpResponseRedirect(f"{reverse('account_login')}?{urlencode({REDIRECT_FIELD_NAME: target})}")
    if not is_staff(request.user):
        raise PermissionDenied(_("Only staff can use the admin."))
    return HttpResponseRedirect(target)


def protect_admin_urls(
    urls: tuple[list[URLPattern | URLResolver], str, str],
) -> tuple[list[URLPattern | URLResolver], str, str]:
    """An admin site's ``urls`` with its password login replaced by ``admin_login`` and every
    other page behind ``staff_gate``, except logging out. URL names are kept, so
    ``reverse("admin:...")`` works as before."""
    patterns, app_name, namespace = urls
    return _guarded(patterns), app_name, namespace


def _guarded(patterns: list[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    kept: list[URLPattern | URLResolver] = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            kept.append(
                URLResolver(
                    pattern.pattern,
                    _guarded(list(pattern.url_patterns)),
                    pattern.default_kwargs,
                    app_name=pattern.app_name,
                    namespace=pattern.namespace,
                )
            )
        elif pattern.name == "login":
            kept.append(URLPattern(pattern.pattern, admin_login, pattern.default_args, pattern.name))
        elif pattern.name == "logout":
            kept.append(pattern)
        else:
            kept.append(
                URLPattern(pattern.pattern, staff_mfa_required(pattern.callback), pattern.default_args, pattern.name)
            )
    return kept
