"""manage.py encrypt_mfa_secrets: every authenticator secret encrypted with the first key of
MFA_ENCRYPTION_KEY (those in clear, and those under an older key: key rotation)."""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from django.core.management.base import BaseCommand, CommandError

from caretime.web.mfa_secrets import SecretKeyMissing, encrypt_stored


class Command(BaseCommand):
    help = (
        "Encrypt every stored authenticator secret (TOTP keys, recovery-code seeds) with the first key of "
        "MFA_ENCRYPTION_KEY: secrets stored in clear, and secrets encrypted with an older key listed after it. "
        "Run it after putting a new key first; then the old key can be dropped (docs/operations.md)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            done = encrypt_stored(Authenticator)
        except SecretKeyMissing as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Encrypted {done.from_clear} secret(s) stored in clear and re-encrypted {done.again} with the "
                "first key of MFA_ENCRYPTION_KEY; older keys can now be dropped from it."
            )
        )
