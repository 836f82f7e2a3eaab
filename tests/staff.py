"""Staff in tests: the admin admits only staff who passed two-factor sign-in in their session
(caretime.accounts.staff), so ``force_login`` alone no longer opens it.

``staff_client(user)`` is a signed-in client that has also passed the second factor, the way
a person does: it gives the user an authenticator app (TOTP) with recovery codes if they have
none, and enters a code at allauth's confirm-it-is-you page. ``totp_code(secret)`` is the code
an authenticator app shows now (RFC 6238), computed here independently of allauth.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
import time

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import User
from django.test import Client

TOTP_PERIOD = 30  # seconds (allauth's default, MFA_TOTP_PERIOD)
TOTP_DIGITS = 6


def new_totp_secret() -> str:
    return base64.b32encode(secrets.token_bytes(20)).decode()


def totp_code(secret: str, *, at: float | None = None) -> str:
    """The code of ``secret`` at ``at`` (now by default). Called for now less than two seconds
    before the code changes, it waits for the next one, so that the server sees the same one."""
    if at is None:
        if TOTP_PERIOD - time.time() % TOTP_PERIOD < 2:
            time.sleep(TOTP_PERIOD - time.time() % TOTP_PERIOD + 0.05)
        at = time.time()
    counter = struct.pack(">Q", int(at) // TOTP_PERIOD)
    digest = hmac.new(base64.b32decode(secret, casefold=True), counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**TOTP_DIGITS:0{TOTP_DIGITS}d}"


def give_authenticator(user: User, secret: str | None = None) -> str:
    """An authenticator app (and recovery codes) for ``user``, as setting one up leaves them;
    returns its secret."""
    secret = secret or new_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


def unused_recovery_code(user: User) -> str:
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    return str(RecoveryCodes(authenticator).get_unused_codes()[0])


def pass_second_factor(client: Client, user: User) -> None:
    """Enter a code at allauth's confirm-it-is-you page, as staff do when the admin asks.
    A recovery code: unlike an app's code, it cannot collide with one entered moments ago."""
    response = client.post("/accounts/2fa/reauthenticate/", {"code": unused_recovery_code(user)})
    assert response.status_code == 302, response.content.decode()[:2000]


def staff_client(user: User) -> Client:
    """A client signed in as ``user`` (staff) who has passed two-factor sign-in."""
    assert user.is_staff, "the admin admits staff only"
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, new_totp_secret())
    RecoveryCodes.activate(user)  # the ones there are, or new ones
    client = Client()
    client.force_login(user)
    pass_second_factor(client, user)
    return client
