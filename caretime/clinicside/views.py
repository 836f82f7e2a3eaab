"""Claiming a clinic's listing: choose where the code goes, then enter it. (What a claimant
then states, uploads and answers changes evidence, so those pages stand above the sources:
``caretime.verdicts.clinic_side``.)"""

from __future__ import annotations

from typing import cast

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from caretime.clinicside import claims
from caretime.clinicside.forms import ClaimForm, CodeForm
from caretime.clinicside.models import Claim, ClaimState
from caretime.core.refusal import Refused
from caretime.directory.shortcuts import clinic_or_404
from caretime.shared.limits import RateLimited


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
            for field, message in refused.problems.items():
                form.add_error(field or None, message)
            return render(request, "clinicside/claim.html", context, status=refused.status)
        if isinstance(sent, RateLimited):
            response = render(request, "clinicside/claim.html", {**context, "limited": sent.message}, status=429)
            response["Retry-After"] = str(sent.retry_after_seconds)
            return response
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
