from __future__ import annotations

import functools
import ipaddress
import secrets
from typing import TYPE_CHECKING, Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import user_username
from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.crypto import salted_hmac

from caretime.accounts.browsers import remember_browser

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from django.http import HttpRequest
    from django.http.response import HttpResponseBase


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]  # allauth has no type hints
    def populate_username(self, request: HttpRequest, user: AbstractBaseUser) -> None:
        """An opaque username instead of allauth's, which it makes from the e-mail address.

        Django's user model needs a unique username, but nobody signs in with it or sees it.
        Made from the address, it would keep part of it after the person changes or removes
        the address; opaque, the address stays the only personal datum, in one place.
        """
        if not user_username(user):
            user_username(user, f"c-{secrets.token_hex(8)}")

    def get_reauthentication_methods(self, user: AbstractBaseUser) -> list[dict[str, Any]]:
        """Ways to confirm it is still you before a sensitive change (allauth): never the
        password page, which caretime switches off (a staff account made with
        ``createsuperuser`` may still have a password); an authenticator code where the person
        has an authenticator app."""
        methods: list[dict[str, Any]] = super().get_reauthentication_methods(user)
        return [method for method in methods if method["id"] != "reauthenticate"]

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        """As allauth treats an account without a password: with no way left to confirm it is
        still you (no authenticator app yet), there is nothing to ask, so setting up the first
        app needs only the signed-in session."""
        if not super().is_reauthentication_required(app=app, **kwargs):
            return False
        user = getattr(self.request, "user", None)
        return user is None or not user.is_authenticated or bool(self.get_reauthentication_methods(user))

    def post_login(self, request: HttpRequest, user: AbstractBaseUser, **kwargs: Any) -> HttpResponseBase:
        """allauth's answer to a completed sign-in, with the browser marked as one that has
        signed in to this address (``caretime.accounts.browsers``)."""
        response: HttpResponseBase = super().post_login(request, user, **kwargs)
        remember_browser(response, kwargs.get("email") or user_display(user))
        return response

    def get_client_ip(self, request: HttpRequest) -> str:
        """A keyed hash of the visitor's network address instead of the address.

        allauth asks for it only to file its rate-limit counters in the shared cache (mail
        notifications, the other use, are off), and caretime writes no visitor's address
        anywhere (docs/privacy.md). As allauth would, an IPv6 address counts by its /64: one
        home has a whole /64. The proxy setting (ALLAUTH_TRUSTED_PROXY_COUNT) still applies.
        """
        address = str(super().get_client_ip(request))
        return salted_hmac("caretime.accounts.client", _network(address)).hexdigest()[:32]


def user_display(user: AbstractBaseUser) -> str:
    """How allauth names a person in its mails and pages (ACCOUNT_USER_DISPLAY): by the
    address, the one thing we know about them, never by the opaque username."""
    return str(getattr(user, "email", ""))


def _network(address: str) -> str:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return str(ip)


# Every Fernet token begins so (its version byte, 0x80, in base64); a TOTP key (base32, capitals)
# or a recovery-code seed (hex, small letters) never does.
FERNET_PREFIX = "gAAAAA"


class MFAAdapter(DefaultMFAAdapter):  # type: ignore[misc]  # allauth has no type hints
    """allauth.mfa stores an authenticator app's TOTP key and the recovery codes' seed through
    these hooks: encrypted with the first key of MFA_ENCRYPTION_KEY, decrypted with any of them
    (Fernet: AES-128-CBC with an HMAC), so a copy of the database holds no usable secret.

    A secret stored in clear before encryption was switched on keeps working;
    ``manage.py encrypt_mfa_secrets`` (also run by ``migrate``) encrypts it."""

    def encrypt(self, text: str) -> str:
        return mfa_fernet().encrypt(text.encode()).decode("ascii")

    def decrypt(self, encrypted_text: str) -> str:
        if not encrypted_text.startswith(FERNET_PREFIX):
            return encrypted_text  # stored in clear before encryption was switched on
        try:
            return mfa_fernet().decrypt(encrypted_text.encode("ascii")).decode()
        except InvalidToken:
            raise ImproperlyConfigured(
                "An authenticator secret was encrypted with a key that MFA_ENCRYPTION_KEY no longer lists: "
                "put that key back (after the new one) and run `manage.py encrypt_mfa_secrets`."
            ) from None


def mfa_fernet() -> MultiFernet:
    return _fernet(tuple(settings.MFA_ENCRYPTION_KEYS))


@functools.cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])
