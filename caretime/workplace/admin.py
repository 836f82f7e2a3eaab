"""Moderating held clinicians' reports: a burst of reports with an NPI, more matched reports than
the roster has people, or unmatched ones after the monthly cap wait here until a moderator
releases them. The list shows neither the answers nor anything about the sender: a moderator
decides by the pattern of arrivals, never by what a report says. Releasing changes no figure
until the next monthly batch publishes the report."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from caretime.core.workplace import WorkerStanding
from caretime.shared.moderation import WhatPeopleReported
from caretime.workplace.models import WorkerReport
from caretime.workplace.services import release_held

if TYPE_CHECKING:
    _Admin = admin.ModelAdmin[WorkerReport]
else:  # ModelAdmin is generic for the type checker only
    _Admin = admin.ModelAdmin


@admin.register(WorkerReport)
class HeldWorkerReportAdmin(WhatPeopleReported, _Admin):
    list_display = ["clinic", "discipline", "experience_year", "received_in", "npi_on_roster", "standing"]
    list_filter = ["standing", "discipline"]
    fields = ["clinic", "discipline", "experience_year", "received_in", "npi_on_roster", "standing"]
    raw_id_fields = ["clinic"]
    actions = ["release"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[WorkerReport]:
        return super().get_queryset(request).exclude(standing=WorkerStanding.COUNTED.value)

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.has_perm("workplace.view_workerreport")

    @admin.action(
        description=_("Release the selected held reports (publish them in the next batch)"), permissions=["moderate"]
    )
    def release(self, request: HttpRequest, queryset: QuerySet[WorkerReport]) -> None:
        released = release_held([str(pk) for pk in queryset.values_list("pk", flat=True)])
        self.message_user(
            request,
            ngettext("%(count)d held report released.", "%(count)d held reports released.", released)
            % {"count": released},
            messages.SUCCESS,
        )
