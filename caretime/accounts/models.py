"""What an account adds to Django's user and allauth's e-mail addresses: personal API tokens.

An account holds an e-mail address (allauth's ``EmailAddress``, with whether it is verified)
and these tokens; never a name, a password or anything about the person's health.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_NAME_MAX_CHARS = 60


def token_expiry() -> datetime:
    """When a token made now stops working."""
    return timezone.now() + timedelta(days=settings.API_TOKEN_DAYS)


class ApiToken(models.Model):
    """A secret that lets a program act for its owner in the API. Only its hash is kept."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=TOKEN_NAME_MAX_CHARS)
    prefix = models.CharField(_("first characters"), max_length=8)
    key_hash = models.CharField(_("SHA-256 of the secret"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # Set when the token is made (settings.API_TOKEN_DAYS after): from then on it answers as
    # a token that does not exist, so a leaked one does not live forever.
    expires_at = models.DateTimeField(_("expires"), default=token_expiry)
    # A day, not a time: enough to spot an unused token, too coarse to trace someone's habits.
    last_used_on = models.DateField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def has_expired(self, now: datetime | None = None) -> bool:
        return self.expires_at <= (now or timezone.now())
