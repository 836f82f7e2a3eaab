"""The account page: the person's address, their reports, signing out, and API tokens."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from caretime.accounts import selectors, services
from caretime.accounts.forms import NewTokenForm
from caretime.accounts.models import ApiToken

if TYPE_CHECKING:
    from django.contrib.auth.models import User


# never_cache on every page here: they are personal, and one shows a secret.
@never_cache
@login_required
@require_GET
def account_home(request: HttpRequest) -> HttpResponse:
    return _account_page(request, form=NewTokenForm())


@never_cache
@login_required
@require_POST
def create_token(request: HttpRequest) -> HttpResponse:
    form = NewTokenForm(request.POST)
    if not form.is_valid():
        return _account_page(request, form=form, status=400)
    try:
        created = services.create_api_token(user=_user(request), name=form.cleaned_data["name"])
    except services.TokenLimitReached:
        form.add_error(
            "name",
            ngettext(
                "You already have %(limit)d token. Revoke it if you no longer use it, then create this one.",
                "You already have %(limit)d tokens. Revoke one you no longer use, then create this one.",
                services.MAX_TOKENS_PER_PERSON,
            )
            % {"limit": services.MAX_TOKENS_PER_PERSON},
        )
        return _account_page(request, form=form, status=400)
    # Rendered, not redirected: the secret must not wait in the session for the next page.
    return _account_page(request, form=NewTokenForm(), created=created, status=201)


@never_cache
@login_required
@require_POST
def revoke_token(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=token_id, user=_user(request))
    services.revoke_api_token(token)
    messages.success(request, _("The token “%(name)s” is revoked: it no longer works.") % {"name": token.name})
    return redirect("account-home")


def _account_page(
    request: HttpRequest, *, form: NewTokenForm, created: services.NewToken | None = None, status: int = 200
) -> HttpResponse:
    user = _user(request)
    context = {
        "addresses": selectors.email_addresses_of(user),
        "tokens": list(selectors.tokens_of(user)),
        "form": form,
        "created": created,
        "max_tokens": services.MAX_TOKENS_PER_PERSON,
        "token_days": settings.API_TOKEN_DAYS,
    }
    return render(request, "accounts/home.html", context, status=status)


def _user(request: HttpRequest) -> User:
    # Only called behind login_required.
    return cast("User", request.user)
