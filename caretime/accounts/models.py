"""What an account adds to Django's user and allauth's e-mail addresses: personal API tokens.

An account holds an e-mail address (allauth's ``EmailAddress``, with whether it is verified)
and these tokens; never a name, a password or anything about the person's health.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_NAME_MAX_CHARS = 60


class ApiToken(models.Model):
    """A secret that lets a program act for its owner in the API. Only its hash is kept."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=TOKEN_NAME_MAX_CHARS)
    prefix = models.CharField(_("first characters"), max_length=8)
    key_hash = models.CharField(_("SHA-256 of the secret"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # A day, not a time: enough to spot an unused token, too coarse to trace someone's habits.
    last_used_on = models.DateField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
