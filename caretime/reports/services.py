"""Writes for reports: storing a call report under the rules of which reports count, and a
moderator's decision on held reports."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from caretime.core.calls import NOTE_MAX_CHARS, CallAnswers, Contradiction, contradictions
from caretime.core.evidence import (
    BURST_REPORTS_PER_HOUR,
    CLINIC_REPORTS_PER_DAY,
    REPEAT_WINDOW_DAYS,
    Standing,
    month_problem,
    standing_on_arrival,
)
from caretime.directory.models import Clinic
from caretime.reports.models import CallReport, ModerationDecision, ReportArrival, ReporterSighting
from caretime.reports.ratelimit import RateLimited, duration, reporter_key, take_report_slot

BURST_RULE = f"burst: more than {BURST_REPORTS_PER_HOUR} reports about one clinic within an hour"
_DAY = timedelta(days=1)
_HOUR = timedelta(hours=1)


class ContradictoryAnswers(ValueError):
    def __init__(self, found: list[Contradiction]) -> None:
        super().__init__(" ".join(c.message for c in found))
        self.contradictions = found


class ReportRefused(ValueError):
    """A report that cannot be taken as given (a month out of range, a therapy not offered)."""


class ClinicReportLimit(Exception):
    """The clinic has had as many reports in 24 hours as it takes from everyone together."""

    def __init__(self, refused: RateLimited) -> None:
        super().__init__(refused.message)
        self.refused = refused


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def _arrivals_today(clinic_id: int, now: datetime) -> list[datetime]:
    return sorted(
        ReportArrival.objects.filter(clinic_id=clinic_id, arrived_at__gt=now - _DAY).values_list(
            "arrived_at", flat=True
        )
    )


def _over_the_clinic_limit(arrivals: list[datetime], now: datetime) -> RateLimited | None:
    if len(arrivals) < CLINIC_REPORTS_PER_DAY:
        return None
    # The window slides: a slot opens when the arrival that keeps it full is a day old.
    frees_at = arrivals[len(arrivals) - CLINIC_REPORTS_PER_DAY] + _DAY
    wait = max(1, int((frees_at - now).total_seconds() + 0.999))
    return RateLimited(
        wait,
        f"This clinic has had {CLINIC_REPORTS_PER_DAY} reports in the last 24 hours, the most we take about "
        f"one clinic from everyone together. Please try again in {duration(wait)}.",
    )


def clinic_report_limit(clinic_id: int, *, now: datetime | None = None) -> RateLimited | None:
    """Whether the clinic-wide limit refuses a report now (a read; the write checks again)."""
    moment = now or timezone.now()
    return _over_the_clinic_limit(_arrivals_today(clinic_id, moment), moment)


def _is_repeat(clinic: Clinic, reporter_key: str, today: date) -> bool:
    """Whether this connection already reported this clinic within the repeat window."""
    if not reporter_key:
        return False
    ReporterSighting.objects.filter(first_seen_on__lte=today - timedelta(days=REPEAT_WINDOW_DAYS)).delete()
    _, created = ReporterSighting.objects.get_or_create(
        clinic=clinic, reporter_key=reporter_key, defaults={"first_seen_on": today}
    )
    return not created


def record_call_report(
    *,
    clinic: Clinic,
    discipline: str,
    called_in: date,
    answers: CallAnswers,
    note: str = "",
    reporter_key: str = "",
    now: datetime | None = None,
    is_demo: bool = False,
) -> CallReport:
    """Store what a clinic said on a call, with its standing: counted, a repeat from the same
    connection, or held because it arrived during a burst. Only the month of the call and the
    day it arrived are kept on the report. ``reporter_key`` is a keyed hash of the connection
    and this clinic; the report never stores it.

    Raises ContradictoryAnswers or ReportRefused for answers that cannot be taken, and
    ClinicReportLimit when the clinic has had all the reports it takes in 24 hours.
    """
    moment = now or timezone.now()
    today = moment.date()
    found = contradictions(answers)
    if found:
        raise ContradictoryAnswers(found)
    if len(note) > NOTE_MAX_CHARS:
        raise ReportRefused(f"The note is longer than {NOTE_MAX_CHARS} characters.")
    problem = month_problem(first_of_month(called_in), today)
    if problem:
        raise ReportRefused(problem)
    if clinic.disciplines and discipline not in clinic.disciplines:
        raise ReportRefused(f"This clinic is listed for {', '.join(clinic.disciplines)}, not {discipline}.")
    with transaction.atomic():
        # One writer per clinic at a time, so that the counts below are exact (SQLite already
        # runs one writing transaction at a time).
        Clinic.objects.select_for_update().filter(pk=clinic.pk).first()
        ReportArrival.objects.filter(arrived_at__lte=moment - _DAY).delete()
        arrivals = _arrivals_today(clinic.pk, moment)
        refused = _over_the_clinic_limit(arrivals, moment)
        if refused is not None:
            raise ClinicReportLimit(refused)
        standing = standing_on_arrival(
            repeat=_is_repeat(clinic, reporter_key, today),
            arrivals_in_the_last_hour=sum(1 for moment_ in arrivals if moment_ > moment - _HOUR),
        )
        ReportArrival.objects.create(clinic=clinic, arrived_at=moment.replace(second=0, microsecond=0))
        report = CallReport.from_answers(
            answers,
            clinic=clinic,
            discipline=discipline,
            called_in=first_of_month(called_in),
            note=note.strip(),
            received_on=today,
            is_demo=is_demo,
            standing=standing.value,
        )
        report.save()
    return report


def submit_call_report(
    *, request: HttpRequest, clinic: Clinic, discipline: str, called_in: date, answers: CallAnswers, note: str
) -> CallReport | RateLimited:
    """A report someone sent through the form or the API: the clinic-wide limit (read first, so
    that a refusal uses up none of the connection's slots), the connection's limits, then the
    report stored with its standing. A refusal writes nothing and says how long to wait."""
    refused = clinic_report_limit(clinic.pk) or take_report_slot(request=request, clinic_id=clinic.pk)
    if refused is not None:
        return refused
    try:
        return record_call_report(
            clinic=clinic,
            discipline=discipline,
            called_in=called_in,
            answers=answers,
            note=note,
            reporter_key=reporter_key(request, clinic.pk),
        )
    except ClinicReportLimit as limit:  # filled up since the first read
        return limit.refused


def decide_held_reports(
    *, reports: Iterable[CallReport], release: bool, moderator_id: int, now: datetime | None = None
) -> int:
    """Release (count from now on) or reject held reports, logging each decision. Reports that
    are not held are left alone. Returns how many were decided."""
    moment = now or timezone.now()
    decided = 0
    with transaction.atomic():
        for report in reports:
            held = CallReport.objects.select_for_update().filter(pk=report.pk, standing=Standing.HELD).first()
            if held is None:
                continue
            held.standing = (Standing.COUNTED if release else Standing.REJECTED).value
            held.save(update_fields=["standing"])
            ModerationDecision.objects.create(
                report=held,
                decision=ModerationDecision.Decision.RELEASED if release else ModerationDecision.Decision.REJECTED,
                rule=BURST_RULE,
                moderator_id=moderator_id,
                decided_at=moment,
            )
            decided += 1
    return decided
