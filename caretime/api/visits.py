"""Visit reports and Care Time profiles as JSON: the after-the-visit flow of the site.

Filing, listing and deleting one's visit reports needs a signed-in person (a personal API
token, or the browser session with its CSRF token) with a verified e-mail address; the
profile is public. Checks and error shapes are the call reports'.
"""

from __future__ import annotations

from typing import Literal

from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema, Status

from caretime.accounts.auth import TokenOrSessionAuth, has_verified_email
from caretime.api.caching import evidence_version, no_store, not_modified
from caretime.api.errors import (
    CLINIC_NOT_FOUND,
    CONTRADICTORY,
    CSRF_FAILED,
    EMAIL_NOT_VERIFIED,
    INVALID_INPUT,
    INVALID_MONTH,
    INVALID_TOKEN,
    NOT_OFFERED,
    RATE_LIMITED,
    REPORT_REFUSED,
    UNAUTHENTICATED,
    ApiError,
    Refusal,
    reads,
    writes,
)
from caretime.api.reports import (
    DisciplineCode,
    VerdictOut,
    checked_month,
    ensure_offered,
    get_clinic,
    refuse_contradictions,
    verdict_out,
)
from caretime.api.types import StrictBody, Text
from caretime.core.calls import MAX_MINUTES
from caretime.core.care_time import MAX_OTHER_PATIENTS, RANGE_SHARE, CareTimeProfile, VisitFacts, VisitKind, WholeTime
from caretime.core.care_time import visit_contradictions as find_contradictions
from caretime.core.verdict import Bar
from caretime.reports.models import VisitReport
from caretime.reports.selectors import care_time_profiles
from caretime.reports.services import DuplicateReport, ReportRefused
from caretime.shared.limits import RateLimited
from caretime.verdicts.actions import delete_visit_report, submit_visit_report
from caretime.verdicts.selectors import care_time_for

router = Router(tags=["after the visit"])
signed_in = TokenOrSessionAuth()

DUPLICATE_REPORT = Refusal(
    409, "duplicate_report", "The same report was sent before.", "You already reported this visit."
)
REPORT_NOT_FOUND = Refusal(
    404, "not_found", "None of the person's reports has this id.", "You have no visit report with the id 7."
)


class VisitReportIn(StrictBody):
    discipline: DisciplineCode
    visited_in: Text = Field(..., max_length=10, description="Month of the visit, YYYY-MM. Only the month is kept.")
    visit_kind: Literal["first", "follow_up_early", "follow_up_later"] = Field(
        description="first: the evaluation; follow_up_early: the 2nd to 5th visit; follow_up_later: the 6th or later."
    )
    scheduled_minutes: int | None = Field(None, ge=0, le=MAX_MINUTES, description="Booked length of the visit.")
    therapist_minutes: int | None = Field(
        ...,
        ge=0,
        le=MAX_MINUTES,
        description="Minutes one-on-one with a licensed therapist; null when the patient does not know them. "
        "The other answers still count; the minutes figures count only reports that gave minutes.",
    )
    aide_minutes: int | None = Field(
        0,
        ge=0,
        le=MAX_MINUTES,
        description="Minutes with an aide or technician, or alone on equipment; null (not known) only with "
        "therapist_minutes null.",
    )
    other_patients: int = Field(
        ...,
        ge=0,
        le=MAX_OTHER_PATIENTS,
        description="Other patients the therapist treated during the visit; 3: 3 or more.",
    )
    whole_time: Literal["yes", "no", "not_sure"] = Field(
        description="Was the therapist with the patient for the whole time they were treated?"
    )
    connected: bool = Field(
        description="True when the reporter is staff, family or owner of the clinic: stored, shown as such, never counted."
    )
    from_timer: bool = Field(False, description="Filled in from the visit timer.")

    def facts(self) -> VisitFacts:
        return VisitFacts(
            visit_kind=VisitKind(self.visit_kind),
            scheduled_minutes=self.scheduled_minutes,
            therapist_minutes=self.therapist_minutes,
            aide_minutes=self.aide_minutes,
            other_patients=self.other_patients,
            whole_time=WholeTime(self.whole_time),
            connected=self.connected,
        )


class VisitReportOut(Schema):
    id: int
    clinic_id: int
    discipline: DisciplineCode
    visited_in: str
    summary: str
    connected: bool
    standing: Literal["counted", "repeat", "held", "rejected"] = Field(
        description="counted; repeat: the person already has 2 counted visits to this clinic that month, stored, "
        "not counted; held: arrived in a burst or past the clinic's daily cap, counted only if a moderator releases it; rejected by a moderator."
    )
    url: str


class VisitReportCreated(VisitReportOut):
    verdict: VerdictOut


class CareTimeQuery(Schema):
    discipline: DisciplineCode


class CareTimeOut(Schema):
    clinic_id: int
    discipline: DisciplineCode
    reporters: int = Field(description="Different people whose visit reports count.")
    minutes_reporters: int = Field(
        description="Of them, the people who gave minutes with the therapist: the sample of typical_minutes, "
        "range_minutes and aide_led_share."
    )
    reports: int = Field(description="Visit reports that count.")
    newest_month: str | None
    connected_reports: int = Field(description="Reports from people connected to the clinic: shown, never counted.")
    shows_figures: bool = Field(description="True from 3 different people on; before, every figure is null.")
    typical_minutes: int | None = Field(
        description="Median one-on-one minutes with the therapist per visit; null until 3 different people gave minutes."
    )
    range_minutes: list[int] | None = Field(description="The range holding the middle share of reported visits.")
    range_share: float = Field(description="The share of reported visits inside range_minutes (0.8).")
    whole_one_on_one_share: float | None = Field(description="Share of visits one-on-one for the whole time.")
    shared_share: float | None = Field(description="Share of visits with other patients treated at the same time.")
    shared_counts: list[float] | None = Field(description="Share of visits with 1, 2, and 3 or more other patients.")
    aide_led_share: float | None = Field(
        description="Share of the visits that gave minutes that were mostly with an aide or alone on equipment; "
        "null until 3 different people gave minutes."
    )
    pulled_toward: Literal["state", "national", "none"] = Field(
        description="What the figures are shrunk toward: the state's or the nation's reports for this therapy."
    )
    methodology_url: str
    is_demo: bool


def _person(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    if not isinstance(user, User):  # the operation's auth lets no one else through
        raise ApiError(401, "unauthenticated", gettext("Send your API token, or log in first."))
    if not has_verified_email(user):
        raise ApiError(403, "email_not_verified", gettext("Verify your e-mail address before you report a visit."))
    return user


def _out(report: VisitReport) -> VisitReportOut:
    return VisitReportOut(
        id=report.pk,
        clinic_id=report.clinic_id,
        discipline=report.discipline,  # type: ignore[arg-type]
        visited_in=f"{report.visited_in:%Y-%m}",
        summary=report.summary,
        connected=report.connected,
        standing=report.standing,  # type: ignore[arg-type]
        url=reverse("clinic-verdict", args=[report.clinic_id, report.discipline]),
    )


@router.post(
    "/clinics/{clinic_id}/visit-reports",
    **writes(
        {201: VisitReportCreated},
        INVALID_INPUT,
        NOT_OFFERED,
        INVALID_MONTH,
        CONTRADICTORY,
        REPORT_REFUSED,
        UNAUTHENTICATED,
        INVALID_TOKEN,
        CSRF_FAILED,
        EMAIL_NOT_VERIFIED,
        CLINIC_NOT_FOUND,
        DUPLICATE_REPORT,
        RATE_LIMITED,
    ),
    auth=signed_in,
    summary="Report what a visit was really like",
)
def create_visit_report(request: HttpRequest, clinic_id: int, report: VisitReportIn) -> Status[VisitReportCreated]:
    """Needs a personal API token (Authorization: Bearer) or the browser session with its CSRF
    token, and a verified e-mail address. The limits of call reports apply (429 with
    Retry-After), and at most 10 reports a day per account. The same report sent twice is a
    409. Minutes with the therapist and with an aide together cannot be more than the visit."""
    person = _person(request)
    clinic = get_clinic(clinic_id)
    ensure_offered(clinic, report.discipline)
    today = timezone.now().date()
    visited_in = checked_month(report.visited_in, "visited_in", today=today, of="visit")
    facts = report.facts()
    refuse_contradictions(find_contradictions(facts))
    try:
        saved = submit_visit_report(
            request=request,
            account=person,
            clinic=clinic,
            discipline=report.discipline,
            visited_in=visited_in,
            facts=facts,
            from_timer=report.from_timer,
        )
    except DuplicateReport as duplicate:
        raise ApiError(409, "duplicate_report", str(duplicate)) from duplicate
    except ReportRefused as refused:
        raise ApiError(400, "invalid_input", str(refused), replaces="report_refused") from refused
    if isinstance(saved, RateLimited):
        raise ApiError(429, "rate_limited", saved.message, headers={"Retry-After": str(saved.retry_after_seconds)})
    care_time = care_time_for(clinic, report.discipline, Bar(), as_of=today)
    return Status(
        201,
        VisitReportCreated(
            **_out(saved).dict(),
            verdict=verdict_out(clinic, report.discipline, care_time.assessment, under_review=care_time.under_review),
        ),
    )


@router.get(
    "/me/visit-reports",
    **reads({200: list[VisitReportOut]}, UNAUTHENTICATED, INVALID_TOKEN),
    auth=signed_in,
    summary="Your own visit reports",
)
def my_visit_reports(request: HttpRequest, response: HttpResponse) -> list[VisitReportOut]:
    """Only the signed-in person's reports, newest visit first."""
    no_store(response)
    user = request.auth  # type: ignore[attr-defined]
    return [_out(report) for report in VisitReport.objects.filter(account=user)]


@router.delete(
    "/me/visit-reports/{report_id}",
    **writes({204: None}, INVALID_INPUT, UNAUTHENTICATED, INVALID_TOKEN, CSRF_FAILED, REPORT_NOT_FOUND),
    auth=signed_in,
    summary="Delete one of your visit reports",
)
def delete_my_visit_report(request: HttpRequest, report_id: int) -> Status[None]:
    """Another person's report, or one that does not exist, is a 404 alike."""
    user = request.auth  # type: ignore[attr-defined]
    report = VisitReport.objects.filter(pk=report_id, account=user).first()
    if report is None:
        raise Http404(gettext("You have no visit report with the id %(id)s.") % {"id": report_id})
    delete_visit_report(report)
    return Status(204, None)


def _profile_out(clinic_id: int, discipline: str, profile: CareTimeProfile | None, is_demo: bool) -> CareTimeOut:
    p = profile or CareTimeProfile(reporters=0, reports=0, newest=None, weight=0.0)
    return CareTimeOut(
        clinic_id=clinic_id,
        discipline=discipline,  # type: ignore[arg-type]
        reporters=p.reporters,
        minutes_reporters=p.minutes_reporters,
        reports=p.reports,
        newest_month=f"{p.newest:%Y-%m}" if p.newest else None,
        connected_reports=p.connected,
        shows_figures=p.shows_figures,
        typical_minutes=p.typical_minutes,
        range_minutes=[p.low_minutes, p.high_minutes]
        if p.low_minutes is not None and p.high_minutes is not None
        else None,
        range_share=RANGE_SHARE,
        whole_one_on_one_share=_rounded(p.whole_one_on_one_share),
        shared_share=_rounded(p.shared_share),
        shared_counts=[round(v, 3) for v in p.shared_counts] if p.shared_counts is not None else None,
        aide_led_share=_rounded(p.aide_led_share),
        pulled_toward=p.prior or "none",  # type: ignore[arg-type]
        methodology_url=reverse("methodology") + "#care-time-profile",
        is_demo=is_demo,
    )


def _rounded(share: float | None) -> float | None:
    return None if share is None else round(share, 3)


@router.get(
    "/clinics/{clinic_id}/care-time",
    **reads({200: CareTimeOut}, INVALID_INPUT, NOT_OFFERED, CLINIC_NOT_FOUND, conditional=True),
    summary="A clinic's Care Time profile",
)
def get_care_time(
    request: HttpRequest, response: HttpResponse, clinic_id: int, query: Query[CareTimeQuery]
) -> CareTimeOut | HttpResponse:
    """What patients report about their visits, for one therapy. No figure below 3 people."""
    clinic = get_clinic(clinic_id)
    ensure_offered(clinic, query.discipline)
    unchanged = not_modified(request, response, evidence_version())
    if unchanged is not None:
        return unchanged
    profiles = care_time_profiles([clinic.pk], query.discipline, as_of=timezone.now().date())
    return _profile_out(clinic.pk, query.discipline, profiles.get((clinic.pk, query.discipline)), clinic.is_demo)
