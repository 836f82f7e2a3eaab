"""Corrections to a listing: anyone reports what is wrong; staff check it, then apply it (the
phone, closed, the therapies) or dismiss it. Either way of confirming a listing (staff applying a
correction, or whoever speaks for the clinic saying it is right) dates it as last confirmed."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from caretime.accounts.audit import log_moderation
from caretime.clinicside.models import Claim, Correction, CorrectionKind, CorrectionState, Listing
from caretime.core.refusal import Refused
from caretime.directory.models import Clinic, ClinicService, DisciplineChoices
from caretime.directory.search_cache import directory_changed
from caretime.shared.limits import RateLimited, take_report_slot

# Staff see corrections that have waited longer than this (the admin's filter).
OVERDUE_DAYS = 30


def report_correction(
    *, request: HttpRequest, clinic: Clinic, kind: str, details: str, phone: str = "",
    disciplines: tuple[str, ...] = (), claim: Claim | None = None,
) -> Correction | RateLimited:  # fmt: skip
    problems: dict[str, str] = {}
    if kind not in CorrectionKind.values:
        problems["kind"] = _("Choose what is wrong.")
    if not 5 <= len(details.strip()) <= 1000:
        problems["details"] = _("Say in 5 to 1,000 characters what is wrong and what is right.")
    digits = "".join(ch for ch in phone if ch.isdigit())
    if phone and len(digits) != 10:
        problems["phone"] = _("Enter the phone number with its area code: 10 digits.")
    if any(code not in DisciplineChoices.values for code in disciplines):
        problems["disciplines"] = _("Choose therapies from the list.")
    if problems:
        raise Refused(problems)
    refused = take_report_slot(request=request, clinic_id=clinic.pk)
    if refused is not None:
        return refused
    return Correction.objects.create(
        clinic=clinic, claim=claim, kind=kind, details=details.strip(), phone=digits,
        disciplines=sorted(set(disciplines)), reported_on=timezone.now().date(),
    )  # fmt: skip


def confirm_listing(clinic: Clinic, on: date) -> None:
    Listing.objects.update_or_create(clinic=clinic, defaults={"last_confirmed_on": on})


def apply_correction(correction: Correction, *, staff: User) -> Correction:
    """Staff checked the correction: what it states is put on the listing, and the listing is
    confirmed today. A move or insurance plans are fixed by staff by hand; applying then only
    records it."""
    today = timezone.now().date()
    clinic = correction.clinic
    with transaction.atomic():
        if correction.kind == CorrectionKind.PHONE and correction.phone:
            clinic.phone = correction.phone
            clinic.save(update_fields=["phone", "updated_at"])
        elif correction.kind == CorrectionKind.CLOSED:
            clinic.is_active = False
            clinic.save(update_fields=["is_active", "updated_at"])
        elif correction.kind == CorrectionKind.THERAPIES and correction.disciplines:
            ClinicService.objects.filter(clinic=clinic).exclude(discipline__in=correction.disciplines).delete()
            for code in correction.disciplines:
                ClinicService.objects.get_or_create(clinic=clinic, discipline=code)
        correction.state, correction.decided_on = CorrectionState.APPLIED, today
        correction.save(update_fields=["state", "decided_on"])
        confirm_listing(clinic, today)
        log_moderation(moderator_id=staff.pk, model=Correction, object_id=correction.pk, message="Correction applied.")
        directory_changed()  # searches answered before the correction are not served again
    return correction


def dismiss_correction(correction: Correction, *, staff: User) -> Correction:
    with transaction.atomic():
        correction.state, correction.decided_on = CorrectionState.DISMISSED, timezone.now().date()
        correction.save(update_fields=["state", "decided_on"])
        log_moderation(
            moderator_id=staff.pk, model=Correction, object_id=correction.pk, message="Correction dismissed."
        )
    return correction
