"""Moderating held call and visit reports. Registered here, above the reports source, because a
decision changes the derived tables, which only the actions keep (``caretime.verdicts.actions``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from caretime.clinicside.models import Claim
from caretime.core.evidence import Standing
from caretime.reports.models import CallReport, ModerationDecision, VisitReport
from caretime.reports.services import BURST_RULE
from caretime.shared.moderation import WhatPeopleReported
from caretime.verdicts.actions import decide_held_reports, revoke_claim

if TYPE_CHECKING:
    _ReportAdmin = admin.ModelAdmin[Any]
    _DecisionAdmin = admin.ModelAdmin[ModerationDecision]
else:  # ModelAdmin is generic for the type checker only
    _ReportAdmin = admin.ModelAdmin
    _DecisionAdmin = admin.ModelAdmin


class _HeldReportsAdmin(WhatPeopleReported, _ReportAdmin):
    """What moderating call and visit reports share: nobody adds or edits what someone
    reported; held reports are released or rejected by an action, each decision logged. The
    lists show no verdict and no rating to decide by, and never the account behind a report."""

    list_filter = ["standing", "discipline", "is_demo"]
    search_fields = ["clinic__name"]
    raw_id_fields = ["clinic"]
    exclude = ["account"]
    actions = ["release_held", "reject_held"]

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.has_perm("reports.view_callreport")

    @admin.display(description=_("Why it is held"))
    def held_because(self, report: CallReport | VisitReport) -> str:
        return BURST_RULE if report.standing == Standing.HELD else ""

    def _decide(self, request: HttpRequest, queryset: QuerySet[Any], *, release: bool) -> None:
        moderator_id = request.user.pk
        if moderator_id is None:  # only a signed-in moderator reaches an admin action
            raise PermissionDenied
        decided = decide_held_reports(reports=queryset, release=release, moderator_id=moderator_id)
        skipped = queryset.count() - decided
        text = (
            ngettext("%(count)d held report released.", "%(count)d held reports released.", decided)
            if release
            else ngettext("%(count)d held report rejected.", "%(count)d held reports rejected.", decided)
        ) % {"count": decided}
        if skipped:
            text += " " + _("Reports that were not held are left as they were.")
        self.message_user(request, text, messages.SUCCESS if decided else messages.WARNING)

    @admin.action(description=_("Release the selected held reports (count them)"), permissions=["moderate"])
    def release_held(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._decide(request, queryset, release=True)

    @admin.action(description=_("Reject the selected held reports (never count them)"), permissions=["moderate"])
    def reject_held(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._decide(request, queryset, release=False)


@admin.register(CallReport)
class CallReportAdmin(_HeldReportsAdmin):
    """Call reports, notes included (which the public never sees)."""

    list_display = ["id", "clinic", "discipline", "called_in", "received_on", "standing", "held_because", "is_demo"]
    date_hierarchy = "called_in"


@admin.register(VisitReport)
class VisitReportAdmin(_HeldReportsAdmin):
    """Patients' visit reports; those from people connected to the clinic are marked."""

    list_display = [
        "id",
        "clinic",
        "discipline",
        "visited_in",
        "received_on",
        "standing",
        "held_because",
        "connected",
        "is_demo",
    ]
    list_filter = ["standing", "connected", "discipline", "is_demo"]
    date_hierarchy = "visited_in"


@admin.register(ModerationDecision)
class ModerationDecisionAdmin(_DecisionAdmin):
    """The log of moderators' decisions: read only, kept with the report."""

    list_display = ["decided_at", "decision", "report", "visit_report", "moderator", "rule"]
    list_filter = ["decision"]
    raw_id_fields = ["report", "visit_report"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ModerationDecision | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ModerationDecision | None = None) -> bool:
        return False


if TYPE_CHECKING:
    _ClaimAdmin = admin.ModelAdmin[Claim]
else:
    _ClaimAdmin = admin.ModelAdmin


@admin.register(Claim)
class ClaimAdmin(_ClaimAdmin):
    """Who speaks for which clinic. Staff only revoke (an action, logged); nobody edits a claim
    or sees its code, which is stored hashed. Registered here because revoking takes the clinic's
    statements out of its verdict (``actions.revoke_claim``)."""

    list_display = ["clinic", "state", "channel", "requested_at", "confirmed_at", "ended_at"]
    list_filter = ["state", "channel"]
    search_fields = ["clinic__name"]
    readonly_fields = ["clinic", "account", "channel", "sent_to", "state", "requested_at", "confirmed_at", "ended_at",
                       "wrong_tries", "code_expires_at"]  # fmt: skip
    exclude = ["code_hash"]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Claim | None = None) -> bool:
        return False

    @admin.action(description=_("Revoke the claim"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[Claim]) -> None:
        if not isinstance(request.user, User):
            raise PermissionDenied
        for claim in queryset:
            revoke_claim(claim=claim, staff=request.user, reason="revoked from the admin")
        self.message_user(
            request,
            ngettext("%(count)d claim revoked.", "%(count)d claims revoked.", len(queryset)) % {"count": len(queryset)},
            messages.SUCCESS,
        )
