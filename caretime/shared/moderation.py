"""What every admin of people's reports shares: moderators read, release and reject, but nobody
adds, edits or deletes what someone reported in the admin. A plain edit or delete would skip the
services and the actions, and with them the derived tables and the moderators' log."""

from __future__ import annotations

from django.http import HttpRequest


class WhatPeopleReported:
    """A mixin for a ModelAdmin of reports, before ``admin.ModelAdmin`` among its bases."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
