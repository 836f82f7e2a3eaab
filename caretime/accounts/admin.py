from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin
from django.http import HttpRequest

from caretime.accounts.models import ApiToken

if TYPE_CHECKING:
    _TokenAdmin = admin.ModelAdmin[ApiToken]
else:  # ModelAdmin is generic for the type checker only
    _TokenAdmin = admin.ModelAdmin


@admin.register(ApiToken)
class ApiTokenAdmin(_TokenAdmin):
    """Staff can see which tokens exist and revoke (delete) one; nothing more. The hash is
    never shown, and a token cannot be made here: its secret is shown only to its owner."""

    list_display = ["name", "prefix", "user", "created_at", "last_used_on"]
    list_select_related = ["user"]
    search_fields = ["name", "prefix", "user__email"]
    fields = readonly_fields = ("name", "prefix", "user", "created_at", "last_used_on")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
