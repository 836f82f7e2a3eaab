"""Changes to an account's API tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import transaction

from caretime.accounts.models import ApiToken
from caretime.accounts.tokens import hash_secret, new_secret, shown_prefix

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Enough for a phone, a laptop and a few scripts; a bound keeps a leaked session from
# minting tokens without end, and keeps the account page short.
MAX_TOKENS_PER_PERSON = 10


class TokenLimitReached(Exception):
    """The person already has ``MAX_TOKENS_PER_PERSON`` tokens."""


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown to the person once, never stored


def create_api_token(*, user: User, name: str) -> NewToken:
    with transaction.atomic():
        # Lock the person's row so that two requests at once cannot both pass the limit.
        get_user_model().objects.select_for_update().filter(pk=user.pk).exists()
        if ApiToken.objects.filter(user=user).count() >= MAX_TOKENS_PER_PERSON:
            raise TokenLimitReached
        secret = new_secret()
        token = ApiToken.objects.create(user=user, name=name, prefix=shown_prefix(secret), key_hash=hash_secret(secret))
    return NewToken(token=token, secret=secret)


def revoke_api_token(token: ApiToken) -> None:
    token.delete()


def record_token_use(token: ApiToken, *, today: date) -> None:
    """Write the day of use at most once a day: a request that uses a token should not
    cost a database write every time."""
    if token.last_used_on == today:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_on=today)
    token.last_used_on = today
