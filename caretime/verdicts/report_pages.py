"""The pages of the reports source: the call script with the form to record what a clinic said,
the visit timer, the visit report, and the person's own reports. Timing needs no account
(nothing leaves the phone); sending a visit report needs a signed-in person with a verified
e-mail address. They stand here, above the sources, because each shows the clinic's verdict
beside the form (and the person's reports page lists their reviews too)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from caretime.accounts.auth import has_verified_email, signed_in_user
from caretime.core.care_time import VISITS_PER_REPORTER_PER_MONTH
from caretime.core.evidence import Standing
from caretime.directory.models import Clinic, DisciplineChoices
from caretime.directory.shortcuts import clinic_and_discipline
from caretime.reports.forms import CallReportForm, VisitReportForm
from caretime.reports.models import CallReport, VisitReport
from caretime.reports.script import call_script
from caretime.reports.services import DuplicateReport, ReportRefused
from caretime.reviews.models import Review
from caretime.shared.limits import RateLimited
from caretime.verdicts.actions import delete_call_report, delete_visit_report, submit_call_report, submit_visit_report
from caretime.verdicts.bar import bar_from_session, clinic_page_url, search_context
from caretime.verdicts.selectors import care_time_for

_RECORDED = {
    Standing.COUNTED: gettext_lazy("Thank you. What the clinic said is recorded and counted below."),
    Standing.REPEAT: gettext_lazy(
        "Thank you. What the clinic said is recorded. A report from this connection about this clinic "
        "already counts from the last 30 days, so this one is kept but not counted again."
    ),
    Standing.HELD: gettext_lazy(
        "Thank you. What the clinic said is recorded. This clinic has had unusually many reports in the "
        "last hour, so new ones wait for a moderator before they count."
    ),
}


@require_http_methods(["GET", "POST"])
def ask_before_booking(request: HttpRequest, clinic_id: int, discipline: str) -> HttpResponse:
    """The call script for one clinic and therapy, and the form to record what they said."""
    clinic = clinic_and_discipline(clinic_id, discipline)
    today = timezone.now().date()
    status = 200
    refused: RateLimited | None = None
    if request.method == "POST":
        form = CallReportForm(request.POST, clinic=clinic, today=today)
        if form.is_valid():
            try:
                sent = submit_call_report(
                    request=request,
                    clinic=clinic,
                    discipline=form.cleaned_data["discipline"],
                    called_in=form.cleaned_data["called_in"],
                    answers=form.answers,
                    note=form.cleaned_data["note"],
                    account=request.user if isinstance(request.user, User) else None,
                )
            except ReportRefused as problem:
                form.add_error(None, str(problem))
            else:
                if isinstance(sent, RateLimited):
                    refused = sent
                else:
                    messages.success(request, str(_RECORDED[Standing(sent.standing)]))
                    remember_call(request, sent)
                    return redirect(clinic_page_url(clinic.pk, sent.discipline, request) + "#what-you-were-told")
        status = 429 if refused is not None else 400
    else:
        form = CallReportForm(
            clinic=clinic, today=today, initial={"discipline": discipline, "called_in": f"{today:%Y-%m}"}
        )
    bar = bar_from_session(request)
    response = render(
        request,
        "verdicts/ask.html",
        {
            "clinic": clinic,
            "discipline": discipline,
            "discipline_label": _(DisciplineChoices(discipline).label),
            "script": call_script(bar),
            "form": form,
            "care_time": care_time_for(clinic, discipline, bar, as_of=today),
            "rate_message": refused.message if refused else "",
            "origin_query": search_context(request, discipline=discipline),
        },
        status=status,
    )
    if refused is not None:
        response["Retry-After"] = str(refused.retry_after_seconds)
    return response


# The person's own last call, kept in their session so that the clinic page can show them what
# they were told, judged against their bar, before the clinic's overall picture. Only its id is
# kept: deleting the report (on "My reports", or by a moderator) makes it vanish from the page.
LAST_CALL_KEY = "caretime.last_call"


def remember_call(request: HttpRequest, report: CallReport) -> None:
    request.session[LAST_CALL_KEY] = report.pk


def last_call(request: HttpRequest, clinic: Clinic, discipline: str) -> CallReport | None:
    """The call this person recorded last, if it was about this clinic and therapy."""
    report_id = request.session.get(LAST_CALL_KEY)
    if not isinstance(report_id, int):
        return None
    return CallReport.objects.filter(pk=report_id, clinic=clinic, discipline=discipline).first()


@require_GET
def visit_timer(request: HttpRequest, clinic_id: int, discipline: str) -> HttpResponse:
    """A page for the phone during the visit; everything it counts stays on the phone until the
    person opens the report form with it."""
    clinic = clinic_and_discipline(clinic_id, discipline)
    return render(
        request,
        "verdicts/visit_timer.html",
        {
            "clinic": clinic,
            "discipline": discipline,
            "discipline_label": _(DisciplineChoices(discipline).label),
            "report_url": _with_query(reverse("visit-report", args=[clinic.pk, discipline]), search_context(request)),
        },
    )


def _with_query(url: str, query: str) -> str:
    return f"{url}?{query}" if query else url


def _recorded_message(report: VisitReport) -> str:
    if report.connected:
        return _(
            "Thank you. Your report is stored and shown as from someone connected to the clinic; it counts in no score."
        )
    if report.standing == Standing.REPEAT:
        return ngettext(
            "Thank you. You have already reported %(count)d visit to this clinic in that month, the most that "
            "counts; this one is stored and kept on your reports page, but not counted.",
            "Thank you. You have already reported %(count)d visits to this clinic in that month, the most that "
            "count; this one is stored and kept on your reports page, but not counted.",
            VISITS_PER_REPORTER_PER_MONTH,
        ) % {"count": VISITS_PER_REPORTER_PER_MONTH}
    if report.standing == Standing.HELD:
        return _(
            "Thank you. Many reports about this clinic arrived within an hour, so yours waits for a moderator "
            "before it counts. Nobody reads whether it is favourable."
        )
    return _("Thank you. Your visit report counts from now on in this clinic's Care Time and verdict.")


@require_http_methods(["GET", "POST"])
def visit_report(request: HttpRequest, clinic_id: int, discipline: str) -> HttpResponse:
    """The visit report form. Anyone can see it; sending it needs a verified e-mail address."""
    clinic = clinic_and_discipline(clinic_id, discipline)
    today = timezone.now().date()
    user = signed_in_user(request)
    sender = user if user is not None and has_verified_email(user) else None
    status = 200
    refused: RateLimited | None = None
    if request.method == "POST":
        form = VisitReportForm(request.POST, clinic=clinic, today=today)
        if sender is None:
            form.is_valid()  # keep what was typed, with its own errors
            form.add_error(None, _("Sign in with a verified e-mail address to send a visit report."))
            status = 403
        elif form.is_valid():
            try:
                sent = submit_visit_report(
                    request=request,
                    account=sender,
                    clinic=clinic,
                    discipline=form.cleaned_data["discipline"],
                    visited_in=form.cleaned_data["visited_in"],
                    facts=form.facts,
                    from_timer=form.cleaned_data["from_timer"],
                )
            except (ReportRefused, DuplicateReport) as problem:
                form.add_error(None, str(problem))
                status = 409 if isinstance(problem, DuplicateReport) else 400
            else:
                if isinstance(sent, RateLimited):
                    refused = sent
                    status = 429
                else:
                    messages.success(request, _recorded_message(sent))
                    return redirect(clinic_page_url(clinic.pk, sent.discipline, request))
        else:
            status = 400
    else:
        form = VisitReportForm(
            clinic=clinic, today=today, initial={"discipline": discipline, "visited_in": f"{today:%Y-%m}"}
        )
    here = request.get_full_path()
    response = render(
        request,
        "verdicts/visit_report.html",
        {
            "clinic": clinic,
            "discipline": discipline,
            "discipline_label": _(DisciplineChoices(discipline).label),
            "form": form,
            "can_send": sender is not None,
            "signed_in": user is not None,
            "sign_in_url": f"{reverse('account_login')}?{urlencode({'next': here})}",
            "verify_url": reverse("account_email"),
            "care_time": care_time_for(clinic, discipline, bar_from_session(request), as_of=today),
            "rate_message": refused.message if refused else "",
            "origin_query": search_context(request, discipline=discipline),
        },
        status=status,
    )
    if refused is not None:
        response["Retry-After"] = str(refused.retry_after_seconds)
    return response


@login_required
@require_GET
def my_reports(request: HttpRequest) -> HttpResponse:
    """The person's own reports, each with a delete button. Only they see this page."""
    visits = VisitReport.objects.filter(account_id=request.user.pk).select_related("clinic")
    calls = CallReport.objects.filter(account_id=request.user.pk).select_related("clinic")
    reviews = Review.objects.filter(account_id=request.user.pk).select_related("clinic")
    return render(request, "verdicts/my_reports.html", {"visits": visits, "calls": calls, "reviews": reviews})


@login_required
@require_POST
def delete_my_report(request: HttpRequest, kind: str, report_id: int) -> HttpResponse:
    """Delete one of the person's own reports; anyone else's is a 404, as if it did not exist."""
    if kind == "visit":
        delete_visit_report(get_object_or_404(VisitReport, pk=report_id, account_id=request.user.pk))
    elif kind == "call":
        delete_call_report(get_object_or_404(CallReport, pk=report_id, account_id=request.user.pk))
    else:
        raise Http404("No such kind of report.")
    messages.success(request, _("Your report is deleted. It no longer counts anywhere."))
    return redirect("my-reports")
