"""Writes for reports: storing call and visit reports under the rules of which reports count,
the Care Time sums of the visit reports that count (``keep_care_time``, called by the derived
tables' one mechanism, ``caretime.verdicts.actions``), and a moderator's decision on held
reports.

Both kinds of report share the clinic-wide limits (``_arrive``): reports about one clinic
from everyone together, and the burst rule. Nothing here reads whether a report is
favourable."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Count, F, Max, Q
from django.db.models.functions import Greatest
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from caretime.core.calls import NOTE_MAX_CHARS, CallAnswers, Contradiction, contradictions
from caretime.core.care_time import (
    MAX_OTHER_PATIENTS,
    MINUTE_BINS,
    MINUTE_STEP,
    PATIENT_REPORT_WEIGHT,
    VISITS_PER_REPORTER_PER_MONTH,
    CareTimeSums,
    VisitFacts,
    WholeTime,
    contribution,
    growth,
)
from caretime.core.care_time import visit_contradictions as find_visit_contradictions
from caretime.core.evidence import (
    BURST_REPORTS_PER_HOUR,
    REPEAT_WINDOW_DAYS,
    Standing,
    month_problem,
    standing_on_arrival,
)
from caretime.directory.models import Clinic
from caretime.reports.models import (
    VISIT_COLUMNS,
    CallReport,
    ClinicCareTime,
    ModerationDecision,
    RegionCareTime,
    ReportArrival,
    ReporterSighting,
    VisitReport,
    facts_from_row,
)
from caretime.shared.bulk_rows import write_rows
from caretime.shared.limits import (
    ACCOUNT_REPORTS_PER_DAY,
    CLINIC_REPORTS_FROM_EVERYONE_PER_DAY,
    LimitReached,
    RateLimited,
    admit,
    reporter_key,
    take_report_slot,
)

# Why a report is held, as the moderators' log records it: either of the two rules.
BURST_RULE = (
    f"burst: more than {BURST_REPORTS_PER_HOUR} reports about one clinic within an hour, or more than "
    f"{CLINIC_REPORTS_FROM_EVERYONE_PER_DAY.allowed} within 24 hours"
)
_DAY = timedelta(days=1)
_HOUR = timedelta(hours=1)


class ContradictoryAnswers(ValueError):
    def __init__(self, found: list[Contradiction]) -> None:
        super().__init__(" ".join(c.message for c in found))
        self.contradictions = found


class ReportRefused(ValueError):
    """A report that cannot be taken as given (a month out of range, a therapy not offered)."""


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def _arrivals_today(clinic_id: int, now: datetime) -> list[datetime]:
    return list(
        ReportArrival.objects.filter(
            clinic_id=clinic_id, arrived_at__gt=CLINIC_REPORTS_FROM_EVERYONE_PER_DAY.since(now)
        ).values_list("arrived_at", flat=True)
    )


def account_key(account: User, clinic_id: int) -> str:
    """A keyed hash of the account and the clinic, for the repeat window of calls."""
    return salted_hmac("caretime.reports.account", f"{account.pk}:{clinic_id}").hexdigest()[:32]


def _lock_clinic(clinic_id: int) -> None:
    """One writer per clinic at a time, until the transaction ends (SQLite already runs one
    writing transaction at a time)."""
    list(Clinic.objects.select_for_update().filter(pk=clinic_id).order_by().values_list("pk"))


def _arrive(
    clinic: Clinic, moment: datetime, *, repeat: bool, account: User | None = None, clinic_locked: bool = False
) -> Standing:
    """Inside the writing transaction: lock the clinic (unless the caller holds its lock
    already), apply the account's daily limit, the clinic's daily cap and the burst rule (both
    hold, never refuse) to any kind of report, and log the arrival. Returns the new report's
    standing."""
    # One writer per clinic at a time, so that the counts below are exact.
    if not clinic_locked:
        _lock_clinic(clinic.pk)
    if account is not None:
        # One writer per account at a time too: two reports of one account about two clinics,
        # sent together, would otherwise both pass a count made before either was stored.
        list(User.objects.select_for_update().filter(pk=account.pk).values_list("pk"))
        full = _account_limit(account, moment)
        if full is not None:
            raise LimitReached(full)
    ReportArrival.objects.filter(arrived_at__lte=moment - _DAY).delete()
    arrivals = _arrivals_today(clinic.pk, moment)
    ReportArrival.objects.create(clinic=clinic, arrived_at=moment.replace(second=0, microsecond=0))
    return standing_on_arrival(
        repeat=repeat,
        arrivals_in_the_last_hour=sum(1 for arrived in arrivals if arrived > moment - _HOUR),
        past_the_clinic_cap=admit(CLINIC_REPORTS_FROM_EVERYONE_PER_DAY, arrivals, moment) is not None,
    )


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
    account: User | None = None,
    now: datetime | None = None,
    is_demo: bool = False,
) -> CallReport:
    """Store what a clinic said on a call, with its standing: counted, a repeat from the same
    connection, or held because it arrived during a burst. Only the month of the call and the
    day it arrived are kept on the report. ``reporter_key`` is a keyed hash of the connection
    and this clinic; the report never stores it. A signed-in caller's repeats are told by
    their account instead, whatever connection they use.

    Raises ContradictoryAnswers or ReportRefused for answers that cannot be taken, and
    LimitReached when the account has sent all the reports it may today.
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
    if not clinic.offers(discipline):
        raise ReportRefused(f"This clinic is listed for {', '.join(clinic.disciplines)}, not {discipline}.")
    with transaction.atomic():
        key = account_key(account, clinic.pk) if account is not None else reporter_key
        standing = _arrive(clinic, moment, repeat=_is_repeat(clinic, key, today), account=account)
        report = CallReport.from_answers(
            answers,
            clinic=clinic,
            discipline=discipline,
            called_in=first_of_month(called_in),
            note=note.strip(),
            received_on=today,
            is_demo=is_demo,
            standing=standing.value,
            account=account,
        )
        report.save()
    return report


def _account_limit(account: User | None, now: datetime) -> RateLimited | None:
    """The account's own daily limit, counted from the stored reports (exact under the account's
    lock, see ``_arrive``)."""
    if account is None:
        return None
    today = now.date()
    # Both kinds in one statement: every statement of a write is a round trip.
    calls = CallReport.objects.filter(account=account, received_on=today).order_by().values("pk")
    visits = VisitReport.objects.filter(account=account, received_on=today).order_by().values("pk")
    return admit(ACCOUNT_REPORTS_PER_DAY, calls.union(visits, all=True).count(), now)


def _limits(request: HttpRequest, clinic: Clinic, account: User | None) -> RateLimited | None:
    """The limits a person's report passes before it is stored: the account's (read first, so
    that a refusal uses up none of the connection's slots), then the connection's. The clinic's
    daily cap refuses nothing: past it, reports are held (``_arrive``)."""
    return _account_limit(account, timezone.now()) or take_report_slot(request=request, clinic_id=clinic.pk)


def submit_call_report(
    *,
    request: HttpRequest,
    clinic: Clinic,
    discipline: str,
    called_in: date,
    answers: CallAnswers,
    note: str,
    account: User | None = None,
) -> CallReport | RateLimited:
    """A report someone sent through the form or the API: the limits, then the report stored
    with its standing. A refusal writes nothing and says how long to wait."""
    refused = _limits(request, clinic, account)
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
            account=account,
        )
    except LimitReached as limit:  # the account's day filled up since the first read
        return limit.refused


# --- visit reports and the Care Time sums ---------------------------------------------------


class DuplicateReport(ValueError):
    """The same person already sent this very report."""

    def __init__(self, existing: VisitReport) -> None:
        super().__init__("You have already sent this report; it is on your reports page.")
        self.existing = existing


def record_visit_report(
    *,
    account: User | None,
    clinic: Clinic,
    discipline: str,
    visited_in: date,
    facts: VisitFacts,
    from_timer: bool = False,
    now: datetime | None = None,
    is_demo: bool = False,
) -> VisitReport:
    """Store a patient's report of a visit with its standing, and add it to the clinic's Care
    Time sums when it counts. Beyond ``VISITS_PER_REPORTER_PER_MONTH`` counted visits of one
    person to one clinic in a month, a report is a repeat: stored, not counted. A report from a
    connected person is stored and counts nowhere.

    Raises ContradictoryAnswers, ReportRefused, DuplicateReport or LimitReached.
    """
    moment = now or timezone.now()
    today = moment.date()
    found = find_visit_contradictions(facts)
    if found:
        raise ContradictoryAnswers(found)
    month = first_of_month(visited_in)
    problem = month_problem(month, today, of="visit")
    if problem:
        raise ReportRefused(problem)
    if not clinic.offers(discipline):
        raise ReportRefused(f"This clinic is listed for {', '.join(clinic.disciplines)}, not {discipline}.")
    if account is None and not is_demo:
        raise ReportRefused("Sign in with a verified e-mail address to report a visit.")
    # No savepoint of its own: the action around it (``caretime.verdicts.actions``) has one,
    # and each is two more round trips.
    with transaction.atomic(savepoint=False):
        _lock_clinic(clinic.pk)
        counted_this_month = 0
        if account is not None:
            # The person's reports of this clinic, therapy and month, read once for both rules.
            for existing in VisitReport.objects.filter(
                account=account, clinic=clinic, discipline=discipline, visited_in=month
            ):
                if existing.received_on >= today - _DAY and existing.facts == facts:
                    raise DuplicateReport(existing)
                counted_this_month += existing.standing == Standing.COUNTED.value
        standing = _arrive(
            clinic,
            moment,
            repeat=counted_this_month >= VISITS_PER_REPORTER_PER_MONTH,
            account=account,
            clinic_locked=True,
        )
        report = VisitReport.from_facts(
            facts,
            account=account,
            clinic=clinic,
            discipline=discipline,
            visited_in=month,
            from_timer=from_timer,
            is_demo=is_demo,
            received_on=today,
            standing=standing.value,
        )
        report.save()
    return report


def submit_visit_report(
    *,
    request: HttpRequest,
    account: User,
    clinic: Clinic,
    discipline: str,
    visited_in: date,
    facts: VisitFacts,
    from_timer: bool = False,
) -> VisitReport | RateLimited:
    """A visit report sent through the form or the API, under the same limits as a call."""
    refused = _limits(request, clinic, account)
    if refused is not None:
        return refused
    try:
        return record_visit_report(
            account=account,
            clinic=clinic,
            discipline=discipline,
            visited_in=visited_in,
            facts=facts,
            from_timer=from_timer,
        )
    except LimitReached as limit:
        return limit.refused


def delete_visit_report(report: VisitReport) -> VisitReport | None:
    """Delete a report; returns it as it was (None when it was gone already), for the derived
    tables to take it out of their sums (``caretime.verdicts.actions``)."""
    with transaction.atomic():
        Clinic.objects.select_for_update().filter(pk=report.clinic_id).first()
        current = VisitReport.objects.filter(pk=report.pk).first()
        if current is None:
            return None
        current.delete()
    return current


def delete_call_report(report: CallReport) -> None:
    report.delete()


def keep_care_time(report: VisitReport, *, step: int) -> None:
    """Add a visit report that was filed or released (``step`` 1) to the Care Time sums, or take
    one that was deleted (-1) out of them: inside the caller's transaction with the clinic
    locked. A report that counts nowhere changes nothing but the count of connected reports."""
    if report.counts:
        _update_care_time(report, add=step > 0)
    elif report.connected:
        _count_connected(report, step)


def _count_connected(report: VisitReport, step: int) -> None:
    """Reports from connected people count nowhere, but the clinic page says how many there are."""
    ClinicCareTime.objects.get_or_create(clinic_id=report.clinic_id, discipline=report.discipline)
    ClinicCareTime.objects.filter(clinic_id=report.clinic_id, discipline=report.discipline).update(
        connected_reports=Greatest(F("connected_reports") + step, 0)
    )


# Every this many region rows (by id), the therapy's rows are folded into one per state.
FOLD_EVERY = 32


def _update_care_time(report: VisitReport, *, add: bool) -> None:
    """Add a counted report to (or take it out of) its clinic's and state's sums, inside the
    caller's transaction with the clinic locked: four statements (the clinic's row, whether
    the person counts already, the row written, the state's row added), never a re-read of all
    reports (except the newest month when the newest report goes)."""
    visited_in, facts = facts_from_row(tuple(getattr(report, column) for column in VISIT_COLUMNS))
    part = contribution(facts, visited_in=visited_in)
    sign = 1.0 if add else -1.0
    # The caller holds the clinic's lock, so nobody else creates this row meanwhile.
    row = ClinicCareTime.objects.select_for_update().filter(
        clinic_id=report.clinic_id, discipline=report.discipline
    ).first() or ClinicCareTime(clinic_id=report.clinic_id, discipline=report.discipline)
    others = VisitReport.objects.filter(
        clinic_id=report.clinic_id, discipline=report.discipline, standing=Standing.COUNTED.value, connected=False
    )
    if report.pk is not None:  # a deleted report has none, and is no longer among the others
        others = others.exclude(pk=report.pk)
    # A person counts once however many of their visits count, and once among the people who
    # gave minutes (the sample of the minutes figures); reports without an account (demo
    # ones) stand for themselves.
    counted_before = gave_minutes_before = False
    if report.account_id is not None:
        mine = others.filter(account_id=report.account_id).aggregate(
            counted=Count("pk"), gave_minutes=Count("pk", filter=Q(therapist_minutes__isnull=False))
        )
        counted_before, gave_minutes_before = mine["counted"] > 0, mine["gave_minutes"] > 0
    first_to_give_minutes = facts.gave_minutes and not gave_minutes_before
    step = 1 if add else -1
    row.reporters = max(0, row.reporters + (0 if counted_before else step))
    row.minutes_reporters = max(0, row.minutes_reporters + (step if first_to_give_minutes else 0))
    row.reports = max(0, row.reports + step)
    if add:
        row.newest = max(row.newest or visited_in, visited_in)
    elif row.newest == visited_in:
        row.newest = others.aggregate(newest=Max("visited_in"))["newest"]
    sums = row.sums
    sums.add(part, sign)
    row.set_sums(sums.clamped() if row.reports else CareTimeSums())
    row.save()
    # The state's sums: a row of the report's own, which locks nothing another report needs.
    region = RegionCareTime(state=report.clinic.state, discipline=report.discipline)
    region.set_sums(part.scaled(sign))
    region.save()
    if region.pk % FOLD_EVERY == 0:
        _fold_region_rows(report.discipline)


def _fold_region_rows(discipline: str) -> None:
    """Replace a therapy's region rows with one per state, their sum, so that reading the
    nation's sums stays a read of a few dozen rows. Two folds at once lock the rows in one
    order (the later waits, then folds what is left); reports filed meanwhile only add rows."""
    rows = list(RegionCareTime.objects.select_for_update().filter(discipline=discipline).order_by("pk"))
    summed: dict[str, CareTimeSums] = {}
    for row in rows:
        summed.setdefault(row.state, CareTimeSums()).add(row.sums)
    RegionCareTime.objects.filter(pk__in=[row.pk for row in rows]).delete()
    RegionCareTime.objects.bulk_create(_region_row(state, discipline, sums) for state, sums in summed.items())


def _region_row(state: str, discipline: str, sums: CareTimeSums) -> RegionCareTime:
    row = RegionCareTime(state=state, discipline=discipline)
    row.set_sums(sums.clamped())
    return row


def rebuild_care_time() -> int:
    """Recompute every clinic's and region's Care Time sums from the reports themselves, for
    after a restore or a bulk change. Counting happens in the database, one GROUP BY by clinic,
    therapy and month (every report of a month weighs the same); only those groups are scaled
    here. Returns the number of clinic rows written."""
    counted = VisitReport.objects.filter(standing=Standing.COUNTED.value, connected=False)
    clinic_sums: dict[tuple[int, str], CareTimeSums] = {}
    newest: dict[tuple[int, str], date] = {}
    reports: dict[tuple[int, str], int] = {}
    for row in counted.values("clinic_id", "discipline", "visited_in").annotate(**_INDICATORS).order_by():
        key = (row["clinic_id"], row["discipline"])
        sums = clinic_sums.setdefault(key, CareTimeSums())
        sums.add(_indicator_sums(row), growth(row["visited_in"]))
        newest[key] = max(newest.get(key, row["visited_in"]), row["visited_in"])
        reports[key] = reports.get(key, 0) + row["n"]
    gave_minutes = Q(therapist_minutes__isnull=False)
    people: dict[tuple[int, str], tuple[int, int]] = {
        (row["clinic_id"], row["discipline"]): (
            row["accounts"] + row["without_account"],
            row["minutes_accounts"] + row["minutes_without_account"],
        )
        for row in counted.values("clinic_id", "discipline")
        .annotate(
            accounts=Count("account_id", distinct=True),
            without_account=Count("pk", filter=Q(account=None)),
            minutes_accounts=Count("account_id", distinct=True, filter=gave_minutes),
            minutes_without_account=Count("pk", filter=Q(account=None) & gave_minutes),
        )
        .order_by()
    }
    connected = {
        (row["clinic_id"], row["discipline"]): row["n"]
        for row in VisitReport.objects.filter(connected=True)
        .values("clinic_id", "discipline")
        .annotate(n=Count("pk"))
        .order_by()
    }
    # Every clinic's state: the whole directory in one read beats an id list this long.
    states = dict(Clinic.objects.order_by().values_list("pk", "state"))
    regions: dict[tuple[str, str], CareTimeSums] = {}
    clinic_rows: list[tuple[Any, ...]] = []
    for key in {*clinic_sums, *connected}:
        clinic_id, discipline = key
        sums = clinic_sums.get(key, CareTimeSums())
        reporters, minutes_reporters = people.get(key, (0, 0))
        clinic_rows.append(
            (
                clinic_id,
                discipline,
                reporters,
                minutes_reporters,
                reports.get(key, 0),
                newest.get(key),
                connected.get(key, 0),
                *_sums_values(sums),
            )
        )
        regions.setdefault((states[clinic_id], discipline), CareTimeSums()).add(sums)
    with transaction.atomic():
        ClinicCareTime.objects.all().delete()
        RegionCareTime.objects.all().delete()
        # Plain rows, not bulk_create: preparing every value through its field was most of a rebuild.
        write_rows(ClinicCareTime._meta.db_table, _CLINIC_COLUMNS, clinic_rows)
        write_rows(
            RegionCareTime._meta.db_table,
            ("state", "discipline", *_SUMS_COLUMNS),
            ((state, discipline, *_sums_values(sums.clamped())) for (state, discipline), sums in regions.items()),
        )
    return len(clinic_rows)


_SUMS_COLUMNS = ("weight", "minutes", "whole_known", "whole_one_on_one", "shared", "aide_led")
_CLINIC_COLUMNS = (
    "clinic_id",
    "discipline",
    "reporters",
    "minutes_reporters",
    "reports",
    "newest",
    "connected_reports",
    *_SUMS_COLUMNS,
)


def _sums_values(sums: CareTimeSums) -> tuple[float, list[float], float, float, list[float], float]:
    """The values of ``_SUMS_COLUMNS``, as ``CareTimeSumsFields.set_sums`` stores them."""
    return (sums.weight, list(sums.minutes), sums.whole_known, sums.whole_one_on_one, list(sums.shared), sums.aide_led)


def _bin_filter(index: int) -> Q:
    """Reports whose one-on-one minutes fall in the step ``index`` (see ``minute_bin``)."""
    low = index * MINUTE_STEP - MINUTE_STEP // 2
    condition = Q(therapist_minutes__gte=max(0, low))
    if index < MINUTE_BINS - 1:
        condition &= Q(therapist_minutes__lt=low + MINUTE_STEP)
    return condition


# Counts per group of one clinic, therapy and month; the same indicators as ``contribution``.
_INDICATORS: dict[str, Count] = {
    "n": Count("pk"),
    **{f"bin{index}": Count("pk", filter=_bin_filter(index)) for index in range(MINUTE_BINS)},
    "whole_known": Count("pk", filter=Q(other_patients__gt=0) | ~Q(whole_time=WholeTime.NOT_SURE.value)),
    "whole_one_on_one": Count("pk", filter=Q(other_patients=0, whole_time=WholeTime.YES.value)),
    **{
        f"shared{count}": Count(
            "pk", filter=Q(other_patients=count) if count < MAX_OTHER_PATIENTS else Q(other_patients__gte=count)
        )
        for count in range(1, MAX_OTHER_PATIENTS + 1)
    },
    # A comparison with an unknown (NULL) minutes figure is never true, as ``aide_led`` is None.
    "aide_led": Count("pk", filter=Q(aide_minutes__gt=F("therapist_minutes"))),
}


def _indicator_sums(row: dict[str, Any]) -> CareTimeSums:
    return CareTimeSums(
        weight=row["n"] * PATIENT_REPORT_WEIGHT,
        minutes=[row[f"bin{index}"] * PATIENT_REPORT_WEIGHT for index in range(MINUTE_BINS)],
        whole_known=row["whole_known"] * PATIENT_REPORT_WEIGHT,
        whole_one_on_one=row["whole_one_on_one"] * PATIENT_REPORT_WEIGHT,
        shared=[row[f"shared{count}"] * PATIENT_REPORT_WEIGHT for count in range(1, MAX_OTHER_PATIENTS + 1)],
        aide_led=row["aide_led"] * PATIENT_REPORT_WEIGHT,
    )


def decide_held_reports(
    *,
    reports: Iterable[CallReport | VisitReport],
    release: bool,
    moderator_id: int,
    now: datetime | None = None,
) -> list[CallReport | VisitReport]:
    """Release (count from now on) or reject held reports, logging each decision. Reports that
    are not held are left alone. Returns the reports decided, as they are now, for the derived
    tables to follow (``caretime.verdicts.actions``)."""
    moment = now or timezone.now()
    decided: list[CallReport | VisitReport] = []
    with transaction.atomic():
        for report in reports:
            Clinic.objects.select_for_update().filter(pk=report.clinic_id).first()
            held = type(report).objects.select_for_update().filter(pk=report.pk, standing=Standing.HELD).first()
            if held is None:
                continue
            held.standing = (Standing.COUNTED if release else Standing.REJECTED).value
            held.save(update_fields=["standing"])
            ModerationDecision.objects.create(
                report=held if isinstance(held, CallReport) else None,
                visit_report=held if isinstance(held, VisitReport) else None,
                decision=ModerationDecision.Decision.RELEASED if release else ModerationDecision.Decision.REJECTED,
                rule=BURST_RULE,
                moderator_id=moderator_id,
                decided_at=moment,
            )
            decided.append(held)
    return decided
