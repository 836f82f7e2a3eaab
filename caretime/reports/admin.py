from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from caretime.reports.models import CallReport, ModerationDecision
from caretime.reports.services import decide_held_reports

if TYPE_CHECKING:
    _ReportAdmin = admin.ModelAdmin[CallReport]
    _DecisionAdmin = admin.ModelAdmin[ModerationDecision]
else:  # ModelAdmin is generic for the type checker only
    _ReportAdmin = admin.ModelAdmin
    _DecisionAdmin = admin.ModelAdmin


@admin.register(CallReport)
class CallReportAdmin(_ReportAdmin):
    """Moderators read call reports (notes included, which the public never sees); nobody
    edits what someone reported. Reports held after a burst are released or rejected here,
    each decision logged; the list shows no verdict and no rating to decide by."""

    list_display = ["id", "clinic", "discipline", "called_in", "received_on", "standing", "is_demo"]
    list_filter = ["standing", "discipline", "is_demo"]
    search_fields = ["clinic__name"]
    raw_id_fields = ["clinic"]
    date_hierarchy = "called_in"
    actions = ["release_held", "reject_held"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: CallReport | None = None) -> bool:
        return False

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.has_perm("reports.view_callreport")

    def _decide(self, request: HttpRequest, queryset: QuerySet[CallReport], *, release: bool) -> None:
        assert request.user.pk is not None
        decided = decide_held_reports(reports=queryset, release=release, moderator_id=request.user.pk)
        skipped = queryset.count() - decided
        text = (
            ngettext("%(count)d held report released.", "%(count)d held reports released.", decided)
            if release
            else ngettext("%(count)d held report rejected.", "%(count)d held reports rejected.", decided)
        ) % {"count": decided}
        if skipped:
            text += " " + _("Reports that were not held are left as they were.")
        self.message_user(request, text, messages.SUCCESS if decided else messages.WARNING)

    @admin.action(description="Release the selected held reports (count them)", permissions=["moderate"])
    def release_held(self, request: HttpRequest, queryset: QuerySet[CallReport]) -> None:
        self._decide(request, queryset, release=True)

    @admin.action(description="Reject the selected held reports (never count them)", permissions=["moderate"])
    def reject_held(self, request: HttpRequest, queryset: QuerySet[CallReport]) -> None:
        self._decide(request, queryset, release=False)


@admin.register(ModerationDecision)
class ModerationDecisionAdmin(_DecisionAdmin):
    """The log of moderators' decisions: read only, kept with the report."""

    list_display = ["decided_at", "decision", "report", "moderator", "rule"]
    list_filter = ["decision"]
    raw_id_fields = ["report"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ModerationDecision | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ModerationDecision | None = None) -> bool:
        return False
