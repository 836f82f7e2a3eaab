"""Reads for the account page and the API."""

from __future__ import annotations

from typing import TYPE_CHECKING

from allauth.account.models import EmailAddress
from django.db.models import QuerySet
from django.utils import timezone

from caretime.accounts.models import ApiToken
from caretime.accounts.tokens import hash_secret, looks_like_secret

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def email_addresses_of(user: User) -> list[EmailAddress]:
    return list(EmailAddress.objects.filter(user=user).order_by("-primary", "email"))


def token_for_secret(secret: str) -> ApiToken | None:
    """The unexpired token of an active account whose secret this is, else None: an expired
    token is refused exactly as one that never existed."""
    if not looks_like_secret(secret):
        return None
    return (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_secret(secret), user__is_active=True, expires_at__gt=timezone.now())
        .first()
    )
