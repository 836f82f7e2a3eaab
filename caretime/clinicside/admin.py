"""Staff check corrections to listings and put web domains on record. (Claims are revoked from
``caretime.verdicts.admin``: revoking takes the clinic's statements out of its verdict.)"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from caretime.clinicside.corrections import OVERDUE_DAYS, apply_correction, dismiss_correction
from caretime.clinicside.models import Correction, CorrectionState, Listing

if TYPE_CHECKING:
    _CorrectionAdmin = admin.ModelAdmin[Correction]
    _ListingAdmin = admin.ModelAdmin[Listing]
else:
    _CorrectionAdmin = _ListingAdmin = admin.ModelAdmin


class WaitingTooLong(admin.SimpleListFilter):
    title = gettext_lazy("waiting")
    parameter_name = "overdue"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", _("Waiting more than %(days)s days") % {"days": OVERDUE_DAYS})]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() != "yes":
            return queryset
        since = timezone.now().date() - timedelta(days=OVERDUE_DAYS)
        return queryset.filter(state=CorrectionState.WAITING, reported_on__lt=since)


@admin.register(Correction)
class CorrectionAdmin(_CorrectionAdmin):
    """Corrections oldest first; the filter "waiting more than 30 days" shows those overdue."""

    list_display = ["reported_on", "clinic", "kind", "state", "from_the_clinic", "days_waiting"]
    list_filter = [WaitingTooLong, "state", "kind"]
    search_fields = ["clinic__name"]
    readonly_fields = [
        "clinic",
        "claim",
        "kind",
        "details",
        "phone",
        "disciplines",
        "reported_on",
        "state",
        "decided_on",
    ]
    actions = ["apply", "dismiss"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=gettext_lazy("From the clinic"), boolean=True)
    def from_the_clinic(self, correction: Correction) -> bool:
        return correction.claim_id is not None

    @admin.display(description=gettext_lazy("Days waiting"))
    def days_waiting(self, correction: Correction) -> int | None:
        if correction.state != CorrectionState.WAITING:
            return None
        return (timezone.now().date() - correction.reported_on).days

    def _decide(self, request: HttpRequest, queryset: QuerySet[Correction], apply: bool) -> None:
        if not isinstance(request.user, User):
            raise PermissionDenied
        for correction in queryset.filter(state=CorrectionState.WAITING).select_related("clinic"):
            if apply:
                apply_correction(correction, staff=request.user)
            else:
                dismiss_correction(correction, staff=request.user)
        self.message_user(request, _("Done."), messages.SUCCESS)

    @admin.action(description=gettext_lazy("Apply to the listing (checked)"), permissions=["change"])
    def apply(self, request: HttpRequest, queryset: QuerySet[Correction]) -> None:
        self._decide(request, queryset, apply=True)

    @admin.action(description=gettext_lazy("Dismiss"), permissions=["change"])
    def dismiss(self, request: HttpRequest, queryset: QuerySet[Correction]) -> None:
        self._decide(request, queryset, apply=False)


@admin.register(Listing)
class ListingAdmin(_ListingAdmin):
    """A clinic's web domain on record (for claims by e-mail) and when its listing was confirmed."""

    list_display = ["clinic", "web_domain", "last_confirmed_on"]
    search_fields = ["clinic__name", "web_domain"]
    raw_id_fields = ["clinic"]
