"""Call reports, verdicts and alternatives: the "ask before you book" flow as JSON."""

from __future__ import annotations

from datetime import date
from typing import Literal

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext
from ninja import Field, Query, Router, Schema, Status

from caretime.accounts.auth import api_user, token_sent
from caretime.api.caching import evidence_version, not_modified
from caretime.api.errors import (
    AMBIGUOUS_PLACE,
    CLINIC_NOT_FOUND,
    CONTRADICTORY,
    INVALID_INPUT,
    INVALID_MONTH,
    INVALID_TOKEN,
    NOT_OFFERED,
    RATE_LIMITED,
    REPORT_REFUSED,
    UNKNOWN_PLACE,
    ApiError,
    invalid_token,
    reads,
    writes,
)
from caretime.api.places import resolve_near
from caretime.api.types import StrictBody, Text
from caretime.core.calls import (
    MAX_MINUTES,
    MAX_OTHER_PATIENTS,
    NOTE_MAX_CHARS,
    CallAnswers,
    Care,
    Contradiction,
    FollowUpBy,
    Visits,
)
from caretime.core.calls import contradictions as find_contradictions
from caretime.core.evidence import EvidenceSource, month_problem, parse_month
from caretime.core.verdict import DEFAULT_BAR_MINUTES, MAX_BAR_MINUTES, MIN_BAR_MINUTES, Assessment, Bar, SourceTally
from caretime.directory.forms import DEFAULT_RADIUS_MILES, MAX_RADIUS_MILES, MIN_RADIUS_MILES
from caretime.directory.models import Clinic
from caretime.directory.selectors import clinic_for_page
from caretime.directory.shortcuts import listed_clinic
from caretime.reports.services import ReportRefused
from caretime.shared.kept_everywhere import KeptEverywhere
from caretime.shared.limits import RateLimited
from caretime.verdicts.actions import submit_call_report
from caretime.verdicts.kept_answers import made_of
from caretime.verdicts.selectors import alternatives_for, care_time_for, verdict_for

router = Router(tags=["ask before you book"])

DisciplineCode = Literal["pt", "ot", "slp"]


class CallReportIn(StrictBody):
    discipline: DisciplineCode
    called_in: Text = Field(..., max_length=10, description="Month of the call, YYYY-MM. Only the month is kept.")
    therapist_minutes: int | None = Field(
        None, ge=0, le=MAX_MINUTES, description="Minutes with the therapist per visit; null with minutes_withheld."
    )
    minutes_withheld: bool = Field(False, description="True when the clinic would not say how many minutes.")
    care: Literal["one_on_one", "shared", "not_said"]
    other_patients: int | None = Field(
        None, ge=0, le=MAX_OTHER_PATIENTS, description="When shared: other patients treated at the same time."
    )
    visits: Literal["every_visit", "first_visit_only", "not_said"]
    follow_up_by: Literal["therapist", "assistant", "aide", "not_said"]
    visit_length_minutes: int | None = Field(None, ge=0, le=MAX_MINUTES, description="Scheduled length of a visit.")
    note: Text = Field("", max_length=NOTE_MAX_CHARS, description="Kept private until notes are screened.")

    def answers(self) -> CallAnswers:
        return CallAnswers(
            therapist_minutes=self.therapist_minutes,
            minutes_withheld=self.minutes_withheld,
            care=Care(self.care),
            other_patients=self.other_patients,
            visits=Visits(self.visits),
            follow_up_by=FollowUpBy(self.follow_up_by),
            visit_length_minutes=self.visit_length_minutes,
        )


class BarQuery(Schema):
    discipline: DisciplineCode
    min_minutes: int = Field(
        DEFAULT_BAR_MINUTES, ge=MIN_BAR_MINUTES, le=MAX_BAR_MINUTES, description="Minimum one-on-one minutes."
    )
    every_visit: bool = Field(True, description="One-on-one on every visit required.")

    def bar(self) -> Bar:
        return Bar(self.min_minutes, self.every_visit)


class AlternativesQuery(BarQuery):
    radius_miles: int = Field(DEFAULT_RADIUS_MILES, ge=MIN_RADIUS_MILES, le=MAX_RADIUS_MILES)
    near: Text | None = Field(
        None, max_length=100, description='The person\'s place (ZIP or "City, ST"); default: the clinic itself.'
    )
    include_unknown: bool = Field(
        False, description="Also list clinics of which not enough is known and nothing speaks against them."
    )


# The API's one name for each kind of evidence: a patient's report of a visit is a visit report,
# as its address (/visit-reports) says. Older names stay for one version (docs/api.md).
_OLD_SOURCE_NAMES = {EvidenceSource.PATIENT_REPORT: "patient_report"}
SOURCE_NAMES = {source: source.value for source in EvidenceSource} | {EvidenceSource.PATIENT_REPORT: "visit_report"}
DEPRECATED = "Deprecated: {what}; removed in the next API version."


def evidence_by_source(counts: tuple[tuple[EvidenceSource, int], ...]) -> dict[str, int]:
    return {SOURCE_NAMES[source]: count for source, count in counts}


def old_evidence_counts(counts: tuple[tuple[EvidenceSource, int], ...]) -> dict[str, int]:
    return {source.value: count for source, count in counts}


class TallyOut(Schema):
    source: str = Field(description="call, visit_report, worker_report, declared_policy or billing.")
    deprecated_source: str | None = Field(
        None,
        description=DEPRECATED.format(what="the older name of `source` (patient_report), where it had another one"),
    )
    reports: int
    newest_month: str
    claims_year: int | None = Field(
        None, description="Billing only: the year of the newest claims, by which billing evidence is dated."
    )


class ReasonOut(Schema):
    question: Literal["time", "sharing", "every_visit"]
    effect: Literal["avoid", "good", "open", "note"]
    text: str
    conflicting: bool
    supporting: list[TallyOut]
    contrary: list[TallyOut]


class BarOut(Schema):
    min_minutes: int
    every_visit: bool


StatusCode = Literal["meets_bar", "mill_signs", "below_bar", "reports_disagree", "not_enough_known"]


class VerdictOut(Schema):
    clinic_id: int
    discipline: DisciplineCode
    verdict: Literal["good", "unknown", "avoid"]
    status: StatusCode = Field(description="What the person should do next; see status_label and next_step.")
    status_label: str
    next_step: str
    early_signal: bool = Field(description="True when the verdict rests on one person's report.")
    reporters: int = Field(description="Reports from people behind the verdict (billing data is not a person).")
    under_review: bool = Field(
        description="True while held reports (a burst, or past the daily cap) wait for a moderator."
    )
    reasons: list[ReasonOut]
    evidence_by_source: dict[str, int] = Field(
        description="Items of evidence behind the verdict per source: call, visit_report, worker_report, billing."
    )
    evidence_counts: dict[str, int] = Field(
        description=DEPRECATED.format(what="evidence_by_source under older names (patient_report for visit_report)")
    )
    newest_month: str | None
    bar: BarOut
    is_demo: bool
    url: str


class CallReportOut(Schema):
    id: int
    clinic_id: int
    discipline: DisciplineCode
    called_in: str
    summary: str
    standing: Literal["counted", "repeat", "held"] = Field(
        description="counted; repeat: this client already reported the clinic within 30 days, stored, not "
        "counted; held: arrived in a burst or past the clinic's daily cap, counted only if a moderator releases it."
    )
    verdict: VerdictOut


class AlternativeOut(Schema):
    clinic_id: int
    name: str
    distance_miles: float
    verdict: Literal["good", "unknown", "avoid"]
    status: StatusCode
    early_signal: bool
    evidence_by_source: dict[str, int]
    evidence_counts: dict[str, int] = Field(description=DEPRECATED.format(what="evidence_by_source under older names"))
    is_demo: bool
    url: str


class AlternativesOut(Schema):
    clinic_id: int
    discipline: DisciplineCode
    radius_miles: int
    distances_from: str = Field(description='The place the distances are measured from, or "clinic".')
    include_unknown: bool
    unknown_available: int = Field(description="Clinics with nothing known against them, listed with include_unknown.")
    items: list[AlternativeOut]


def _tally(tally: SourceTally) -> TallyOut:
    # Billing is dated on the last day of its claims year only so that it ages; its date is the year.
    claims_year = tally.newest.year if tally.source == EvidenceSource.BILLING else None
    return TallyOut(
        source=SOURCE_NAMES[tally.source],
        deprecated_source=_OLD_SOURCE_NAMES.get(tally.source),
        reports=tally.reports,
        newest_month=f"{tally.newest:%Y-%m}",
        claims_year=claims_year,
    )


def verdict_out(clinic: Clinic, discipline: str, assessment: Assessment, *, under_review: bool) -> VerdictOut:
    return VerdictOut(
        clinic_id=clinic.pk,
        discipline=discipline,  # type: ignore[arg-type]
        verdict=assessment.verdict.value,
        status=assessment.status.value,
        status_label=gettext(assessment.status.label),
        next_step=gettext(assessment.status.next_step),
        early_signal=assessment.early_signal,
        reporters=assessment.reporters,
        under_review=under_review,
        reasons=[
            ReasonOut(
                question=r.question.value,
                effect=r.effect.value,
                text=r.text,
                conflicting=r.conflicting,
                supporting=[_tally(t) for t in r.supporting],
                contrary=[_tally(t) for t in r.contrary],
            )
            for r in assessment.reasons
        ],
        evidence_by_source=evidence_by_source(assessment.evidence_counts),
        evidence_counts=old_evidence_counts(assessment.evidence_counts),
        newest_month=f"{assessment.newest:%Y-%m}" if assessment.newest else None,
        bar=BarOut(min_minutes=assessment.bar.min_one_on_one_minutes, every_visit=assessment.bar.every_visit_required),
        is_demo=clinic.is_demo,
        url=reverse("clinic-verdict", args=[clinic.pk, discipline]),
    )


def get_clinic(clinic_id: int) -> Clinic:
    clinic = clinic_for_page(clinic_id)
    if clinic is None:
        raise Http404(gettext("No clinic has the id %(id)s.") % {"id": clinic_id})
    return clinic


def ensure_offered(clinic: Clinic, discipline: str) -> None:
    if not clinic.offers(discipline):
        offered = ", ".join(clinic.disciplines)
        raise ApiError(
            400,
            "discipline_not_offered",
            gettext("This clinic is listed for %(offered)s, not %(discipline)s.")
            % {"offered": offered, "discipline": discipline},
            fields=["discipline"],
        )


def checked_month(text: str, field: str, *, today: date, of: str) -> date:
    """The month of a report (``of`` a "call" or a "visit"), or a 400 naming the field."""
    month = parse_month(text)
    if month is None:
        raise ApiError(
            400,
            "invalid_input",
            gettext("%(field)s must be a month written YYYY-MM, e.g. 2026-11.") % {"field": field},
            fields=[field],
            replaces="invalid_month",
        )
    problem = month_problem(month, today, of=of)
    if problem:
        raise ApiError(400, "invalid_input", problem, fields=[field], replaces="invalid_month")
    return month


def refuse_contradictions(found: list[Contradiction]) -> None:
    """A 400 naming every field of answers that cannot all be true."""
    if found:
        fields = list(dict.fromkeys(name for c in found for name in c.fields))
        raise ApiError(
            400, "invalid_input", " ".join(c.message for c in found), fields=fields, replaces="contradictory_answers"
        )


@router.post(
    "/clinics/{clinic_id}/call-reports",
    **writes(
        {201: CallReportOut},
        INVALID_INPUT,
        NOT_OFFERED,
        INVALID_MONTH,
        CONTRADICTORY,
        REPORT_REFUSED,
        INVALID_TOKEN,
        CLINIC_NOT_FOUND,
        RATE_LIMITED,
    ),
    summary="Record what a clinic said on a call",
)
def create_call_report(request: HttpRequest, clinic_id: int, report: CallReportIn) -> Status[CallReportOut]:
    """No account needed. At most 10 reports in any hour per client and 3 per clinic per client in
    any 24 hours (429 with Retry-After). Impossible combinations are refused naming the fields that
    disagree. A second report from the same client about the same clinic within 30 days is stored
    but not counted; reports beyond 3 an hour, or beyond 10 a day from all clients together, on one
    clinic are held for a moderator (``standing`` says which). Sent with a personal API token (or the
    signed-in session and its CSRF token), the report is kept with the account: its owner can
    delete it, and their repeated calls about a clinic count once. The answer includes the clinic's verdict
    under the default bar (45 minutes, every visit); GET .../verdict gives it under any bar. A
    token that does not work is a 401 (``invalid_token``), never a report filed without it."""
    account = api_user(request)
    if account is None and token_sent(request):
        raise invalid_token()
    clinic = get_clinic(clinic_id)
    ensure_offered(clinic, report.discipline)
    today = timezone.now().date()
    called_in = checked_month(report.called_in, "called_in", today=today, of="call")
    answers = report.answers()
    refuse_contradictions(find_contradictions(answers))
    try:
        saved = submit_call_report(
            request=request,
            clinic=clinic,
            discipline=report.discipline,
            called_in=called_in,
            answers=answers,
            note=report.note,
            account=account,
        )
    except ReportRefused as refused:
        raise ApiError(400, "invalid_input", str(refused), replaces="report_refused") from refused
    if isinstance(saved, RateLimited):
        raise ApiError(429, "rate_limited", saved.message, headers={"Retry-After": str(saved.retry_after_seconds)})
    care_time = care_time_for(clinic, report.discipline, Bar(), as_of=today)
    return Status(
        201,
        CallReportOut(
            id=saved.pk,
            clinic_id=clinic.pk,
            discipline=report.discipline,
            called_in=f"{saved.called_in:%Y-%m}",
            summary=saved.summary,
            standing=saved.standing,  # type: ignore[arg-type]
            verdict=verdict_out(clinic, report.discipline, care_time.assessment, under_review=care_time.under_review),
        ),
    )


# The verdict API's answers, each made once and kept for every worker
# (``caretime.shared.kept_everywhere``), under what they are made of
# (``caretime.verdicts.kept_answers``) and the language of their labels: nothing is
# invalidated, and nothing of the person asking is in a key. A few kilobytes each.
VERDICTS_KEPT = 10_000
kept_verdicts: KeptEverywhere[VerdictOut] = KeptEverywhere("verdicts", VERDICTS_KEPT)


@router.get(
    "/clinics/{clinic_id}/verdict",
    **reads({200: VerdictOut}, INVALID_INPUT, NOT_OFFERED, CLINIC_NOT_FOUND, conditional=True),
    summary="Verdict for a clinic, therapy and bar",
)
def get_verdict(
    request: HttpRequest, response: HttpResponse, clinic_id: int, query: Query[BarQuery]
) -> VerdictOut | HttpResponse:
    """A therapy the clinic is not listed for is a 400, as for a report."""
    today = timezone.now().date()
    bar = query.bar()
    key = (made_of(clinic_id, query.discipline, bar, today), get_language())
    version = evidence_version()  # of the generation the key was just read with
    answer = kept_verdicts.get(key)
    if answer is None:
        clinic = listed_clinic(clinic_id)  # one query: its services and plans from the directory index
        if clinic is None:
            raise Http404(gettext("No clinic has the id %(id)s.") % {"id": clinic_id})
        ensure_offered(clinic, query.discipline)
        unchanged = not_modified(request, response, version)
        if unchanged is not None:
            return unchanged
        assessment, under_review = verdict_for(clinic, query.discipline, bar, as_of=today)
        answer = verdict_out(clinic, query.discipline, assessment, under_review=under_review)
        kept_verdicts.put(key, answer)
        return answer
    # Kept: the clinic was found, offering the therapy, in this directory generation.
    unchanged = not_modified(request, response, version)
    return answer if unchanged is None else unchanged


@router.get(
    "/clinics/{clinic_id}/alternatives",
    **reads(
        {200: AlternativesOut},
        INVALID_INPUT,
        NOT_OFFERED,
        AMBIGUOUS_PLACE,
        UNKNOWN_PLACE,
        CLINIC_NOT_FOUND,
    ),
    summary="Nearest clinics that meet the bar instead",
)
def get_alternatives(request: HttpRequest, clinic_id: int, query: Query[AlternativesQuery]) -> AlternativesOut:
    """Clinics that meet the bar within the radius of ``near`` (or of the clinic), settled
    verdicts first, then nearest; with include_unknown, then clinics of which not enough is
    known and nothing speaks against them."""
    clinic = get_clinic(clinic_id)
    ensure_offered(clinic, query.discipline)
    origin = None
    if query.near:
        place = resolve_near(query.near, old_not_found_code="place_not_found")
        origin = (place.point, place.label)
    found = alternatives_for(
        clinic=clinic,
        discipline=query.discipline,
        bar=query.bar(),
        radius_miles=float(query.radius_miles),
        as_of=timezone.now().date(),
        origin=origin,
        include_unknown=query.include_unknown,
    )
    return AlternativesOut(
        clinic_id=clinic.pk,
        discipline=query.discipline,
        radius_miles=query.radius_miles,
        distances_from=found.from_place or "clinic",
        include_unknown=found.include_unknown,
        unknown_available=found.unknown_available,
        items=[
            AlternativeOut(
                clinic_id=alt.clinic.pk,
                name=alt.clinic.name,
                distance_miles=round(alt.distance_miles, 2),
                verdict=alt.assessment.verdict.value,
                status=alt.assessment.status.value,
                early_signal=alt.assessment.early_signal,
                evidence_by_source=evidence_by_source(alt.assessment.evidence_counts),
                evidence_counts=old_evidence_counts(alt.assessment.evidence_counts),
                is_demo=alt.clinic.is_demo,
                url=reverse("clinic-verdict", args=[alt.clinic.pk, query.discipline]),
            )
            for alt in found.items
        ],
    )
