from __future__ import annotations

from typing import TYPE_CHECKING, Any

# Imported first, so that allauth has registered its own admin for authenticators, which
# is replaced below (it would show and let staff edit everyone's authenticator secrets).
import allauth.mfa.admin  # noqa: F401
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.db.models import QuerySet
from django.http import HttpRequest

from caretime.accounts.models import ApiToken

if TYPE_CHECKING:
    _TokenAdmin = admin.ModelAdmin[ApiToken]
    _LogEntryAdmin = admin.ModelAdmin[LogEntry]
    _AuthenticatorAdmin = admin.ModelAdmin[Any]
else:  # ModelAdmin is generic for the type checker only
    _TokenAdmin = _LogEntryAdmin = _AuthenticatorAdmin = admin.ModelAdmin


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


@admin.register(LogEntry)
class LogEntryAdmin(_LogEntryAdmin):
    """The audit log: every change made in the admin, and every moderator's decision
    (caretime.accounts.audit). Read only, for everyone, superusers included; and because
    nobody may delete an entry here, the admin also refuses to delete an account that has
    entries (which would take its entries with it)."""

    list_display = ["action_time", "user", "action_flag", "content_type", "object_repr", "message"]
    list_filter = ["action_flag", "content_type"]
    list_select_related = ["user", "content_type"]
    search_fields = ["object_repr", "change_message", "user__username", "user__email"]
    date_hierarchy = "action_time"
    fields = readonly_fields = (
        "action_time",
        "user",
        "action_flag",
        "content_type",
        "object_id",
        "object_repr",
        "message",
    )

    @admin.display(description="what was done")
    def message(self, entry: LogEntry) -> str:
        return entry.get_change_message()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: LogEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: LogEntry | None = None) -> bool:
        return False


admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(_AuthenticatorAdmin):
    """Who has two-factor sign-in, of which kind, and when it was last used; never its
    secret. Deleting a person's authenticator app (they lost their phone) also deletes their
    recovery codes, and they set up a new app the next time they open the admin. Nobody deletes
    their own here: whoever held their session could then set up an app of their own; a person
    replaces their own app from their account page, which asks for one of its codes first."""

    list_display = ["user", "type", "created_at", "last_used_at"]
    list_filter = ["type"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__email"]
    fields = readonly_fields = ("user", "type", "created_at", "last_used_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.user_id == request.user.pk:
            return False
        return super().has_delete_permission(request, obj)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        _delete_lone_recovery_codes([obj.user_id])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        users = list(queryset.values_list("user_id", flat=True))
        super().delete_queryset(request, queryset)
        _delete_lone_recovery_codes(users)


def _delete_lone_recovery_codes(user_ids: list[int]) -> None:
    """Recovery codes stand in for an authenticator app; without one they must go too
    (as allauth does when a person removes their own app)."""
    with_app = Authenticator.objects.filter(user_id__in=user_ids).exclude(type=Authenticator.Type.RECOVERY_CODES)
    Authenticator.objects.filter(user_id__in=user_ids, type=Authenticator.Type.RECOVERY_CODES).exclude(
        user_id__in=with_app.values("user_id")
    ).delete()
