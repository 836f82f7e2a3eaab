from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from caretime.core.places import PlaceNotFound, resolve_place
from caretime.core.verdict import Verdict
from caretime.directory.models import Clinic, DisciplineChoices
from caretime.directory.selectors import clinic_for_page
from caretime.reports.bar import BarForm, bar_from_session, save_bar, search_radius
from caretime.reports.forms import CallReportForm, CompareForm
from caretime.reports.letters import letters_for, sms_link
from caretime.reports.ratelimit import take_report_slot
from caretime.reports.script import call_script
from caretime.reports.selectors import alternatives_for, care_time_for, compare_clinics
from caretime.reports.services import record_call_report


def _clinic_and_discipline(clinic_id: int, discipline: str) -> Clinic:
    if discipline not in DisciplineChoices.values:
        raise Http404("No such therapy.")
    clinic = clinic_for_page(clinic_id)
    if clinic is None:
        raise Http404("No clinic with that number.")
    if clinic.disciplines and discipline not in clinic.disciplines:
        raise Http404("This clinic is not listed for that therapy.")
    return clinic


@require_http_methods(["GET", "POST"])
def ask_before_booking(request: HttpRequest, clinic_id: int, discipline: str) -> HttpResponse:
    """The call script for one clinic and therapy, and the form to record what they said."""
    clinic = _clinic_and_discipline(clinic_id, discipline)
    today = timezone.now().date()
    status = 200
    retry_after: int | None = None
    rate_message = ""
    if request.method == "POST":
        form = CallReportForm(request.POST, clinic=clinic, today=today)
        if form.is_valid():
            limited = take_report_slot(request=request, clinic_id=clinic.pk)
            if limited is None:
                report = record_call_report(
                    clinic=clinic,
                    discipline=form.cleaned_data["discipline"],
                    called_in=form.cleaned_data["called_in"],
                    answers=form.answers,
                    note=form.cleaned_data["note"],
                    received_on=today,
                )
                messages.success(request, "Thank you. What the clinic said is recorded and counted below.")
                return redirect("clinic-verdict", clinic_id=clinic.pk, discipline=report.discipline)
            status, retry_after, rate_message = 429, limited.retry_after_seconds, limited.message
        else:
            status = 400
    else:
        form = CallReportForm(
            clinic=clinic, today=today, initial={"discipline": discipline, "called_in": f"{today:%Y-%m}"}
        )
    bar = bar_from_session(request)
    response = render(
        request,
        "reports/ask.html",
        {
            "clinic": clinic,
            "discipline": discipline,
            "discipline_label": DisciplineChoices(discipline).label,
            "script": call_script(bar),
            "form": form,
            "care_time": care_time_for(clinic, discipline, bar, as_of=today),
            "rate_message": rate_message,
        },
        status=status,
    )
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


@require_GET
def clinic_verdict(request: HttpRequest, clinic_id: int, discipline: str) -> HttpResponse:
    """The verdict, its reasons, stated versus reported, and what to do next."""
    clinic = _clinic_and_discipline(clinic_id, discipline)
    today = timezone.now().date()
    bar = bar_from_session(request)
    care_time = care_time_for(clinic, discipline, bar, as_of=today)
    verdict = care_time.assessment.verdict
    alternatives = None
    if verdict != Verdict.GOOD:
        alternatives = alternatives_for(
            clinic=clinic, discipline=discipline, bar=bar, radius_miles=search_radius(request), as_of=today
        )
    letters = letters_for(clinic, discipline, care_time.assessment)
    return render(
        request,
        "reports/verdict.html",
        {
            "clinic": clinic,
            "discipline": discipline,
            "discipline_label": DisciplineChoices(discipline).label,
            "care_time": care_time,
            "alternatives": alternatives,
            "not_interested": letters["not-interested"],
            "not_interested_sms": sms_link(clinic, letters["not-interested"]),
            "script": call_script(bar),
            "bar_form": BarForm.for_bar(bar, request.get_full_path()),
        },
    )


@require_GET
def clinic_letters(request: HttpRequest, clinic_id: int, discipline: str) -> HttpResponse:
    """Messages and request letters as plain text to copy, send or print."""
    clinic = _clinic_and_discipline(clinic_id, discipline)
    bar = bar_from_session(request)
    care_time = care_time_for(clinic, discipline, bar, as_of=timezone.now().date())
    letters = letters_for(clinic, discipline, care_time.assessment)
    chosen = request.GET.get("print")
    if chosen is not None:
        if chosen not in letters:
            raise Http404("No such letter.")
        return render(request, "reports/letter_print.html", {"clinic": clinic, "letter": letters[chosen]})
    return render(
        request,
        "reports/letters.html",
        {
            "clinic": clinic,
            "discipline": discipline,
            "discipline_label": DisciplineChoices(discipline).label,
            "care_time": care_time,
            "letters": list(letters.values()),
            "sms": sms_link(clinic, letters["not-interested"]),
        },
    )


@require_POST
def set_bar(request: HttpRequest) -> HttpResponse:
    """Keep the person's bar in their session and go back to where they were."""
    form = BarForm(request.POST)
    next_url = request.POST.get("next") or reverse("home")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("home")
    if not form.is_valid():
        return render(request, "reports/bar_error.html", {"bar_form": form, "next_url": next_url}, status=400)
    save_bar(request, form.to_bar())
    return redirect(next_url)


@require_GET
def compare(request: HttpRequest) -> HttpResponse:
    """2 to 4 clinics side by side under the person's bar."""
    form = CompareForm(request.GET)
    if not form.is_valid():
        return render(request, "reports/compare.html", {"form": form}, status=400)
    discipline = form.cleaned_data["discipline"] or DisciplineChoices.PHYSICAL_THERAPY.value
    center = None
    place_label = ""
    if form.cleaned_data["near"]:
        try:
            place = resolve_place(form.cleaned_data["near"])
            center, place_label = place.point, place.label
        except PlaceNotFound:
            center = None
    bar = bar_from_session(request)
    compared = compare_clinics(
        form.cleaned_data["clinic"], discipline=discipline, bar=bar, as_of=timezone.now().date(), center=center
    )
    if len(compared) < 2:
        form.add_error("clinic", "Some of those clinics do not exist; choose 2 to 4 clinics from a search.")
        return render(request, "reports/compare.html", {"form": form}, status=400)
    return render(
        request,
        "reports/compare.html",
        {
            "form": form,
            "compared": compared,
            "discipline": discipline,
            "discipline_label": DisciplineChoices(discipline).label,
            "place_label": place_label,
            "bar_form": BarForm.for_bar(bar, request.get_full_path()),
            "disciplines": DisciplineChoices.choices,
        },
    )
