"""Personal API tokens: how a secret looks and how it is stored.

The secret is shown to its owner once and never stored; the database keeps its SHA-256 hash
(a lookup by hash needs no slow password hash, because a secret of 32 random bytes cannot be
guessed) and its first characters, so that the owner can tell their tokens apart.
"""

from __future__ import annotations

import hashlib
import secrets

SECRET_PREFIX = "ct_"  # noqa: S105 - not a secret: lets a leaked token be recognised (scanners, logs)
SECRET_BYTES = 32
SHOWN_PREFIX_CHARS = 8  # "ct_" and 5 random characters: enough to tell tokens apart


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(SECRET_BYTES)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def shown_prefix(secret: str) -> str:
    return secret[:SHOWN_PREFIX_CHARS]


def looks_like_secret(value: str) -> bool:
    return value.startswith(SECRET_PREFIX) and len(value) > len(SECRET_PREFIX)
