"""Claiming a clinic's listing: choose where the code goes, then enter it; reporting a wrong
listing (anyone), and confirming it is right (whoever speaks for the clinic). (What a claimant
then states, uploads and answers changes evidence, so those pages stand above the sources:
``caretime.verdicts.clinic_side``.)"""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from caretime.accounts.auth import signed_in_user
from caretime.clinicside import claims
from caretime.clinicside.corrections import confirm_listing, report_correction
from caretime.clinicside.forms import ClaimForm, CodeForm, CorrectionForm
from caretime.clinicside.models import Claim, ClaimState
from caretime.core.refusal import Refused
from caretime.directory.shortcuts import clinic_or_404
from caretime.shared.limits import RateLimited


def _refused(
    request: HttpRequest, template: str, context: dict[str, object], form: Form, refused: Refused
) -> HttpResponse:
    """The form again, each problem beside its field, the person's answers kept."""
    for field, message in refused.problems.items():
        form.add_error(field or None, message)
    return render(request, template, context, status=refused.status)


def _limited(request: HttpRequest, template: str, context: dict[str, object], limited: RateLimited) -> HttpResponse:
    """The form again with the limit's message, and when the next try is taken."""
    response = render(request, template, {**context, "limited": limited.message}, status=429)
    response["Retry-After"] = str(limited.retry_after_seconds)
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def claim_clinic(request: HttpRequest, clinic_id: int) -> HttpResponse:
    clinic = clinic_or_404(clinic_id)
    account = cast(User, request.user)
    if claims.claim_of(account, clinic) is not None:
        return redirect("clinic-manage", clinic.pk)
    channels = claims.channels_for(clinic)
    form = ClaimForm(request.POST or None, channels=channels)
    context = {"clinic": clinic, "form": form, "claimed": claims.confirmed_claim(clinic) is not None}
    if request.method == "POST" and form.is_valid():
        try:
            sent = claims.request_claim(
                account=account, clinic=clinic, channel=form.cleaned_data["channel"], email=form.cleaned_data["email"]
            )
        except Refused as refused:
            return _refused(request, "clinicside/claim.html", context, form, refused)
        if isinstance(sent, RateLimited):
            return _limited(request, "clinicside/claim.html", context, sent)
        return redirect("claim-code", clinic.pk)
    return render(request, "clinicside/claim.html", context, status=400 if form.errors else 200)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def enter_code(request: HttpRequest, clinic_id: int) -> HttpResponse:
    clinic = clinic_or_404(clinic_id)
    account = cast(User, request.user)
    pending = Claim.objects.filter(clinic=clinic, account=account, state=ClaimState.PENDING).first()
    if pending is None and claims.claim_of(account, clinic):
        return redirect("clinic-manage", clinic.pk)
    form = CodeForm(request.POST or None)
    context = {"clinic": clinic, "form": form, "claim": pending}
    if pending is not None and request.method == "POST" and form.is_valid():
        try:
            claims.confirm_claim(claim=pending, code=form.cleaned_data["code"])
        except Refused as refused:
            for field, message in refused.problems.items():
                form.add_error(field or None, message)
            return render(request, "clinicside/code.html", context, status=refused.status)
        return redirect("clinic-manage", clinic.pk)
    return render(request, "clinicside/code.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def report_wrong_listing(request: HttpRequest, clinic_id: int) -> HttpResponse:
    """Anyone can say a listing is wrong; staff check it before anything changes."""
    clinic = clinic_or_404(clinic_id)
    form = CorrectionForm(request.POST or None)
    context = {"clinic": clinic, "form": form}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sent = report_correction(
                request=request, clinic=clinic, kind=data["kind"], details=data["details"], phone=data["phone"],
                disciplines=tuple(data["disciplines"]), claim=claims.claim_of(signed_in_user(request), clinic),
            )  # fmt: skip
        except Refused as refused:
            return _refused(request, "clinicside/correction.html", context, form, refused)
        if isinstance(sent, RateLimited):
            return _limited(request, "clinicside/correction.html", context, sent)
        messages.success(request, _("Thank you. Our staff will check it before the listing changes."))
        return redirect("clinic-detail", clinic.pk)
    return render(request, "clinicside/correction.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def listing_is_right(request: HttpRequest, clinic_id: int) -> HttpResponse:
    """Whoever speaks for the clinic confirms its listing as it stands."""
    clinic = clinic_or_404(clinic_id)
    if claims.claim_of(cast(User, request.user), clinic) is None:
        return render(request, "verdicts/clinic_manage_refused.html", {"clinic": clinic}, status=403)
    confirm_listing(clinic, timezone.now().date())
    messages.success(request, _("Thank you. The listing now shows it was confirmed today."))
    return redirect("clinic-manage", clinic.pk)
