"""The secrets allauth.mfa stores, encrypted with the first key of MFA_ENCRYPTION_KEY.

An authenticator app's TOTP key (``data["secret"]``), the recovery codes' seed
(``data["seed"]``) and codes carried over from another package (``data["migrated_codes"]``)
are encrypted by ``caretime.accounts.adapter.MFAAdapter`` when they are made. ``encrypt_stored``
brings every stored one under the first key: a secret stored in clear (before encryption was
switched on, or in a database restored from such a backup) is encrypted, and one encrypted
with an older key is re-encrypted, which is how a key is rotated (docs/operations.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cryptography.fernet import InvalidToken, MultiFernet
from django.db import transaction

from caretime.accounts.adapter import FERNET_PREFIX, mfa_fernet

SECRET_TYPES = ("totp", "recovery_codes")


class SecretKeyMissing(Exception):
    """A secret was encrypted with a key MFA_ENCRYPTION_KEY does not list."""


@dataclass
class Encrypted:
    from_clear: int = 0  # secrets that were stored in clear
    again: int = 0  # secrets re-encrypted with the first key


def encrypt_stored(authenticators: Any) -> Encrypted:
    """Encrypt every secret of ``authenticators`` (allauth.mfa's Authenticator model, or its
    historical model in a migration) with the first key, in one transaction."""
    fernet = mfa_fernet()
    done = Encrypted()

    def encrypted(value: str) -> str:
        if not value.startswith(FERNET_PREFIX):
            done.from_clear += 1
            return fernet.encrypt(value.encode()).decode("ascii")
        done.again += 1
        try:
            return fernet.rotate(value.encode("ascii")).decode("ascii")
        except InvalidToken:
            raise SecretKeyMissing(
                "A secret of an authenticator was encrypted with a key MFA_ENCRYPTION_KEY does not list: add "
                "that key after the new one and run this again. Nothing was changed."
            ) from None

    with transaction.atomic():
        for authenticator in authenticators.objects.select_for_update().filter(type__in=SECRET_TYPES).order_by("pk"):
            authenticator.data = _each_secret(authenticator.data, encrypted)
            authenticator.save(update_fields=["data"])
    return done


def decrypt_stored(authenticators: Any) -> None:
    """Store every secret in clear again (undoing the migration that encrypted them)."""
    fernet: MultiFernet = mfa_fernet()

    def clear(value: str) -> str:
        return fernet.decrypt(value.encode("ascii")).decode() if value.startswith(FERNET_PREFIX) else value

    with transaction.atomic():
        for authenticator in authenticators.objects.select_for_update().filter(type__in=SECRET_TYPES).order_by("pk"):
            authenticator.data = _each_secret(authenticator.data, clear)
            authenticator.save(update_fields=["data"])


def _each_secret(data: dict[str, Any], change: Any) -> dict[str, Any]:
    changed = dict(data)
    for name in ("secret", "seed"):
        if isinstance(changed.get(name), str):
            changed[name] = change(changed[name])
    if isinstance(changed.get("migrated_codes"), list):
        changed["migrated_codes"] = [
            change(code) if isinstance(code, str) else code for code in changed["migrated_codes"]
        ]
    return changed
