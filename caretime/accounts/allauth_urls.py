"""allauth's pages, mounted at /accounts/, with the password pages switched off and the
sign-up served by caretime (``caretime.accounts.signup``).

Accounts have no password (settings: ``ACCOUNT_SIGNUP_FIELDS``), yet allauth still serves
pages to set, change and reset one, and to confirm one's identity with it. Left on, they
would let a person store a password nobody asked for, and let anyone have a reset mail sent
to any address. Each keeps its URL name, because allauth's own code reverses some of them,
and answers 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn

from allauth.urls import urlpatterns as allauth_urlpatterns
from django.http import Http404, HttpRequest, HttpResponseBase
from django.urls import URLPattern, URLResolver, path

from caretime.accounts import signup

PASSWORD_PAGES = frozenset(
    {
        "account_change_password",
        "account_set_password",
        "account_reset_password",
        "account_reset_password_done",
        "account_reset_password_from_key",
        "account_reset_password_from_key_done",
        "account_reauthenticate",
    }
)


# Pages caretime serves in place of allauth's, at the same address and name.
REPLACED: dict[str, Callable[..., HttpResponseBase]] = {"account_signup": signup.sign_up}


def not_offered(request: HttpRequest, *args: Any, **kwargs: Any) -> NoReturn:
    raise Http404("caretime accounts have no password.")


def _switch_off(patterns: list[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    kept: list[URLPattern | URLResolver] = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            kept.append(
                URLResolver(
                    pattern.pattern,
                    _switch_off(list(pattern.url_patterns)),
                    app_name=pattern.app_name,
                    namespace=pattern.namespace,
                )
            )
        elif pattern.name in PASSWORD_PAGES:
            kept.append(URLPattern(pattern.pattern, not_offered, name=pattern.name))
        elif pattern.name in REPLACED:
            kept.append(URLPattern(pattern.pattern, REPLACED[pattern.name], name=pattern.name))
        else:
            kept.append(pattern)
    return kept


urlpatterns = [
    path("signup/confirm/", signup.confirm_sign_up, name="account-signup-confirm"),
    *_switch_off(list(allauth_urlpatterns)),
]
