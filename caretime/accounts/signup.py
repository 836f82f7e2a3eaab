"""Signing up: an address, then the code mailed to it; the account is made only then.

allauth's sign-up made the account (a user and an unverified address) at once for a new
address, and only mailed a note for an address that already had one: two paths whose
different database work told, by the time the answer took, who has an account. Here the
answer to the address does the same work for every address, without looking it up: it counts
the request, keeps a new code in the session and mails it, in one mail that reads the same
for everyone ("your code to create your account, or to sign in if you already have one").
The address is looked up only once the code comes back, by the person who holds it: then a
new address gets its account, verified, and an address with an account is signed in to it,
as a sign-in code would have done. Either way allauth's sign-in follows (its stages, such as
staff's authenticator code, still apply).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, cast

from allauth.account import signals
from allauth.account.adapter import get_adapter
from allauth.account.internal.flows.login import perform_login
from allauth.account.internal.userkit import filter_users_by_email
from allauth.account.models import EmailAddress, Login
from allauth.account.utils import get_next_redirect_url, passthrough_next_redirect_url, user_email
from allauth.core import ratelimit
from allauth.core.internal.cryptokit import compare_user_code
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from caretime.accounts.forms import SignUpCodeForm, SignUpForm, code_refusal

if TYPE_CHECKING:
    from django.contrib.auth.models import User

PENDING = "caretime_signup"  # the session key of a sign-up waiting for its code


@never_cache
@sensitive_post_parameters("email")
@require_http_methods(["GET", "POST"])
def sign_up(request: HttpRequest) -> HttpResponseBase:
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    if request.method != "POST":
        return _sign_up_page(request, SignUpForm())
    if not ratelimit.consume(request, action="signup"):
        return cast("HttpResponse", ratelimit.respond_429(request))
    form = SignUpForm(request.POST)
    if not form.is_valid():
        return _sign_up_page(request, form, status=400)
    email: str = form.cleaned_data["email"]
    refused = code_refusal(request, email)
    if refused is not None:
        form.add_error("email", refused)
        return _sign_up_page(request, form, status=429)
    code = get_adapter().generate_email_verification_code()
    request.session[PENDING] = {
        "email": email,
        "code": code,
        "at": time.time(),
        "attempts": 0,
        "next": get_next_redirect_url(request),  # where the person was going, a page of this site
    }
    get_adapter().send_mail(
        "accounts/email/signup_code",
        email,
        {"code": code, "minutes": settings.ACCOUNT_EMAIL_VERIFICATION_BY_CODE_TIMEOUT // 60},
    )
    return redirect("account-signup-confirm")


@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def confirm_sign_up(request: HttpRequest) -> HttpResponseBase:
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict):
        return redirect("account_signup")
    if time.time() - float(pending["at"]) > settings.ACCOUNT_EMAIL_VERIFICATION_BY_CODE_TIMEOUT:
        return _start_again(request, _("The code has expired. Enter your address again for a new one."))
    if request.method != "POST":
        return _confirm_page(request, SignUpCodeForm(), pending["email"])
    form = SignUpCodeForm(request.POST)
    if not form.is_valid():
        return _confirm_page(request, form, pending["email"], status=400)
    if not compare_user_code(actual=form.cleaned_data["code"], expected=pending["code"]):
        pending["attempts"] = int(pending["attempts"]) + 1
        if pending["attempts"] >= settings.ACCOUNT_EMAIL_VERIFICATION_BY_CODE_MAX_ATTEMPTS:
            return _start_again(request, _("Too many wrong codes: that code no longer works. Ask for a new one."))
        request.session[PENDING] = pending
        form.add_error("code", _("Incorrect code."))
        return _confirm_page(request, form, pending["email"], status=400)
    del request.session[PENDING]
    email = str(pending["email"])
    user, is_new = _account_for(request, email)
    if is_new:
        signals.user_signed_up.send(sender=user.__class__, request=request, user=user)
    login = Login(user=user, email=email, signup=is_new, redirect_url=pending.get("next"))
    return cast("HttpResponse", perform_login(request, login))


def _account_for(request: HttpRequest, email: str) -> tuple[User, bool]:
    """The account of the address, its address now verified; a new one if it has none."""
    for _attempt in range(2):  # a second confirmation of one new address may win the race
        found = filter_users_by_email(email, prefer_verified=True, for_login=True)
        if found:
            user = cast("User", found[0])
            address = EmailAddress.objects.filter(user=user, email__iexact=email).first()
            if address is None:  # e.g. a superuser made by createsuperuser, with no address row
                EmailAddress.objects.create(
                    user=user, email=email, verified=True, primary=not EmailAddress.objects.filter(user=user).exists()
                )
            elif not address.verified:
                address.verified = True
                address.save(update_fields=["verified"])
            return user, False
        try:
            with transaction.atomic():
                adapter = get_adapter()
                user = cast("User", adapter.new_user(request))
                user_email(user, email)
                adapter.populate_username(request, user)
                user.set_unusable_password()
                user.save()
                EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
            return user, True
        except IntegrityError:
            continue
    raise IntegrityError(email)  # pragma: no cover - the address was taken and then vanished


def _start_again(request: HttpRequest, message: str) -> HttpResponseBase:
    request.session.pop(PENDING, None)
    messages.error(request, message)
    return redirect("account_signup")


def _sign_up_page(request: HttpRequest, form: SignUpForm, status: int = 200) -> HttpResponse:
    next_url = get_next_redirect_url(request)
    context: dict[str, Any] = {
        "form": form,
        "login_url": passthrough_next_redirect_url(request, reverse("account_login"), REDIRECT_FIELD_NAME),
        "redirect_field": format_html('<input type="hidden" name="{}" value="{}">', REDIRECT_FIELD_NAME, next_url)
        if next_url
        else "",
    }
    return render(request, "account/signup.html", context, status=status)


def _confirm_page(request: HttpRequest, form: SignUpCodeForm, email: str, status: int = 200) -> HttpResponse:
    minutes = settings.ACCOUNT_EMAIL_VERIFICATION_BY_CODE_TIMEOUT // 60
    return render(
        request, "accounts/signup_confirm.html", {"form": form, "email": email, "minutes": minutes}, status=status
    )
