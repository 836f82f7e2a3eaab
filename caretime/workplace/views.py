"""The worker report form. It runs without an account and keeps nothing of the request: no
session, no address, no time of day (see docs/privacy.md, "Clinicians' reports")."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from caretime.core.workplace import MIN_CLINICIAN_REPORTS
from caretime.directory.models import DisciplineChoices
from caretime.directory.shortcuts import clinic_and_discipline
from caretime.workplace.browser import browser_cap, count_unverified
from caretime.workplace.forms import WorkerReportForm
from caretime.workplace.selectors import workplaces
from caretime.workplace.services import (
    WorkerReportRefused,
    WorkerSubmission,
    submit_worker_report,
)


@require_http_methods(["GET", "POST"])
def worker_report(request: HttpRequest, clinic_id: int, discipline: str) -> HttpResponse:
    clinic = clinic_and_discipline(clinic_id, discipline)
    today = timezone.now().date()
    status = 200
    form = WorkerReportForm(request.POST or None, discipline=discipline, today=today)
    if request.method == "POST":
        status = 400
        if form.is_valid():
            without_npi = not form.cleaned_data["npi"]
            capped = browser_cap(request, today) if without_npi else None
            if capped is not None:
                form.add_error(None, capped.message)
                status = 429
            else:
                submission = WorkerSubmission(
                    clinic=clinic,
                    discipline=discipline,
                    role=form.chosen_role,
                    experience_year=form.cleaned_data["experience_year"],
                    answers=form.answers,
                    npi=form.cleaned_data["npi"],
                )
                try:
                    submit_worker_report(submission, today=today)
                except WorkerReportRefused as refused:
                    for field, message in refused.problems.items():
                        form.add_error(field if field in form.fields else None, message)
                    status = refused.status
                else:
                    # The same thanks whether the NPI matched the roster or not, and whether the
                    # report was stored, held or a repeat: see caretime.workplace.services.
                    messages.success(
                        request,
                        ngettext(
                            "Thank you. Your report is received. It is published in the batch after this month, "
                            "once at least %(min)d report about this clinic is waiting, in a random order and "
                            "only as ranges. Nothing that identifies you is kept.",
                            "Thank you. Your report is received. It is published in the batch after this month, "
                            "once at least %(min)d reports about this clinic are waiting, in a random order and "
                            "only as ranges. Nothing that identifies you is kept.",
                            MIN_CLINICIAN_REPORTS,
                        )
                        % {"min": MIN_CLINICIAN_REPORTS},
                    )
                    response = redirect(f"{reverse('clinic-detail', args=[clinic.pk])}#workplace-{discipline}")
                    if without_npi:
                        count_unverified(request, response, today)
                    return response
    return render(
        request,
        "workplace/worker_report.html",
        {
            "clinic": clinic,
            "discipline": discipline,
            "discipline_label": _(DisciplineChoices(discipline).label),
            "form": form,
            "workplace": workplaces([clinic.pk], discipline).get((clinic.pk, discipline)),
            "min_reporters": MIN_CLINICIAN_REPORTS,
        },
        status=status,
    )
