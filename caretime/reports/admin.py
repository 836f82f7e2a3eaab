from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin
from django.http import HttpRequest

from caretime.reports.models import CallReport

if TYPE_CHECKING:
    _ReportAdmin = admin.ModelAdmin[CallReport]
else:  # ModelAdmin is generic for the type checker only
    _ReportAdmin = admin.ModelAdmin


@admin.register(CallReport)
class CallReportAdmin(_ReportAdmin):
    """Moderators read call reports (notes included, which the public never sees); nobody
    edits what someone reported."""

    list_display = ["id", "clinic", "discipline", "called_in", "therapist_minutes", "care", "visits", "is_demo"]
    list_filter = ["discipline", "care", "visits", "is_demo"]
    search_fields = ["clinic__name"]
    raw_id_fields = ["clinic"]
    date_hierarchy = "called_in"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: CallReport | None = None) -> bool:
        return False
