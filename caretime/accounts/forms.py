from __future__ import annotations

from typing import Any, cast

from allauth.account import app_settings as allauth_settings
from allauth.account.adapter import get_adapter
from allauth.account.fields import EmailField
from allauth.account.forms import LoginForm, RequestLoginCodeForm
from allauth.account.internal.userkit import filter_users_by_email
from allauth.core import context, ratelimit
from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from caretime.accounts.browsers import is_known_browser
from caretime.accounts.models import TOKEN_NAME_MAX_CHARS


class NewTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the token"),
        max_length=TOKEN_NAME_MAX_CHARS,
        help_text=_("Where you will use it, for example “my phone”. Only you see it."),
        error_messages={
            "required": _("Give the token a name, for example “my phone”."),
            "max_length": _("Keep the name to %(limit_value)d characters or fewer (it has %(show_value)d)."),
        },
    )


# --- asking for a sign-in code -----------------------------------------------------------------

# The limits themselves are allauth rate-limit settings (settings.ACCOUNT_RATE_LIMITS), counted
# in the shared cache: "request_login_code" per network (any addresses) and per address and
# network together, "request_login_code_address" per address from every network together.
CODE_PER_ADDRESS_AND_NETWORK = "request_login_code"
CODE_PER_ADDRESS = "request_login_code_address"


class RequestCodeForm(RequestLoginCodeForm):  # type: ignore[misc]  # allauth has no type hints
    """allauth's form that mails a sign-in code, with its limits counted per address and
    network together instead of per address alone.

    Limited per address alone, three requests from anywhere kept the owner of the address
    from getting a code, again and again. Counted per address and the requesting network
    (settings.ACCOUNT_RATE_LIMITS), a stranger's requests use up only the stranger's own
    allowance; the much higher ceiling per address, from every network together, bounds the
    mail one mailbox can be sent, and a browser that has signed in to the address before
    (``caretime.accounts.browsers``) is not held by it.
    """

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"]
        if email:
            users = filter_users_by_email(email, is_active=True, prefer_verified=True, for_login=True)
            refused = code_refusal(context.request, email)
            if refused is not None:
                raise refused
            self._user = users[0] if users else None
        return email


def code_refusal(request: HttpRequest, email: str) -> forms.ValidationError | None:
    """Count one code mailed to ``email`` (to sign in, or to sign up, which mails a code
    too); None when it may go, else why not. The same work whether or not the address has an
    account: it reads only the counters."""
    address = email.lower()
    network = str(get_adapter().get_client_ip(request))  # a keyed hash of the network
    if not ratelimit.consume(request, action=CODE_PER_ADDRESS_AND_NETWORK, key=f"{address} {network}"):
        return forms.ValidationError(
            _(
                "We have sent codes for this address to your connection several times in the "
                "last few minutes. Use the newest code we sent, or try again in 10 minutes."
            ),
            code="too_many_codes",
        )
    if not is_known_browser(request, address) and not ratelimit.consume(request, action=CODE_PER_ADDRESS, key=address):
        return forms.ValidationError(
            _(
                "We have sent many codes for this address in the last hour, so we are not sending "
                "more for now. Try again in an hour, or from a browser you have signed in with before."
            ),
            code="too_many_codes_for_address",
        )
    return None


class SignInForm(LoginForm):  # type: ignore[misc]  # allauth has no type hints
    """allauth's sign-in form (without a password it mails a code), asking for the code
    through ``RequestCodeForm`` and its limits."""

    def _clean_without_password(self, email: str | None, phone: str | None) -> dict[str, Any]:
        if not email:
            self.add_error("login", get_adapter().validation_error("invalid_login"))
            return cast("dict[str, Any]", self.cleaned_data)
        form = RequestCodeForm({"email": email})
        if form.is_valid():
            self.user = form._user
        else:
            for error in form.errors.get("email") or []:
                self.add_error("login", error)
        return cast("dict[str, Any]", self.cleaned_data)


class SignUpForm(forms.Form):
    email = EmailField(
        max_length=allauth_settings.EMAIL_MAX_LENGTH,  # what the address's column holds
        error_messages={
            "required": _("Enter your e-mail address."),
            "max_length": _("An e-mail address has at most %(limit_value)d characters (this one has %(show_value)d)."),
        },
    )

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"]
        return str(get_adapter().clean_email(email.lower()))


class SignUpCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "characters"}),
        error_messages={"required": _("Enter the code from the mail we sent.")},
    )
